/**
 * Leave-one-domain-out cross-validation of the default classifier on the corpus: for each domain, a model trained
 * on the other domains classifies that domain's prompts. Prints accuracy per domain and per type, the confusion
 * matrix, and calibration: the expected calibration error (ECE) of the raw softmax and of the temperature-scaled
 * one, where the temperature for each held-out domain is fitted on the other domains' held-out predictions only.
 * Also the coverage and accuracy above the tiers' default threshold.
 *
 * Run from the repo root: `node --conditions=@orch/source packages/task-router/scripts/crossval.ts`
 */
import { fileURLToPath } from "node:url"
import { softmax } from "../src/LinearModel.ts"
import { taskTypes } from "../src/TaskType.ts"
import { defaultSettings, expectedCalibrationError, featurise, fitTemperature, leaveOneDomainOut, loadCorpus } from "./Training.ts"

const threshold = 0.5
const corpus = loadCorpus(fileURLToPath(new URL("../corpus", import.meta.url)))
const examples = featurise(corpus.rows, defaultSettings.hashBits)
const { logits, domains } = leaveOneDomainOut(corpus.rows, examples, defaultSettings)
const labels = examples.map((e) => e.label)

const predicted = logits.map((row) => {
  let best = 0
  row.forEach((value, c) => { if (value > (row[best] ?? 0)) best = c })
  return best
})
const hits = predicted.map((p, i) => p === labels[i])
const ratio = (n: number, d: number): string => (d === 0 ? "-" : (n / d).toFixed(3))

console.log(`leave-one-domain-out cross-validation on ${corpus.rows.length} corpus prompts (corpus sha256 ${corpus.sha256.slice(0, 12)})\n`)
console.log("held-out domain   prompts  accuracy")
for (const domain of domains) {
  const idx = corpus.rows.map((row, i) => (row.domain === domain ? i : -1)).filter((i) => i >= 0)
  console.log(`${domain.padEnd(17)} ${String(idx.length).padStart(7)} ${ratio(idx.filter((i) => hits[i]).length, idx.length).padStart(9)}`)
}
console.log(`${"all".padEnd(17)} ${String(hits.length).padStart(7)} ${ratio(hits.filter(Boolean).length, hits.length).padStart(9)}`)

console.log("\ntype                 precision  recall  support")
taskTypes.forEach((type, c) => {
  const tp = predicted.filter((p, i) => p === c && labels[i] === c).length
  console.log(`${type.padEnd(20)} ${ratio(tp, predicted.filter((p) => p === c).length).padStart(9)} ${ratio(tp, labels.filter((l) => l === c).length).padStart(7)} ${String(labels.filter((l) => l === c).length).padStart(8)}`)
})
console.log("\nconfusion (rows: label, columns: predicted)")
console.log(`${"".padEnd(20)}${taskTypes.map((t) => t.slice(0, 8).padStart(9)).join("")}`)
taskTypes.forEach((type, c) => {
  console.log(`${type.padEnd(20)}${taskTypes.map((_, p) => String(predicted.filter((q, i) => q === p && labels[i] === c).length).padStart(9)).join("")}`)
})

// Calibration, nested: the temperature applied to a domain is fitted on the other domains' out-of-fold logits.
const rawConfidence = logits.map((row) => Math.max(...softmax(row, 1)))
const scaledConfidence = new Array<number>(logits.length).fill(0)
const temperatures: Array<string> = []
for (const domain of domains) {
  const others = corpus.rows.map((row, i) => (row.domain !== domain ? i : -1)).filter((i) => i >= 0)
  const t = fitTemperature(others.map((i) => logits[i] ?? new Float64Array(0)), others.map((i) => labels[i] ?? 0))
  temperatures.push(`${domain}=${t}`)
  corpus.rows.forEach((row, i) => { if (row.domain === domain) scaledConfidence[i] = Math.max(...softmax(logits[i] ?? new Float64Array(0), t)) })
}
const full = fitTemperature(logits, labels)
console.log(`\ncalibration: ECE raw softmax=${expectedCalibrationError(rawConfidence, hits).toFixed(3)} temperature-scaled=${expectedCalibrationError(scaledConfidence, hits).toFixed(3)} (per-fold temperatures ${temperatures.join(" ")}; committed temperature ${full})`)
const above = scaledConfidence.map((c, i) => (c >= threshold ? i : -1)).filter((i) => i >= 0)
console.log(`coverage at confidence >= ${threshold}: ${ratio(above.length, hits.length)} (accuracy there ${ratio(above.filter((i) => hits[i]).length, above.length)}); mean confidence ${(scaledConfidence.reduce((a, b) => a + b, 0) / scaledConfidence.length).toFixed(3)}`)
console.log(`accuracy=${ratio(hits.filter(Boolean).length, hits.length)} total=${hits.length}`)
