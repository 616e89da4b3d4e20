/**
 * The router's evaluation for `orch classify --file`: a labelled JSONL file (one `{ "prompt", "label",
 * "uncertain"? }` a line) read and checked here (a UsageError names the first bad line), then scored by the task
 * router's own `evaluateClassifier`, so the CLI and `router:eval` report the same figures.
 */
import fs from "node:fs"
import { evaluateClassifier, parseTaskType, type Evaluation, type LabelledPrompt as RouterLabelledPrompt } from "@orch/task-router"
import { UsageError } from "./UsageError.ts"

/** One labelled prompt, with the line it came from. */
export interface LabelledPrompt extends RouterLabelledPrompt {
  readonly uncertain: boolean
  readonly line: number
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
    if (typeof row.prompt !== "string" || !/\S/.test(row.prompt) || label === undefined) {
      throw new UsageError(`--file: line ${index + 1} of ${file} lacks a "prompt" or a known "label"`, "classify")
    }
    items.push({ prompt: row.prompt, label, uncertain: row.uncertain === true, line: index + 1 })
  })
  if (items.length === 0) throw new UsageError(`--file: ${file} holds no labelled prompts`, "classify")
  return items
}

/** Classify every prompt and score the classifier against the labels. */
export const evaluateFile = (items: ReadonlyArray<LabelledPrompt>): Evaluation => evaluateClassifier(items)
