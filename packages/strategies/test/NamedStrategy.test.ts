import { assert, describe, it } from "@effect/vitest"
import { scriptedModel } from "@orch/testing"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { EnsembleMode, namedStrategy, parseEnsembleMode, parseStrategy, Strategy } from "../src/index.ts"

const request = { prompt: "hi" }

describe("named strategies", () => {
  it.effect("parse any case and the values; unknown names are InvalidRequest", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* parseStrategy("LOCAL_FIRST"), Strategy.LOCAL_FIRST)
      assert.strictEqual(yield* parseStrategy("local_first"), "local_first")
      assert.strictEqual(yield* parseStrategy("Cloud-First"), Strategy.CLOUD_FIRST)
      assert.strictEqual(yield* parseEnsembleMode("VOTE"), EnsembleMode.VOTE)
      const error = yield* Effect.flip(parseStrategy("fastest"))
      assert.strictEqual(error.reason._tag, "InvalidRequest")
      assert.match(error.message, /local_first/)
      assert.deepStrictEqual(Object.keys(Strategy), ["AUTO", "LOCAL_ONLY", "CLOUD_ONLY", "LOCAL_FIRST", "CLOUD_FIRST", "ENSEMBLE", "PARALLEL", "CASCADE"])
      for (const [name, value] of Object.entries(Strategy)) assert.strictEqual(value, name.toLowerCase())
    }))

  it.effect("LOCAL_FIRST goes to cloud when local misses its first-token deadline", () =>
    Effect.gen(function*() {
      const local = scriptedModel({ id: "local/a", kind: "local", script: [{ text: "local", firstTokenMs: 3_000 }] })
      const cloud = scriptedModel({ id: "cloud/b", kind: "cloud", script: [{ text: "cloud" }] })
      const fiber = yield* Effect.forkChild(namedStrategy("local_first", { local: [local], cloud: [cloud], localFirstTokenMs: 2_000 }).generate(request))
      yield* TestClock.adjust(2_000)
      assert.strictEqual((yield* Fiber.join(fiber)).text, "cloud")
      assert.strictEqual(cloud.calls[0]?.startedAtMs, 2_000)
    }))

  it.effect("LOCAL_FIRST counts the load time of a model that is not loaded", () =>
    Effect.gen(function*() {
      const local = scriptedModel({ id: "local/a", kind: "local", info: { loaded: false }, script: [{ text: "local", firstTokenMs: 3_000 }] })
      const cloud = scriptedModel({ id: "cloud/b", kind: "cloud", script: [{ text: "cloud" }] })
      const fiber = yield* Effect.forkChild(namedStrategy("local_first", { local: [local], cloud: [cloud], localFirstTokenMs: 2_000, loadTimeMs: 5_000 }).generate(request))
      yield* TestClock.adjust(3_000)
      assert.strictEqual((yield* Fiber.join(fiber)).text, "local")
      assert.strictEqual(cloud.calls.length, 0)
    }))

  it.effect("LOCAL_FIRST falls over when local is unavailable; CLOUD_FIRST tries cloud first; ONLY stays in its kind", () =>
    Effect.gen(function*() {
      const local = scriptedModel({ id: "local/a", kind: "local", script: [{ fail: "Unavailable" }] })
      const cloud = scriptedModel({ id: "cloud/b", kind: "cloud", script: [{ text: "cloud" }] })
      assert.strictEqual((yield* namedStrategy("local_first", { local: [local], cloud: [cloud] }).generate(request)).text, "cloud")
      assert.strictEqual((yield* namedStrategy("cloud_first", { local: [local], cloud: [cloud] }).generate(request)).text, "cloud")
      assert.strictEqual(local.calls.length, 1)
      const error = yield* Effect.flip(namedStrategy("local_only", { local: [local], cloud: [cloud] }).generate(request))
      assert.strictEqual(error.reason._tag, "Unavailable")
      assert.strictEqual(cloud.calls.length, 2)
    }))

  it.effect("AUTO follows a routed plan, and is LOCAL_FIRST without one", () =>
    Effect.gen(function*() {
      const local = scriptedModel({ id: "local/a", kind: "local", script: [{ text: "local" }] })
      const cloud = scriptedModel({ id: "cloud/b", kind: "cloud", script: [{ text: "cloud" }] })
      assert.strictEqual((yield* namedStrategy("auto", { local: [local], cloud: [cloud] }).generate(request)).text, "local")
      const routed = namedStrategy("auto", { plan: { strategy: "cloud_first", models: [local, cloud] } })
      assert.strictEqual((yield* routed.generate(request)).text, "cloud")
    }))

  it.effect("ENSEMBLE modes, PARALLEL and CASCADE compose the primitives", () =>
    Effect.gen(function*() {
      const a = scriptedModel({ id: "local/a", kind: "local", script: [{ text: "4", latencyMs: 30 }] })
      const b = scriptedModel({ id: "local/b", kind: "local", script: [{ text: "4", latencyMs: 10 }] })
      const c = scriptedModel({ id: "cloud/c", kind: "cloud", script: [{ text: "5", latencyMs: 20 }] })
      const options = { local: [a, b], cloud: [c] }
      const voted = yield* Effect.forkChild(namedStrategy("ensemble", options).generate(request))
      yield* TestClock.adjust(30)
      assert.strictEqual((yield* Fiber.join(voted)).text, "4")
      const raced = yield* Effect.forkChild(namedStrategy("parallel", options).generate(request))
      yield* TestClock.adjust(10)
      assert.strictEqual((yield* Fiber.join(raced)).model, "b")
      const chained = yield* Effect.forkChild(namedStrategy("ensemble", { ...options, ensembleMode: "chain" }).generate(request))
      yield* TestClock.adjust(50)
      assert.strictEqual((yield* Fiber.join(chained)).model, "c")
      const cascaded = yield* Effect.forkChild(namedStrategy("cascade", options).generate(request))
      yield* TestClock.adjust(30)
      assert.strictEqual((yield* Fiber.join(cascaded)).model, "a")
    }))
})
