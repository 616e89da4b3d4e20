/**
 * The parts of a streamed completion, in the vocabulary the AI ecosystem shares (`text-start`, `text-delta`,
 * `text-end`, `tool-call-delta`, `tool-call`, `finish`). Errors travel in the stream's error channel as `ProviderError`, not as parts.
 */
import type { FinishReason, Timings, TokenLogprob, Usage } from "./Completion.ts"

/** Text is about to arrive. */
export interface TextStart { readonly type: "text-start" }
/** A piece of the answer's text. */
export interface TextDelta { readonly type: "text-delta"; readonly delta: string }
/** A piece of hidden reasoning (thinking models). */
export interface ReasoningDelta { readonly type: "reasoning-delta"; readonly delta: string }
/** The text is complete. */
export interface TextEnd { readonly type: "text-end" }
/**
 * A piece of a tool call's arguments as the service streams them (JSON text, possibly cut anywhere). `index` orders
 * calls made in one answer; `id` and `name` come with the first delta of a call. For display only: the complete,
 * parsed call follows as a `tool-call` part.
 */
export interface ToolCallDelta {
  readonly type: "tool-call-delta"
  readonly index: number
  readonly id?: string
  readonly name?: string
  readonly argumentsDelta: string
}
/** A complete tool call, its arguments parsed: sent once all of the call's arguments have arrived, before `finish`. */
export interface ToolCallPart {
  readonly type: "tool-call"
  readonly id: string
  readonly name: string
  readonly arguments: Readonly<Record<string, unknown>>
}
/** The last part of every successful stream: why it stopped, the usage and the timings. */
export interface Finish {
  readonly type: "finish"
  readonly finishReason: FinishReason
  readonly usage: Usage
  readonly provider: string
  readonly model: string
  readonly timings: Timings
  readonly responseId?: string
  /** Mean log-probability per output token, when the backend returned log-probabilities. */
  readonly meanLogprob?: number
  /** Each output token's log-probability, when the request asked for them and the backend gave them. */
  readonly logprobs?: ReadonlyArray<TokenLogprob>
  /** For JSON answers: the parsed object, checked against the request's schema (see `Completion.object`). */
  readonly object?: unknown
  /** The signature of the streamed reasoning, when the backend signs it (Anthropic). */
  readonly reasoningSignature?: string
  /** Reasoning the service sent encrypted (see `Completion.redactedReasoning`). */
  readonly redactedReasoning?: ReadonlyArray<string>
}

/** One part of a stream. */
export type StreamPart = TextStart | TextDelta | ReasoningDelta | TextEnd | ToolCallDelta | ToolCallPart | Finish
