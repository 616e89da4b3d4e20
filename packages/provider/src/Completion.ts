/**
 * What a model returns: text, the tool calls it made, the structured object it produced, why it stopped, the tokens
 * it used and how long it took.
 */
import type { ToolCall } from "./Request.ts"

/** Token counts of one call. `estimated` is true when the service reported none and @orch counted them. */
export interface Usage {
  readonly inputTokens: number
  readonly outputTokens: number
  /** Input tokens served from the provider's prompt cache (priced lower), when reported. */
  readonly cachedInputTokens?: number
  /**
   * Input tokens written to the provider's prompt cache, when reported (included in `inputTokens`). Services bill
   * them above the input price: Anthropic 1.25x for a 5-minute entry, OpenAI's `cache_write_tokens` likewise.
   */
  readonly cacheWriteInputTokens?: number
  /** Of `cacheWriteInputTokens`, those written with a one-hour lifetime (Anthropic bills them at 2x the input price). */
  readonly cacheWriteLongInputTokens?: number
  /** Tokens spent on hidden reasoning, when reported (already included in outputTokens). */
  readonly reasoningTokens?: number
  readonly estimated: boolean
}

/** Why generation stopped, in the vocabulary the AI ecosystem shares. */
export type FinishReason = "stop" | "length" | "content-filter" | "tool-calls" | "error" | "other"

/** When things happened, in milliseconds from the start of the call. */
export interface Timings {
  /** Time to the first text token (streams) or to the response (non-streaming). */
  readonly firstTokenMs?: number
  readonly totalMs: number
}

/** A finished completion. */
export interface Completion {
  readonly text: string
  readonly finishReason: FinishReason
  readonly usage: Usage
  /** The backend that served it, e.g. "ollama", "openai". */
  readonly provider: string
  /** The model id at that backend, as the service reported it when it did. */
  readonly model: string
  readonly timings: Timings
  /** Hidden reasoning text, for models that return it separately (vLLM reasoning_content, Ollama thinking). */
  readonly reasoning?: string
  /** Mean log-probability per output token, when the backend returned log-probabilities. */
  readonly meanLogprob?: number
  /** Each output token's log-probability, when the request asked for them (`logprobs: true`) and the backend gave them. */
  readonly logprobs?: ReadonlyArray<TokenLogprob>
  /** The service's response id, when it gave one. */
  readonly responseId?: string
  /** The tool calls the model made, arguments parsed; with them the finish reason is `tool-calls`. */
  readonly toolCalls?: ReadonlyArray<ToolCall>
  /**
   * For `responseFormat: { type: "json" }`: the parsed answer, checked against the schema when one was given
   * (see `StructuredOutput`). Absent for text answers.
   */
  readonly object?: unknown
  /** The signature of the reasoning (Anthropic thinking), to send back to the same backend with the history. */
  readonly reasoningSignature?: string
  /**
   * Reasoning the service sent encrypted (Anthropic's `redacted_thinking` blocks, their `data`), in order: opaque, to
   * send back to the same backend with the history (`assistantMessage` does).
   */
  readonly redactedReasoning?: ReadonlyArray<string>
}

/** One output token and its log-probability. */
export interface TokenLogprob {
  readonly token: string
  readonly logprob: number
}

/** The mean of some log-probabilities, or undefined when there are none or any is not a finite number. */
export const meanOfLogprobs = (values: ReadonlyArray<TokenLogprob>): number | undefined => {
  if (values.length === 0) return undefined
  let sum = 0
  for (const value of values) {
    if (!Number.isFinite(value.logprob)) return undefined
    sum += value.logprob
  }
  return sum / values.length
}

/** An empty usage record. */
export const emptyUsage: Usage = { inputTokens: 0, outputTokens: 0, estimated: false }

/** The sum of two usages; estimated if either was. */
export const addUsage = (a: Usage, b: Usage): Usage => {
  const cached = (a.cachedInputTokens ?? 0) + (b.cachedInputTokens ?? 0)
  const reasoning = (a.reasoningTokens ?? 0) + (b.reasoningTokens ?? 0)
  const cacheWrite = (a.cacheWriteInputTokens ?? 0) + (b.cacheWriteInputTokens ?? 0)
  const cacheWriteLong = (a.cacheWriteLongInputTokens ?? 0) + (b.cacheWriteLongInputTokens ?? 0)
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    ...(cached > 0 ? { cachedInputTokens: cached } : {}),
    ...(reasoning > 0 ? { reasoningTokens: reasoning } : {}),
    ...(cacheWrite > 0 ? { cacheWriteInputTokens: cacheWrite } : {}),
    ...(cacheWriteLong > 0 ? { cacheWriteLongInputTokens: cacheWriteLong } : {}),
    estimated: a.estimated || b.estimated
  }
}

/**
 * A rough token count for text with no tokenizer at hand: about four characters a token for English prose,
 * never fewer than one token a word-ish unit. Stated as an approximation wherever it is used (`estimated: true`).
 */
export const approximateTokenCount = (text: string): number => {
  if (text.length === 0) return 0
  let pieces = 0
  let inPiece = false
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    const space = code === 32 || (code >= 9 && code <= 13) || code === 160 || code === 0x2028 || code === 0x2029 || code === 0x3000
    if (!space && !inPiece) pieces++
    inPiece = !space
  }
  return Math.max(Math.ceil(text.length / 4), Math.ceil(pieces * 0.75))
}
