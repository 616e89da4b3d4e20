import { type ChildProcess, execFile, spawn, spawnSync } from "node:child_process"
import fs from "node:fs"
import net from "node:net"
import os from "node:os"
import path from "node:path"
import { promisify } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { CostTracker, openRedisLedger } from "../src/index.ts"
import { failureOf, gpt4oMini, haiku, success } from "./Support.ts"

const hasRedis = spawnSync("redis-server", ["--version"]).status === 0
if (!hasRedis) {
  const message = "redis-server is not installed (apt-get install redis-server)"
  if (process.env.CI) throw new Error(`${message}: the Redis ledger tests must run in CI`)
  process.emitWarning(`${message}; skipping the Redis ledger tests`)
}

const freePort = (): Promise<number> => new Promise((resolve, reject) => {
  const server = net.createServer()
  server.once("error", reject)
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    server.close(() => typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port")))
  })
})

describe.skipIf(!hasRedis)("Redis ledger (a real redis-server)", () => {
  let server: ChildProcess | undefined
  let dir = ""
  let url = ""

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "orch-redis-"))
    const port = await freePort()
    url = `redis://127.0.0.1:${port}`
    const started = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: ["ignore", "pipe", "pipe"] })
    server = started
    await new Promise<void>((resolve, reject) => {
      let output = ""
      started.stdout?.on("data", (chunk: Buffer) => {
        output += chunk.toString()
        if (output.includes("Ready to accept connections")) resolve()
      })
      started.once("exit", (code) => reject(new Error(`redis-server exited (${code}): ${output}`)))
    })
  })

  afterAll(async () => {
    if (server !== undefined && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once("exit", resolve))
      server.kill("SIGTERM")
      await exited
    }
    if (dir !== "") fs.rmSync(dir, { recursive: true, force: true })
  })

  it.effect("reserves, refuses, settles and summarises through the CostTracker", () =>
    Effect.gen(function*() {
      const costs = yield* CostTracker
      const request = { prompt: "hi", maxTokens: 1000 }
      const held = yield* costs.reserve({ requestId: "a", attempt: 1, model: haiku, request })
      expect(held.worstCase.costUsd).toBeGreaterThan(0.004)
      const error = yield* failureOf(costs.reserve({ requestId: "b", attempt: 1, model: haiku, request }))
      expect(error.reason).toMatchObject({ _tag: "BudgetExceeded", budget: "shared" })
      yield* costs.settle(held, success(haiku, { inputTokens: 10, outputTokens: 20, estimated: false }))
      const [status] = yield* costs.budgetStatus()
      expect(status).toMatchObject({ reservedUsd: 0, spentUsd: (10 * 0.8 + 20 * 4) / 1e6 })
      yield* costs.record({ requestId: "c", attempt: 1, event: success(gpt4oMini, { inputTokens: 1, outputTokens: 1, estimated: false }) })
      expect((yield* costs.summary({ by: ["provider"] })).groups.map((group) => group.key.provider).sort()).toEqual(["anthropic", "openai"])
    }).pipe(Effect.provide(CostTracker.layerRedis({ url, prefix: "tracker:" }, { budgets: [{ name: "shared", limitUsd: 0.006, period: "total", mode: "hard" }] }))))

  it.effect("fails with Unavailable when Redis cannot be reached", () =>
    Effect.gen(function*() {
      const port = yield* Effect.promise(freePort)
      const error = yield* failureOf(openRedisLedger({ url: `redis://127.0.0.1:${port}` }))
      expect(error.reason._tag).toBe("Unavailable")
      expect(error.message).toContain("Redis")
    }))

  it("never lets several processes together reserve past one hard budget", async () => {
    const prefix = "burst:"
    const workers = await Promise.all([0, 1, 2].map((worker) =>
      promisify(execFile)(process.execPath, ["--conditions=@orch/source", path.join(import.meta.dirname, "fixtures", "redis-reserver.ts"), url, prefix, String(worker), "80"])))
    const results = workers.map((worker) => JSON.parse(worker.stdout) as { reserved: number; refused: number })
    expect(results.reduce((sum, result) => sum + result.reserved, 0)).toBe(100)
    expect(results.reduce((sum, result) => sum + result.refused, 0)).toBe(140)
    const { records, standing } = await Effect.runPromise(Effect.gen(function*() {
      const store = yield* openRedisLedger({ url, prefix })
      const records = yield* store.records
      const [standing] = yield* store.standings([{ key: "shared|total", budget: "shared", limitNanos: 100_000, hard: true }])
      yield* store.close
      return { records, standing: standing! }
    }))
    expect(records).toHaveLength(100)
    expect(standing).toMatchObject({ spentNanos: 100_000, reservedNanos: 0 })
    expect(standing.spentNanos).toBe(records.reduce((sum, record) => sum + (record.costNanos ?? 0), 0))
  })
})
