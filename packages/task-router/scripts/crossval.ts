/**
 * Cross-validation of the default classifier on the corpus, three ways:
 * - leave one domain out: a model trained on six domains classifies the seventh;
 * - leave phrasings out: every hand-written phrasing (with its tone variants and payload pairings) falls wholly into
 *   one of five folds, so the model is tested on ways of asking it has not seen;
 * - leave lists out: every list of phrasings (a whole style of asking, such as all real-voice review posts) falls
 *   wholly into one of five folds. The hardest; the committed temperature is fitted on these folds.
 * Prints accuracy per domain and per type, the confusion matrix (phrasing folds), and calibration: the expected
 * calibration error (ECE) of the raw softmax and of the temperature-scaled one, where the temperature applied to a
 * fold is fitted on the other folds' held-out predictions only; and the coverage and accuracy at the tiers' threshold.
 *
 * Run from the repo root: `node --conditions=@orch/source packages/task-router/scripts/crossval.ts`
 */
import { fileURLToPath } from "node:url"
import { softmax } from "../src/LinearModel.ts"
import { taskTypes } from "../src/TaskType.ts"
import {
  defaultSettings, expectedCalibrationError, featurise, fitTemperature, leaveListsOut, leaveOneDomainOut, leavePhrasingsOut, listFolds, loadCorpus,
  phrasingFolds
} from "./Training.ts"

const threshold = 0.5
const corpus = loadCorpus(fileURLToPath(new URL("../corpus", import.meta.url)))
const rows = corpus.rows
const examples = featurise(rows, defaultSettings.hashBits)
const labels = examples.map((e) => e.label)
const argmax = (row: Float64Array): number => {
  let best = 0
  row.forEach((value, c) => { if (value > (row[best] ?? 0)) best = c })
  return best
}
const ratio = (n: number, d: number): string => (d === 0 ? "-" : (n / d).toFixed(3))

const byDomain = leaveOneDomainOut(rows, examples, defaultSettings)
const domainHits = byDomain.logits.map((row, i) => argmax(row) === labels[i])
const phrasingLogits = leavePhrasingsOut(rows, examples, defaultSettings)
const predicted = phrasingLogits.map(argmax)
const hits = predicted.map((p, i) => p === labels[i])

console.log(`cross-validation on ${rows.length} corpus prompts (corpus sha256 ${corpus.sha256.slice(0, 12)}, ${new Set(rows.map((r) => r.source)).size} phrasings)\n`)
console.log("held-out domain   prompts  leave-domain-out  leave-phrasings-out")
for (const domain of byDomain.domains) {
  const idx = rows.map((row, i) => (row.domain === domain ? i : -1)).filter((i) => i >= 0)
  console.log(`${domain.padEnd(17)} ${String(idx.length).padStart(7)} ${ratio(idx.filter((i) => domainHits[i]).length, idx.length).padStart(17)} ${ratio(idx.filter((i) => hits[i]).length, idx.length).padStart(20)}`)
}
console.log(`${"all".padEnd(17)} ${String(rows.length).padStart(7)} ${ratio(domainHits.filter(Boolean).length, rows.length).padStart(17)} ${ratio(hits.filter(Boolean).length, rows.length).padStart(20)}`)

console.log("\nleave-phrasings-out, per type")
console.log("type                 precision  recall  support")
taskTypes.forEach((type, c) => {
  const tp = predicted.filter((p, i) => p === c && labels[i] === c).length
  console.log(`${type.padEnd(20)} ${ratio(tp, predicted.filter((p) => p === c).length).padStart(9)} ${ratio(tp, labels.filter((l) => l === c).length).padStart(7)} ${String(labels.filter((l) => l === c).length).padStart(8)}`)
})
console.log("\nconfusion (rows: label, columns: predicted)")
console.log(`${"".padEnd(20)}${taskTypes.map((t) => t.slice(0, 8).padStart(9)).join("")}`)
taskTypes.forEach((type, c) => {
  console.log(`${type.padEnd(20)}${taskTypes.map((_, p) => String(predicted.filter((q, i) => q === p && labels[i] === c).length).padStart(9)).join("")}`)
})

// Calibration, nested: the temperature applied to a fold is fitted on the other folds' out-of-fold logits.
const calibration = (name: string, folds: ReadonlyArray<string>, logits: ReadonlyArray<Float64Array>, foldHits: ReadonlyArray<boolean>): void => {
  const rawConfidence = logits.map((row) => Math.max(...softmax(row, 1)))
  const scaledConfidence = new Array<number>(rows.length).fill(0)
  const temperatures: Array<string> = []
  for (const fold of [...new Set(folds)].sort()) {
    const others = folds.map((f, i) => (f !== fold ? i : -1)).filter((i) => i >= 0)
    const t = fitTemperature(others.map((i) => logits[i] ?? new Float64Array(0)), others.map((i) => labels[i] ?? 0))
    temperatures.push(t.toFixed(2))
    folds.forEach((f, i) => { if (f === fold) scaledConfidence[i] = Math.max(...softmax(logits[i] ?? new Float64Array(0), t)) })
  }
  console.log(`\ncalibration (${name}): ECE raw softmax=${expectedCalibrationError(rawConfidence, foldHits).toFixed(3)} temperature-scaled=${expectedCalibrationError(scaledConfidence, foldHits).toFixed(3)} (fold temperatures ${temperatures.join(", ")}; over all folds ${fitTemperature(logits, labels)})`)
  const above = scaledConfidence.map((c, i) => (c >= threshold ? i : -1)).filter((i) => i >= 0)
  console.log(`coverage at confidence >= ${threshold}: ${ratio(above.length, rows.length)} (accuracy there ${ratio(above.filter((i) => foldHits[i]).length, above.length)}); mean confidence ${(scaledConfidence.reduce((a, b) => a + b, 0) / rows.length).toFixed(3)}`)
}
calibration("leave-phrasings-out", phrasingFolds(rows), phrasingLogits, hits)
const listLogits = leaveListsOut(rows, examples, defaultSettings)
const listHits = listLogits.map((row, i) => argmax(row) === labels[i])
calibration("leave-lists-out, where the committed temperature is fitted", listFolds(rows), listLogits, listHits)
const listTemperature = fitTemperature(listLogits, labels)
const phrasingAtList = phrasingLogits.map((row) => Math.max(...softmax(row, listTemperature)))
console.log(`leave-phrasings-out at the committed temperature ${listTemperature}: ECE ${expectedCalibrationError(phrasingAtList, hits).toFixed(3)} (underconfident there by design: the corpus is easier than real prompts)`)
console.log(`leave_domain_out_accuracy=${ratio(domainHits.filter(Boolean).length, rows.length)} leave_phrasings_out_accuracy=${ratio(hits.filter(Boolean).length, rows.length)} leave_lists_out_accuracy=${ratio(listHits.filter(Boolean).length, rows.length)} total=${rows.length}`)
