// Usage a server reports is untrusted: negative, non-finite, fractional, absurd or inconsistent counts never lower
// the spend, never make it Infinity and never make a ledger unreadable, in memory, in SQLite and in Redis. Every
// billed token kind is priced (cache writes of 5 minutes and 1 hour, long-context tiers), and usage above maxTokens is
// charged as billed and flagged.
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"

import { Effect, type Layer } from "effect"
import { Redis } from "ioredis"
import type { AttemptModel, ProviderError, Usage } from "@orch/provider"
import { CostTracker, type CostTrackerOptions, maxBillableTokens, openRedisLedger, openSqliteLedger } from "../src/index.ts"
import { failureOf, gpt4oMini, haiku, success } from "./Support.ts"
import { type RedisServer, redisTestsRun, startRedis } from "@orch/testing"

const sonnet: AttemptModel = { id: "anthropic/claude-sonnet-4-5", provider: "anthropic", name: "claude-sonnet-4-5", kind: "cloud" }
const request = { prompt: "Summarise the attached variant calls in one paragraph.", maxTokens: 100 }

/** Reserve, then settle with a hostile usage; return the record and the budget standing. */
const settleWith = (usage: Usage, model: AttemptModel = gpt4oMini) =>
  Effect.gen(function*() {
    const costs = yield* CostTracker
    const held = yield* costs.reserve({ requestId: "r", attempt: 1, model, request })
    const record = yield* costs.settle(held, success(model, usage))
    const [status] = yield* costs.budgetStatus()
    return { held, record, status: status! }
  })

const hostile: ReadonlyArray<[string, Usage]> = [
  ["a negative input count", { inputTokens: -1_000_000_000, outputTokens: 10, estimated: false }],
  ["a negative output count", { inputTokens: 10, outputTokens: -5, estimated: false }],
  ["NaN", { inputTokens: Number.NaN, outputTokens: 10, estimated: false }],
  ["Infinity", { inputTokens: 10, outputTokens: Number.POSITIVE_INFINITY, estimated: false }],
  ["an absurd count", { inputTokens: 1e15, outputTokens: 10, estimated: false }],
  ["a negative cached count", { inputTokens: 10, cachedInputTokens: -1e12, outputTokens: 10, estimated: false }],
  ["a count that is not a number", { inputTokens: "12" as unknown as number, outputTokens: 10, estimated: false }]
]

const budgets: CostTrackerOptions = { budgets: [{ name: "hard", limitUsd: 1, period: "total", mode: "hard" }] }

/** The same checks on any ledger. */
const hostileUsageChecks = (layer: () => Layer.Layer<CostTracker, ProviderError>) => {
  for (const [name, usage] of hostile) {
    it.effect(`${name} is replaced by the reserved bound, flagged, and never lowers the spend`, () =>
      Effect.gen(function*() {
        const { held, record, status } = yield* settleWith(usage)
        expect(record.usageFlags).toContain("invalid-count")
        expect(record.estimated).toBe(true)
        expect(Number.isSafeInteger(record.costNanos)).toBe(true)
        expect(record.costNanos!).toBeGreaterThan(0)
        // Never more than the reservation (the bound replaced the bad count), never less than what was valid.
        expect(record.costNanos!).toBeLessThanOrEqual(held.worstCase.costNanos!)
        expect(status.spentUsd).toBe(record.costNanos! / 1e9)
        expect(status.reservedUsd).toBe(0)
        const costs = yield* CostTracker
        const summary = yield* costs.summary()
        expect(summary.totals.attempts).toBe(1)
        expect(summary.totals.costUsd).toBe(record.costNanos! / 1e9)
        expect(JSON.parse(yield* costs.export("json"))).toHaveLength(1)
      }).pipe(Effect.provide(layer())))
  }
}

