/**
 * A task type the caller gives instead of a classification: the router takes it as certain, in any spelling
 * `parseTaskType` reads, and refuses anything else with `InvalidRequest` naming the types. The router owns this
 * decision, as it owns classifying, so every caller (the core, the gateway's `x-orch-task-type`) reads it one way.
 */
import { Effect } from "effect"
import { invalidRequest, type ProviderError } from "@orch/provider"
import type { Classification } from "./Classifier.ts"
import { parseTaskType, type TaskType, taskTypes } from "./TaskType.ts"

/** The classification of a given task type: certain, every other type at zero. */
export const givenTaskType = (taskType: string): Effect.Effect<Classification, ProviderError> => {
  const parsed = parseTaskType(taskType)
  if (parsed === undefined) {
    return Effect.fail(invalidRequest([`unknown task type "${taskType.slice(0, 40)}": use one of ${taskTypes.join(", ")}`]))
  }
  const scores = Object.fromEntries(taskTypes.map((type) => [type, type === parsed ? 1 : 0])) as Record<TaskType, number>
  return Effect.succeed({ taskType: parsed, confidence: 1, scores, signals: [], classifiedBy: "given" })
}
