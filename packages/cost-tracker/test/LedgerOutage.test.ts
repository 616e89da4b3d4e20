// A durable ledger store that fails between an attempt's reservation and its settlement (a real redis-server stopped
// and started again; a SQLite file whose write lock another connection holds): the attempt's record is kept, lands
// once the store writes again, before any budget is checked, and counts once however often it is sent.
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { DatabaseSync } from "node:sqlite"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type { CompletionRequest, ProviderError } from "@orch/provider"
import { type RedisServer, redisTestsRun, startRedis } from "@orch/testing"
import { Context, Effect, Exit, Layer, Logger, Scope } from "effect"
import { type AttemptRecord, type Budget, CostTracker, type LedgerEntry, type LedgerStoreShape, openRedisLedger, openSqliteLedger } from "../src/index.ts"
import { failureOf, haiku, llama, success } from "./Support.ts"

// haiku: $0.80 in, $4 out per million tokens. The worst case of `request` is about $0.00402, under the limit alone;
// with the $0.002408 an attempt below really cost, a second worst case would pass it.
const request: CompletionRequest = { prompt: "hi", maxTokens: 1000 }
const budgets: ReadonlyArray<Budget> = [{ name: "shared", limitUsd: 0.006, period: "total", mode: "hard" }]
const paid = success(haiku, { inputTokens: 10, outputTokens: 600, estimated: false })
const paidUsd = (10 * 0.8 + 600 * 4) / 1e6
const free = success(llama, { inputTokens: 5, outputTokens: 7, estimated: false })

/** A logger that collects every line at Warn and above, with its level. */
const collectingLogs = () => {
  const lines: Array<{ readonly level: string; readonly message: string }> = []
  const logger = Logger.make((options) => {
    if (options.logLevel === "Warn" || options.logLevel === "Error") {
      lines.push({ level: options.logLevel, message: (Array.isArray(options.message) ? options.message : [options.message]).map((part) => typeof part === "string" ? part : JSON.stringify(part)).join(" ") })
    }
  })
  return { lines, layer: Logger.layer([logger]) }
}

const isUnavailable = (error: ProviderError) => error.reason._tag === "Unavailable" && error.reason.component === "ledger"

/** A ledger entry for the idempotence checks: a record of `costNanos` on one budget key. */
const entryOf = (id: string | undefined, costNanos: number): LedgerEntry => {
  const record: AttemptRecord = {
    time: 1, requestId: "twice", attempt: 1, role: "primary", provider: "anthropic", model: haiku.name, inputTokens: 1, cachedInputTokens: 0,
    outputTokens: 1, estimated: false, tokenSource: "reported", costNanos, latencyMs: 1, outcome: "success"
  }
  return { ...(id !== undefined ? { id } : {}), record, budgetKeys: ["shared|total"] }
}

/** Commit the same entry twice (a retry after a lost reply), then one without an id twice: the first counts once. */
const committedTwice = (store: LedgerStoreShape) =>
  Effect.gen(function*() {
    const entry = entryOf("entry-1", 1_000)
    yield* store.commit(entry)
    yield* store.commit(entry)
    const once = { records: (yield* store.records).length, spent: (yield* store.standings([{ key: "shared|total", budget: "shared", limitNanos: 1e9, hard: true }]))[0]!.spentNanos }
    const plain = entryOf(undefined, 10)
    yield* store.commit(plain)
    yield* store.commit(plain)
    const records = (yield* store.records).length
    return { once, records }
  })

const runs = redisTestsRun("the cost tracker's Redis outage tests")

