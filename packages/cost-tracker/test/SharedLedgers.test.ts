// Ledgers shared by several processes: expiry never trusts a process's clock (a process whose clock runs ahead cannot
// free others' live reservations), a dead process's reservation is reclaimed, a $0 reservation never breaks Redis
// and is never refused by a money budget, and a reservation cut while in flight frees itself.
import { execFile } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { promisify } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type { ProviderError } from "@orch/provider"
import { Effect, Fiber, type Layer } from "effect"
import { Redis } from "ioredis"
import { type BudgetWindow, CostTracker, type LedgerStoreShape, openRedisLedger, openSqliteLedger } from "../src/index.ts"
import { gpt4oMini, llama, success } from "./Support.ts"
import { type RedisServer, redisTestsRun, startRedis } from "@orch/testing"

const window: BudgetWindow = { key: "shared|total", budget: "shared", limitNanos: 10_000, hard: true }
const hour = 3_600_000
const standing = (store: LedgerStoreShape) => Effect.map(store.standings([window]), ([first]) => first!)

/** A live reservation survives a reservation made by a process whose clock is two hours ahead. */
const skewedClockCannotFree = (mine: LedgerStoreShape, skewed: LedgerStoreShape) =>
  Effect.gen(function*() {
    const now = 1_800_000_000_000
    expect((yield* mine.reserve({ id: "live", amountNanos: 6_000, budgets: [window], nowMs: now, expiresAtMs: now + hour, ttlMs: hour }))._tag).toBe("Reserved")
    const ahead = now + 2 * hour
    const refused = yield* skewed.reserve({ id: "skewed", amountNanos: 6_000, budgets: [window], nowMs: ahead, expiresAtMs: ahead + hour, ttlMs: hour })
    expect(refused._tag).toBe("Refused")
    expect((yield* standing(mine)).reservedNanos).toBe(6_000)
    yield* mine.release("live")
    expect((yield* standing(skewed)).reservedNanos).toBe(0)
  })

/** A reservation of $0 that expires, then a reservation after it: both fine, nothing written for the $0 one. */
const zeroReservationExpires = (store: LedgerStoreShape, waitPast: (ms: number) => Effect.Effect<void>) =>
  Effect.gen(function*() {
    expect((yield* store.reserve({ id: "free", amountNanos: 0, budgets: [window], ttlMs: 1 }))._tag).toBe("Reserved")
    yield* waitPast(5)
    expect((yield* store.reserve({ id: "paid", amountNanos: 1_000, budgets: [window], ttlMs: hour }))._tag).toBe("Reserved")
    expect((yield* standing(store)).reservedNanos).toBe(1_000)
    yield* store.release("paid")
  })

/** An expired reservation is reclaimed by the next one, on the store's own clock. */
const expiredIsReclaimed = (store: LedgerStoreShape, waitPast: (ms: number) => Effect.Effect<void>) =>
  Effect.gen(function*() {
    expect((yield* store.reserve({ id: "short", amountNanos: 6_000, budgets: [window], ttlMs: 1 }))._tag).toBe("Reserved")
    yield* waitPast(5)
    expect((yield* store.reserve({ id: "next", amountNanos: 6_000, budgets: [window], ttlMs: hour }))._tag).toBe("Reserved")
    expect((yield* standing(store)).reservedNanos).toBe(6_000)
    yield* store.release("next")
  })

/** A budget already spent past its limit still lets a call that cannot cost anything through. */
const freeCallNeverRefused = (layer: () => Layer.Layer<CostTracker, ProviderError>) =>
  Effect.gen(function*() {
    const costs = yield* CostTracker
    yield* costs.record({ requestId: "over", attempt: 1, event: success(gpt4oMini, { inputTokens: 1_000_000, outputTokens: 0, estimated: false }) })
    const [status] = yield* costs.budgetStatus()
    expect(status!.spentUsd).toBeGreaterThan(status!.limitUsd)
    const free = yield* costs.reserve({ requestId: "free", attempt: 1, model: llama, request: { prompt: "hello", maxTokens: 100 } })
    expect(free.worstCase.costNanos).toBe(0)
    const record = yield* costs.settle(free, success(llama, { inputTokens: 5, outputTokens: 5, estimated: false }))
    expect(record.costNanos).toBe(0)
    expect((yield* costs.budgetStatus())[0]!.reservedUsd).toBe(0)
  }).pipe(Effect.provide(layer()))

const overspentBudget = { budgets: [{ name: "tight", limitUsd: 0.01, period: "total" as const, mode: "hard" as const }] }

describe("free calls are never refused by a money budget", () => {
  it.effect("in memory", () => freeCallNeverRefused(() => CostTracker.layerMemory(overspentBudget)))
  it.effect("in SQLite", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "orch-free-"))
    return freeCallNeverRefused(() => CostTracker.layerSqlite(path.join(dir, "ledger.db"), overspentBudget)).pipe(
      Effect.ensuring(Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))))
  })
})

