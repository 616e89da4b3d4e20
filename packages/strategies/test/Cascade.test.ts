import { assert, describe, it } from "@effect/vitest"
import { scriptedModel } from "@orch/testing"
import { Effect, Schema } from "effect"
import { agreement, cascade, judge, matchesSchema, minMeanLogprob, notEmptyOrRefusal, validator } from "../src/index.ts"

const request = { prompt: "Give me JSON with a number n" }

describe("cascade", () => {
  it.effect("escalates on a refusal and an empty answer, and says why", () =>
    Effect.gen(function*() {
      const cheap = scriptedModel({ id: "local/cheap", script: [{ text: "I'm sorry, I can't help with that." }] })
      const empty = scriptedModel({ id: "local/empty", script: [{ text: " " }] })
      const strong = scriptedModel({ id: "cloud/strong", script: [{ text: "Here it is" }] })
      const result = yield* cascade([cheap, empty, strong]).run(request)
      assert.strictEqual(result.stage, 2)
      assert.strictEqual(result.stageName, "cloud/strong")
      assert.isTrue(result.accepted)
      assert.deepStrictEqual(result.rejections.map((r) => r.reason), ["the answer is a refusal", "the answer is empty"])
    }))

  it.effect("stops at the first stage that passes (no escalation cost)", () =>
    Effect.gen(function*() {
      const cheap = scriptedModel({ id: "local/cheap", script: [{ text: "fine" }] })
      const strong = scriptedModel({ id: "cloud/strong", script: [{ text: "x" }] })
      const result = yield* cascade([cheap, strong]).run(request)
      assert.strictEqual(result.stage, 0)
      assert.strictEqual(strong.calls.length, 0)
    }))

  it.effect("validates structured output with an Effect Schema", () =>
    Effect.gen(function*() {
      const cheap = scriptedModel({ id: "local/cheap", script: [{ text: "{\"n\": \"seven\"}" }] })
      const strong = scriptedModel({ id: "cloud/strong", script: [{ text: "{\"n\": 7}" }] })
      const scorers = [matchesSchema(Schema.Struct({ n: Schema.Number }))]
      const result = yield* cascade([cheap, strong], { scorers }).run(request)
      assert.strictEqual(result.completion.text, "{\"n\": 7}")
      assert.strictEqual(result.rejections[0]?.scorer, "schema")
    }))

  it.effect("low mean log-probability escalates; a predicate validator too", () =>
    Effect.gen(function*() {
      const unsure = scriptedModel({ id: "local/a", script: [{ text: "maybe 7", logprob: -2.5 }] })
      const sure = scriptedModel({ id: "cloud/b", script: [{ text: "7", logprob: -0.1 }] })
      const result = yield* cascade([unsure, sure], { scorers: [minMeanLogprob(-1)] }).run(request)
      assert.strictEqual(result.stage, 1)
      assert.match(result.rejections[0]?.reason ?? "", /below -1/)
      const digits = yield* cascade([unsure, sure], { scorers: [validator((t) => /^\d+$/.test(t))] }).run(request)
      assert.strictEqual(digits.stage, 1)
    }))

  it.effect("a scorer that throws fails the call with InvalidRequest naming it (not a defect)", () =>
    Effect.gen(function*() {
      const cheap = scriptedModel({ id: "local/a", script: [{ text: "7" }] })
      const strong = scriptedModel({ id: "cloud/b", script: [{ text: "7" }] })
      const throwing = validator(() => {
        throw new Error("the checker crashed")
      }, "crashy")
      const error = yield* Effect.flip(cascade([cheap, strong], { scorers: [throwing] }).run(request))
      assert.strictEqual(error.reason._tag, "InvalidRequest")
      assert.include(error.message, "crashy")
      assert.strictEqual(strong.calls.length, 0)
    }))

  it.effect("disagreement among k samples escalates", () =>
    Effect.gen(function*() {
      const flaky = scriptedModel({ id: "local/a", script: [{ text: "A" }, { text: "B" }, { text: "C" }] })
      const steady = scriptedModel({ id: "local/s", script: [{ text: "Z" }] })
      const strong = scriptedModel({ id: "cloud/b", script: [{ text: "final" }] })
      const result = yield* cascade([flaky, steady, strong], { scorers: [agreement({ samples: 3 })] }).run(request)
      assert.strictEqual(result.stage, 1)
      assert.strictEqual(flaky.calls.length, 3)
      assert.strictEqual(steady.calls.length, 3)
      assert.strictEqual(strong.calls.length, 0)
    }))

  it.effect("a judge model decides; a failed stage escalates; the last stage answers even when weak", () =>
    Effect.gen(function*() {
      const grader = scriptedModel({ id: "cloud/judge", script: [{ text: "FAIL: wrong" }, { text: "FAIL: still wrong" }] })
      const down = scriptedModel({ id: "local/down", script: [{ fail: "Unavailable" }] })
      const a = scriptedModel({ id: "local/a", script: [{ text: "x" }] })
      const b = scriptedModel({ id: "cloud/b", script: [{ text: "y" }] })
      const result = yield* cascade([down, a, b], { scorers: [judge(grader)] }).run(request)
      assert.strictEqual(result.stage, 2)
      assert.isFalse(result.accepted)
      assert.deepStrictEqual(result.rejections.map((r) => r.scorer ?? r.reason), ["failed: Unavailable", "judge(cloud/judge)"])
      assert.match(grader.calls[0]?.request.prompt ?? "", /Answer:\nx/)
    }))

  it.effect("refusal scorer accepts ordinary answers", () =>
    Effect.gen(function*() {
      const ok = scriptedModel({ id: "local/a", script: [{ text: "Sorry for the wait: the answer is 4." }] })
      const result = yield* cascade([ok], { scorers: [notEmptyOrRefusal()] }).run(request)
      assert.isTrue(result.accepted)
    }))
})

