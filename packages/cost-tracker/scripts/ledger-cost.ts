// What the ledgers cost as they are used: the in-memory ledger's heap over many calls (it must stay flat), and the
// SQLite ledger's throughput and event-loop blocking with its worker thread and group commit, against the same
// transactions run on the event loop (the design before it). Prints figures and ratios; asserts nothing.
// Run from the repository root: node --expose-gc --conditions=@orch/source packages/cost-tracker/scripts/ledger-cost.ts
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { DatabaseSync } from "node:sqlite"
import { Effect } from "effect"
import { type AttemptRecord, type LedgerStoreShape, makeMemoryLedger, openSqliteLedger } from "../src/index.ts"

const gc = (globalThis as { gc?: () => void }).gc
const heapMb = (): number => {
  gc?.()
  return process.memoryUsage().heapUsed / 1e6
}
const window = { key: "bench|total", budget: "bench", limitNanos: Number.MAX_SAFE_INTEGER, hard: true }
const recordOf = (index: number): AttemptRecord => ({
  time: 1_800_000_000_000 + index * 50, requestId: crypto.randomUUID(), attempt: 1, role: "primary", provider: "openai", model: "gpt-4o-mini",
  taskType: "GENERAL", strategy: "AUTO", inputTokens: 120, cachedInputTokens: 0, outputTokens: 300, estimated: false,
  tokenSource: "reported", costNanos: 198_000, latencyMs: 420, outcome: "success"
})

const callOn = (store: LedgerStoreShape, index: number) =>
  Effect.gen(function*() {
    yield* store.reserve({ id: `r${index}`, amountNanos: 250_000, budgets: [window], ttlMs: 3_600_000 })
    yield* store.commit({ record: recordOf(index), budgetKeys: [window.key], reservationId: `r${index}` })
  })

const memory = Effect.gen(function*() {
  const store = makeMemoryLedger()
  const before = heapMb()
  const lines: Array<string> = []
  for (let round = 1; round <= 3; round++) {
    for (let index = 0; index < 100_000; index++) yield* callOn(store, round * 100_000 + index)
    lines.push(`  after ${round * 100_000} calls: heap +${(heapMb() - before).toFixed(1)} MB`)
  }
  return lines
})

/** The design before: each operation one fsynced transaction on the event loop. */
const onTheLoop = (file: string): LedgerStoreShape => {
  const database = new DatabaseSync(file)
  database.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL")
  database.exec("CREATE TABLE records (seq INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER, cost_nanos INTEGER, body TEXT); CREATE TABLE totals (key TEXT PRIMARY KEY, spent INTEGER DEFAULT 0, reserved INTEGER DEFAULT 0); CREATE TABLE reservations (id TEXT PRIMARY KEY, amount INTEGER, keys TEXT)")
  const transaction = (body: () => void) => Effect.sync(() => {
    database.exec("BEGIN IMMEDIATE")
    body()
    database.exec("COMMIT")
  })
  const reserved = database.prepare("INSERT INTO totals (key, reserved) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET reserved = reserved + excluded.reserved")
  const spent = database.prepare("INSERT INTO totals (key, spent) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET spent = spent + excluded.spent")
  const hold = database.prepare("INSERT INTO reservations (id, amount, keys) VALUES (?, ?, ?)")
  const drop = database.prepare("DELETE FROM reservations WHERE id = ?")
  const append = database.prepare("INSERT INTO records (time, cost_nanos, body) VALUES (?, ?, ?)")
  const totals = database.prepare("SELECT spent, reserved FROM totals WHERE key = ?")
  return {
    reserve: (request) => Effect.as(transaction(() => {
      totals.get(window.key)
      reserved.run(window.key, request.amountNanos)
      hold.run(request.id, request.amountNanos, JSON.stringify([window.key]))
    }), { _tag: "Reserved" as const, softExceeded: [] }),
    commit: (entry) => transaction(() => {
      append.run(entry.record.time, entry.record.costNanos, JSON.stringify(entry.record))
      reserved.run(window.key, -250_000)
      drop.run(entry.reservationId ?? "")
      spent.run(window.key, entry.record.costNanos ?? 0)
    }),
    release: () => Effect.void,
    standings: () => Effect.succeed([]),
    records: Effect.succeed([]),
    close: Effect.sync(() => database.close())
  }
}

const throughput = (store: LedgerStoreShape, calls: number, concurrency: number) =>
  Effect.gen(function*() {
    const utilization = performance.eventLoopUtilization()
    const started = performance.now()
    yield* Effect.forEach(Array.from({ length: calls }, (_, index) => index), (index) => callOn(store, index), { concurrency, discard: true })
    const seconds = (performance.now() - started) / 1000
    const used = performance.eventLoopUtilization(utilization)
    // Time the event loop was busy (not idle waiting for I/O), per call: what the application loses to the ledger.
    return { callsPerSecond: calls / seconds, loopMsPerCall: used.active / calls }
  })

const sqlite = Effect.gen(function*() {
  const lines: Array<string> = []
  for (const concurrency of [1, 16, 64]) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "orch-ledger-bench-"))
    const calls = concurrency === 1 ? 300 : 2_000
    const before = onTheLoop(path.join(dir, "loop.db"))
    const old = yield* throughput(before, calls, concurrency)
    yield* before.close
    const worker = yield* openSqliteLedger(path.join(dir, "worker.db"))
    const now = yield* throughput(worker, calls, concurrency)
    yield* worker.close
    fs.rmSync(dir, { recursive: true, force: true })
    lines.push(`  c=${concurrency}: on the loop ${old.callsPerSecond.toFixed(0)} calls/s, event loop busy ${old.loopMsPerCall.toFixed(3)} ms a call; ` +
      `worker + group commit ${now.callsPerSecond.toFixed(0)} calls/s, busy ${now.loopMsPerCall.toFixed(3)} ms a call; ` +
      `throughput ${(now.callsPerSecond / old.callsPerSecond).toFixed(2)}x, event-loop time ${(now.loopMsPerCall / old.loopMsPerCall).toFixed(2)}x`)
  }
  return lines
})

const program = Effect.gen(function*() {
  const memoryLines = yield* memory
  const sqliteLines = yield* sqlite
  process.stdout.write([
    `in-memory ledger, one reserve + commit per call (keeps 10,000 records whole)${gc === undefined ? " (run with --expose-gc for exact heap figures)" : ""}:`,
    ...memoryLines,
    "SQLite ledger (WAL, synchronous = FULL), one reserve + commit per call:",
    ...sqliteLines,
    ""
  ].join("\n"))
})

Effect.runPromise(program).catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`)
  process.exitCode = 1
})
