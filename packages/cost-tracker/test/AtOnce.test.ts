// The in-memory ledger answers at once, so the tracker reserves and settles on it in one synchronous step. These
// tests hold that path to the same answers as the path through the store's effects (taken by any other store, or a
// copy of the in-memory one), and check what it relies on: which trackers say they reserve at once, reservation ids
// that stay unique, budget windows and prices kept between calls that are still right.
import { describe, expect, it } from "@effect/vitest"
import type { AttemptCancelled, CompletionRequest } from "@orch/provider"
import { Effect, Layer } from "effect"
import fc from "fast-check"
import { TestClock } from "effect/testing"
import {
  type AttemptRecord, type Budget, type BudgetSubject, CostTracker, LedgerStore, makeMemoryLedger, makePriceTable, makeWindowsFor,
  makeBudgetWindows, type Reservation, reservesAtOnce, windowsFor
} from "../src/index.ts"
import { collectingWarnings, failure, failureOf, gpt4oMini, haiku, llama, mystery, success } from "./Support.ts"

const budgets: ReadonlyArray<Budget> = [
  { name: "all", limitUsd: 0.05, period: "total", mode: "hard" },
  { name: "per-key", limitUsd: 0.002, period: "day", mode: "soft", scope: { eachKey: true } },
  { name: "summaries", limitUsd: 1, period: "month", mode: "hard", scope: { taskType: "SUMMARIZATION" } }
]
const request: CompletionRequest = { prompt: "Summarise the attached variant calls in one paragraph.", maxTokens: 1000 }

/** The in-memory store, but as a plain copy: the tracker cannot know it answers at once and goes through its effects. */
const copiedMemoryLedger = Layer.sync(LedgerStore, () => ({ ...makeMemoryLedger() }))

/** One scripted run of every kind of reservation and settlement; what it saw, ids left out. */
const script = Effect.gen(function*() {
  const costs = yield* CostTracker
  const records: Array<AttemptRecord> = []
  const refusals: Array<string> = []
  const settle = (held: Reservation, event: Parameters<typeof costs.settle>[1], outputText?: string) =>
    Effect.map(costs.settle(held, event, outputText !== undefined ? { outputText } : {}), (record) => void records.push(record))
  // Reported usage, under every budget.
  const first = yield* costs.reserve({ requestId: "a", attempt: 1, model: gpt4oMini, request, scopeKey: "acme", taskType: "SUMMARIZATION" })
  yield* settle(first, success(gpt4oMini, { inputTokens: 20, outputTokens: 900, estimated: false }))
  // Past the soft per-key budget (warned), then past the hard total (refused, nothing held).
  const second = yield* costs.reserve({ requestId: "b", attempt: 1, model: haiku, request: { ...request, maxTokens: 400 }, scopeKey: "acme" })
  const refused = yield* failureOf(costs.reserve({ requestId: "c", attempt: 1, model: haiku, request: { ...request, maxTokens: 100_000 }, scopeKey: "acme" }))
  refusals.push(refused.message)
  // Usage past the reservation and past maxTokens: charged as billed, flagged.
  yield* settle(second, success(haiku, { inputTokens: 30, outputTokens: 5_000, estimated: false }))
  // A failure before any output, a cancel with text (counted), an invalid report (replaced by the bound).
  const third = yield* costs.reserve({ requestId: "d", attempt: 2, model: gpt4oMini, request })
  yield* settle(third, failure(gpt4oMini, { _tag: "ServerError", status: 500 }))
  const fourth = yield* costs.reserve({ requestId: "e", attempt: 1, model: gpt4oMini, request })
  const cancelled: AttemptCancelled = { _tag: "AttemptCancelled", attemptId: 1, model: gpt4oMini, role: "race", latencyMs: 30 }
  yield* settle(fourth, cancelled, "Partial answer")
  const fifth = yield* costs.reserve({ requestId: "f", attempt: 1, model: gpt4oMini, request })
  yield* settle(fifth, success(gpt4oMini, { inputTokens: -5, outputTokens: Number.NaN, estimated: false }))
  // A free model holds nothing; an unpriced one is refused under a hard budget (recorded when made elsewhere); a
  // released reservation frees its budget.
  const free = yield* costs.reserve({ requestId: "g", attempt: 1, model: llama, request })
  yield* settle(free, success(llama, { inputTokens: 10, outputTokens: 10, estimated: false }))
  refusals.push((yield* failureOf(costs.reserve({ requestId: "h", attempt: 1, model: mystery, request: { prompt: "hi" } }))).message)
  records.push(yield* costs.record({ requestId: "h", attempt: 1, event: success(mystery, { inputTokens: 10, outputTokens: 10, estimated: false }) }))
  const released = yield* costs.reserve({ requestId: "i", attempt: 1, model: gpt4oMini, request })
  yield* costs.release(released)
  const status = yield* costs.budgetStatus({ scopeKey: "acme", taskType: "SUMMARIZATION" })
  return { records, refusals, status, summary: yield* costs.summary({ by: ["model"] }), softExceeded: second.softExceeded }
})

