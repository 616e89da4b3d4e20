/**
 * The parts of a streamed completion, in the vocabulary the AI ecosystem shares (`text-start`, `text-delta`,
 * `text-end`, `finish`). Errors travel in the stream's error channel as `ProviderError`, not as parts.
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
}

/** One part of a stream. */
export type StreamPart = TextStart | TextDelta | ReasoningDelta | TextEnd | Finish
