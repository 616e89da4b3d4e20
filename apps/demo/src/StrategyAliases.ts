/**
 * The strategy names the command line accepts: every named strategy in any case (`local_first`, `LOCAL_FIRST`,
 * `local-first`), and the short values of the seed configuration (`local` for LOCAL_ONLY, `cloud` for CLOUD_ONLY).
 */
import { parseStrategy, type Strategy } from "@orch/strategies"
import { parseTaskType, type TaskType } from "@orch/task-router"
import { Effect } from "effect"
import { UsageError } from "./UsageError.ts"

const aliases: Readonly<Record<string, string>> = { local: "local_only", cloud: "cloud_only" }

/** The named strategy for a command-line value; a UsageError naming the choices when unknown. */
export const strategyFromArgument = (value: string): Strategy => {
  const key = value.trim().toLowerCase().replace(/-/g, "_")
  const parsed = Effect.runSync(Effect.result(parseStrategy(Object.hasOwn(aliases, key) ? aliases[key]! : key)))
  if (parsed._tag === "Failure") throw new UsageError(`${parsed.failure.reason._tag === "InvalidRequest" ? parsed.failure.reason.issues.join("; ") : parsed.failure.message} (or local, cloud)`)
  return parsed.success
}

/** The task type for a command-line value in any case; a UsageError naming the choices when unknown. */
export const taskTypeFromArgument = (value: string): TaskType => {
  const parsed = parseTaskType(value.trim().replace(/-/g, "_"))
  if (parsed === undefined) {
    throw new UsageError(`unknown task type "${value.slice(0, 40)}": use one of code_generation, code_review, reasoning, summarization, error_diagnosis, data_interpretation, workflow_generation, general`)
  }
  return parsed
}
