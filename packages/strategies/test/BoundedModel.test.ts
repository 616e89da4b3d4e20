import { assert, describe, it } from "@effect/vitest"
import type { CallBound, Completion, CompletionRequest, LanguageModel } from "@orch/provider"
import { Effect, Stream } from "effect"
import { attempt, timeout, underDeadline } from "../src/index.ts"

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
