import { assert, describe, it } from "@effect/vitest"
import { type AttemptEvent, collectStream, type LanguageModel, providerError } from "@orch/provider"
import { scriptedModel } from "@orch/testing"
import { Effect, Exit, Fiber, Stream } from "effect"
import { TestClock } from "effect/testing"
import { fallback, isContinued, timeout, withDeadline } from "../src/index.ts"
import { eventsComplete, recordEvents } from "./Events.ts"

const request = { prompt: "hello" }

/** `fallback([timeout(slow, { firstTokenMs: 1000 }), fast])` past the limit and `fast`'s 50 ms: the answer, the first failure's reason, the events. */
const pastFirstTokenLimit = (slow: LanguageModel, fast: LanguageModel) =>
  Effect.gen(function*() {
    const events: Array<AttemptEvent> = []
    const fiber = yield* Effect.forkChild(recordEvents(fallback([timeout(slow, { firstTokenMs: 1_000 }), fast]).generate(request), events))
    yield* TestClock.adjust(1_000)
    yield* TestClock.adjust(50)
    const completion = yield* Fiber.join(fiber)
    const failed = events.find((e) => e._tag === "AttemptFailure")
    return { completion, failure: failed?._tag === "AttemptFailure" ? failed.error.reason : undefined, events }
  })

describe("fallback", () => {
  it.effect("returns the first success in order and reports every attempt", () =>
    Effect.gen(function*() {
      const a = scriptedModel({ id: "local/a", script: [{ fail: "Unavailable", latencyMs: 10 }] })
      const b = scriptedModel({ id: "cloud/b", script: [{ text: "from b", latencyMs: 20 }] })
      const c = scriptedModel({ id: "cloud/c", script: [{ text: "from c" }] })
      const events: Array<AttemptEvent> = []
      const fiber = yield* Effect.forkChild(recordEvents(fallback([a, b, c]).generate(request), events))
      yield* TestClock.adjust(100)
      const completion = yield* Fiber.join(fiber)
      assert.strictEqual(completion.text, "from b")
      assert.strictEqual(c.calls.length, 0)
      assert.deepStrictEqual(events.map((e) => `${e._tag}:${e.model.id}:${e.role}`), [
        "AttemptStart:local/a:primary", "AttemptFailure:local/a:primary",
        "AttemptStart:cloud/b:fallback", "AttemptSuccess:cloud/b:fallback"
      ])
      assert.isTrue(eventsComplete(events))
    }))

  it.effect("does not fall over on Authentication unless asked", () =>
    Effect.gen(function*() {
      const a = scriptedModel({ id: "cloud/a", script: [{ fail: "Authentication" }] })
      const b = scriptedModel({ id: "cloud/b", script: [{ text: "b" }] })
      const exit = yield* Effect.exit(fallback([a, b]).generate(request))
      assert.isTrue(Exit.isFailure(exit))
      assert.strictEqual(b.calls.length, 0)
      const asked = yield* fallback([a, b], { onAuthentication: true }).generate(request)
      assert.strictEqual(asked.text, "b")
    }))

  it.effect("moves past a model that cannot take what the request carries, not past an invalid request", () =>
    Effect.gen(function*() {
      const cannot = providerError({ _tag: "InvalidRequest", issues: ["unsupported: an image given by URL"], missingCapabilities: ["image URLs"] }, "Invalid request: unsupported")
      const a = scriptedModel({ id: "local/a", script: [{ fail: cannot }] })
      const b = scriptedModel({ id: "cloud/b", script: [{ text: "a cat" }, { text: "never" }] })
      assert.strictEqual((yield* fallback([a, b]).generate(request)).text, "a cat")
      const wrong = scriptedModel({ id: "local/wrong", script: [{ fail: "InvalidRequest" }] })
      const exit = yield* Effect.exit(fallback([wrong, b]).generate(request))
      assert.isTrue(Exit.isFailure(exit))
      assert.strictEqual(b.calls.length, 1)
    }))

  it.effect("all failed is AllAttemptsFailed with every error in order", () =>
    Effect.gen(function*() {
      const a = scriptedModel({ id: "local/a", script: [{ fail: "Unavailable" }] })
      const b = scriptedModel({ id: "cloud/b", script: [{ fail: "Overloaded" }] })
      const error = yield* Effect.flip(fallback([a, b]).generate(request))
      assert.strictEqual(error.reason._tag, "AllAttemptsFailed")
      if (error.reason._tag === "AllAttemptsFailed") assert.deepStrictEqual(error.reason.errors.map((e) => e.reason._tag), ["Unavailable", "Overloaded"])
    }))

  it.effect("after a context overflow, skips models whose window is not larger", () =>
    Effect.gen(function*() {
      const small = scriptedModel({ id: "local/small", script: [{ fail: "ContextLengthExceeded" }], info: { contextWindow: 4096 } })
      const same = scriptedModel({ id: "cloud/same", script: [{ text: "same" }], info: { contextWindow: 4096 } })
      const large = scriptedModel({ id: "cloud/large", script: [{ text: "large" }], info: { contextWindow: 128_000 } })
      const completion = yield* fallback([small, same, large]).generate(request)
      assert.strictEqual(completion.text, "large")
      assert.strictEqual(same.calls.length, 0)
    }))

  it.effect("a missed first-token deadline falls over to the next model", () =>
    Effect.gen(function*() {
      const slow = scriptedModel({ id: "local/slow", script: [{ text: "late", firstTokenMs: 5_000 }] })
      const fast = scriptedModel({ id: "cloud/fast", script: [{ text: "fast", firstTokenMs: 50 }] })
      const { completion, failure, events } = yield* pastFirstTokenLimit(slow, fast)
      assert.strictEqual(completion.text, "fast")
      assert.strictEqual(slow.calls[0]?.outcome, "interrupted")
      assert.strictEqual(failure?._tag, "Timeout")
      assert.isTrue(eventsComplete(events))
    }))

  it.effect("a cloud model under a first-token limit is called in one body, and the limit bounds the whole call", () =>
    Effect.gen(function*() {
      const slow = scriptedModel({ id: "cloud/slow", kind: "cloud", script: [{ text: "late", firstTokenMs: 5_000 }] })
      const quick = scriptedModel({ id: "cloud/quick", kind: "cloud", script: [{ text: "quick" }] })
      const fast = scriptedModel({ id: "cloud/fast", kind: "cloud", script: [{ text: "fast", firstTokenMs: 50 }] })
      const answered = yield* fallback([timeout(quick, { firstTokenMs: 1_000 }), fast]).generate(request)
      assert.strictEqual(answered.text, "quick")
      assert.strictEqual(quick.calls[0]?.mode, "generate")
      const { completion, failure, events } = yield* pastFirstTokenLimit(slow, fast)
      assert.strictEqual(completion.text, "fast")
      assert.strictEqual(slow.calls[0]?.mode, "generate")
      assert.strictEqual(slow.calls[0]?.outcome, "interrupted")
      assert.deepStrictEqual(failure, { _tag: "Timeout", phase: "first-token", afterMs: 1_000 })
      assert.isTrue(eventsComplete(events))
    }))

  it.effect("a local model under a first-token limit, and any model under a gap limit, are streamed so the limits see each chunk", () =>
    Effect.gen(function*() {
      const local = scriptedModel({ id: "local/a", kind: "local", script: [{ text: "local" }] })
      const cloud = scriptedModel({ id: "cloud/b", kind: "cloud", script: [{ text: "cloud" }] })
      yield* timeout(local, { firstTokenMs: 1_000 }).generate(request)
      yield* timeout(cloud, { firstTokenMs: 1_000, betweenChunksMs: 500 }).generate(request)
      assert.strictEqual(local.calls[0]?.mode, "stream")
      assert.strictEqual(cloud.calls[0]?.mode, "stream")
    }))

  it.effect("streams fail over before the first token and end with StreamInterrupted after it", () =>
    Effect.gen(function*() {
      const down = scriptedModel({ id: "local/down", script: [{ fail: "Unavailable" }] })
      const up = scriptedModel({ id: "cloud/up", script: [{ text: "one two three" }] })
      const completion = yield* collectStream(fallback([down, up]).stream(request))
      assert.strictEqual(completion.text, "one two three")

      const breaks = scriptedModel({ id: "local/breaks", script: [{ text: "one two three", fail: "ServerError", failAfterTokens: 2 }] })
      const spare = scriptedModel({ id: "cloud/spare", script: [{ text: "spare" }] })
      const error = yield* Effect.flip(collectStream(fallback([breaks, spare]).stream(request)))
      assert.strictEqual(error.reason._tag, "StreamInterrupted")
      if (error.reason._tag === "StreamInterrupted") assert.strictEqual(error.reason.partialText, "one two ")
      assert.strictEqual(spare.calls.length, 0)
    }))
})

