import { assert, describe, it } from "@effect/vitest"
import { type AttemptEvent, collectStream } from "@orch/provider"
import { scriptedModel } from "@orch/testing"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { hedge, race } from "../src/index.ts"
import { eventsComplete, recordEvents } from "./Events.ts"

const request = { prompt: "hello there" }

describe("race", () => {
  it.effect("the earliest success wins, losers are interrupted and reported cancelled with usage", () =>
    Effect.gen(function*() {
      const slow = scriptedModel({ id: "cloud/slow", script: [{ text: "slow answer here", firstTokenMs: 100, perTokenMs: 100 }] })
      const fast = scriptedModel({ id: "local/fast", script: [{ text: "fast", latencyMs: 150 }] })
      const failing = scriptedModel({ id: "cloud/failing", script: [{ fail: "ServerError", latencyMs: 10 }] })
      const events: Array<AttemptEvent> = []
      const fiber = yield* Effect.forkChild(recordEvents(race([slow, fast, failing]).generate(request), events))
      yield* TestClock.adjust(150)
      const completion = yield* Fiber.join(fiber)
      assert.strictEqual(completion.text, "fast")
      assert.strictEqual(slow.calls[0]?.outcome, "interrupted")
      assert.strictEqual(slow.calls[0]?.tokensEmitted, 1)
      assert.strictEqual(slow.calls[0]?.endedAtMs, 150)
      assert.isTrue(eventsComplete(events))
      const cancelled = events.find((e) => e._tag === "AttemptCancelled")
      assert.strictEqual(cancelled?.model.id, "cloud/slow")
      assert.isDefined(cancelled?._tag === "AttemptCancelled" ? cancelled.usage : undefined)
      assert.deepStrictEqual(events.filter((e) => e._tag !== "AttemptStart").map((e) => `${e._tag}:${e.model.id}`), [
        "AttemptFailure:cloud/failing", "AttemptSuccess:local/fast", "AttemptCancelled:cloud/slow"
      ])
    }))

  it.effect("all failed is AllAttemptsFailed in the order they ended", () =>
    Effect.gen(function*() {
      const a = scriptedModel({ id: "local/a", script: [{ fail: "Overloaded", latencyMs: 30 }] })
      const b = scriptedModel({ id: "cloud/b", script: [{ fail: "Unavailable", latencyMs: 10 }] })
      const fiber = yield* Effect.forkChild(Effect.flip(race([a, b]).generate(request)))
      yield* TestClock.adjust(30)
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error.reason._tag, "AllAttemptsFailed")
      if (error.reason._tag === "AllAttemptsFailed") assert.deepStrictEqual(error.reason.errors.map((e) => e.reason._tag), ["Unavailable", "Overloaded"])
    }))

  it.effect("streams: the first to deliver a token wins; the other stream is interrupted", () =>
    Effect.gen(function*() {
      const early = scriptedModel({ id: "local/early", script: [{ text: "a b c", firstTokenMs: 10, perTokenMs: 100 }] })
      const late = scriptedModel({ id: "cloud/late", script: [{ text: "x", firstTokenMs: 50 }] })
      const events: Array<AttemptEvent> = []
      const fiber = yield* Effect.forkChild(recordEvents(collectStream(race([early, late]).stream(request)), events))
      yield* TestClock.adjust(500)
      const completion = yield* Fiber.join(fiber)
      assert.strictEqual(completion.text, "a b c")
      assert.strictEqual(late.calls[0]?.outcome, "interrupted")
      assert.strictEqual(late.calls[0]?.endedAtMs, 10)
      assert.isTrue(eventsComplete(events))
    }))

  it.effect("interrupting the caller cancels every leg and reports each once", () =>
    Effect.gen(function*() {
      const a = scriptedModel({ id: "local/a", script: [{ latencyMs: 1_000 }] })
      const b = scriptedModel({ id: "cloud/b", script: [{ latencyMs: 1_000 }] })
      const events: Array<AttemptEvent> = []
      const fiber = yield* Effect.forkChild(recordEvents(race([a, b]).generate(request), events))
      yield* TestClock.adjust(100)
      yield* Fiber.interrupt(fiber)
      assert.deepStrictEqual([a.calls[0]?.outcome, b.calls[0]?.outcome], ["interrupted", "interrupted"])
      assert.deepStrictEqual(events.filter((e) => e._tag === "AttemptCancelled").length, 2)
      assert.isTrue(eventsComplete(events))
    }))
})

describe("hedge", () => {
  it.effect("does not start the hedge when the first answers before the delay", () =>
    Effect.gen(function*() {
      const primary = scriptedModel({ id: "local/p", script: [{ text: "p", latencyMs: 80 }] })
      const backup = scriptedModel({ id: "cloud/b", script: [{ text: "b" }] })
      const fiber = yield* Effect.forkChild(hedge([primary, backup], { delayMs: 100 }).generate(request))
      yield* TestClock.adjust(80)
      assert.strictEqual((yield* Fiber.join(fiber)).text, "p")
      yield* TestClock.adjust(1_000)
      assert.strictEqual(backup.calls.length, 0)
    }))

  it.effect("starts the hedge at the delay; the first success wins and the other is aborted", () =>
    Effect.gen(function*() {
      const primary = scriptedModel({ id: "local/p", script: [{ text: "p", latencyMs: 1_000 }] })
      const backup = scriptedModel({ id: "cloud/b", script: [{ text: "b", latencyMs: 50 }] })
      const events: Array<AttemptEvent> = []
      const fiber = yield* Effect.forkChild(recordEvents(hedge([primary, backup], { delayMs: 100 }).generate(request), events))
      yield* TestClock.adjust(99)
      assert.strictEqual(backup.calls.length, 0)
      yield* TestClock.adjust(1)
      assert.strictEqual(backup.calls[0]?.startedAtMs, 100)
      yield* TestClock.adjust(50)
      assert.strictEqual((yield* Fiber.join(fiber)).text, "b")
      assert.strictEqual(primary.calls[0]?.outcome, "interrupted")
      assert.deepStrictEqual(events.filter((e) => e._tag === "AttemptStart").map((e) => e.role), ["primary", "hedge"])
      assert.isTrue(eventsComplete(events))
    }))

  it.effect("a failure before the delay starts the next at once", () =>
    Effect.gen(function*() {
      const primary = scriptedModel({ id: "local/p", script: [{ fail: "Unavailable", latencyMs: 10 }] })
      const backup = scriptedModel({ id: "cloud/b", script: [{ text: "b" }] })
      const fiber = yield* Effect.forkChild(hedge([primary, backup], { delayMs: 1_000 }).generate(request))
      yield* TestClock.adjust(10)
      assert.strictEqual((yield* Fiber.join(fiber)).text, "b")
      assert.strictEqual(backup.calls[0]?.startedAtMs, 10)
    }))

  it.effect("streams: hedges on a late first token", () =>
    Effect.gen(function*() {
      const primary = scriptedModel({ id: "local/p", script: [{ text: "p", firstTokenMs: 500 }] })
      const backup = scriptedModel({ id: "cloud/b", script: [{ text: "b b", firstTokenMs: 20 }] })
      const fiber = yield* Effect.forkChild(collectStream(hedge([primary, backup], { delayMs: 100 }).stream(request)))
      yield* TestClock.adjust(120)
      assert.strictEqual((yield* Fiber.join(fiber)).text, "b b")
      assert.strictEqual(primary.calls[0]?.outcome, "interrupted")
    }))
})
