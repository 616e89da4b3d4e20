/**
 * Test support for the HTTP backends: run a call with a deadline (no test can hang) and read its failure.
 */
import type { Completion, LanguageModel, ProviderError } from "@orch/provider"
import { callModel, settleWithin } from "@orch/testing"
import type { Effect, Result } from "effect"

export { failureOf, successOf } from "@orch/testing"

/**
 * A call of a model, bounded by a deadline so a hang fails the test instead of stalling it. The bound only catches
 * hangs: a slow drip of one byte a millisecond takes seconds on a loaded machine, so it is generous.
 */
export const withDeadline = <A, E>(effect: Effect.Effect<A, E>, ms = 25_000): Promise<Result.Result<A, E>> => settleWithin(effect, ms)

/** Generate or stream-and-collect, as a Result. */
export const call = (model: LanguageModel, mode: "generate" | "stream", prompt = "Say hello"): Promise<Result.Result<Completion, ProviderError>> =>
  callModel(model, mode, { prompt }, 25_000)
