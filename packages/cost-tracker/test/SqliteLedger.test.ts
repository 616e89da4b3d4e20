import { execFile, spawn } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { promisify } from "node:util"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { CostTracker, openSqliteLedger } from "../src/index.ts"
import { failureOf, gpt4oMini, success } from "./Support.ts"

const tempFile = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "orch-ledger-")), "ledger.db")

describe("SQLite ledger", () => {
  it.effect("survives a restart: records and budget spend are read back", () =>
    Effect.gen(function*() {
      const file = tempFile()
      const budgets = [{ name: "global", limitUsd: 0.001, period: "total" as const, mode: "hard" as const }]
      const first = yield* Effect.provide(Effect.gen(function*() {
        const costs = yield* CostTracker
        const held = yield* costs.reserve({ requestId: "a", attempt: 1, model: gpt4oMini, request: { prompt: "hi", maxTokens: 1000 } })
        return yield* costs.settle(held, success(gpt4oMini, { inputTokens: 9, outputTokens: 1000, estimated: false }))
      }), CostTracker.layerSqlite(file, { budgets }))
      yield* Effect.provide(Effect.gen(function*() {
        const costs = yield* CostTracker
        expect(yield* costs.summary()).toMatchObject({ totals: { attempts: 1, costUsd: first.costNanos! / 1e9 } })
        expect((yield* costs.budgetStatus())[0]).toMatchObject({ spentUsd: first.costNanos! / 1e9, reservedUsd: 0 })
        const error = yield* failureOf(costs.reserve({ requestId: "b", attempt: 1, model: gpt4oMini, request: { prompt: "hi", maxTokens: 1000 } }))
        expect(error.reason._tag).toBe("BudgetExceeded")
      }), CostTracker.layerSqlite(file, { budgets }))
      fs.rmSync(path.dirname(file), { recursive: true })
    }))

  it.effect("is append-only: the file refuses updates and deletes of records", () =>
    Effect.gen(function*() {
      const file = tempFile()
      const store = yield* openSqliteLedger(file)
      yield* Effect.provide(Effect.flatMap(CostTracker, (costs) => costs.record({ requestId: "a", attempt: 1, event: success(gpt4oMini, { inputTokens: 1, outputTokens: 1, estimated: false }) })), CostTracker.layerSqlite(file))
      const { DatabaseSync } = yield* Effect.promise(() => import("node:sqlite"))
      const database = new DatabaseSync(file)
      expect(() => database.exec("DELETE FROM records")).toThrow(/append-only/)
      expect(() => database.exec("UPDATE records SET cost_nanos = 0")).toThrow(/append-only/)
      database.close()
      expect((yield* store.records)).toHaveLength(1)
      yield* store.close
      fs.rmSync(path.dirname(file), { recursive: true })
    }))

  it("opens one new file from several processes at once: its tables are made and migrated once", async () => {
    const file = tempFile()
    // Each process loads, says so, and opens the file when told: all of them within a millisecond or so.
    const processes = Array.from({ length: 6 }, () =>
      spawn(process.execPath, ["--conditions=@orch/source", path.join(import.meta.dirname, "fixtures", "sqlite-open.ts"), file], { stdio: ["pipe", "pipe", "inherit"] }))
    const lines = processes.map((child) => {
      const seen: Array<string> = []
      let buffered = ""
      const waiters: Array<() => void> = []
      child.stdout.on("data", (chunk: Buffer) => {
        buffered += chunk.toString()
        const parts = buffered.split("\n")
        buffered = parts.pop() ?? ""
        seen.push(...parts)
        for (const wake of waiters.splice(0)) wake()
      })
      const nth = (n: number): Promise<string> => seen.length > n ? Promise.resolve(seen[n]!) : new Promise((resolve) => waiters.push(() => resolve(nth(n))))
      return nth
    })
    await Promise.all(lines.map((nth) => nth(0)))
    for (const child of processes) child.stdin.end("go\n")
    expect(await Promise.all(lines.map((nth) => nth(1)))).toEqual(Array.from({ length: 6 }, () => "0"))
    fs.rmSync(path.dirname(file), { recursive: true })
  })

  it("never lets several processes, each sharing transactions among its calls, together reserve past one hard budget", async () => {
    const file = tempFile()
    const workers = await Promise.all([0, 1, 2].map((worker) =>
      promisify(execFile)(process.execPath, ["--conditions=@orch/source", path.join(import.meta.dirname, "fixtures", "sqlite-burst.ts"), file, String(worker), "80"])))
    const results = workers.map((worker) => JSON.parse(worker.stdout) as { reserved: number; refused: number })
    expect(results.reduce((sum, result) => sum + result.reserved, 0)).toBe(100)
    expect(results.reduce((sum, result) => sum + result.refused, 0)).toBe(140)
    const { records, standing } = await Effect.runPromise(Effect.gen(function*() {
      const store = yield* openSqliteLedger(file)
      const records = yield* store.records
      const [standing] = yield* store.standings([{ key: "shared|total", budget: "shared", limitNanos: 100_000, hard: true }])
      yield* store.close
      return { records, standing: standing! }
    }))
    expect(records).toHaveLength(100)
    expect(standing).toMatchObject({ spentNanos: 100_000, reservedNanos: 0 })
    fs.rmSync(path.dirname(file), { recursive: true })
  })

  for (const lanes of [1, 16]) {
    it(`loses no committed record when its writer is killed mid-write (${lanes} concurrent writers, sharing transactions)`, async () => {
      const file = tempFile()
      const writer = spawn(process.execPath, ["--conditions=@orch/source", path.join(import.meta.dirname, "fixtures", "sqlite-writer.ts"), file, String(lanes)], { stdio: ["ignore", "pipe", "pipe"] })
      let stderr = ""
      writer.stderr.on("data", (chunk: Buffer) => { stderr += chunk.toString() })
      // Every commit the writer reported, including lines still in the pipe when it was killed.
      const reported = new Set<number>()
      let buffered = ""
      await new Promise<void>((resolve, reject) => {
        writer.stdout.on("data", (chunk: Buffer) => {
          buffered += chunk.toString()
          const lines = buffered.split("\n")
          buffered = lines.pop() ?? ""
          for (const line of lines) reported.add(Number(line))
          if (reported.size >= 200 && !writer.killed) writer.kill("SIGKILL")
        })
        writer.on("exit", (code) => { if (!writer.killed) reject(new Error(`writer exited early (${code}): ${stderr}`)) })
        writer.once("close", () => resolve())
      })
      const { records, standing } = await Effect.runPromise(Effect.gen(function*() {
        const store = yield* openSqliteLedger(file)
        const records = yield* store.records
        const [standing] = yield* store.standings([{ key: "crash|total", budget: "crash", limitNanos: 0, hard: true }])
        yield* store.close
        return { records, standing: standing! }
      }))
      // Every commit the writer was told was done is there; at most the ones in flight (one a writer) came through unreported.
      const kept = new Set(records.map((record) => Number(record.requestId.slice("crash-".length))))
      for (const index of reported) expect(kept.has(index), `commit ${index}`).toBe(true)
      expect(records.length).toBeLessThanOrEqual(reported.size + lanes)
      for (const record of records) expect(record.costNanos).toBe(1000 + record.time)
      expect(standing.spentNanos).toBe(records.reduce((sum, record) => sum + (record.costNanos ?? 0), 0))
      // Reservations made just before the kill may remain held (until their owner is found dead): at most one a writer.
      expect(standing.reservedNanos % 5000).toBe(0)
      expect(standing.reservedNanos).toBeLessThanOrEqual(5000 * lanes)
      fs.rmSync(path.dirname(file), { recursive: true })
    })
  }
})
