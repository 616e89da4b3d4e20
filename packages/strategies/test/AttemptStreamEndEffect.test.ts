// A streamed attempt whose hook ends with an effect that waits (a ledger settling on a remote store): the end, once
// begun, runs to its end even when the consumer is interrupted meanwhile, as the generate path's does; otherwise the
// attempt is never settled (its reservation held, its record missing) and no later report makes up for it. A consumer
// that stops once the finish has come ends the attempt as a success.
import { assert, describe, it } from "@effect/vitest"
import { scriptedModel } from "@orch/testing"
import { Deferred, Effect, Fiber, Stream } from "effect"
import { attempt, type AttemptOutcome, withAttemptHook } from "../src/index.ts"

const request = { prompt: "hello" }

/** A hook whose end signals `began`, waits for `gate`, then keeps the outcome (the settling of a remote ledger). */
const slowEnds = (ends: Array<AttemptOutcome>, began: Deferred.Deferred<void>, gate: Deferred.Deferred<void>) => () =>
  Effect.succeed((outcome: AttemptOutcome) =>
    Deferred.succeed(began, undefined).pipe(
      Effect.andThen(Deferred.await(gate)),
      Effect.andThen(Effect.sync(() => { ends.push(outcome) }))
    ))

/** Streams whose end is reported while the consumer is interrupted: one that finished, one that failed. */
const endings: ReadonlyArray<{ readonly how: string; readonly script: Parameters<typeof scriptedModel>[0]["script"]; readonly tag: AttemptOutcome["_tag"] }> = [
  { how: "finished", script: [{ text: "one two", usage: { inputTokens: 3, outputTokens: 2 } }], tag: "AttemptSuccess" },
  { how: "failed", script: [{ text: "one two three", failAfterTokens: 1, fail: "ServerError" }], tag: "AttemptFailure" }
]

describe("attempt(model).stream with a hook whose end is an effect that waits", () => {
  for (const { how, script, tag } of endings) {
    it.effect(`a consumer interrupted while the end of a ${how} stream is reported still gets it reported, once`, () =>
      Effect.gen(function*() {
        const model = scriptedModel({ id: "cloud/a", script })
        const ends: Array<AttemptOutcome> = []
        const began = yield* Deferred.make<void>()
        const gate = yield* Deferred.make<void>()
        const fiber = yield* Effect.forkChild(withAttemptHook(Effect.exit(Stream.runDrain(attempt(model).stream(request))), slowEnds(ends, began, gate)))
        yield* Deferred.await(began)
        // The client goes away while the attempt's end is being recorded.
        const interrupter = yield* Effect.forkChild(Fiber.interrupt(fiber))
        yield* Effect.yieldNow
        yield* Deferred.succeed(gate, undefined)
        yield* Fiber.join(interrupter)
        assert.strictEqual(ends.length, 1)
        assert.strictEqual(ends[0]?._tag, tag)
      }))
  }
})

describe("attempt(model).stream left by its consumer after the finish", () => {
  it.effect("a consumer that stops right after the finish ends the attempt once, as a success with the finish's usage", () =>
    Effect.gen(function*() {
      const model = scriptedModel({ id: "cloud/a", script: [{ text: "one two", usage: { inputTokens: 3, outputTokens: 2 } }] })
      const ends: Array<AttemptOutcome> = []
      const keep = () => Effect.succeed((outcome: AttemptOutcome) => Effect.sync(() => { ends.push(outcome) }))
      yield* withAttemptHook(Stream.runDrain(Stream.takeUntil(attempt(model).stream(request), (part) => part.type === "finish")), keep)
      assert.strictEqual(ends.length, 1)
      assert.strictEqual(ends[0]?._tag, "AttemptSuccess")
      assert.deepStrictEqual(ends[0]?.usage, { inputTokens: 3, outputTokens: 2, estimated: false })
    }))
})
