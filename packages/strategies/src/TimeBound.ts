/**
 * A time bound on one effect, as cheap as it can be: the effect's own result, or the caller's error when the time
 * passes first (the effect is then interrupted, and its interruption awaited). `Effect.timeoutOrElse` races two
 * forked fibers and a sleeping one; on the real clock this is one child fiber and one timer, and neither when the
 * effect ends at once (an in-memory model, an in-memory ledger). Under any other clock (a `TestClock`) it is
 * `Effect.timeoutOrElse`, so tests drive it as before.
 */
import { timerAt } from "@orch/provider"
import { Clock, Context, Effect, Fiber } from "effect"

/** The clock a runtime uses when none is provided: the only one whose sleep is a plain timer. */
const realClock = Context.get(Context.empty(), Clock.Clock)

/** Whether `clock` is the real one (not a `TestClock`): a bound then is a plain timer, and a model may keep it itself. */
export const isRealClock = (clock: Clock.Clock): boolean => clock === realClock

/**
 * `self`, or a failure with `onTimeout()` when `ms` milliseconds pass first. `self` runs in a child fiber, so an
 * interruption of the caller interrupts it; a bound of 0 or less fails at once unless `self` ended synchronously.
 */
export const timeBound = <A, E, E2, R>(self: Effect.Effect<A, E, R>, ms: number, onTimeout: () => E2): Effect.Effect<A, E | E2, R> =>
  Effect.contextWith((context: Context.Context<never>) => timeBoundOn(Context.get(context, Clock.Clock), self, ms, onTimeout))

/** `timeBound` under `clock`, the clock in scope, already read (by a caller running in the same effect). */
export const timeBoundOn = <A, E, E2, R>(clock: Clock.Clock, self: Effect.Effect<A, E, R>, ms: number, onTimeout: () => E2): Effect.Effect<A, E | E2, R> => {
  if (clock !== realClock) return Effect.timeoutOrElse(self, { duration: Math.max(0, ms), orElse: () => Effect.fail(onTimeout()) })
  return Effect.flatMap(Effect.forkChild(self, { startImmediately: true }), (fiber) => {
    const ended = fiber.pollUnsafe()
    if (ended !== undefined) return ended
    if (!(ms > 0)) return Effect.andThen(Fiber.interrupt(fiber), Effect.fail(onTimeout()))
    return Effect.callback<A, E | E2>((resume) => {
      // `ms` is above 0 here, so the timer fires later, after `stopObserving` is set.
      const cancelTimer = timerAt(clock.currentTimeMillisUnsafe() + ms, () => clock.currentTimeMillisUnsafe(), () => {
        stopObserving()
        resume(Effect.andThen(Fiber.interrupt(fiber), Effect.fail(onTimeout())))
      })
      const stopObserving = fiber.addObserver((exit) => {
        cancelTimer()
        resume(exit)
      })
      // The caller was interrupted: stop the timer and the effect.
      return Effect.suspend(() => {
        cancelTimer()
        stopObserving()
        return Fiber.interrupt(fiber)
      })
    })
  })
}
