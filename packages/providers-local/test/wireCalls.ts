/**
 * Test support for the HTTP backends: run a call with a deadline (no test can hang) and read its failure.
 */
import { collectStream, type Completion, type LanguageModel, type ProviderError } from "@orch/provider"
import { Effect, Result } from "effect"

/**
 * A call of a model, bounded by a deadline so a hang fails the test instead of stalling it. The bound only catches
 * hangs: a slow drip of one byte a millisecond takes seconds on a loaded machine, so it is generous.
 */
export const withDeadline = <A, E>(effect: Effect.Effect<A, E>, ms = 25_000): Promise<Result.Result<A, E>> =>
  Effect.runPromise(effect.pipe(Effect.timeoutOrElse({ duration: ms, orElse: () => Effect.die(new Error(`call did not settle within ${ms} ms`)) }), Effect.result))

/** Generate or stream-and-collect, as a Result. */
export const call = (model: LanguageModel, mode: "generate" | "stream", prompt = "Say hello"): Promise<Result.Result<Completion, ProviderError>> =>
  withDeadline(mode === "generate" ? model.generate({ prompt }) : collectStream(model.stream({ prompt })))

/** The error of a failed result; throws when it succeeded. */
export const failureOf = <A>(result: Result.Result<A, ProviderError>): ProviderError => {
  if (Result.isSuccess(result)) throw new Error(`expected a failure, got ${JSON.stringify(result.success)}`)
  return result.failure
}

/** The value of a successful result; throws with the error otherwise. */
export const successOf = <A>(result: Result.Result<A, ProviderError>): A => {
  if (Result.isFailure(result)) throw new Error(`expected success, got ${result.failure.toString()}`)
  return result.success
}
