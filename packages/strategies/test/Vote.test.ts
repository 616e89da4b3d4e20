import { assert, describe, it } from "@effect/vitest"
import { type AttemptEvent } from "@orch/provider"
import { scriptedModel } from "@orch/testing"
import { Cause, Effect, Exit, Fiber, Stream } from "effect"
import { TestClock } from "effect/testing"
import { chain, makePlan, vote } from "../src/index.ts"
import { eventsComplete, recordEvents } from "./Events.ts"

const request = { prompt: "2+2?" }

describe("vote", () => {
  it.effect("stops early at a quorum and cancels the rest", () =>
    Effect.gen(function*() {
      const a = scriptedModel({ id: "local/a", script: [{ text: "4", latencyMs: 10 }] })
      const b = scriptedModel({ id: "local/b", script: [{ text: " 4. ", latencyMs: 20 }] })
      const c = scriptedModel({ id: "cloud/c", script: [{ text: "5", latencyMs: 1_000 }] })
      const events: Array<AttemptEvent> = []
      const fiber = yield* Effect.forkChild(recordEvents(vote([a, b, c]).run(request), events))
      yield* TestClock.adjust(20)
      const result = yield* Fiber.join(fiber)
      assert.strictEqual(result.key, "4")
      assert.strictEqual(result.votes, 2)
      assert.isTrue(result.stoppedEarly)
      assert.strictEqual(result.agreement, 1)
      assert.deepStrictEqual(result.members.map((m) => m.outcome), ["answered", "answered", "cancelled"])
      assert.strictEqual(c.calls[0]?.outcome, "interrupted")
      assert.isTrue(eventsComplete(events))
      assert.strictEqual(events.filter((e) => e._tag === "AttemptCancelled").length, 1)
    }))

  it.effect("samples one model k times; every member's answer and the agreement ratio", () =>
    Effect.gen(function*() {
      const a = scriptedModel({ id: "local/a", script: [{ text: "yes" }, { text: "no" }, { text: "Yes" }, { text: "maybe" }, { text: "no" }] })
      const result = yield* vote([a], { samples: 5, quorum: 5 }).run(request)
      assert.strictEqual(a.calls.length, 5)
      assert.deepStrictEqual(result.members.map((m) => m.answer), ["yes", "no", "Yes", "maybe", "no"])
      assert.isFalse(result.stoppedEarly)
      assert.strictEqual(result.votes, 2)
      assert.strictEqual(result.agreement, 2 / 5)
      assert.strictEqual(result.key, "yes")
    }))

  it.effect("breaks ties by weight, and uses a custom extractor", () =>
    Effect.gen(function*() {
      const a = scriptedModel({ id: "local/a", script: [{ text: "The answer is 41" }] })
      const b = scriptedModel({ id: "cloud/b", script: [{ text: "I think 42" }] })
      const lastNumber = (text: string) => text.match(/-?\d+(\.\d+)?/g)?.at(-1) ?? ""
      const result = yield* vote([a, b], { normalize: lastNumber, weights: [1, 2] }).run(request)
      assert.strictEqual(result.key, "42")
      assert.strictEqual(result.completion.text, "I think 42")
      const flipped = yield* vote([a, b], { normalize: lastNumber, weights: [3, 2] }).run(request)
      assert.strictEqual(flipped.key, "41")
    }))

  it.effect("a normalize that throws fails the vote at once with InvalidRequest; samples 0 and quorum 0 are refused", () =>
    Effect.gen(function*() {
      const a = scriptedModel({ id: "local/a", script: [{ text: "4" }] })
      const b = scriptedModel({ id: "cloud/b", script: [{ text: "4", latencyMs: 60_000 }] })
      const throwing = () => {
        throw new Error("no number in the answer")
      }
      // No clock advance: the vote must end on the first answer, not wait for the slow member or a deadline.
      const fiber = yield* Effect.forkChild(Effect.flip(vote([a, b], { normalize: throwing }).run(request)))
      yield* Effect.yieldNow
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error.reason._tag, "InvalidRequest")
      assert.include(error.message, "normalize")
      assert.strictEqual(b.calls[0]?.outcome, "interrupted")
      const noSamples = yield* Effect.flip(vote([a], { samples: 0 }).run(request))
      assert.strictEqual(noSamples.reason._tag, "InvalidRequest")
      const noQuorum = yield* Effect.flip(vote([a, b], { quorum: 0 }).run(request))
      assert.strictEqual(noQuorum.reason._tag, "InvalidRequest")
    }))

  it.effect("a member that dies ends the vote at once with the defect instead of waiting for the slow members", () =>
    Effect.gen(function*() {
      const broken = makePlan("broken", () => Effect.die(new Error("a bug in a custom step")), () => Stream.die(new Error("a bug")))
      const slow = scriptedModel({ id: "cloud/b", script: [{ text: "4", latencyMs: 60_000 }] })
      const fiber = yield* Effect.forkChild(Effect.exit(vote([broken, slow]).run(request)))
      yield* Effect.yieldNow
      const exit = yield* Fiber.join(fiber)
      assert.isTrue(Exit.isFailure(exit) && Cause.hasDies(exit.cause))
      assert.strictEqual(slow.calls[0]?.outcome, "interrupted")
    }))

  it.effect("members that fail are listed; all failed is AllAttemptsFailed", () =>
    Effect.gen(function*() {
      const a = scriptedModel({ id: "local/a", script: [{ fail: "Unavailable" }] })
      const b = scriptedModel({ id: "cloud/b", script: [{ text: "x" }] })
      const result = yield* vote([a, b]).run(request)
      assert.strictEqual(result.completion.text, "x")
      assert.strictEqual(result.members[0]?.outcome, "failed")
      const error = yield* Effect.flip(vote([a, a]).run(request))
      assert.strictEqual(error.reason._tag, "AllAttemptsFailed")
    }))
})

