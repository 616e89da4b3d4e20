/**
 * Measure the default classifier on a labelled JSONL file (one `{ "prompt", "label", "uncertain"? }` a line):
 * per-type precision and recall, the confusion matrix, coverage and calibration at the tiers' threshold, and a
 * last line `accuracy=… correct=… total=… certain_accuracy=… certain_total=…` ("certain" = the prompts not marked
 * uncertain in the file). `--verbose` also prints each miss with the features behind it.
 *
 * Run from the repo root: `npm run -s router:eval -- FILE.jsonl`
 * (or `node --conditions=@orch/source packages/task-router/scripts/eval.ts FILE.jsonl`).
 */
import { existsSync, readFileSync } from "node:fs"
import { evaluateClassifier, formatEvaluation, parseTaskType, type LabelledPrompt } from "../src/index.ts"

const fail = (message: string): never => {
  console.error(`router:eval: ${message}`)
  process.exit(1)
}

const file = process.argv.slice(2).find((arg) => !arg.startsWith("--"))
if (file === undefined) fail("give a JSONL file: npm run -s router:eval -- FILE.jsonl")
if (!existsSync(file as string)) fail(`no such file: ${file}`)

const items: Array<LabelledPrompt & { readonly line: number }> = []
readFileSync(file as string, "utf8").split("\n").forEach((text, index) => {
  if (text.trim().length === 0) return
  let row: { prompt?: unknown; label?: unknown; uncertain?: unknown }
  try {
    row = JSON.parse(text) as typeof row
  } catch {
    return fail(`line ${index + 1} is not JSON`)
  }
  const label = typeof row.label === "string" ? parseTaskType(row.label) : undefined
  if (typeof row.prompt !== "string" || !/\S/.test(row.prompt) || label === undefined) return fail(`line ${index + 1} lacks a prompt or a known label`)
  items.push({ prompt: row.prompt, label, uncertain: row.uncertain === true, line: index + 1 })
})
if (items.length === 0) fail(`${file} holds no labelled prompts`)

const evaluation = evaluateClassifier(items)
if (process.argv.includes("--verbose")) {
  items.forEach((item, i) => {
    const result = evaluation.classifications[i]
    if (result === undefined || result.taskType === item.label) return
    const why = result.signals.slice(0, 4).map((s) => `${s.name} (${s.type})`).join(", ")
    console.log(`MISS line ${item.line}${item.uncertain === true ? " (uncertain)" : ""}: ${item.label} -> ${result.taskType} ${result.confidence.toFixed(2)} [${why}] ${JSON.stringify(item.prompt.slice(0, 120))}`)
  })
}
console.log(formatEvaluation(evaluation))
