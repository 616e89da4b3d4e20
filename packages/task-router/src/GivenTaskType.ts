/**
 * A task type the caller gives instead of a classification: the router takes it as certain, in any spelling
 * `parseTaskType` reads, and refuses anything else with `InvalidRequest` naming the types. The router owns this
 * decision, as it owns classifying, so every caller (the core, the gateway's `x-orch-task-type`) reads it one way.
 */
import { Effect } from "effect"
import { invalidRequest, type ProviderError } from "@orch/provider"
import type { Classification } from "./Classifier.ts"
import { parseTaskType, type TaskType, taskTypes } from "./TaskType.ts"

/** The classification of each type given, built once: every call that gives a type gets the same frozen object. */
const givenClassifications = new Map<TaskType, Effect.Effect<Classification, ProviderError>>(taskTypes.map((type) => {
  const scores = Object.freeze(Object.fromEntries(taskTypes.map((other) => [other, other === type ? 1 : 0]))) as Record<TaskType, number>
  const classification: Classification = Object.freeze({ taskType: type, confidence: 1, scores, signals: Object.freeze([]), classifiedBy: "given" as const })
  return [type, Effect.succeed(classification)]
}))

/** The classification of a given task type: certain, every other type at zero. */
export const givenTaskType = (taskType: string): Effect.Effect<Classification, ProviderError> => {
  const parsed = parseTaskType(taskType)
  if (parsed === undefined) {
    return Effect.fail(invalidRequest([`unknown task type "${taskType.slice(0, 40)}": use one of ${taskTypes.join(", ")}`]))
  }
  return givenClassifications.get(parsed)!
}
