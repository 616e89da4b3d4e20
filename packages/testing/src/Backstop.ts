/**
 * The backstop check every streaming backend shares: a stream whose body stops after some text fails one backstop
 * after its last event on the `TestClock`, and not a moment before. Time moves only when the test moves it.
 */
import type { ProviderError, StreamPart } from "@orch/provider"
import { Deferred, Duration, Effect, Fiber, Stream } from "effect"
import { TestClock } from "effect/testing"

/**
 * Run `stream` until it has shown text, move the `TestClock` to 1 ms short of `backstop` (the stream must still be
 * waiting: a defect otherwise), then to `backstop`, and return the error the stream ended with (a defect if it
 * succeeded). Run it in a test with the `TestClock` (`it.effect`).
 */
export const failureAfterStall = (stream: Stream.Stream<StreamPart, ProviderError>, backstop: Duration.Input): Effect.Effect<ProviderError> =>
  Effect.gen(function*() {
    const millis = Duration.toMillis(Duration.fromInputUnsafe(backstop))
    const text = yield* Deferred.make<void>()
    const fiber = yield* stream.pipe(
      Stream.tap((part) => (part.type === "text-delta" ? Deferred.succeed(text, undefined) : Effect.void)),
      Stream.runDrain,
      Effect.matchEffect({ onFailure: Effect.succeed, onSuccess: () => Effect.die(new Error("the stream ended without failing")) }),
      Effect.forkChild
    )
    yield* Deferred.await(text)
    yield* TestClock.adjust(millis - 1)
    if (fiber.pollUnsafe() !== undefined) return yield* Effect.die(new Error(`the stream ended before its backstop of ${millis} ms`))
    yield* TestClock.adjust(1)
    return yield* Fiber.join(fiber)
  })
