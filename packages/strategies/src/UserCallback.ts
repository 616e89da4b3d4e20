/**
 * A user's function called by a strategy (a vote's `normalize`, a cascade's scorers): whatever it does (throw,
 * return the wrong thing, die inside its effect), the call fails at once with a typed InvalidRequest that names the
 * callback, instead of a fiber dying unseen while the call waits out its deadline.
 */
import { invalidRequest, isProviderError, type ProviderError } from "@orch/provider"
import { Effect, Result } from "effect"

/** What a thrown value says, without trusting it (its `message` or `toString` may throw too). */
const describeThrown = (thrown: unknown): string => {
  const text = Result.try(() => (thrown instanceof Error ? thrown.message : typeof thrown === "string" ? thrown : Object.prototype.toString.call(thrown)))
  return Result.isSuccess(text) ? String(text.success).slice(0, 200) : "an unreadable value"
}

/** The typed error for a user callback that failed. */
export const callbackFailed = (name: string, thrown: unknown): ProviderError =>
  invalidRequest([`${name} threw: ${describeThrown(thrown)}`])

/** Call a user's synchronous function; a throw, or a result that is not a `typeof` `expected`, is a typed failure. */
export const callUser = <A>(name: string, f: () => A, expected?: "string" | "boolean"): Result.Result<A, ProviderError> => {
  const result = Result.try({ try: f, catch: (thrown) => callbackFailed(name, thrown) })
  if (Result.isSuccess(result) && expected !== undefined && typeof result.success !== expected) {
    return Result.fail(invalidRequest([`${name} must return a ${expected}, not ${result.success === null ? "null" : typeof result.success}`]))
  }
  return result
}

/**
 * Run a user's function that returns an Effect: a throw, a value that is not an Effect, or a defect inside it is a
 * typed failure; its own ProviderErrors pass through.
 */
export const runUserEffect = <A>(name: string, f: () => Effect.Effect<A, ProviderError>): Effect.Effect<A, ProviderError> =>
  Effect.suspend(() => {
    const made = callUser(name, f)
    if (Result.isFailure(made)) return Effect.fail(made.failure)
    if (!Effect.isEffect(made.success)) {
      const value: unknown = made.success
      // A promise returned instead is settled quietly: nobody awaits it, and its rejection must not be unhandled.
      const promise = typeof value === "object" && value !== null && typeof (value as { readonly then?: unknown }).then === "function"
      if (promise) Promise.resolve(value as PromiseLike<unknown>).then(undefined, () => {})
      return Effect.fail(invalidRequest([`${name} must return an Effect${promise ? ", not a Promise" : ""}`]))
    }
    return made.success
  }).pipe(
    Effect.catchDefect((defect) => Effect.fail(isProviderError(defect) ? defect : callbackFailed(name, defect)))
  )
