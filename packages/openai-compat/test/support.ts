/**
 * Test support: run a call with a deadline (no test can hang) and read its result.
 */
import type { Completion, LanguageModel, ProviderError } from "@orch/provider"
import { callModel, settleWithin } from "@orch/testing"
import type { Effect, Result } from "effect"

export { failureOf, successOf } from "@orch/testing"

/** A call bounded by a deadline, so a hang fails the test instead of stalling it. */
export const settle = <A, E>(effect: Effect.Effect<A, E>, ms = 5_000): Promise<Result.Result<A, E>> => settleWithin(effect, ms)

/** Generate or stream-and-collect. */
export const call = (model: LanguageModel, mode: "generate" | "stream", extra: { readonly logprobs?: boolean } = {}): Promise<Result.Result<Completion, ProviderError>> =>
  callModel(model, mode, { prompt: "Say hello", ...extra }, 5_000)

/** An SSE body from events (objects as JSON, strings as they are), ending with `[DONE]` unless told otherwise. */
export const sse = (events: ReadonlyArray<unknown>, done = true): string =>
  events.map((e) => `data: ${typeof e === "string" ? e : JSON.stringify(e)}\n\n`).join("") + (done ? "data: [DONE]\n\n" : "")

/** An OpenAI chat chunk with one choice. */
export const chunk = (delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) => ({
  id: "chatcmpl-t1",
  object: "chat.completion.chunk",
  created: 1767225600,
  model: "m",
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finish, ...extra }]
})

/** Seeds for random byte splits. */
export const seeds = [1, 7, 42]