describe("SQLite: expiry by owner liveness and the host's monotonic clock", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "orch-shared-"))
  let files = 0
  const file = () => path.join(dir, `ledger-${++files}.db`)
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
  // The host's monotonic clock, read as the ledger thread reads it; waited on, never asserted.
  const monotonicMs = () => Number(process.hrtime.bigint() / 1_000_000n)
  const waitPast = (ms: number) => Effect.gen(function*() {
    const until = monotonicMs() + ms
    while (monotonicMs() <= until) yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 1)))
  })

  it.live("a process whose clock runs ahead cannot free another's live reservation", () =>
    Effect.gen(function*() {
      const shared = file()
      const mine = yield* openSqliteLedger(shared)
      const skewed = yield* openSqliteLedger(shared)
      yield* skewedClockCannotFree(mine, skewed)
      yield* mine.close
      yield* skewed.close
    }))

  it.live("an expired reservation is reclaimed; a $0 one expires without harm", () =>
    Effect.gen(function*() {
      const store = yield* openSqliteLedger(file())
      yield* expiredIsReclaimed(store, waitPast)
      yield* zeroReservationExpires(store, waitPast)
      yield* store.close
    }))

  it("a reservation whose process died is reclaimed at once, not after its hour", async () => {
    const shared = file()
    const { stdout } = await promisify(execFile)(process.execPath, ["--conditions=@orch/source", path.join(import.meta.dirname, "fixtures", "sqlite-reserver.ts"), shared, "6000"]).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }))
    expect(stdout.trim()).toBe("Reserved")
    await Effect.runPromise(Effect.gen(function*() {
      const store = yield* openSqliteLedger(shared)
      expect((yield* standing(store)).reservedNanos).toBe(6_000)
      expect((yield* store.reserve({ id: "mine", amountNanos: 6_000, budgets: [window], ttlMs: hour }))._tag).toBe("Reserved")
      expect((yield* standing(store)).reservedNanos).toBe(6_000)
      yield* store.close
    }))
  })
})

describe.skipIf(!redisTestsRun("the shared-ledger Redis tests"))("Redis: expiry on the server's clock, $0 reservations, cut reservations (a real redis-server)", () => {
  let server: RedisServer | undefined
  let admin: Redis | undefined
  beforeAll(async () => {
    server = await startRedis()
    admin = new Redis(server.url)
  })
  afterAll(async () => {
    await admin?.quit()
    await server?.stop()
  })
  const serverMs = () => Effect.promise(() => admin!.time()).pipe(Effect.map(([seconds, micros]) => Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)))
  const waitPast = (ms: number) => Effect.gen(function*() {
    const until = (yield* serverMs()) + ms
    while ((yield* serverMs()) <= until) yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 1)))
  })

  it.live("a process whose clock runs ahead cannot free another's live reservation", () =>
    Effect.gen(function*() {
      const mine = yield* openRedisLedger({ url: server!.url, prefix: "skew:" })
      const skewed = yield* openRedisLedger({ url: server!.url, prefix: "skew:" })
      yield* skewedClockCannotFree(mine, skewed)
      yield* mine.close
      yield* skewed.close
    }))

  it.live("an expired reservation is reclaimed; a $0 one expires without breaking every later reservation", () =>
    Effect.gen(function*() {
      const store = yield* openRedisLedger({ url: server!.url, prefix: "expiry:" })
      yield* expiredIsReclaimed(store, waitPast)
      yield* zeroReservationExpires(store, waitPast)
      yield* store.close
    }))

  it.effect("a free model's call writes nothing to Redis before it ends, and is never refused", () =>
    Effect.gen(function*() {
      yield* freeCallNeverRefused(() => CostTracker.layerRedis({ url: server!.url, prefix: "free:" }, overspentBudget))
      const held = yield* Effect.promise(() => admin!.keys("free:reservation*"))
      expect(held).toEqual([])
    }))

  it.live("a reservation cut while its write is in flight frees itself", () =>
    Effect.gen(function*() {
      const budgets = [{ name: "cut", limitUsd: 1, period: "total" as const, mode: "hard" as const }]
      yield* Effect.gen(function*() {
        const costs = yield* CostTracker
        yield* Effect.promise(() => admin!.client("PAUSE", "20000", "WRITE"))
        const fiber = yield* Effect.forkChild(costs.reserve({ requestId: "cut", attempt: 1, model: gpt4oMini, request: { prompt: "hi", maxTokens: 100 } }))
        // Wait until Redis holds the reservation's script, paused, then cut the call.
        while (!(yield* Effect.promise(() => admin!.client("LIST") as Promise<string>)).split("\n").some((line) => / flags=b .* cmd=eval /.test(line))) {
          yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 2)))
        }
        yield* Fiber.interrupt(fiber)
        yield* Effect.promise(() => admin!.client("UNPAUSE"))
        // The release queued behind the write: wait until both have run.
        while ((yield* Effect.promise(() => admin!.keys("cut:reservation:*"))).length > 0 || (yield* Effect.promise(() => admin!.zcard("cut:reservation-expiries"))) > 0) {
          yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 2)))
        }
        const [status] = yield* costs.budgetStatus()
        expect(status!.reservedUsd).toBe(0)
        expect(yield* Effect.promise(() => admin!.keys("cut:reservation:*"))).toEqual([])
      }).pipe(Effect.provide(CostTracker.layerRedis({ url: server!.url, prefix: "cut:" }, { budgets })))
    }))
})
