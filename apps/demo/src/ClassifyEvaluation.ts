/**
 * The router's evaluation for `orch classify --file`: a labelled JSONL file (one `{ "prompt", "label",
 * "uncertain"? }` a line) classified with the task router's default classifier, scored as accuracy and per-type
 * precision and recall (the same measures as packages/task-router/scripts/eval.ts, whose logic is not exported).
 */
import fs from "node:fs"
import { classifySync, parseTaskType, type TaskType, taskTypes } from "@orch/task-router"
import { UsageError } from "./UsageError.ts"

/** One labelled prompt. */
export interface LabelledPrompt {
  readonly prompt: string
  readonly label: TaskType
  readonly uncertain: boolean
  readonly line: number
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

/** The evaluation of a file. */
export interface Evaluation {
  readonly total: number
  readonly correct: number
  readonly accuracy: number
  /** Accuracy over the prompts not marked uncertain. */
  readonly certainTotal: number
  readonly certainAccuracy: number | null
  readonly perType: ReadonlyArray<TypeScore>
}

/** Read a labelled JSONL file; a UsageError names the first bad line. */
export const readLabelledFile = (file: string): ReadonlyArray<LabelledPrompt> => {
  if (!fs.existsSync(file)) throw new UsageError(`--file: no such file: ${file}`, "classify")
  const items: Array<LabelledPrompt> = []
  fs.readFileSync(file, "utf8").split("\n").forEach((text, index) => {
    if (text.trim() === "") return
    let row: { prompt?: unknown; label?: unknown; uncertain?: unknown }
    try {
      row = JSON.parse(text) as typeof row
    } catch {
      throw new UsageError(`--file: line ${index + 1} of ${file} is not JSON`, "classify")
    }
    const label = typeof row.label === "string" ? parseTaskType(row.label) : undefined
    if (typeof row.prompt !== "string" || label === undefined) throw new UsageError(`--file: line ${index + 1} of ${file} lacks a "prompt" or a known "label"`, "classify")
    items.push({ prompt: row.prompt, label, uncertain: row.uncertain === true, line: index + 1 })
  })
  if (items.length === 0) throw new UsageError(`--file: ${file} holds no labelled prompts`, "classify")
  return items
}

/** Classify every prompt and score the classifier against the labels. */
export const evaluateClassifier = (items: ReadonlyArray<LabelledPrompt>): Evaluation => {
  const predicted = items.map((item) => classifySync(item.prompt).taskType)
  const correct = items.filter((item, i) => predicted[i] === item.label).length
  const certain = items.map((item, i) => ({ item, hit: predicted[i] === item.label })).filter(({ item }) => !item.uncertain)
  const perType = taskTypes.map((taskType): TypeScore => {
    const truePositive = items.filter((item, i) => item.label === taskType && predicted[i] === taskType).length
    const predictedCount = predicted.filter((p) => p === taskType).length
    const support = items.filter((item) => item.label === taskType).length
    return { taskType, precision: predictedCount === 0 ? null : truePositive / predictedCount, recall: support === 0 ? null : truePositive / support, support }
  })
  return {
    total: items.length,
    correct,
    accuracy: correct / items.length,
    certainTotal: certain.length,
    certainAccuracy: certain.length === 0 ? null : certain.filter((c) => c.hit).length / certain.length,
    perType
  }
}
