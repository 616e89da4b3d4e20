/**
 * The one total deadline of a call: an absolute time on the Effect clock, shared by every attempt, retry, fallback
 * and race leg under it. An inner deadline can only shorten it.
 */
import { providerError, type ProviderError } from "@orch/provider"
import { Clock, Context, Effect, Stream } from "effect"
import { timeBound, timeBoundOn } from "./TimeBound.ts"

/** The absolute deadline in scope (epoch milliseconds on the Effect clock), or `undefined` for none. */
export const Deadline = Context.Reference<number | undefined>("@orch/strategies/Deadline", {
  defaultValue: () => undefined
})

/** Milliseconds left before the deadline in scope, or `undefined` when there is none. Never negative. */
export const remainingMs: Effect.Effect<number | undefined> = Effect.contextWith((context: Context.Context<never>) => {
  const deadline = Context.get(context, Deadline)
  return Effect.succeed(deadline === undefined ? undefined : Math.max(0, deadline - Context.get(context, Clock.Clock).currentTimeMillisUnsafe()))
})

/**
 * The error of a passed total deadline. `afterMs` is how long the step that saw it had waited (the whole deadline
 * for `withDeadline`, what was left of it for an attempt; 0 when it had passed before the step began).
 */
export const deadlineError = (afterMs: number): ProviderError =>
  providerError({ _tag: "Timeout", phase: "total", afterMs },
    afterMs > 0 ? `The call's deadline passed (after ${afterMs} ms of waiting in this step)` : "The call's deadline had passed before this step began")

/**
 * Run `self` under a total deadline `totalMs` from now, or the one already in scope if that is sooner. Every attempt
 * under it sees the same deadline; when it passes, `self` is interrupted and fails with a `Timeout` (phase "total").
 */
export const withDeadline = <A, R>(
  self: Effect.Effect<A, ProviderError, R>,
  totalMs: number
): Effect.Effect<A, ProviderError, R> =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const outer = yield* Deadline
    const deadline = outer === undefined ? now + totalMs : Math.min(outer, now + totalMs)
    return yield* Effect.provideService(timeBound(self, deadline - now, () => deadlineError(totalMs)), Deadline, deadline)
  })

/** Stream form of `withDeadline`: the stream fails with `Timeout` (phase "total") when the deadline passes. */
export const withDeadlineStream = <A, R>(
  self: Stream.Stream<A, ProviderError, R>,
  totalMs: number
): Stream.Stream<A, ProviderError, R> =>
  Stream.unwrap(Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const outer = yield* Deadline
    const deadline = outer === undefined ? now + totalMs : Math.min(outer, now + totalMs)
    return self.pipe(
      Stream.interruptWhen(Effect.andThen(Effect.sleep(deadline - now), Effect.suspend(() => Effect.fail(deadlineError(totalMs))))),
      Stream.provideService(Deadline, deadline)
    )
  }))

/**
 * Run `self` under an absolute deadline `at` (epoch ms on the Effect clock) fixed when the call was made, or the one
 * in scope if sooner; `totalMs` names the deadline in the Timeout error. Fails at once when it has passed.
 */
export const withDeadlineAt = <A, R>(
  self: Effect.Effect<A, ProviderError, R>,
  at: number,
  totalMs: number
): Effect.Effect<A, ProviderError, R> =>
  Effect.contextWith((context: Context.Context<never>) => {
    const clock = Context.get(context, Clock.Clock)
    const now = clock.currentTimeMillisUnsafe()
    const outer = Context.get(context, Deadline)
    const deadline = outer === undefined ? at : Math.min(outer, at)
    if (deadline - now <= 0) return Effect.fail(deadlineError(totalMs))
    return Effect.provideService(timeBoundOn(clock, self, deadline - now, () => deadlineError(totalMs)), Deadline, deadline)
  })

/** Stream form of `withDeadlineAt`. */
export const withDeadlineAtStream = <A, R>(
  self: Stream.Stream<A, ProviderError, R>,
  at: number,
  totalMs: number
): Stream.Stream<A, ProviderError, R> =>
  Stream.unwrap(Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const outer = yield* Deadline
    const deadline = outer === undefined ? at : Math.min(outer, at)
    return self.pipe(
      Stream.interruptWhen(Effect.andThen(Effect.sleep(Math.max(0, deadline - now)), Effect.suspend(() => Effect.fail(deadlineError(totalMs))))),
      Stream.provideService(Deadline, deadline)
    )
  }))

/**
 * Put the absolute deadline `at` in scope (or the one already there if sooner) without a timer of its own: for a
 * plan whose every wait is an attempt, a retry or launch delay, which all enforce the deadline in scope themselves.
 * One timer per attempt, none per layer.
 */
export const underDeadline = <A, E, R>(self: Effect.Effect<A, E, R>, at: number): Effect.Effect<A, E, R> =>
  Effect.flatMap(Deadline, (outer) => Effect.provideService(self, Deadline, outer === undefined ? at : Math.min(outer, at)))

/** Stream form of `underDeadline`. */
export const underDeadlineStream = <A, E, R>(self: Stream.Stream<A, E, R>, at: number): Stream.Stream<A, E, R> =>
  Stream.unwrap(Effect.map(Deadline, (outer) => Stream.provideService(self, Deadline, outer === undefined ? at : Math.min(outer, at))))