describe.skipIf(!runs)("a Redis ledger stopped and started again between reserve and settle", () => {
  let redis: RedisServer | undefined

  beforeAll(async () => {
    redis = await startRedis()
  })

  afterAll(async () => {
    await redis?.stop()
  })

  it.live("keeps the record, writes it once Redis is back, and the budget counts it", () => {
    const logs = collectingLogs()
    return Effect.gen(function*() {
      const costs = yield* CostTracker
      const held = yield* costs.reserve({ requestId: "a", attempt: 1, model: haiku, request })
      const freeHeld = yield* costs.reserve({ requestId: "b", attempt: 1, model: llama, request })
      yield* Effect.promise(() => redis!.halt({ kill: true }))

      // The calls were made: their records are kept, and settling them succeeds.
      const record = yield* costs.settle(held, paid)
      expect(record.costNanos).toBe(Math.round(paidUsd * 1e9))
      yield* costs.settle(freeHeld, free)
      // While the store cannot see that spend, no budget is checked, read or summed.
      expect(isUnavailable(yield* failureOf(costs.reserve({ requestId: "c", attempt: 1, model: haiku, request })))).toBe(true)
      expect(isUnavailable(yield* failureOf(costs.budgetStatus()))).toBe(true)
      expect(isUnavailable(yield* failureOf(costs.summary()))).toBe(true)

      yield* Effect.promise(() => redis!.restart())
      // The client reconnects on its own schedule: ask until it has (a bounded poll, each failure the same).
      let status = yield* Effect.exit(costs.budgetStatus())
      for (let i = 0; Exit.isFailure(status); i++) {
        if (i > 400) throw new Error("the ledger never wrote again after Redis came back")
        yield* Effect.sleep("50 millis")
        status = yield* Effect.exit(costs.budgetStatus())
      }
      // Redis came back empty: everything it holds now is what the tracker kept.
      expect(Exit.isSuccess(status) && status.value[0]).toMatchObject({ spentUsd: paidUsd, reservedUsd: 0 })
      const records = yield* Effect.map(costs.export("json"), (json) => JSON.parse(json) as ReadonlyArray<AttemptRecord>)
      expect(records.map((kept) => [kept.requestId, kept.model])).toEqual([["a", haiku.name], ["b", llama.name]])
      const refused = yield* failureOf(costs.reserve({ requestId: "d", attempt: 1, model: haiku, request }))
      expect(refused.reason).toMatchObject({ _tag: "BudgetExceeded", budget: "shared" })
      expect(logs.lines).toEqual([])
    }).pipe(Effect.provide(Layer.merge(CostTracker.layerRedis({ url: redis!.url, prefix: "outage:" }, { budgets }), logs.layer)))
  })

  it.effect("applies a commit sent twice once", () =>
    Effect.gen(function*() {
      const store = yield* openRedisLedger({ url: redis!.url, prefix: "twice:" })
      const counted = yield* committedTwice(store)
      yield* store.close
      expect(counted).toEqual({ once: { records: 1, spent: 1_000 }, records: 3 })
    }))
})

const tempFile = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "orch-outage-")), "ledger.db")

/** Another connection holding the file's write lock (an exclusive transaction) until `release`. */
const lockFile = (file: string) => {
  const other = new DatabaseSync(file)
  other.exec("BEGIN EXCLUSIVE")
  return { release: () => { other.exec("ROLLBACK"); other.close() } }
}

