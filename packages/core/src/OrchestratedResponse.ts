/**
 * What the orchestrator returns: the answer, who gave it, how it was decided, and every attempt with its cost.
 */
import type { ErrorReasonTag, FinishReason, ProviderKind, TokenLogprob, ToolCall, Usage } from "@orch/provider"

/** One attempt of a request, as the ledger recorded it. */
export interface AttemptSummary {
  /** 1, 2, 3, ... in the order the attempts started. */
  readonly attempt: number
  readonly provider: string
  readonly model: string
  readonly kind: ProviderKind
  /** What the attempt was for: "primary", "fallback", "race", "hedge", "vote", "judge", ... */
  readonly role: string
  readonly outcome: "success" | "failure" | "cancelled"
  /** The reason it failed or was cancelled. */
  readonly error?: ErrorReasonTag
  readonly errorMessage?: string
  readonly latencyMs: number
  readonly inputTokens: number
  readonly outputTokens: number
  readonly estimated: boolean
  /** USD; null when the model has no known price (never a silent zero). */
  readonly costUsd: number | null
}

/** How the task type was decided: given by the caller, classified, or neither (the caller named the model). */
export type TaskTypeSource = "given" | "classified" | "unclassified"

/** The routing decision behind a response. */
export interface RoutingSummary {
  readonly taskType: string
  readonly confidence: number
  readonly source: TaskTypeSource
  /** The classifier tier that decided ("signals", "embedding", "llm"), when classified. */
  readonly classifiedBy?: string
  /** The model ids the route chose, in order. */
  readonly models: ReadonlyArray<string>
  /** The strategy the route asked for. */
  readonly routeStrategy: string
  readonly reason: string
}

/** The answer of `complete`, `stream` (at the end) and `delegate`. */
export interface OrchestratedResponse {
  readonly requestId: string
  readonly text: string
  readonly finishReason: FinishReason
  /** The backend and model that answered. */
  readonly provider: string
  readonly model: string
  /** The strategy that ran (for AUTO, the route's strategy; `strategyRequested` says what was asked). */
  readonly strategy: string
  readonly strategyRequested: string
  readonly taskType: string
  readonly taskConfidence: number
  readonly taskTypeSource: TaskTypeSource
  readonly routing: RoutingSummary
  /** Every attempt, losers and failures included. */
  readonly attempts: ReadonlyArray<AttemptSummary>
  /** The winner's usage. */
  readonly usage: Usage
  /** The sum of every attempt's known cost in USD. */
  readonly costUsd: number
  /** False when some attempt's model has no known price (its cost is not in `costUsd`). */
  readonly costKnown: boolean
  readonly latencyMs: number
  /** Time to the first text token, for streams. */
  readonly firstTokenMs?: number
  /** True when a stream was continued on another model after the first one broke off. */
  readonly continued?: boolean
  /** The tool calls the model made (finish reason `tool-calls`): run them, append the results, call again. */
  readonly toolCalls?: ReadonlyArray<ToolCall>
  /** For `responseFormat: { type: "json", schema }`: the parsed answer, checked against the schema. */
  readonly object?: unknown
  /** Each output token's log-probability, when the call asked for them (`logprobs: true`) and the answering model gave them. */
  readonly logprobs?: ReadonlyArray<TokenLogprob>
}

/** One member's answer in an ensemble. */
export interface EnsembleMember {
  readonly provider: string
  readonly model: string
  readonly text?: string
  readonly outcome: "success" | "failure" | "cancelled"
  readonly error?: ErrorReasonTag
  readonly costUsd: number | null
  readonly latencyMs: number
}

/** The answer of `ensemble`. */
export interface EnsembleResponse extends OrchestratedResponse {
  readonly mode: string
  readonly members: ReadonlyArray<EnsembleMember>
  /** The share of members that agreed with the final answer (VOTE); 1 for CHAIN; 1/n for PARALLEL. */
  readonly agreement: number
}
