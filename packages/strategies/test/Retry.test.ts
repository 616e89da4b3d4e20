import { assert, describe, it } from "@effect/vitest"
import { type AttemptEvent, collectStream, providerError } from "@orch/provider"
import { scriptedModel } from "@orch/testing"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { fallback, retry, retryDelay, timeout } from "../src/index.ts"
import { eventsComplete, recordEvents } from "./Events.ts"

const request = { prompt: "hello" }
const rateLimited = (retryAfterMs: number) => providerError({ _tag: "RateLimited", retryAfterMs }, "429", { provider: "cloud", model: "a" })

describe("retry", () => {
  it.effect("backs off exponentially with jitter and reports retries", () =>
    Effect.gen(function*() {
      const model = scriptedModel({ id: "cloud/a", script: [{ fail: "ServerError" }, { fail: "ServerError" }, { text: "third" }] })
      const events: Array<AttemptEvent> = []
      const fiber = yield* Effect.forkChild(recordEvents(retry(model, { baseDelayMs: 100, jitter: 0 }).generate(request), events))
      yield* TestClock.adjust(99)
      assert.strictEqual(model.calls.length, 1)
      yield* TestClock.adjust(1)
      assert.strictEqual(model.calls.length, 2)
      yield* TestClock.adjust(199)
      assert.strictEqual(model.calls.length, 2)
      yield* TestClock.adjust(1)
      assert.strictEqual((yield* Fiber.join(fiber)).text, "third")
      assert.deepStrictEqual(model.calls.map((c) => c.startedAtMs), [0, 100, 300])
      assert.deepStrictEqual(events.filter((e) => e._tag === "AttemptStart").map((e) => e.role), ["primary", "retry", "retry"])
      assert.isTrue(eventsComplete(events))
    }))

  it.effect("jitter stays within its bounds", () =>
    Effect.gen(function*() {
      const error = providerError({ _tag: "ServerError", status: 503 }, "503")
      for (let i = 0; i < 50; i++) {
        const wait = yield* retryDelay(error, 2, { baseDelayMs: 100, jitter: 0.5, times: 5 })
        assert.isTrue(wait !== undefined && wait >= 200 && wait <= 600, `wait ${wait}`)
      }
    }))

  it.effect("honours Retry-After and caps it", () =>
    Effect.gen(function*() {
      const model = scriptedModel({ id: "cloud/a", script: [{ fail: rateLimited(2_000) }, { fail: rateLimited(60_000) }, { text: "ok" }] })
      const fiber = yield* Effect.forkChild(retry(model, { baseDelayMs: 10, maxRetryAfterMs: 5_000 }).generate(request))
      yield* TestClock.adjust(7_000)
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(model.calls.map((c) => c.startedAtMs), [0, 2_000, 7_000])
    }))

  it.effect("a Retry-After longer than the remaining deadline goes elsewhere now", () =>
    Effect.gen(function*() {
      const limited = scriptedModel({ id: "cloud/a", script: [{ fail: rateLimited(30_000) }, { text: "too late" }] })
      const other = scriptedModel({ id: "cloud/b", script: [{ text: "elsewhere" }] })
      const plan = timeout(fallback([retry(limited), other]), { totalMs: 10_000 })
      const completion = yield* plan.generate(request)
      assert.strictEqual(completion.text, "elsewhere")
      assert.strictEqual(limited.calls.length, 1)
      assert.strictEqual(other.calls[0]?.startedAtMs, 0)
    }))

  it.effect("never retries a cancel or a non-retryable reason", () =>
    Effect.gen(function*() {
      for (const fail of ["Cancelled", "InvalidRequest", "Authentication"] as const) {
        const model = scriptedModel({ id: "cloud/a", script: [{ fail }, { text: "ok" }] })
        const error = yield* Effect.flip(retry(model, { times: 5, baseDelayMs: 1 }).generate(request))
        assert.strictEqual(error.reason._tag, fail)
        assert.strictEqual(model.calls.length, 1)
      }
    }))

  it.effect("an interrupted call is not retried, and is reported cancelled once", () =>
    Effect.gen(function*() {
      const model = scriptedModel({ id: "cloud/a", script: [{ latencyMs: 1_000 }] })
      const events: Array<AttemptEvent> = []
      const fiber = yield* Effect.forkChild(recordEvents(retry(model, { times: 5 }).generate(request), events))
      yield* TestClock.adjust(10)
      yield* Fiber.interrupt(fiber)
      yield* TestClock.adjust(10_000)
      assert.strictEqual(model.calls.length, 1)
      assert.deepStrictEqual(events.map((e) => e._tag), ["AttemptStart", "AttemptCancelled"])
    }))

  it.effect("streams retry only before the first token", () =>
    Effect.gen(function*() {
      const model = scriptedModel({ id: "cloud/a", script: [{ fail: "Unavailable" }, { text: "a b", fail: "ServerError", failAfterTokens: 1 }, { text: "never" }] })
      const streamed = yield* Effect.forkChild(Effect.flip(collectStream(retry(model, { baseDelayMs: 10, jitter: 0 }).stream(request))))
      yield* TestClock.adjust(10)
      const error = yield* Fiber.join(streamed)
      assert.strictEqual(error.reason._tag, "ServerError")
      assert.deepStrictEqual(model.calls.map((c) => c.startedAtMs), [0, 10])
      assert.strictEqual(model.calls[1]?.tokensEmitted, 1)
    }))
})

