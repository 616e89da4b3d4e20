import { assert, describe, it } from "@effect/vitest"
import type { CallBound, Completion, CompletionRequest, LanguageModel, StreamPart } from "@orch/provider"
import { Effect, Exit, Stream } from "effect"
import { attempt, type AttemptHook, type AttemptOutcome, timeout, underDeadline, underDeadlineStream, withAttemptHookStream } from "../src/index.ts"

const request: CompletionRequest = { messages: [{ role: "user", content: "Hi" }] }
const answer: Completion = {
  text: "Hello", finishReason: "stop", usage: { inputTokens: 1, outputTokens: 1, estimated: false },
  provider: "openai", model: "gpt-4o-mini", timings: { totalMs: 1 }
}

/** A cloud model that times its own requests: it answers at once and keeps the bound it was given. */
const selfTiming = () => {
  const bounds: Array<CallBound> = []
  let plainCalls = 0
  const model: LanguageModel = {
    id: "openai/gpt-4o-mini", provider: "openai", name: "gpt-4o-mini", kind: "cloud",
    generate: () => Effect.sync(() => {
      plainCalls++
      return answer
    }),
    generateBounded: (_request, bound) => Effect.sync(() => {
      bounds.push(bound)
      return answer
    }),
    stream: () => Stream.empty
  }
  return { model, bounds, plainCalls: () => plainCalls }
}

// No assertion depends on how long anything takes: the model answers at once, and only the bound it was handed is read.
describe("an attempt with a model that times its own requests", () => {
  it.live("hands the model the call's deadline and the error naming it, instead of a timer of its own", () =>
    Effect.gen(function*() {
      const { model, bounds, plainCalls } = selfTiming()
      const now = Date.now()
      const deadline = now + 60_000
      assert.strictEqual(yield* underDeadline(attempt(model).generate(request), deadline), answer)
      assert.strictEqual(plainCalls(), 0)
      assert.strictEqual(bounds.length, 1)
      assert.isAtMost(bounds[0]!.atMs, deadline)
      assert.isAtLeast(bounds[0]!.atMs, now)
      const error = bounds[0]!.error()
      assert.strictEqual(error.reason._tag, "Timeout")
      assert.deepStrictEqual(error.reason._tag === "Timeout" ? error.reason.phase : undefined, "total")
      assert.include(error.message, "deadline")
    }))

  it.live("hands it the first-token limit when that comes first, with the first-token error", () =>
    Effect.gen(function*() {
      const { model, bounds } = selfTiming()
      const deadline = Date.now() + 60_000
      yield* underDeadline(timeout(model, { firstTokenMs: 5_000 }).generate(request), deadline)
      assert.isBelow(bounds[0]!.atMs, deadline - 50_000)
      const error = bounds[0]!.error()
      assert.deepStrictEqual(error.reason._tag === "Timeout" ? error.reason.phase : undefined, "first-token")
    }))

  it.live("is called plainly when no deadline or limit is in scope", () =>
    Effect.gen(function*() {
      const { model, bounds, plainCalls } = selfTiming()
      yield* attempt(model).generate(request)
      assert.strictEqual(plainCalls(), 1)
      assert.strictEqual(bounds.length, 0)
    }))

  it.effect("is bounded by a timer of the test clock under a TestClock (tests move time, not the model)", () =>
    Effect.gen(function*() {
      const { model, bounds, plainCalls } = selfTiming()
      yield* underDeadline(attempt(model).generate(request), 60_000)
      assert.strictEqual(plainCalls(), 1)
      assert.strictEqual(bounds.length, 0)
    }))
})

const parts: ReadonlyArray<StreamPart> = [
  { type: "text-delta", delta: "Hel" },
  { type: "text-delta", delta: "lo" },
  { type: "finish", finishReason: "stop", usage: { inputTokens: 1, outputTokens: 2, estimated: false }, provider: "openai", model: "gpt-4o-mini", timings: { totalMs: 1 } }
]

