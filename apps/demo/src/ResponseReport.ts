/**
 * How a response is shown: the routing decision in one paragraph, a cost table of every attempt, and the JSON
 * object of `orch run --json` (the fields scripts read).
 */
import type { AttemptSummary, OrchestratedResponse } from "@orch/core"
import { formatUsd, renderTable } from "./Table.ts"

/** One attempt in the JSON output. */
export interface AttemptJson {
  readonly provider: string
  readonly model: string
  readonly role: string
  readonly outcome: AttemptSummary["outcome"]
  readonly error: string | null
  readonly latencyMs: number
  readonly costUsd: number | null
}

/** The JSON object of `orch run --json`. */
export interface ResponseJson {
  readonly text: string
  readonly provider: string
  readonly model: string
  readonly strategy: string
  readonly taskType: string
  readonly taskConfidence: number
  readonly usage: { readonly inputTokens: number; readonly outputTokens: number }
  readonly costUsd: number
  readonly costKnown: boolean
  readonly latencyMs: number
  readonly attempts: ReadonlyArray<AttemptJson>
  /** The tool calls the model made, when it made any. */
  readonly toolCalls?: OrchestratedResponse["toolCalls"]
  /** The structured answer, when a schema was given. */
  readonly object?: unknown
}

/** The JSON object for a response. */
export const responseJson = (response: OrchestratedResponse): ResponseJson => ({
  text: response.text,
  provider: response.provider,
  model: response.model,
  strategy: response.strategy,
  taskType: response.taskType,
  taskConfidence: response.taskConfidence,
  usage: { inputTokens: response.usage.inputTokens, outputTokens: response.usage.outputTokens },
  costUsd: response.costUsd,
  costKnown: response.costKnown,
  latencyMs: response.latencyMs,
  attempts: response.attempts.map((attempt) => ({
    provider: attempt.provider,
    model: attempt.model,
    role: attempt.role,
    outcome: attempt.outcome,
    error: attempt.error ?? null,
    latencyMs: attempt.latencyMs,
    costUsd: attempt.costUsd
  })),
  ...(response.toolCalls !== undefined ? { toolCalls: response.toolCalls } : {}),
  ...(response.object !== undefined ? { object: response.object } : {})
})

/** The routing decision: task type, confidence, how it was decided, the strategy and the route's models. */
export const describeRouting = (response: OrchestratedResponse): string => {
  const routing = response.routing
  const decided = routing.source === "given" ? "given with --task" : `classified by ${routing.classifiedBy ?? "signals"}`
  const asked = response.strategyRequested !== response.strategy ? ` (asked: ${response.strategyRequested})` : ""
  return [
    `route: task ${routing.taskType} (confidence ${routing.confidence.toFixed(2)}, ${decided}); strategy ${response.strategy}${asked}`,
    `       models ${routing.models.join(", ") || "-"}; ${routing.reason}`,
    `answer: ${response.provider}/${response.model} in ${response.latencyMs} ms, ${response.usage.inputTokens} in / ${response.usage.outputTokens} out tokens, cost ${formatUsd(response.costUsd)}${response.costKnown ? "" : " (some prices unknown)"}`
  ].join("\n")
}

/** The cost table of every attempt, losers and failures included. */
export const attemptTable = (attempts: ReadonlyArray<AttemptSummary>): string =>
  renderTable(
    ["#", "provider", "model", "role", "outcome", "error", "latency ms", "in tok", "out tok", "cost"],
    attempts.map((a) => [a.attempt, a.provider, a.model, a.role, a.outcome, a.error, a.latencyMs, a.inputTokens, a.outputTokens, formatUsd(a.costUsd)])
  )