describe("fallback streams, continued", () => {
  it.effect("opt-in: continues on the next model from the partial text and says so", () =>
    Effect.gen(function*() {
      const breaks = scriptedModel({ id: "local/breaks", script: [{ text: "one two three", fail: "ServerError", failAfterTokens: 2 }] })
      const spare = scriptedModel({ id: "cloud/spare", script: [{ text: "three four" }] })
      const events: Array<AttemptEvent> = []
      const parts = yield* recordEvents(Stream.runCollect(fallback([breaks, spare], { continueAfterText: true }).stream(request)), events)
      const text = parts.flatMap((p) => (p.type === "text-delta" ? [p.delta] : [])).join("")
      assert.strictEqual(text, "one two three four")
      assert.strictEqual(parts.filter((p) => p.type === "text-start").length, 1)
      const finish = parts.at(-1)!
      assert.isTrue(isContinued(finish))
      if (isContinued(finish)) assert.deepStrictEqual(finish.continuedFrom.map((c) => [c.step, c.partialText]), [["local/breaks", "one two "]])
      const sent = spare.calls[0]?.request.messages ?? []
      assert.deepStrictEqual(sent.at(-1), { role: "assistant", content: "one two " })
      assert.deepStrictEqual(events.filter((e) => e._tag === "AttemptStart").map((e) => e.role), ["primary", "continuation"])
      assert.isTrue(eventsComplete(events))
    }))
})

describe("the call's deadline, seen by each attempt", () => {
  it.effect("names the model it cut and says how long the step waited, not a made-up total", () =>
    Effect.gen(function*() {
      const slow = scriptedModel({ id: "local/slow", script: [{ text: "late", latencyMs: 10_000 }] })
      const fiber = yield* Effect.forkChild(Effect.flip(withDeadline(fallback([slow]).generate(request), 300)))
      yield* TestClock.adjust(400)
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error.reason._tag, "Timeout")
      assert.strictEqual(error.provider, "local")
      assert.strictEqual(error.model, "slow")
      assert.match(error.message, /after 300 ms of waiting/)
    }))
})
