// Property tests: for any script of failures and latencies, fallback returns the first success in order, race the
// earliest success, and every attempt is reported with exactly one end.
import { describe, it } from "@effect/vitest"
import { type AttemptEvent, type Completion, type ProviderError } from "@orch/provider"
import { scriptedModel } from "@orch/testing"
import { Effect, Exit, Fiber } from "effect"
import { TestClock } from "effect/testing"
import fc from "fast-check"
import { fallback, race } from "../src/index.ts"
import { eventsComplete, recordEvents } from "./Events.ts"

interface Leg { readonly fail: "Unavailable" | "ServerError" | "Overloaded" | undefined; readonly latencyMs: number }

const legs = fc.array(fc.record({ fail: fc.constantFrom(undefined, "Unavailable", "ServerError", "Overloaded"), latencyMs: fc.integer({ min: 0, max: 1_000 }) }), { minLength: 1, maxLength: 6 })

const run = (legList: ReadonlyArray<Leg>, build: typeof fallback | typeof race) =>
  Effect.gen(function*() {
    const models = legList.map((leg, i) => scriptedModel({ id: `local/m${i}`, script: [{ text: `m${i}`, latencyMs: leg.latencyMs, ...(leg.fail ? { fail: leg.fail } : {}) }] }))
    const events: Array<AttemptEvent> = []
    const fiber = yield* Effect.forkChild(recordEvents(Effect.exit(build(models).generate({ prompt: "p" })), events))
    yield* TestClock.adjust(legList.reduce((sum, leg) => sum + leg.latencyMs, 0) + 1)
    const exit: Exit.Exit<Completion, ProviderError> = yield* Fiber.join(fiber)
    return { exit, events, models }
  }).pipe(Effect.provide(TestClock.layer()), Effect.runPromise)

describe("properties", () => {
  it("fallback returns the first success in order, calls nothing after it, and loses no attempt", () =>
    fc.assert(fc.asyncProperty(legs, async (legList) => {
      const { exit, events, models } = await run(legList, fallback)
      const first = legList.findIndex((leg) => leg.fail === undefined)
      const called = models.filter((m) => m.calls.length > 0).length
      if (!eventsComplete(events)) return false
      if (first === -1) {
        return Exit.isFailure(exit) && called === legList.length && events.filter((e) => e._tag === "AttemptFailure").length === legList.length
      }
      return Exit.isSuccess(exit) && exit.value.text === `m${first}` && called === first + 1 && events.filter((e) => e._tag === "AttemptStart").length === first + 1
    }), { numRuns: 60 }))

  it("race returns the earliest success, cancels the rest, and loses no attempt", () =>
    fc.assert(fc.asyncProperty(legs.filter((list) => new Set(list.map((l) => l.latencyMs)).size === list.length), async (legList) => {
      const { exit, events } = await run(legList, race)
      const successes = legList.map((leg, i) => ({ ...leg, i })).filter((leg) => leg.fail === undefined)
      if (!eventsComplete(events) || events.filter((e) => e._tag === "AttemptStart").length !== legList.length) return false
      if (successes.length === 0) return Exit.isFailure(exit)
      const earliest = successes.reduce((a, b) => (b.latencyMs < a.latencyMs ? b : a))
      const slower = legList.filter((leg) => leg.latencyMs > earliest.latencyMs).length
      return Exit.isSuccess(exit) && exit.value.text === `m${earliest.i}` && events.filter((e) => e._tag === "AttemptCancelled").length === slower
    }), { numRuns: 60 }))
})