const run = (store: Layer.Layer<LedgerStore>) => {
  const logs = collectingWarnings()
  return Effect.map(
    Effect.provide(script, Layer.merge(CostTracker.layer({ budgets }).pipe(Layer.provide(store)), logs.layer)),
    (seen) => ({ ...seen, warnings: logs.warnings })
  )
}

describe("a tracker on a store that answers at once", () => {
  it.effect("gives exactly the answers of the path through the store's effects: records, refusals, budgets, warnings", () =>
    Effect.gen(function*() {
      const atOnce = yield* run(Layer.sync(LedgerStore, () => makeMemoryLedger()))
      const throughEffects = yield* run(copiedMemoryLedger)
      expect(atOnce).toEqual(throughEffects)
      // The script reaches every branch it is meant to.
      expect(atOnce.refusals).toHaveLength(2)
      expect(atOnce.softExceeded).toHaveLength(1)
      expect(atOnce.warnings.some((line) => line.includes("soft budget \"per-key\""))).toBe(true)
      expect(atOnce.warnings.some((line) => line.includes("acme/mystery-1"))).toBe(true)
      expect(atOnce.records.map((record) => record.usageFlags ?? [])).toEqual([
        [], ["above-max-tokens", "above-reservation"], [], [], ["invalid-count"], [], []
      ])
      expect(atOnce.records[3]).toMatchObject({ outcome: "cancelled", estimated: true })
      expect(atOnce.status.every((standing) => standing.reservedUsd === 0)).toBe(true)
    }))

  it.effect("is a tracker built on the in-memory store; a copy, a wrapper or any other store goes through effects", () =>
    Effect.gen(function*() {
      const memory = yield* Effect.provide(Effect.service(CostTracker), CostTracker.layerMemory())
      expect(reservesAtOnce(memory)).toBe(true)
      // A wrapper may reserve differently (slowly, remotely): it never inherits the claim.
      expect(reservesAtOnce({ ...memory })).toBe(false)
      expect(reservesAtOnce({ ...memory, reserve: (input) => Effect.delay(memory.reserve(input), 1) })).toBe(false)
      const copied = yield* Effect.provide(Effect.service(CostTracker), CostTracker.layer().pipe(Layer.provide(copiedMemoryLedger)))
      expect(reservesAtOnce(copied)).toBe(false)
    }))

  it.effect("gives every held reservation its own id, unique across trackers (one per process) sharing a ledger", () =>
    Effect.gen(function*() {
      const ids = new Set<string>()
      for (let tracker = 0; tracker < 2; tracker++) {
        yield* Effect.provide(Effect.gen(function*() {
          const costs = yield* CostTracker
          for (let i = 0; i < 500; i++) {
            // The same request id and attempt in both trackers: the ids must still differ.
            const held = yield* costs.reserve({ requestId: `r${i}`, attempt: 1, model: gpt4oMini, request })
            expect(held.id.startsWith(`r${i}#1#`)).toBe(true)
            ids.add(held.id)
            yield* costs.release(held)
          }
        }), CostTracker.layerMemory())
      }
      expect(ids.size).toBe(1000)
    }))

  it.effect("keeps budget windows between calls that name the same window, and moves on when the day and month turn", () =>
    Effect.gen(function*() {
      const windowsAt = makeWindowsFor(budgets)
      const subjects: ReadonlyArray<BudgetSubject> = [{}, { scopeKey: "acme" }, { scopeKey: "beta", taskType: "SUMMARIZATION" }, { taskType: "CODE" }]
      // Around the turn of a month and a year, and back again (a clock may be set back).
      const times = [Date.UTC(2026, 10, 30, 23, 59, 59, 999), Date.UTC(2026, 11, 1), Date.UTC(2026, 11, 31, 23, 0), Date.UTC(2027, 0, 1, 0, 0, 1), Date.UTC(2026, 10, 30, 12)]
      for (const time of times) {
        for (const subject of subjects) expect(windowsAt(subject, time)).toEqual(windowsFor(budgets, subject, time))
      }
      expect(makeWindowsFor([])({ scopeKey: "acme" }, times[0]!)).toEqual([])
      // The budget whose day turns is counted afresh, through the tracker too.
      yield* Effect.provide(Effect.gen(function*() {
        const costs = yield* CostTracker
        yield* TestClock.setTime(Date.UTC(2026, 10, 30, 23, 59))
        const held = yield* costs.reserve({ requestId: "a", attempt: 1, model: gpt4oMini, request, scopeKey: "acme" })
        yield* costs.settle(held, success(gpt4oMini, { inputTokens: 10, outputTokens: 10, estimated: false }))
        yield* TestClock.setTime(Date.UTC(2026, 11, 1, 0, 1))
        const today = (yield* costs.budgetStatus({ scopeKey: "acme" })).find((standing) => standing.budget === "per-key")
        expect(today).toMatchObject({ key: "per-key|key=acme|day|2026-12-01", spentUsd: 0 })
      }), CostTracker.layerMemory({ budgets }))
    }))
})