/**
 * A cloud model whose transport times its own streams: given a bound, it sends its first text and is then cut at the
 * bound, as the transport does (the bound's error); without one it streams the whole answer.
 */
const selfTimingStream = () => {
  const bounds: Array<CallBound> = []
  let plainStreams = 0
  const model: LanguageModel = {
    id: "openai/gpt-4o-mini", provider: "openai", name: "gpt-4o-mini", kind: "cloud",
    generate: () => Effect.succeed(answer),
    stream: () => Stream.suspend(() => {
      plainStreams++
      return Stream.fromIterable(parts)
    }),
    streamBounded: (_request, bound) => Stream.suspend(() => {
      bounds.push(bound)
      return Stream.concat(Stream.make(parts[0]!), Stream.fail(bound.error()))
    })
  }
  return { model, bounds, plainStreams: () => plainStreams }
}

/** The attempts' outcomes as the hook is told them. */
const outcomes = () => {
  const seen: Array<AttemptOutcome> = []
  const hook: AttemptHook = () => Effect.succeed((outcome) => Effect.sync(() => void seen.push(outcome)))
  return { seen, hook }
}

describe("a streamed attempt with a model that times its own streams", () => {
  it.live("hands the model the deadline on the real clock without chunk limits; the cut keeps the text before and names the model", () =>
    Effect.gen(function*() {
      const { model, bounds, plainStreams } = selfTimingStream()
      const { seen, hook } = outcomes()
      const deadline = Date.now() + 60_000
      const exit = yield* Effect.exit(Stream.runCollect(withAttemptHookStream(underDeadlineStream(attempt(model).stream(request), deadline), hook)))
      assert.strictEqual(plainStreams(), 0)
      assert.strictEqual(bounds.length, 1)
      assert.strictEqual(bounds[0]!.atMs, deadline)
      assert.isTrue(Exit.isFailure(exit))
      const error = bounds[0]!.error()
      assert.strictEqual(error.reason._tag, "Timeout")
      assert.include(error.message, "deadline")
      assert.strictEqual(error.model, "gpt-4o-mini")
      assert.strictEqual(error.provider, "openai")
      assert.strictEqual(seen.length, 1)
      assert.strictEqual(seen[0]!._tag, "AttemptFailure")
      assert.strictEqual(seen[0]!.text, "Hel")
      assert.deepStrictEqual(seen[0]!._tag === "AttemptFailure" ? seen[0]!.error.reason : undefined, error.reason)
    }))

  it.live("keeps the stream guard (no bound handed) when chunk limits are in scope", () =>
    Effect.gen(function*() {
      const { model, bounds, plainStreams } = selfTimingStream()
      const deadline = Date.now() + 60_000
      const got = yield* Stream.runCollect(underDeadlineStream(timeout(model, { betweenChunksMs: 30_000 }).stream(request), deadline))
      assert.strictEqual(got.length, parts.length)
      assert.strictEqual(plainStreams(), 1)
      assert.strictEqual(bounds.length, 0)
      yield* Stream.runCollect(underDeadlineStream(timeout(model, { firstTokenMs: 30_000 }).stream(request), deadline))
      assert.strictEqual(bounds.length, 0)
    }))

  it.live("streams plainly when no deadline is in scope", () =>
    Effect.gen(function*() {
      const { model, bounds, plainStreams } = selfTimingStream()
      const got = yield* Stream.runCollect(attempt(model).stream(request))
      assert.strictEqual(got.length, parts.length)
      assert.strictEqual(plainStreams(), 1)
      assert.strictEqual(bounds.length, 0)
    }))

  it.effect("is guarded on the test clock under a TestClock (tests move time, not the model)", () =>
    Effect.gen(function*() {
      const { model, bounds, plainStreams } = selfTimingStream()
      const got = yield* Stream.runCollect(underDeadlineStream(attempt(model).stream(request), 60_000))
      assert.strictEqual(got.length, parts.length)
      assert.strictEqual(plainStreams(), 1)
      assert.strictEqual(bounds.length, 0)
    }))
})
