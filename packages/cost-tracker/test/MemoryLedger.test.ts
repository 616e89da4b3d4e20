// The in-memory ledger is bounded: it keeps a window of recent records and rolls older ones into hourly buckets,
// while budgets and summaries (all time, and windows on hour boundaries) stay exact.
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { type AttemptRecord, makeMemoryLedger, summarize, type SummaryQuery } from "../src/index.ts"

const models = [["openai", "gpt-4o-mini"], ["anthropic", "claude-haiku-4-5"], ["ollama", "llama3.2"]] as const

/** A deterministic stream of records over about two days, with every outcome, unknown costs and estimated counts. */
const recordAt = (index: number): AttemptRecord => {
  const [provider, model] = models[index % models.length]!
  return {
    time: index * 17_000, requestId: `r${index}`, attempt: 1 + (index % 3), role: "primary", provider, model,
    ...(index % 4 === 0 ? { taskType: "CODE_GENERATION" } : {}),
    ...(index % 5 === 0 ? {} : { strategy: index % 2 === 0 ? "AUTO" : "CASCADE" }),
    inputTokens: index % 101, cachedInputTokens: index % 7, outputTokens: index % 53, estimated: index % 9 === 0,
    tokenSource: "reported", costNanos: index % 11 === 0 ? null : (index * 7_919) % 1_000_003, latencyMs: 5,
    outcome: index % 13 === 0 ? "failure" : index % 17 === 0 ? "cancelled" : "success"
  }
}

describe("in-memory ledger", () => {
  it.effect("keeps only its window of records, while every summary and budget stays exact", () =>
    Effect.gen(function*() {
      const store = makeMemoryLedger({ keepRecords: 500 })
      const all: Array<AttemptRecord> = []
      const window = { key: "all|total", budget: "all", limitNanos: Number.MAX_SAFE_INTEGER, hard: true }
      for (let index = 0; index < 10_000; index++) {
        const record = recordAt(index)
        all.push(record)
        yield* store.commit({ record, budgetKeys: [window.key] })
      }
      const kept = yield* store.records
      expect(kept).toHaveLength(500)
      expect(kept[0]!.requestId).toBe("r9500")
      expect(kept[499]!.requestId).toBe("r9999")
      const [standing] = yield* store.standings([window])
      expect(standing!.spentNanos).toBe(all.reduce((sum, record) => sum + (record.costNanos ?? 0), 0))
      const hour = 3_600_000
      const queries: ReadonlyArray<SummaryQuery> = [
        {}, { by: ["provider"] }, { by: ["model", "taskType", "strategy"] }, { by: ["hour"] }, { by: ["day", "model"] }, { by: ["month"] },
        { from: 3 * hour, to: 20 * hour, by: ["model"] }, { from: 40 * hour }, { to: hour }
      ]
      for (const query of queries) {
        const expected = summarize(all, query)
        const actual = yield* store.summary!(query)
        expect(actual.totals, JSON.stringify(query)).toEqual(expected.totals)
        expect(new Map(actual.groups.map((group) => [JSON.stringify(group.key), group])), JSON.stringify(query))
          .toEqual(new Map(expected.groups.map((group) => [JSON.stringify(group.key), group])))
      }
    }))

  it.effect("forgets the totals of day and month windows long over, and keeps the current ones exact", () =>
    Effect.gen(function*() {
      const store = makeMemoryLedger({ keepRecords: 10 })
      const day = 86_400_000
      // 400 days of one call a day for each of 20 tenants, against a per-tenant daily and monthly budget.
      for (let index = 0; index < 400; index++) {
        for (let tenant = 0; tenant < 20; tenant++) {
          const date = new Date(index * day).toISOString()
          const keys = [`daily|key=t${tenant}|day|${date.slice(0, 10)}`, `monthly|key=t${tenant}|month|${date.slice(0, 7)}`, "all|total"]
          yield* store.commit({ record: { ...recordAt(index), time: index * day + tenant, costNanos: 10 }, budgetKeys: keys })
        }
      }
      const last = new Date(399 * day).toISOString()
      const [today, month, all, old] = yield* store.standings([
        { key: `daily|key=t3|day|${last.slice(0, 10)}`, budget: "daily", limitNanos: 1, hard: true },
        { key: `monthly|key=t3|month|${last.slice(0, 7)}`, budget: "monthly", limitNanos: 1, hard: true },
        { key: "all|total", budget: "all", limitNanos: 1, hard: true },
        { key: "daily|key=t3|day|1970-01-01", budget: "daily", limitNanos: 1, hard: true }
      ])
      expect(today!.spentNanos).toBe(10)
      expect(month!.spentNanos).toBe(10 * (Number(last.slice(8, 10))))
      expect(all!.spentNanos).toBe(400 * 20 * 10)
      expect(old!.spentNanos).toBe(0)
    }))

  it.effect("a reservation a caller lost is freed once its time to live has passed", () =>
    Effect.gen(function*() {
      const store = makeMemoryLedger()
      const window = { key: "b|total", budget: "b", limitNanos: 100, hard: true }
      expect((yield* store.reserve({ id: "lost", amountNanos: 100, budgets: [window], nowMs: 0, ttlMs: 3_600_000 }))._tag).toBe("Reserved")
      expect((yield* store.reserve({ id: "early", amountNanos: 100, budgets: [window], nowMs: 3_599_999, ttlMs: 3_600_000 }))._tag).toBe("Refused")
      expect((yield* store.reserve({ id: "later", amountNanos: 100, budgets: [window], nowMs: 3_600_000, ttlMs: 3_600_000 }))._tag).toBe("Reserved")
      const [standing] = yield* store.standings([window])
      expect(standing!.reservedNanos).toBe(100)
    }))

  it.effect("a reservation and its commit leave nothing held", () =>
    Effect.gen(function*() {
      const store = makeMemoryLedger({ keepRecords: 1 })
      const window = { key: "b|total", budget: "b", limitNanos: 100, hard: true }
      for (let index = 0; index < 1_000; index++) {
        yield* store.reserve({ id: `r${index}`, amountNanos: 100, budgets: [window] })
        yield* store.commit({ record: { ...recordAt(index), costNanos: 0 }, budgetKeys: [window.key], reservationId: `r${index}` })
      }
      const [standing] = yield* store.standings([window])
      expect(standing).toMatchObject({ spentNanos: 0, reservedNanos: 0 })
      expect(yield* store.records).toHaveLength(1)
    }))
})