describe("untrusted usage, in memory", () => {
  hostileUsageChecks(() => CostTracker.layerMemory(budgets))

  it.effect("a negative cost cannot lift a hard budget: the budget of one call still refuses the second", () =>
    Effect.gen(function*() {
      const costs = yield* CostTracker
      const first = yield* costs.reserve({ requestId: "a", attempt: 1, model: gpt4oMini, request })
      yield* costs.settle(first, success(gpt4oMini, { inputTokens: -1e12, outputTokens: -1e12, estimated: false }))
      const error = yield* failureOf(costs.reserve({ requestId: "b", attempt: 1, model: gpt4oMini, request }))
      expect(error.reason._tag).toBe("BudgetExceeded")
    }).pipe(Effect.provide(CostTracker.layerMemory({ budgets: [{ name: "one", limitUsd: 0.0001, period: "total", mode: "hard" }] }))))

  it.effect("whole counts: fractions are rounded up, every optional count absent is 0", () =>
    Effect.gen(function*() {
      const { record } = yield* settleWith({ inputTokens: 10.2, outputTokens: 3.5, estimated: false })
      expect(record).toMatchObject({ inputTokens: 11, outputTokens: 4, cachedInputTokens: 0, estimated: false })
      expect(record.usageFlags).toBeUndefined()
      expect(record.costNanos).toBe(11 * 150 + 4 * 600)
    }).pipe(Effect.provide(CostTracker.layerMemory())))

  it.effect("parts larger than the whole raise the whole, and are flagged", () =>
    Effect.gen(function*() {
      const { record } = yield* settleWith({ inputTokens: 10, cachedInputTokens: 50, outputTokens: 1, estimated: false })
      expect(record).toMatchObject({ inputTokens: 50, cachedInputTokens: 50 })
      expect(record.usageFlags).toEqual(["inconsistent-counts"])
      expect(record.costNanos).toBe(50 * 75 + 600)
    }).pipe(Effect.provide(CostTracker.layerMemory())))

  it.effect("usage above maxTokens is charged as billed and flagged, as is a cost above the reservation", () =>
    Effect.gen(function*() {
      const { held, record, status } = yield* settleWith({ inputTokens: 20, outputTokens: 5_000, estimated: false })
      expect(record.outputTokens).toBe(5_000)
      expect(record.costNanos).toBe(20 * 150 + 5_000 * 600)
      expect(record.costNanos!).toBeGreaterThan(held.worstCase.costNanos!)
      expect(record.usageFlags).toEqual(["above-max-tokens", "above-reservation"])
      expect(status.spentUsd).toBe(record.costNanos! / 1e9)
    }).pipe(Effect.provide(CostTracker.layerMemory(budgets))))

  it.effect("a per-hour price never charges a latency that is not a finite, non-negative number", () =>
    Effect.gen(function*() {
      const costs = yield* CostTracker
      const local = { id: "vllm/qwen", provider: "vllm", name: "qwen", kind: "local" as const }
      for (const latencyMs of [Number.NaN, Number.POSITIVE_INFINITY, -5]) {
        const record = yield* costs.record({ requestId: "h", attempt: 1, event: success(local, { inputTokens: 1, outputTokens: 1, estimated: false }, latencyMs) })
        expect(record).toMatchObject({ costNanos: 0, latencyMs: 0 })
      }
    }).pipe(Effect.provide(CostTracker.layerMemory({ prices: { overrides: { vllm: { _tag: "PerHour", usdPerHour: 3.6, worstCaseSeconds: 60, currency: "USD", source: "test", readOn: "" } } } }))))

  it("the bound on a count stays far inside exact integer arithmetic at any listed price", () => {
    // $600 per million tokens (the dearest per-token price listed anywhere) for the largest count accepted.
    expect(Number.isSafeInteger(maxBillableTokens * 600 * 1000)).toBe(true)
  })
})

describe("every billed token kind is priced", () => {
  it.effect("Anthropic cache writes: 1.25x the input price for 5 minutes, 2x for an hour; reads at 0.1x", () =>
    Effect.gen(function*() {
      const costs = yield* CostTracker
      // claude-3-5-haiku: input $0.80/M, write $1.00/M (5 min), $1.60/M (1 h), read $0.08/M, output $4/M.
      const record = yield* costs.record({ requestId: "c", attempt: 1, event: success(haiku, {
        inputTokens: 10_000, cachedInputTokens: 2_000, cacheWriteInputTokens: 5_000, cacheWriteLongInputTokens: 1_000, outputTokens: 100, estimated: false
      }) })
      expect(record).toMatchObject({ cacheWriteInputTokens: 5_000, cacheWriteLongInputTokens: 1_000 })
      expect(record.costNanos).toBe(3_000 * 800 + 2_000 * 80 + 4_000 * 1_000 + 1_000 * 1_600 + 100 * 4_000)
    }).pipe(Effect.provide(CostTracker.layerMemory())))

  it.effect("OpenAI's cache_write_tokens at 1.25x the input price", () =>
    Effect.gen(function*() {
      const costs = yield* CostTracker
      const record = yield* costs.record({ requestId: "c", attempt: 1, event: success(gpt4oMini, { inputTokens: 1_000, cacheWriteInputTokens: 1_000, outputTokens: 0, estimated: false }) })
      expect(record.costNanos).toBe(1_000 * 187.5)
    }).pipe(Effect.provide(CostTracker.layerMemory())))

  it.effect("a prompt above 200K tokens on Sonnet 4.5 is billed at the long-context tier, every token of it", () =>
    Effect.gen(function*() {
      const costs = yield* CostTracker
      const short = yield* costs.record({ requestId: "s", attempt: 1, event: success(sonnet, { inputTokens: 200_000, outputTokens: 1_000, estimated: false }) })
      expect(short.costNanos).toBe(200_000 * 3_000 + 1_000 * 15_000)
      const long = yield* costs.record({ requestId: "l", attempt: 1, event: success(sonnet, { inputTokens: 200_001, cachedInputTokens: 1, outputTokens: 1_000, estimated: false }) })
      expect(long.costNanos).toBe(200_000 * 6_000 + 1 * 600 + 1_000 * 22_500)
    }).pipe(Effect.provide(CostTracker.layerMemory())))

  it.effect("the worst case takes the dearest input rate, and the long-context tier when the input bound passes it", () =>
    Effect.gen(function*() {
      const costs = yield* CostTracker
      const small = yield* costs.estimateWorstCase(sonnet, { prompt: "hi", maxTokens: 10 })
      expect(small.costNanos).toBe(small.inputTokens * 6_000 + 10 * 15_000)
      const huge = yield* costs.estimateWorstCase(sonnet, { prompt: "x".repeat(300_000), maxTokens: 10 })
      expect(huge.costNanos).toBe(huge.inputTokens * 12_000 + 10 * 22_500)
    }).pipe(Effect.provide(CostTracker.layerMemory())))
})