describe("chain", () => {
  it.effect("drafts with one model and reviews with another, the draft in the review request", () =>
    Effect.gen(function*() {
      const drafter = scriptedModel({ id: "local/d", script: [{ text: "draft answer" }] })
      const reviewer = scriptedModel({ id: "cloud/r", script: [{ text: "final answer" }] })
      const events: Array<AttemptEvent> = []
      const result = yield* recordEvents(chain(drafter, reviewer).run(request), events)
      assert.strictEqual(result.draft.text, "draft answer")
      assert.strictEqual(result.final.text, "final answer")
      const sent = reviewer.calls[0]?.request.messages ?? []
      assert.deepStrictEqual(sent.map((m) => m.role), ["user", "assistant", "user"])
      assert.strictEqual(sent[1]?.content, "draft answer")
      assert.deepStrictEqual(events.filter((e) => e._tag === "AttemptStart").map((e) => e.role), ["draft", "review"])
    }))

  it.effect("takes a custom review prompt", () =>
    Effect.gen(function*() {
      const drafter = scriptedModel({ id: "local/d", script: [{ text: "d" }] })
      const reviewer = scriptedModel({ id: "cloud/r", script: [{ text: "r" }] })
      yield* chain(drafter, reviewer, { review: (_request, draft) => ({ prompt: `Refine: ${draft.text}` }) }).generate(request)
      assert.strictEqual(reviewer.calls[0]?.request.prompt, "Refine: d")
    }))
})

describe("vote with a user normalize that misbehaves", () => {
  it.effect("a normalize that throws fails the vote at once, typed, without waiting for the slow members", () =>
    Effect.gen(function*() {
      const a = scriptedModel({ id: "local/a", script: [{ text: "4", latencyMs: 10 }] })
      const slow = scriptedModel({ id: "cloud/b", script: [{ text: "4", latencyMs: 3_600_000 }] })
      const fiber = yield* Effect.forkChild(Effect.flip(vote([a, slow], { normalize: () => { throw new Error("normalize bug") } }).run(request)))
      yield* TestClock.adjust(10)
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error.reason._tag, "InvalidRequest")
      assert.match(error.message, /normalize threw: normalize bug/)
      assert.strictEqual(slow.calls[0]?.outcome, "interrupted")
    }))

  it.effect("a normalize that returns no string is a typed InvalidRequest", () =>
    Effect.gen(function*() {
      const a = scriptedModel({ id: "local/a", script: [{ text: "4" }] })
      const error = yield* Effect.flip(vote([a], { samples: 2, normalize: (() => 4) as never }).run(request))
      assert.strictEqual(error.reason._tag, "InvalidRequest")
      assert.match(error.message, /must return a string/)
    }))
})
