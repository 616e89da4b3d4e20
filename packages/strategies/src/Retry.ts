/**
 * `retry`: the same step again after a failure that may pass: exponential backoff with jitter, the service's
 * Retry-After honoured up to a cap, and "go elsewhere now" when the wait would outlast the shared deadline.
 */
import type { ProviderError, StreamPart } from "@orch/provider"
import { Cause, Effect, Random, Stream } from "effect"
import { dual } from "effect/Function"
import { toPlan, withRole, withRoleStream } from "./Attempt.ts"
import { remainingMs } from "./Deadline.ts"
import { makePlan, type Plan, type Step, stepNames } from "./Plan.ts"

/** How `retry` waits and when it gives up. */
export interface RetryOptions {
  /** Retries after the first attempt (default 2). */
  readonly times?: number
  /** The first backoff (default 500 ms); each next one is `factor` times longer (default 2), up to `maxDelayMs` (default 8 s). */
  readonly baseDelayMs?: number
  readonly factor?: number
  readonly maxDelayMs?: number
  /** Jitter as a fraction of the backoff: the wait is drawn from [1 - jitter, 1 + jitter] × backoff (default 0.25). */
  readonly jitter?: number
  /** The longest Retry-After honoured; longer hints are capped to it (default 30 s). */
  readonly maxRetryAfterMs?: number
  /** Which errors to retry (default: `error.isRetryable`). A cancel is never retried whatever this says. */
  readonly while?: (error: ProviderError) => boolean
}

/**
 * The wait before retry number `retry` (0-based) after `error`, or `undefined` to stop: the error is not to be
 * retried, the retries are spent, or the wait would not end before the shared deadline (go elsewhere now).
 */
export const retryDelay: (error: ProviderError, retry: number, options: RetryOptions) => Effect.Effect<number | undefined> =
  Effect.fnUntraced(function*(error: ProviderError, retry: number, options: RetryOptions) {
    if (error.reason._tag === "Cancelled") return undefined
    if (!(options.while ?? ((e: ProviderError) => e.isRetryable))(error)) return undefined
    if (retry >= (options.times ?? 2)) return undefined
    const hint = error.retryAfterMs
    let wait: number
    if (hint !== undefined) {
      wait = Math.min(hint, options.maxRetryAfterMs ?? 30_000)
    } else {
      const backoff = Math.min(options.maxDelayMs ?? 8_000, (options.baseDelayMs ?? 500) * (options.factor ?? 2) ** retry)
      const jitter = options.jitter ?? 0.25
      wait = Math.round(backoff * (1 - jitter + 2 * jitter * (yield* Random.next)))
    }
    const remaining = yield* remainingMs
    if (remaining !== undefined && wait >= remaining) return undefined
    return wait
  })

/**
 * Retry a step on failures that may pass. Retries are reported with role "retry". A non-retryable reason or a
 * cancel fails at once; the last error is returned when retries are spent. Streams retry only before their first
 * text token reached the caller.
 */
export const retry: {
  (options?: RetryOptions): (self: Step) => Plan
  (self: Step, options?: RetryOptions): Plan
} = dual((args) => args.length >= 1 && typeof args[0] === "object" && args[0] !== null && ("generate" in args[0] || "_tag" in args[0]), (self: Step, options: RetryOptions = {}): Plan => {
  const inner = toPlan(self)
  const generate = (request: Parameters<Plan["generate"]>[0]) => {
    const loop = (n: number): ReturnType<Plan["generate"]> => {
      const call = n === 0 ? inner.generate(request) : withRole(inner.generate(request), "retry")
      return Effect.catch(call, (error) =>
        Effect.flatMap(retryDelay(error, n, options), (wait) =>
          wait === undefined ? Effect.fail(error) : Effect.andThen(Effect.sleep(wait), loop(n + 1))))
    }
    return loop(0)
  }
  const stream = (request: Parameters<Plan["stream"]>[0]) => {
    const loop = (n: number): Stream.Stream<StreamPart, ProviderError> =>
      Stream.suspend(() => {
        let delivered = false
        const call = n === 0 ? inner.stream(request) : withRoleStream(inner.stream(request), "retry")
        return call.pipe(
          Stream.mapArray((parts) => {
            if (!delivered && parts.some((part) => part.type === "text-delta")) delivered = true
            return parts
          }),
          Stream.catchCause((cause) => {
            const error = Cause.findErrorOption(cause)
            if (error._tag === "None" || delivered) return Stream.failCause(cause)
            return Stream.unwrap(Effect.flatMap(retryDelay(error.value, n, options), (wait) =>
              wait === undefined ? Effect.succeed(Stream.fail(error.value)) : Effect.as(Effect.sleep(wait), loop(n + 1))))
          })
        )
      })
    return loop(0)
  }
  return makePlan(() => `retry(${stepNames([self])})`, generate, stream, inner.contextWindow)
})