describe("timeout", () => {
  it.effect("one total deadline is shared by every attempt, retry and fallback under it", () =>
    Effect.gen(function*() {
      const a = scriptedModel({ id: "local/a", script: [{ fail: "ServerError", latencyMs: 400 }] })
      const b = scriptedModel({ id: "cloud/b", script: [{ text: "b", latencyMs: 5_000 }] })
      const events: Array<AttemptEvent> = []
      const plan = timeout(fallback([retry(a, { times: 1, baseDelayMs: 100, jitter: 0 }), b]), { totalMs: 1_000 })
      const fiber = yield* Effect.forkChild(recordEvents(Effect.flip(plan.generate(request)), events))
      yield* TestClock.adjust(1_000)
      const error = yield* Fiber.join(fiber)
      assert.deepStrictEqual(a.calls.map((c) => c.startedAtMs), [0, 500])
      assert.strictEqual(b.calls[0]?.startedAtMs, 900)
      assert.strictEqual(b.calls[0]?.endedAtMs, 1_000)
      assert.strictEqual(error.reason._tag === "Timeout" ? error.reason.phase : error.reason._tag, "total")
      assert.isTrue(eventsComplete(events))
    }))

  it.effect("an inner longer deadline does not extend the outer one", () =>
    Effect.gen(function*() {
      const a = scriptedModel({ id: "local/a", script: [{ latencyMs: 5_000 }] })
      const fiber = yield* Effect.forkChild(Effect.flip(timeout(timeout(a, { totalMs: 10_000 }), { totalMs: 1_000 }).generate(request)))
      yield* TestClock.adjust(1_000)
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error.reason._tag, "Timeout")
      assert.strictEqual(a.calls[0]?.endedAtMs, 1_000)
    }))

  it.effect("a gap between chunks longer than the limit fails with phase between-chunks", () =>
    Effect.gen(function*() {
      const a = scriptedModel({ id: "local/a", script: [{ text: "a b c d", firstTokenMs: 10, perTokenMs: 500 }] })
      const fiber = yield* Effect.forkChild(Effect.flip(collectStream(timeout(a, { betweenChunksMs: 200 }).stream(request))))
      yield* TestClock.adjust(300)
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error.reason._tag === "Timeout" ? error.reason.phase : error.reason._tag, "between-chunks")
      assert.strictEqual(a.calls[0]?.outcome, "interrupted")
    }))
})