describe("a SQLite ledger whose write lock another connection holds between reserve and settle", () => {
  it.effect("keeps the records, writes them in order once the lock is gone, and the budget counts them", () => {
    const file = tempFile()
    const logs = collectingLogs()
    return Effect.gen(function*() {
      const costs = yield* CostTracker
      const held = yield* costs.reserve({ requestId: "a", attempt: 1, model: haiku, request })
      const lock = lockFile(file)
      yield* costs.settle(held, paid)
      yield* costs.record({ requestId: "b", attempt: 1, event: free })
      expect(isUnavailable(yield* failureOf(costs.reserve({ requestId: "c", attempt: 1, model: haiku, request })))).toBe(true)
      expect(isUnavailable(yield* failureOf(costs.export("csv")))).toBe(true)
      lock.release()

      expect((yield* costs.budgetStatus())[0]).toMatchObject({ spentUsd: paidUsd, reservedUsd: 0 })
      expect((yield* costs.summary()).totals).toMatchObject({ attempts: 2, costUsd: paidUsd })
      const records = yield* Effect.map(costs.export("json"), (json) => JSON.parse(json) as ReadonlyArray<AttemptRecord>)
      expect(records.map((kept) => kept.requestId)).toEqual(["a", "b"])
      const refused = yield* failureOf(costs.reserve({ requestId: "d", attempt: 1, model: haiku, request }))
      expect(refused.reason._tag).toBe("BudgetExceeded")
      expect(logs.lines).toEqual([])
    }).pipe(
      Effect.provide(Layer.merge(CostTracker.layerSqlite(file, { budgets }, { busyTimeoutMs: 0 }), logs.layer)),
      Effect.ensuring(Effect.sync(() => fs.rmSync(path.dirname(file), { recursive: true })))
    )
  })

  it.effect("holds at most `backlogLimit` records: the oldest are dropped, counted and logged", () => {
    const file = tempFile()
    const logs = collectingLogs()
    return Effect.gen(function*() {
      const costs = yield* CostTracker
      yield* costs.summary()
      const lock = lockFile(file)
      for (const requestId of ["a", "b", "c", "d"]) yield* costs.record({ requestId, attempt: 1, event: free })
      expect(logs.lines).toHaveLength(1)
      expect(logs.lines[0]!.message).toContain("dropping the oldest")
      lock.release()
      const records = yield* Effect.map(costs.export("json"), (json) => JSON.parse(json) as ReadonlyArray<AttemptRecord>)
      expect(records.map((kept) => kept.requestId)).toEqual(["c", "d"])
      expect(logs.lines.map((line) => line.level)).toEqual(["Warn", "Warn"])
      expect(logs.lines[1]!.message).toContain("dropped 2 ledger records")
    }).pipe(
      Effect.provide(Layer.merge(CostTracker.layerSqlite(file, { backlogLimit: 2 }, { busyTimeoutMs: 0 }), logs.layer)),
      Effect.ensuring(Effect.sync(() => fs.rmSync(path.dirname(file), { recursive: true })))
    )
  })

  it.effect("on close, tries once more and logs the records it still cannot write, never dropping them silently", () => {
    const file = tempFile()
    const logs = collectingLogs()
    return Effect.gen(function*() {
      const scope = yield* Scope.make()
      // The tracker's layer is built with the logger, so its closing logs there.
      const built = yield* Layer.buildWithScope(CostTracker.layerSqlite(file, {}, { busyTimeoutMs: 0 }).pipe(Layer.provideMerge(logs.layer)), scope)
      const costs = Context.get(built, CostTracker)
      yield* costs.summary()
      const lock = lockFile(file)
      yield* costs.record({ requestId: "kept", attempt: 1, event: paid })
      yield* Scope.close(scope, Exit.void)
      lock.release()
      expect(logs.lines).toHaveLength(1)
      expect(logs.lines[0]).toMatchObject({ level: "Error" })
      expect(logs.lines[0]!.message).toContain("could not write 1 ledger record before the ledger closed")
      expect(logs.lines[0]!.message).toContain("\"requestId\":\"kept\"")
      const store = yield* openSqliteLedger(file)
      expect(yield* store.records).toEqual([])
      yield* store.close
    }).pipe(Effect.ensuring(Effect.sync(() => fs.rmSync(path.dirname(file), { recursive: true }))))
  })

  it.effect("applies a commit sent twice once", () => {
    const file = tempFile()
    return Effect.gen(function*() {
      const store = yield* openSqliteLedger(file)
      const counted = yield* committedTwice(store)
      yield* store.close
      expect(counted).toEqual({ once: { records: 1, spent: 1_000 }, records: 3 })
    }).pipe(Effect.ensuring(Effect.sync(() => fs.rmSync(path.dirname(file), { recursive: true }))))
  })
})