describe("cascade when later stages fail", () => {
  it.effect("returns the weak earlier answer, marked not accepted", () =>
    Effect.gen(function*() {
      const weak = scriptedModel({ id: "local/weak", script: [{ text: "" }] })
      const down = scriptedModel({ id: "cloud/down", script: [{ fail: "Unavailable" }] })
      const result = yield* cascade([weak, down]).run(request)
      assert.strictEqual(result.stage, 0)
      assert.isFalse(result.accepted)
      assert.deepStrictEqual(result.rejections.map((r) => r.reason), ["the answer is empty", "failed: Unavailable"])
      const error = yield* Effect.flip(cascade([down, down]).run(request))
      assert.strictEqual(error.reason._tag, "AllAttemptsFailed")
    }))
})

describe("cascade with a user scorer that misbehaves", () => {
  const cheap = () => scriptedModel({ id: "local/a", script: [{ text: "an answer" }] })
  const cases: ReadonlyArray<readonly [string, Parameters<typeof cascade>[1]]> = [
    ["throws", { scorers: [{ name: "throws", score: () => { throw new Error("scorer bug") } }] }],
    ["returns no Effect", { scorers: [{ name: "plain", score: (() => ({ accept: true })) as never }] }],
    ["dies inside its Effect", { scorers: [{ name: "dies", score: () => Effect.sync(() => { throw new TypeError("boom") }) }] }],
    ["gives no verdict", { scorers: [{ name: "shapeless", score: () => Effect.succeed(undefined as never) }] }],
    ["is a validator whose predicate throws", { scorers: [validator(() => { throw new Error("predicate bug") }, "bad-validator")] }]
  ]
  for (const [label, options] of cases) {
    it.effect(`fails the call at once with a typed InvalidRequest when it ${label}`, () =>
      Effect.gen(function*() {
        const escalation = scriptedModel({ id: "cloud/b", script: [{ text: "never asked" }] })
        const error = yield* Effect.flip(cascade([cheap(), escalation], options).generate({ prompt: "q" }))
        assert.strictEqual(error.reason._tag, "InvalidRequest")
        assert.match(error.message, /cascade scorer/)
        assert.strictEqual(escalation.calls.length, 0)
      }))
  }
})
