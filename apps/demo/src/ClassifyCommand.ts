/**
 * `orch classify "<prompt>"`: the task router's classification of a prompt (type, calibrated confidence, the
 * payload it found and the strongest features behind the decision); `orch classify --file FILE.jsonl`: the router's
 * evaluation on a labelled file (accuracy, per-type precision and recall, the confusion matrix, coverage).
 */
import { classifySync, formatEvaluation, splitPrompt, taskTypes } from "@orch/task-router"
import { evaluateFile, readLabelledFile } from "./ClassifyEvaluation.ts"
import { parseCommandArguments, promptOf, stringFlag } from "./CommandLine.ts"
import { ExitCode } from "./ExitCode.ts"
import type { Terminal } from "./Terminal.ts"

/** The usage of `orch classify`. */
export const classifyUsage = `orch classify "<prompt>" | --file FILE.jsonl [--json]
  Prints the task type, its confidence and the strongest features behind it.
  FILE.jsonl: one {"prompt": ..., "label": <task type>, "uncertain"?: true} a line; prints accuracy, per-type
  precision and recall, the confusion matrix, and coverage above the confidence threshold.`

/** Run `orch classify`. */
export const classifyCommand = async (args: ReadonlyArray<string>, terminal: Terminal): Promise<number> => {
  const parsed = parseCommandArguments("classify", args, { file: { type: "string", short: "f" }, json: { type: "boolean" } })
  if (parsed.values["help"] === true) { terminal.stdout.write(`${classifyUsage}\n`); return ExitCode.Ok }
  const json = parsed.values["json"] === true
  const file = stringFlag(parsed, "file")
  if (file !== undefined) {
    const { classifications: _classifications, ...evaluation } = evaluateFile(readLabelledFile(file))
    terminal.stdout.write(json ? `${JSON.stringify(evaluation)}\n` : `${formatEvaluation({ ...evaluation, classifications: [] })}\n`)
    return ExitCode.Ok
  }
  const prompt = promptOf("classify", parsed)
  const classification = classifySync(prompt)
  const payloads = [...new Set(splitPrompt(prompt).payloads.map((payload) => payload.kind))]
  if (json) {
    terminal.stdout.write(`${JSON.stringify({
      taskType: classification.taskType,
      confidence: classification.confidence,
      classifiedBy: classification.classifiedBy,
      scores: classification.scores,
      payloads,
      features: classification.signals.map((s) => ({ name: s.name, type: s.type, weight: Number(s.weight.toFixed(3)) })),
      signals: classification.signals.map((s) => s.name)
    })}\n`)
    return ExitCode.Ok
  }
  const runnerUp = taskTypes.filter((type) => type !== classification.taskType).sort((a, b) => classification.scores[b] - classification.scores[a])[0]
  terminal.stdout.write(`${classification.taskType} (confidence ${classification.confidence.toFixed(2)}, by ${classification.classifiedBy})\n`)
  if (runnerUp !== undefined) terminal.stdout.write(`runner-up: ${runnerUp} (${classification.scores[runnerUp].toFixed(2)})\n`)
  terminal.stdout.write(`payload: ${payloads.length > 0 ? payloads.join(", ") : "none"}\n`)
  const strongest = classification.signals
  if (strongest.length > 0) {
    terminal.stdout.write("strongest features (push towards the type, learned weight x value):\n")
    for (const feature of strongest) terminal.stdout.write(`  ${feature.weight >= 0 ? "+" : ""}${feature.weight.toFixed(2)}  ${feature.type.padEnd(20)} ${feature.name}\n`)
  }
  return ExitCode.Ok
}
