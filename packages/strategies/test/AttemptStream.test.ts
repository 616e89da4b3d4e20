// A streamed attempt reports its end exactly once, however its stream ends: read to the end, failed mid-way,
// interrupted, left early by its consumer, or refused before it began; and the end is reported before the
// consumer sees the stream end (the core builds its answer's attempts and cost right after).
import { assert, describe, it } from "@effect/vitest"
import { type AttemptEvent, providerError } from "@orch/provider"
import { scriptedModel } from "@orch/testing"
import { Channel, Effect, Exit, Fiber, Stream } from "effect"
import { TestClock } from "effect/testing"
import { attempt, type AttemptOutcome, withAttemptHook } from "../src/index.ts"
import { eventsComplete, recordEvents } from "./Events.ts"

const request = { prompt: "hello" }

/** A hook that lets every attempt start and keeps each end it is told. */
const keepingEnds = (ends: Array<AttemptOutcome>) => () => Effect.succeed((outcome: AttemptOutcome) => Effect.sync(() => { ends.push(outcome) }))

/** The texts a stream delivers, then how many ends the hook had been told when the stream ended. */
const textsThenEnds = (stream: Stream.Stream<{ readonly type: string; readonly delta?: string }, unknown>, ends: ReadonlyArray<AttemptOutcome>) =>
  Stream.runCollect(Stream.concat(
    Stream.map(Stream.filter(stream, (part) => part.type === "text-delta"), (part) => part.delta ?? ""),
    Stream.fromEffect(Effect.sync(() => `ends: ${ends.length}`))
  ))

describe("attempt(model).stream", () => {
  it.effect("a stream read to its end is reported once as a success, before the consumer sees the end", () =>
    Effect.gen(function*() {
      const model = scriptedModel({ id: "cloud/a", script: [{ text: "one two three", usage: { inputTokens: 5, outputTokens: 3 } }] })
      const ends: Array<AttemptOutcome> = []
      const events: Array<AttemptEvent> = []
      const seen = yield* recordEvents(withAttemptHook(textsThenEnds(attempt(model).stream(request), ends), keepingEnds(ends)), events)
      assert.deepStrictEqual(seen.at(-1), "ends: 1")
      assert.strictEqual(ends.length, 1)
      assert.strictEqual(ends[0]?._tag, "AttemptSuccess")
      assert.strictEqual(ends[0]?.text, "one two three")
      assert.deepStrictEqual(ends[0]?.usage, { inputTokens: 5, outputTokens: 3, estimated: false })
      assert.isTrue(eventsComplete(events))
    }))

  it.effect("a stream that fails mid-way is reported once as a failure, with the text that arrived", () =>
    Effect.gen(function*() {
      const model = scriptedModel({ id: "cloud/a", script: [{ text: "one two three", failAfterTokens: 2, fail: "ServerError" }] })
      const ends: Array<AttemptOutcome> = []
      const exit = yield* Effect.exit(withAttemptHook(textsThenEnds(attempt(model).stream(request), ends), keepingEnds(ends)))
      assert.isTrue(Exit.isFailure(exit))
      assert.strictEqual(ends.length, 1)
      const end = ends[0]
      assert.strictEqual(end?._tag, "AttemptFailure")
      if (end?._tag === "AttemptFailure") assert.strictEqual(end.error.reason._tag, "ServerError")
      assert.strictEqual(end?.text, "one two ")
    }))

  it.effect("a stream interrupted mid-way is reported once as cancelled, with the text that arrived", () =>
    Effect.gen(function*() {
      const model = scriptedModel({ id: "cloud/a", script: [{ text: "one two three", firstTokenMs: 10, perTokenMs: 100 }] })
      const ends: Array<AttemptOutcome> = []
      const events: Array<AttemptEvent> = []
      const fiber = yield* Effect.forkChild(recordEvents(withAttemptHook(textsThenEnds(attempt(model).stream(request), ends), keepingEnds(ends)), events))
      yield* TestClock.adjust(150)
      yield* Fiber.interrupt(fiber)
      assert.strictEqual(ends.length, 1)
      assert.strictEqual(ends[0]?._tag, "AttemptCancelled")
      assert.strictEqual(ends[0]?.text, "one two ")
      assert.strictEqual(model.calls[0]?.outcome, "interrupted")
      assert.isTrue(eventsComplete(events))
    }))

  it.effect("a consumer that stops early ends the attempt once, as cancelled with the text it took, and stops the model's call", () =>
    Effect.gen(function*() {
      const model = scriptedModel({ id: "cloud/a", script: [{ text: "one two three", firstTokenMs: 10, perTokenMs: 100 }] })
      const ends: Array<AttemptOutcome> = []
      const events: Array<AttemptEvent> = []
      const fiber = yield* Effect.forkChild(recordEvents(withAttemptHook(Stream.runCollect(Stream.takeUntil(attempt(model).stream(request), (part) => part.type === "text-delta")), keepingEnds(ends)), events))
      yield* TestClock.adjust(500)
      yield* Fiber.join(fiber)
      assert.strictEqual(ends.length, 1)
      assert.strictEqual(ends[0]?._tag, "AttemptCancelled")
      assert.strictEqual(ends[0]?.text, "one ")
      assert.notStrictEqual(model.calls[0]?.outcome, "completed")
      assert.isTrue(eventsComplete(events))
    }))

  it.effect("a stream that fails as it opens is reported once as a failure, before the consumer sees the failure", () =>
    Effect.gen(function*() {
      const failure = providerError({ _tag: "ServerError", status: 503 }, "503 at the head", { provider: "cloud", model: "opening" })
      const base = scriptedModel({ id: "cloud/opening", script: [{ text: "unused" }] })
      // The backend fails while its stream is set up (a refused connection, an error status at the head).
      const model = { ...base, stream: () => Stream.fromChannel(Channel.fromTransform(() => Effect.fail(failure))) }
      const ends: Array<AttemptOutcome> = []
      const seen = yield* withAttemptHook(Stream.runCollect(Stream.concat(
        Stream.catchCause(attempt(model).stream(request), () => Stream.empty),
        Stream.fromEffect(Effect.sync(() => `ends: ${ends.length}`))
      )), keepingEnds(ends))
      assert.deepStrictEqual(seen, ["ends: 1"])
      assert.strictEqual(ends[0]?._tag, "AttemptFailure")
      if (ends[0]?._tag === "AttemptFailure") assert.strictEqual(ends[0].error.reason._tag, "ServerError")
    }))

  it.effect("an attempt the hook refuses fails with the refusal, calls nothing and is reported once as failed", () =>
    Effect.gen(function*() {
      const model = scriptedModel({ id: "cloud/a", script: [{ text: "never" }] })
      const refusal = providerError({ _tag: "BudgetExceeded", budget: "daily", limitUsd: 1, spentUsd: 1, requestedUsd: 0.5 }, "over budget")
      const events: Array<AttemptEvent> = []
      const exit = yield* Effect.exit(recordEvents(withAttemptHook(Stream.runCollect(attempt(model).stream(request)), () => Effect.fail(refusal)), events))
      assert.isTrue(Exit.isFailure(exit))
      assert.strictEqual(model.calls.length, 0)
      assert.deepStrictEqual(events.map((e) => e._tag), ["AttemptStart", "AttemptFailure"])
    }))
})
