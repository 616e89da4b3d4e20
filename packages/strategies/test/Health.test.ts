import { assert, describe, it } from "@effect/vitest"
import { scriptedModel } from "@orch/testing"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { circuitBreaker, fallback, hedge, leastLatency, loadBalance, ModelHealth, observedDelay, observeLatency, pickWeighted } from "../src/index.ts"

const request = { prompt: "hi" }

describe("circuitBreaker", () => {
  it.effect("opens after N consecutive failures, skips at once, half-opens after the cool-down", () =>
    Effect.gen(function*() {
      const flaky = scriptedModel({ id: "local/flaky", script: (i) => (i < 3 ? { fail: "ServerError" } : { text: "back" }) })
      const spare = scriptedModel({ id: "cloud/spare", script: [{ text: "spare" }] })
      const guarded = yield* circuitBreaker(flaky, { consecutiveFailures: 3, coolDownMs: 10_000 })
      const plan = fallback([guarded, spare])
      for (let i = 0; i < 3; i++) assert.strictEqual((yield* plan.generate(request)).text, "spare")
      assert.strictEqual(flaky.calls.length, 3)
      const health = yield* ModelHealth
      assert.strictEqual(yield* health.breaker("local/flaky").state, "open")
      assert.strictEqual((yield* plan.generate(request)).text, "spare")
      assert.strictEqual(flaky.calls.length, 3)
      const skipped = yield* Effect.flip(guarded.generate(request))
      assert.deepStrictEqual(skipped.reason, { _tag: "Unavailable", cause: "circuit open" })
      yield* TestClock.adjust(10_000)
      assert.strictEqual(yield* health.breaker("local/flaky").state, "half-open")
      assert.strictEqual((yield* plan.generate(request)).text, "back")
      assert.strictEqual(yield* health.breaker("local/flaky").state, "closed")
    }).pipe(Effect.provide(ModelHealth.layer)))

  it.effect("a failed probe re-opens; the failure rate over a window trips it too", () =>
    Effect.gen(function*() {
      const down = scriptedModel({ id: "local/down", script: [{ fail: "Unavailable" }] })
      const guarded = yield* circuitBreaker(down, { consecutiveFailures: 1, coolDownMs: 1_000 })
      yield* Effect.flip(guarded.generate(request))
      yield* TestClock.adjust(1_000)
      yield* Effect.flip(guarded.generate(request))
      assert.strictEqual(down.calls.length, 2)
      const health = yield* ModelHealth
      assert.strictEqual(yield* health.breaker("local/down").state, "open")

      const half = scriptedModel({ id: "local/half", script: (i) => (i % 2 === 0 ? { text: "ok" } : { fail: "Overloaded" }) })
      const rated = yield* circuitBreaker(half, { consecutiveFailures: 100, failureRate: { threshold: 0.5, window: 4 } })
      for (let i = 0; i < 4; i++) yield* Effect.result(rated.generate(request))
      assert.strictEqual(yield* health.breaker("local/half").state, "open")
    }).pipe(Effect.provide(ModelHealth.layer)))

  it.effect("request errors and cancels do not count against the model", () =>
    Effect.gen(function*() {
      const strict = scriptedModel({ id: "cloud/strict", script: [{ fail: "InvalidRequest" }] })
      const guarded = yield* circuitBreaker(strict, { consecutiveFailures: 1 })
      yield* Effect.flip(guarded.generate(request))
      yield* Effect.flip(guarded.generate(request))
      assert.strictEqual(strict.calls.length, 2)
    }).pipe(Effect.provide(ModelHealth.layer)))

  it.effect("the cost ledger being unavailable does not count against the model; the model being unavailable does", () =>
    Effect.gen(function*() {
      const ledgerDown = { _tag: "Unavailable", cause: "Redis ledger: connect ECONNREFUSED", component: "ledger" } as const
      const model = scriptedModel({ id: "cloud/m", script: (i) => (i < 3 ? { fail: ledgerDown } : i === 3 ? { fail: "Unavailable" } : { text: "ok" }) })
      const guarded = yield* circuitBreaker(model, { consecutiveFailures: 1 })
      const health = yield* ModelHealth
      for (let i = 0; i < 3; i++) yield* Effect.flip(guarded.generate(request))
      assert.strictEqual(yield* health.breaker("cloud/m").state, "closed")
      yield* Effect.flip(guarded.generate(request))
      assert.strictEqual(yield* health.breaker("cloud/m").state, "open")
      assert.strictEqual(model.calls.length, 4)
    }).pipe(Effect.provide(ModelHealth.layer)))
})

describe("loadBalance", () => {
  it("picks by weight", () => {
    assert.strictEqual(pickWeighted([1, 3], 0), 0)
    assert.strictEqual(pickWeighted([1, 3], 0.24), 0)
    assert.strictEqual(pickWeighted([1, 3], 0.26), 1)
    assert.strictEqual(pickWeighted([0, 1], 0), 1)
  })

  it.effect("spreads calls roughly by weight", () =>
    Effect.gen(function*() {
      const a = scriptedModel({ id: "local/a", script: [{ text: "a" }] })
      const b = scriptedModel({ id: "local/b", script: [{ text: "b" }] })
      const plan = loadBalance([a, b], { weights: [1, 3] })
      for (let i = 0; i < 400; i++) yield* plan.generate(request)
      assert.isTrue(b.calls.length > 240 && b.calls.length < 360, `b got ${b.calls.length}`)
      assert.strictEqual(a.calls.length + b.calls.length, 400)
    }))

  it.effect("least latency by EWMA: measures each, then prefers the fastest", () =>
    Effect.gen(function*() {
      const slow = scriptedModel({ id: "local/slow", script: [{ latencyMs: 300 }] })
      const fast = scriptedModel({ id: "local/fast", script: [{ latencyMs: 100 }] })
      const plan = yield* leastLatency([slow, fast])
      for (let i = 0; i < 5; i++) {
        const fiber = yield* Effect.forkChild(plan.generate(request))
        yield* TestClock.adjust(300)
        yield* Fiber.join(fiber)
      }
      assert.strictEqual(slow.calls.length, 1)
      assert.strictEqual(fast.calls.length, 4)
    }).pipe(Effect.provide(ModelHealth.layer)))
})

describe("hedge after the observed p95", () => {
  it.effect("reads the delay from the latency samples", () =>
    Effect.gen(function*() {
      const primary = scriptedModel({ id: "local/p", script: (i) => ({ latencyMs: i < 19 ? 100 : 200 + i }) })
      const backup = scriptedModel({ id: "cloud/b", script: [{ text: "b", latencyMs: 10 }] })
      const observed = yield* observeLatency(primary)
      const plan = hedge([observed, backup], { delayMs: yield* observedDelay("local/p", { fallbackMs: 1_000 }) })
      for (let i = 0; i < 20; i++) {
        const fiber = yield* Effect.forkChild(plan.generate(request))
        yield* TestClock.adjust(1_000)
        yield* Fiber.join(fiber)
      }
      assert.strictEqual(backup.calls.length, 0)
      const health = yield* ModelHealth
      assert.strictEqual(yield* health.percentile("local/p", 0.95), 100)
      const fiber = yield* Effect.forkChild(plan.generate(request))
      yield* TestClock.adjust(110)
      assert.strictEqual((yield* Fiber.join(fiber)).text, "b")
      assert.strictEqual(backup.calls[0]?.startedAtMs, primary.calls[20]!.startedAtMs + 100)
    }).pipe(Effect.provide(ModelHealth.layer)))
})