describe("budget windows kept per subject", () => {
  const manyBudgets: ReadonlyArray<Budget> = [
    ...budgets,
    { name: "acme-daily", limitUsd: 1, period: "day", mode: "hard", scope: { key: "acme", taskType: "CODE" } },
    { name: "each-month", limitUsd: 1, period: "month", mode: "soft", scope: { eachKey: true, taskType: "SUMMARIZATION" } }
  ]
  const subject = fc.record({ scopeKey: fc.constantFrom("acme", "beta", "gamma"), taskType: fc.constantFrom("CODE", "SUMMARIZATION", "GENERAL") }, { requiredKeys: [] })
  // Times around the turns of days, months and a year, in any order (a clock may be set back).
  const time = fc.integer({ min: Date.UTC(2026, 10, 29), max: Date.UTC(2027, 0, 2) }).chain((base) =>
    fc.constantFrom(base, Date.UTC(2026, 10, 30, 23, 59, 59, 999), Date.UTC(2026, 11, 1), Date.UTC(2026, 11, 31, 23, 59, 59, 999), Date.UTC(2027, 0, 1)))

  it("are the windows and keys `windowsFor` names, for any sequence of calls", () => {
    fc.assert(fc.property(fc.array(fc.tuple(subject, time), { minLength: 1, maxLength: 60 }), (calls) => {
      const windowsAt = makeBudgetWindows(manyBudgets)
      const windowsOnly = makeWindowsFor(manyBudgets)
      for (const [who, when] of calls) {
        const expected = windowsFor(manyBudgets, who, when)
        const counting = windowsAt(who, when)
        expect(counting.windows).toEqual(expected)
        expect(counting.keys).toEqual(expected.map((window) => window.key))
        expect(windowsOnly(who, when)).toEqual(expected)
      }
    }), { numRuns: 300 })
  })

  it("stay right past the subjects they keep, and are answered again while current", () => {
    const windowsAt = makeBudgetWindows(manyBudgets)
    const now = Date.UTC(2026, 10, 30, 12)
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 10_050; i++) {
        const who = { scopeKey: `tenant-${i}`, taskType: "SUMMARIZATION" }
        expect(windowsAt(who, now).keys).toEqual(windowsFor(manyBudgets, who, now).map((window) => window.key))
      }
    }
    const kept = windowsAt({ scopeKey: "acme", taskType: "CODE" }, now)
    expect(kept.windows.every(Object.isFrozen)).toBe(true)
    expect(windowsAt({ scopeKey: "acme", taskType: "CODE" }, now)).toBe(kept)
  })
})

describe("a price table between calls", () => {
  it("answers each model as the first time: by kind, provider and name, dated names, past the models it keeps", () => {
    const table = makePriceTable({ overrides: { "ollama": { _tag: "PerHour", usdPerHour: 2, worstCaseSeconds: 60, currency: "USD", source: "test", readOn: "2026-11-30" } } })
    const fresh = () => makePriceTable({ overrides: table.entries })
    const models = [
      gpt4oMini, { ...gpt4oMini, name: "gpt-4o-mini-2024-07-18" }, { ...gpt4oMini, kind: "local" as const }, llama,
      { ...llama, provider: "llamacpp" }, mystery, { ...mystery, kind: "local" as const }
    ]
    for (let round = 0; round < 2; round++) {
      for (const model of models) expect(table.lookup(model), `${model.provider}/${model.name} ${model.kind}`).toEqual(fresh().lookup(model))
    }
    // Past the models a table keeps, it still answers right.
    for (let i = 0; i < 10_050; i++) table.lookup({ provider: "acme", name: `model-${i}`, kind: "cloud" })
    expect(table.lookup({ provider: "acme", name: "model-10049", kind: "cloud" })).toBeUndefined()
    expect(table.lookup({ provider: "ollama", name: "model-10049", kind: "local" })).toEqual(fresh().lookup({ provider: "ollama", name: "model-10049", kind: "local" }))
    expect(table.lookup({ ...gpt4oMini, name: "gpt-4o-mini-latest" })).toEqual(fresh().lookup(gpt4oMini))
  })
})
