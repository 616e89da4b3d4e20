import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { timeBound } from "../src/index.ts"

const late = { _tag: "Late" } as const

// `it.live` runs on the real clock, where timeBound uses one plain timer; no assertion depends on how long anything takes.
describe("timeBound", () => {
  it.live("an effect that ends at once keeps its value, and its failure", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* timeBound(Effect.succeed(1), 10_000, () => late), 1)
      const failed = yield* Effect.exit(timeBound(Effect.fail("boom"), 10_000, () => late))
      assert.deepStrictEqual(failed, Exit.fail("boom"))
    }))

  it.live("an effect that ends later keeps its value", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* timeBound(Effect.as(Effect.sleep(1), "later"), 60_000, () => late), "later")
    }))

  it.live("an effect that never ends fails with the caller's error, and is interrupted first", () =>
    Effect.gen(function*() {
      const interrupted = yield* Deferred.make<void>()
      const never = Effect.onInterrupt(Effect.never, () => Deferred.succeed(interrupted, undefined))
      const exit = yield* Effect.exit(timeBound(never, 5, () => late))
      assert.deepStrictEqual(exit, Exit.fail(late))
      assert.isTrue(yield* Deferred.isDone(interrupted))
    }))

  it.live("a bound of zero fails at once unless the effect ended synchronously", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* timeBound(Effect.succeed("now"), 0, () => late), "now")
      assert.deepStrictEqual(yield* Effect.exit(timeBound(Effect.never, 0, () => late)), Exit.fail(late))
    }))

  it.live("interrupting the caller interrupts the effect", () =>
    Effect.gen(function*() {
      const started = yield* Deferred.make<void>()
      const interrupted = yield* Deferred.make<void>()
      const work = Effect.andThen(Deferred.succeed(started, undefined), Effect.onInterrupt(Effect.never, () => Deferred.succeed(interrupted, undefined)))
      const fiber = yield* Effect.forkChild(timeBound(work, 60_000, () => late))
      yield* Deferred.await(started)
      yield* Fiber.interrupt(fiber)
      yield* Deferred.await(interrupted)
    }))

  it.effect("on the test clock, the bound passes when the clock is moved", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(Effect.exit(timeBound(Effect.never, 1_000, () => late)))
      yield* TestClock.adjust(999)
      assert.isUndefined(fiber.pollUnsafe())
      yield* TestClock.adjust(1)
      assert.deepStrictEqual(yield* Fiber.join(fiber), Exit.fail(late))
    }))
})
