/**
 * `orch classify "<prompt>"`: the task router's classification of a prompt (type, confidence, the signals that
 * fired); `orch classify --file FILE.jsonl`: the router's evaluation on a labelled file.
 */
import { classifySync } from "@orch/task-router"
import { evaluateClassifier, readLabelledFile } from "./ClassifyEvaluation.ts"
import { parseCommandArguments, promptOf, stringFlag } from "./CommandLine.ts"
import { ExitCode } from "./ExitCode.ts"
import { renderTable } from "./Table.ts"
import type { Terminal } from "./Terminal.ts"

/** The usage of `orch classify`. */
export const classifyUsage = `orch classify "<prompt>" | --file FILE.jsonl [--json]
  FILE.jsonl: one {"prompt": ..., "label": <task type>, "uncertain"?: true} a line; prints precision, recall and accuracy.`

const ratio = (value: number | null): string => (value === null ? "-" : value.toFixed(3))

/** Run `orch classify`. */
export const classifyCommand = async (args: ReadonlyArray<string>, terminal: Terminal): Promise<number> => {
  const parsed = parseCommandArguments("classify", args, { file: { type: "string", short: "f" }, json: { type: "boolean" } })
  if (parsed.values["help"] === true) { terminal.stdout.write(`${classifyUsage}\n`); return ExitCode.Ok }
  const json = parsed.values["json"] === true
  const file = stringFlag(parsed, "file")
  if (file !== undefined) {
    const evaluation = evaluateClassifier(readLabelledFile(file))
    if (json) { terminal.stdout.write(`${JSON.stringify(evaluation)}\n`); return ExitCode.Ok }
    terminal.stdout.write(`${renderTable(["task type", "precision", "recall", "support"], evaluation.perType.map((t) => [t.taskType, ratio(t.precision), ratio(t.recall), t.support]))}\n\n`)
    terminal.stdout.write(`accuracy=${evaluation.accuracy.toFixed(3)} correct=${evaluation.correct} total=${evaluation.total} certain_accuracy=${ratio(evaluation.certainAccuracy)} certain_total=${evaluation.certainTotal}\n`)
    return ExitCode.Ok
  }
  const classification = classifySync(promptOf("classify", parsed))
  if (json) {
    terminal.stdout.write(`${JSON.stringify({ taskType: classification.taskType, confidence: classification.confidence, classifiedBy: classification.classifiedBy, signals: classification.signals.map((s) => s.name) })}\n`)
    return ExitCode.Ok
  }
  terminal.stdout.write(`${classification.taskType} (confidence ${classification.confidence.toFixed(2)}, by ${classification.classifiedBy})\n`)
  const fired = classification.signals.slice(0, 6).map((s) => `${s.name} (${s.type})`)
  if (fired.length > 0) terminal.stdout.write(`signals: ${fired.join(", ")}\n`)
  return ExitCode.Ok
}