describe("untrusted usage, in SQLite", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "orch-untrusted-"))
  let files = 0
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
  hostileUsageChecks(() => CostTracker.layerSqlite(path.join(dir, `ledger-${++files}.db`), budgets))

  it.effect("rows an older version wrote badly are read safely: kept, flagged, their unknown cost never summed as 0", () =>
    Effect.gen(function*() {
      const file = path.join(dir, "legacy.db")
      const store = yield* openSqliteLedger(file)
      yield* store.close
      const { DatabaseSync } = yield* Effect.promise(() => import("node:sqlite"))
      const database = new DatabaseSync(file)
      const good = { time: 1, requestId: "good", attempt: 1, role: "primary", provider: "openai", model: "gpt-4o-mini", inputTokens: 1, cachedInputTokens: 0, outputTokens: 1, estimated: false, tokenSource: "reported", costNanos: 750, latencyMs: 1, outcome: "success" }
      const insert = database.prepare("INSERT INTO records (time, cost_nanos, body) VALUES (?, ?, ?)")
      insert.run(1, 750, JSON.stringify(good))
      insert.run(2, -5, JSON.stringify({ ...good, requestId: "negative", inputTokens: -1e9, costNanos: -5 }))
      insert.run(3, null, JSON.stringify({ ...good, requestId: "infinite", outputTokens: null, costNanos: null }))
      insert.run(4, null, "{ not json")
      database.close()
      const reopened = yield* openSqliteLedger(file)
      const records = yield* reopened.records
      yield* reopened.close
      expect(records.map((record) => record.requestId)).toEqual(["good", "negative", "infinite", "(unreadable SQLite record 4)"])
      expect(records[0]!.usageFlags).toBeUndefined()
      expect(records[1]).toMatchObject({ inputTokens: 0, costNanos: null, usageFlags: ["unreadable-row"] })
      expect(records[2]).toMatchObject({ outputTokens: 0, costNanos: null })
      expect(records[3]).toMatchObject({ costNanos: null, outcome: "failure", usageFlags: ["unreadable-row"] })
      const summary = yield* Effect.provide(Effect.flatMap(CostTracker, (costs) => costs.summary()), CostTracker.layerSqlite(file))
      expect(summary.totals).toMatchObject({ attempts: 4, unknownCostAttempts: 3, costUsd: 750 / 1e9 })
    }))
})

describe.skipIf(!redisTestsRun("the untrusted-usage Redis tests"))("untrusted usage, in Redis (a real redis-server)", () => {
  let server: RedisServer | undefined
  let prefixes = 0
  beforeAll(async () => {
    server = await startRedis()
  })
  afterAll(async () => {
    await server?.stop()
  })
  hostileUsageChecks(() => CostTracker.layerRedis({ url: server!.url, prefix: `hostile-${++prefixes}:` }, budgets))

  it.effect("rows an older version wrote badly are read safely, and the ledger stays readable for summaries", () =>
    Effect.gen(function*() {
      const client = new Redis(server!.url)
      const good = { time: 1, requestId: "good", attempt: 1, role: "primary", provider: "openai", model: "gpt-4o-mini", inputTokens: 1, cachedInputTokens: 0, outputTokens: 1, estimated: false, tokenSource: "reported", costNanos: 750, latencyMs: 1, outcome: "success" }
      yield* Effect.promise(() => client.rpush("legacy:records", JSON.stringify(good), JSON.stringify({ ...good, requestId: "bad", inputTokens: -3, costNanos: -1 }), "garbage"))
      yield* Effect.promise(() => client.quit())
      const store = yield* openRedisLedger({ url: server!.url, prefix: "legacy:" })
      const records = yield* store.records
      yield* store.close
      expect(records.map((record) => record.costNanos)).toEqual([750, null, null])
      expect(records[1]).toMatchObject({ requestId: "bad", inputTokens: 0, usageFlags: ["unreadable-row"] })
    }))
})
