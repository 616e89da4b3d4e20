/**
 * Measure the default classifier on a labelled JSONL file (one `{ "prompt", "label", "uncertain"? }` a line):
 * per-type precision and recall, the confusion matrix, and a last line
 * `accuracy=… correct=… total=… certain_accuracy=… certain_total=…`.
 *
 * Run from the repo root: `npm run -s router:eval -- FILE.jsonl`
 * (or `node --conditions=@orch/source packages/task-router/scripts/eval.ts FILE.jsonl`).
 */
import { existsSync, readFileSync } from "node:fs"
import { classifySync, parseTaskType, taskTypes, type TaskType } from "../src/index.ts"

interface Labelled {
  readonly prompt: string
  readonly label: TaskType
  readonly uncertain: boolean
  readonly line: number
}

const fail = (message: string): never => {
  console.error(`router:eval: ${message}`)
  process.exit(1)
}

const file = process.argv[2]
if (file === undefined) fail("give a JSONL file: npm run -s router:eval -- FILE.jsonl")
if (!existsSync(file as string)) fail(`no such file: ${file}`)

const items: Array<Labelled> = []
readFileSync(file as string, "utf8").split("\n").forEach((text, index) => {
  if (text.trim().length === 0) return
  let row: { prompt?: unknown; label?: unknown; uncertain?: unknown }
  try {
    row = JSON.parse(text) as typeof row
  } catch {
    return fail(`line ${index + 1} is not JSON`)
  }
  const label = typeof row.label === "string" ? parseTaskType(row.label) : undefined
  if (typeof row.prompt !== "string" || label === undefined) return fail(`line ${index + 1} lacks a prompt or a known label`)
  items.push({ prompt: row.prompt, label, uncertain: row.uncertain === true, line: index + 1 })
})
if (items.length === 0) fail(`${file} holds no labelled prompts`)

const confusion = new Map<string, number>()
const key = (actual: TaskType, predicted: TaskType): string => `${actual}>${predicted}`
let correct = 0
let certainCorrect = 0
let certainTotal = 0
const verbose = process.argv.includes("--verbose")
for (const item of items) {
  const result = classifySync(item.prompt)
  confusion.set(key(item.label, result.taskType), (confusion.get(key(item.label, result.taskType)) ?? 0) + 1)
  const hit = result.taskType === item.label
  if (hit) correct++
  if (!item.uncertain) {
    certainTotal++
    if (hit) certainCorrect++
  }
  if (verbose && !hit) {
    const why = result.signals.slice(0, 4).map((s) => `${s.name}(${s.type})`).join(", ")
    console.log(`MISS line ${item.line}${item.uncertain ? " (uncertain)" : ""}: ${item.label} -> ${result.taskType} ${result.confidence.toFixed(2)} [${why}] ${JSON.stringify(item.prompt.slice(0, 120))}`)
  }
}

const count = (actual: TaskType | undefined, predicted: TaskType | undefined): number => {
  let sum = 0
  for (const [k, n] of confusion) {
    const [a, p] = k.split(">")
    if ((actual === undefined || a === actual) && (predicted === undefined || p === predicted)) sum += n
  }
  return sum
}
const ratio = (n: number, d: number): string => (d === 0 ? "-" : (n / d).toFixed(3))
const short = (type: string): string => type.slice(0, 8).padStart(9)

console.log("type                 precision  recall  support")
for (const type of taskTypes) {
  const truePositive = count(type, type)
  console.log(`${type.padEnd(20)} ${ratio(truePositive, count(undefined, type)).padStart(9)} ${ratio(truePositive, count(type, undefined)).padStart(7)} ${String(count(type, undefined)).padStart(8)}`)
}
console.log("\nconfusion (rows: label, columns: predicted)")
console.log(`${"".padEnd(20)}${taskTypes.map(short).join("")}`)
for (const actual of taskTypes) console.log(`${actual.padEnd(20)}${taskTypes.map((p) => String(count(actual, p)).padStart(9)).join("")}`)
console.log(`accuracy=${ratio(correct, items.length)} correct=${correct} total=${items.length} certain_accuracy=${ratio(certainCorrect, certainTotal)} certain_total=${certainTotal}`)
