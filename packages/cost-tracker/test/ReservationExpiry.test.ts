// A process that dies between reserving and settling must not hold its budget forever: durable ledgers reclaim a
// reservation once it has expired, at the next reservation, atomically. SQLite here; Redis against a real server.
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import fs from "node:fs"
import net from "node:net"
import os from "node:os"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Effect } from "effect"
import { type LedgerStoreShape, openRedisLedger, openSqliteLedger } from "../src/index.ts"

const window = { key: "expiry|total", budget: "expiry", limitNanos: 6_000, hard: true }

/** A dead process's reservation of 5,000 of 6,000: refused while held, reclaimed after it expires. */
const proveExpiry = (store: LedgerStoreShape) =>
  Effect.gen(function*() {
    const dead = yield* store.reserve({ id: "dead", amountNanos: 5_000, budgets: [window], nowMs: 0, expiresAtMs: 1_000 })
    expect(dead._tag).toBe("Reserved")
    const early = yield* store.reserve({ id: "early", amountNanos: 5_000, budgets: [window], nowMs: 500, expiresAtMs: 10_000 })
    expect(early._tag).toBe("Refused")
    const later = yield* store.reserve({ id: "later", amountNanos: 5_000, budgets: [window], nowMs: 2_000, expiresAtMs: 10_000 })
    expect(later._tag).toBe("Reserved")
    const [standing] = yield* store.standings([window])
    expect(standing?.reservedNanos).toBe(5_000)
    // Settling the live reservation still works, and frees it exactly once.
    yield* store.release("later")
    const [after] = yield* store.standings([window])
    expect(after?.reservedNanos).toBe(0)
  })

describe("reservation expiry", () => {
  it("SQLite reclaims an expired reservation", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "orch-expiry-"))
    await Effect.runPromise(Effect.gen(function*() {
      const store = yield* openSqliteLedger(path.join(dir, "ledger.db"))
      yield* proveExpiry(store)
      yield* store.close
    }))
    fs.rmSync(dir, { recursive: true, force: true })
  })

  const hasRedis = spawnSync("redis-server", ["--version"]).status === 0
  if (!hasRedis && process.env.CI) throw new Error("redis-server is not installed: the Redis expiry test must run in CI")
  describe.skipIf(!hasRedis)("Redis", () => {
    let server: ChildProcess | undefined
    let url = ""
    beforeAll(async () => {
      const port = await new Promise<number>((resolve) => {
        const probe = net.createServer().listen(0, "127.0.0.1", () => {
          const address = probe.address()
          probe.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0))
        })
      })
      url = `redis://127.0.0.1:${port}`
      const started = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: ["ignore", "pipe", "pipe"] })
      server = started
      await new Promise<void>((resolve, reject) => {
        let output = ""
        started.stdout?.on("data", (chunk: Buffer) => { output += chunk.toString(); if (output.includes("Ready to accept connections")) resolve() })
        started.once("exit", (code) => reject(new Error(`redis-server exited (${code}): ${output}`)))
      })
    })
    afterAll(async () => {
      if (server !== undefined && server.exitCode === null) {
        const exited = new Promise((resolve) => server!.once("exit", resolve))
        server.kill("SIGTERM")
        await exited
      }
    })
    it("reclaims an expired reservation inside the reservation script", async () => {
      await Effect.runPromise(Effect.gen(function*() {
        const store = yield* openRedisLedger({ url, prefix: "expiry:" })
        yield* proveExpiry(store)
        yield* store.close
      }))
    })
  })
})
