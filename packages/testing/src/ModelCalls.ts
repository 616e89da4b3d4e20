/**
 * Calling a model in a test: every call bounded by a deadline (a hang fails the test instead of stalling it), its
 * outcome as a `Result`, and the readers that fail the test when the outcome is not the one expected.
 */
import { collectStream, type Completion, type CompletionRequest, type LanguageModel, type ProviderError } from "@orch/provider"
import { Effect, Result } from "effect"

/** Run `effect` to its `Result`, dying (failing the test) if it has not settled within `ms`. */
export const settleWithin = <A, E>(effect: Effect.Effect<A, E>, ms: number): Promise<Result.Result<A, E>> =>
  Effect.runPromise(effect.pipe(Effect.timeoutOrElse({ duration: ms, orElse: () => Effect.die(new Error(`call did not settle within ${ms} ms`)) }), Effect.result))

/** `generate`, or `stream` collected into a completion, bounded by `ms`. */
export const callModel = (model: LanguageModel, mode: "generate" | "stream", request: CompletionRequest, ms: number): Promise<Result.Result<Completion, ProviderError>> =>
  settleWithin(mode === "generate" ? model.generate(request) : collectStream(model.stream(request)), ms)

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
