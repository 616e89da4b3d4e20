/**
 * Measuring the classifier on labelled prompts: accuracy, "certain accuracy" (over the prompts not marked
 * uncertain), per-type precision and recall, the confusion matrix, the coverage and accuracy of the answers given
 * with confidence at or above a threshold, and the expected calibration error. Shared by `router:eval` and
 * `orch classify --file`, so both report the same figures.
 */
import { classifySync, type Classification } from "./Classifier.ts"
import { defaultConfidenceThreshold } from "./ClassifierTiers.ts"
import { taskTypes, type TaskType } from "./TaskType.ts"

/** One labelled prompt; `uncertain` marks items where two labels were defensible. */
export interface LabelledPrompt {
  readonly prompt: string
  readonly label: TaskType
  readonly uncertain?: boolean
}

/** One task type's scores. */
export interface TypeScore {
  readonly taskType: TaskType
  /** null when nothing was predicted as this type. */
  readonly precision: number | null
  /** null when no prompt carries this label. */
  readonly recall: number | null
  readonly support: number
}

/** The evaluation of a labelled set. */
export interface Evaluation {
  readonly total: number
  readonly correct: number
  readonly accuracy: number
  /** How many prompts are not marked uncertain, and the accuracy over them. */
  readonly certainTotal: number
  readonly certainAccuracy: number | null
  readonly perType: ReadonlyArray<TypeScore>
  /** `confusion[label][predicted]`: counts, for every pair of types. */
  readonly confusion: Readonly<Record<TaskType, Readonly<Record<TaskType, number>>>>
  /** The threshold used for coverage (the tiers' default unless given). */
  readonly threshold: number
  /** Share of prompts answered with confidence at or above the threshold, and the accuracy over those. */
  readonly coverage: number
  readonly confidentAccuracy: number | null
  /** Expected calibration error over ten equal-width confidence bins. */
  readonly calibrationError: number
  /** Each prompt's classification, in input order. */
  readonly classifications: ReadonlyArray<Classification>
}

/** Expected calibration error: the gap between confidence and accuracy, averaged over equal-width bins by size. */
export const calibrationError = (confidences: ReadonlyArray<number>, hits: ReadonlyArray<boolean>, bins = 10): number => {
  const count = new Array<number>(bins).fill(0)
  const confidenceSum = new Array<number>(bins).fill(0)
  const hitSum = new Array<number>(bins).fill(0)
  confidences.forEach((confidence, i) => {
    const bin = Math.min(bins - 1, Math.max(0, Math.floor(confidence * bins)))
    count[bin] = (count[bin] ?? 0) + 1
    confidenceSum[bin] = (confidenceSum[bin] ?? 0) + confidence
    hitSum[bin] = (hitSum[bin] ?? 0) + (hits[i] === true ? 1 : 0)
  })
  let error = 0
  for (let b = 0; b < bins; b++) {
    const n = count[b] ?? 0
    if (n > 0) error += (n / confidences.length) * Math.abs((hitSum[b] ?? 0) / n - (confidenceSum[b] ?? 0) / n)
  }
  return error
}

/**
 * Classify every prompt (with `classifySync` unless another classifier is given) and score against the labels.
 * Gotcha: an empty prompt throws, as `classifySync` does; check the input first.
 */
export const evaluateClassifier = (
  items: ReadonlyArray<LabelledPrompt>,
  options: { readonly threshold?: number; readonly classify?: (prompt: string) => Classification } = {}
): Evaluation => {
  const classify = options.classify ?? ((prompt: string) => classifySync(prompt))
  const threshold = options.threshold ?? defaultConfidenceThreshold
  const classifications = items.map((item) => classify(item.prompt))
  const hits = items.map((item, i) => classifications[i]?.taskType === item.label)
  const confusion = {} as Record<TaskType, Record<TaskType, number>>
  for (const label of taskTypes) {
    confusion[label] = {} as Record<TaskType, number>
    for (const predicted of taskTypes) confusion[label][predicted] = 0
  }
  items.forEach((item, i) => {
    const predicted = classifications[i]?.taskType
    if (predicted !== undefined) confusion[item.label][predicted] += 1
  })
  const correct = hits.filter(Boolean).length
  const certain = items.map((item, i) => (item.uncertain === true ? -1 : i)).filter((i) => i >= 0)
  const confident = classifications.map((c, i) => (c.confidence >= threshold ? i : -1)).filter((i) => i >= 0)
  const perType = taskTypes.map((taskType): TypeScore => {
    const truePositive = confusion[taskType][taskType]
    const predictedCount = taskTypes.reduce((sum, label) => sum + confusion[label][taskType], 0)
    const support = taskTypes.reduce((sum, predicted) => sum + confusion[taskType][predicted], 0)
    return { taskType, precision: predictedCount === 0 ? null : truePositive / predictedCount, recall: support === 0 ? null : truePositive / support, support }
  })
  return {
    total: items.length,
    correct,
    accuracy: items.length === 0 ? 0 : correct / items.length,
    certainTotal: certain.length,
    certainAccuracy: certain.length === 0 ? null : certain.filter((i) => hits[i]).length / certain.length,
    perType,
    confusion,
    threshold,
    coverage: items.length === 0 ? 0 : confident.length / items.length,
    confidentAccuracy: confident.length === 0 ? null : confident.filter((i) => hits[i]).length / confident.length,
    calibrationError: calibrationError(classifications.map((c) => c.confidence), hits),
    classifications
  }
}

const ratio = (value: number | null): string => (value === null ? "-" : value.toFixed(3))

/**
 * The evaluation as text: per-type precision and recall, the confusion matrix, coverage and calibration, and a
 * last line `accuracy=… correct=… total=… certain_accuracy=… certain_total=…`.
 */
export const formatEvaluation = (evaluation: Evaluation): string => {
  const lines: Array<string> = ["type                 precision  recall  support"]
  for (const score of evaluation.perType) {
    lines.push(`${score.taskType.padEnd(20)} ${ratio(score.precision).padStart(9)} ${ratio(score.recall).padStart(7)} ${String(score.support).padStart(8)}`)
  }
  lines.push("", "confusion (rows: label, columns: predicted)")
  lines.push(`${"".padEnd(20)}${taskTypes.map((type) => type.slice(0, 8).padStart(9)).join("")}`)
  for (const label of taskTypes) lines.push(`${label.padEnd(20)}${taskTypes.map((predicted) => String(evaluation.confusion[label][predicted]).padStart(9)).join("")}`)
  lines.push("", `confident (confidence >= ${evaluation.threshold}): coverage=${ratio(evaluation.coverage)} accuracy=${ratio(evaluation.confidentAccuracy)}; expected calibration error=${evaluation.calibrationError.toFixed(3)}`)
  lines.push(`accuracy=${ratio(evaluation.accuracy)} correct=${evaluation.correct} total=${evaluation.total} certain_accuracy=${ratio(evaluation.certainAccuracy)} certain_total=${evaluation.certainTotal}`)
  return lines.join("\n")
}
