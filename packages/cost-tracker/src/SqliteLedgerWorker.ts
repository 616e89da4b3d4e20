/**
 * The thread that owns a SQLite ledger file, so its fsyncs never block the application's event loop. Operations
 * arrive as messages; every operation that arrived while the previous transaction was being written is run in the
 * next one (group commit), each inside its own savepoint so one failure rolls back only itself, in arrival order so
 * each reservation sees the ones before it. A reply is sent only after the transaction that holds its operation has
 * committed (WAL, `synchronous = FULL`): whatever a caller was told is on disk.
 *
 * Expiry of reservations never reads a wall clock: a reservation records the host's boot, the PID namespace and
 * process id of its owner, and a deadline on the host's monotonic clock, which every process on one boot shares.
 * It is reclaimed when its boot is over, when its owner process no longer exists (checked only within the same PID
 * namespace), or when the monotonic deadline has passed. SQLite's WAL needs every process sharing a file on one host
 * (it uses shared memory), so these are facts every sharer can check.
 * Messages in: `{ id, op, ... }`; out: `{ id, ok: true, value }` or `{ id, ok: false, message }`.
 */
import fs from "node:fs"
import os from "node:os"
import { DatabaseSync, type StatementSync } from "node:sqlite"
import { parentPort, workerData } from "node:worker_threads"

const schema = `
CREATE TABLE IF NOT EXISTS records (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  time INTEGER NOT NULL,
  cost_nanos INTEGER,
  body TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS records_no_update BEFORE UPDATE ON records BEGIN SELECT RAISE(ABORT, 'the cost ledger is append-only'); END;
CREATE TRIGGER IF NOT EXISTS records_no_delete BEFORE DELETE ON records BEGIN SELECT RAISE(ABORT, 'the cost ledger is append-only'); END;
CREATE TABLE IF NOT EXISTS budget_totals (
  key TEXT PRIMARY KEY,
  spent_nanos INTEGER NOT NULL DEFAULT 0,
  reserved_nanos INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS applied_commits (
  id TEXT PRIMARY KEY
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS reservations (
  id TEXT PRIMARY KEY,
  amount_nanos INTEGER NOT NULL,
  keys TEXT NOT NULL
);
`

/** Columns added since the first version: the wall-clock expiry of older files, then the owner and monotonic deadline. */
const migrate = (database: DatabaseSync): void => {
  const columns = new Set((database.prepare("PRAGMA table_info(reservations)").all() as Array<{ name: string }>).map((column) => column.name))
  for (const [name, type] of [["expires_at", "INTEGER"], ["owner_boot", "TEXT"], ["owner_ns", "TEXT"], ["owner_pid", "INTEGER"], ["expires_mono", "INTEGER"]]) {
    if (!columns.has(name!)) database.exec(`ALTER TABLE reservations ADD COLUMN ${name} ${type}`)
  }
  database.exec("CREATE INDEX IF NOT EXISTS reservations_expiry ON reservations (expires_at)")
}

const readText = (file: string): string | undefined => {
  try {
    return fs.readFileSync(file, "utf8").trim()
  } catch {
    return undefined
  }
}

const readLink = (file: string): string | undefined => {
  try {
    return fs.readlinkSync(file)
  } catch {
    return undefined
  }
}

/**
 * This boot of the host: Linux's random boot id, elsewhere the host name and the boot time to the minute (from the
 * uptime, so only a wall-clock jump of a minute between two processes' starts could make them disagree).
 */
const bootId = readText("/proc/sys/kernel/random/boot_id") ?? `${os.hostname()}@${Math.round((Date.now() / 1000 - os.uptime()) / 60)}`
/** The PID namespace (Linux), where a process id means one process; "" when unknown (then liveness is not used). */
const pidNamespace = process.platform === "linux" ? (readLink("/proc/self/ns/pid") ?? "") : process.platform
/** The host's monotonic clock in ms: shared by every process of one boot, never set back or forward. */
const monotonicMs = (): number => Number(process.hrtime.bigint() / 1_000_000n)

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code !== "ESRCH"
  }
}

interface Window { readonly key: string; readonly budget: string; readonly limitNanos: number; readonly hard: boolean }
type Operation =
  | { readonly id: number; readonly op: "reserve"; readonly request: { readonly id: string; readonly amountNanos: number; readonly budgets: ReadonlyArray<Window>; readonly nowMs?: number; readonly ttlMs?: number } }
  | { readonly id: number; readonly op: "commit"; readonly entryId?: string; readonly time: number; readonly costNanos: number | null; readonly body: string; readonly budgetKeys: ReadonlyArray<string>; readonly reservationId?: string }
  | { readonly id: number; readonly op: "release"; readonly reservationId: string }
  | { readonly id: number; readonly op: "standings"; readonly windows: ReadonlyArray<Window> }
  | { readonly id: number; readonly op: "records" }
  | { readonly id: number; readonly op: "close" }

const options = workerData as { readonly path: string; readonly busyTimeoutMs: number }

const open = (): DatabaseSync => {
  const database = new DatabaseSync(options.path)
  database.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs))}`)
  database.exec("PRAGMA journal_mode = WAL")
  database.exec("PRAGMA synchronous = FULL")
  // Made and migrated in one write transaction: processes opening a new file at once take turns (the busy timeout
  // waits), so the second finds the tables and columns the first added instead of adding them again.
  database.exec("BEGIN IMMEDIATE")
  try {
    database.exec(schema)
    migrate(database)
    database.exec("COMMIT")
  } catch (error) {
    database.exec("ROLLBACK")
    throw error
  }
  return database
}

let database: DatabaseSync
try {
  database = open()
  parentPort?.postMessage({ id: 0, ok: true, value: null })
} catch (error) {
  parentPort?.postMessage({ id: 0, ok: false, message: (error as Error).message })
  process.exit(0)
}

const statements = (() => {
  const prepare = (sql: string): StatementSync => database.prepare(sql)
  return {
    totals: prepare("SELECT spent_nanos AS spent, reserved_nanos AS reserved FROM budget_totals WHERE key = ?"),
    addReserved: prepare("INSERT INTO budget_totals (key, reserved_nanos) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET reserved_nanos = reserved_nanos + excluded.reserved_nanos"),
    addSpent: prepare("INSERT INTO budget_totals (key, spent_nanos) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET spent_nanos = spent_nanos + excluded.spent_nanos"),
    insertReservation: prepare("INSERT INTO reservations (id, amount_nanos, keys, owner_boot, owner_ns, owner_pid, expires_mono) VALUES (?, ?, ?, ?, ?, ?, ?)"),
    held: prepare("SELECT id, owner_boot AS boot, owner_ns AS ns, owner_pid AS pid, expires_mono AS expires, expires_at AS expiresAt FROM reservations"),
    find: prepare("SELECT amount_nanos AS amount, keys FROM reservations WHERE id = ?"),
    remove: prepare("DELETE FROM reservations WHERE id = ?"),
    markApplied: prepare("INSERT OR IGNORE INTO applied_commits (id) VALUES (?)"),
    insertRecord: prepare("INSERT INTO records (time, cost_nanos, body) VALUES (?, ?, ?)"),
    records: prepare("SELECT seq, body FROM records ORDER BY seq")
  }
})()

const totalsOf = (key: string): { readonly spentNanos: number; readonly reservedNanos: number } => {
  const row = statements.totals.get(key) as { spent: number; reserved: number } | undefined
  return { spentNanos: row?.spent ?? 0, reservedNanos: row?.reserved ?? 0 }
}

const free = (reservationId: string): void => {
  const row = statements.find.get(reservationId) as { amount: number; keys: string } | undefined
  if (row === undefined) return
  if (row.amount !== 0) for (const key of JSON.parse(row.keys) as ReadonlyArray<string>) statements.addReserved.run(key, -row.amount)
  statements.remove.run(reservationId)
}

/** Free every reservation whose owner is gone or whose monotonic deadline passed (see the header). */
const reclaim = (legacyNowMs: number | undefined): void => {
  const now = monotonicMs()
  const liveness = new Map<number, boolean>()
  for (const row of statements.held.all() as Array<{ id: string; boot: string | null; ns: string | null; pid: number | null; expires: number | null; expiresAt: number | null }>) {
    if (row.boot === null) {
      // Written by a version that judged expiry by the wall clock: kept to that rule.
      if (row.expiresAt !== null && legacyNowMs !== undefined && row.expiresAt < legacyNowMs) free(row.id)
      continue
    }
    if (row.boot !== bootId) {
      free(row.id)
      continue
    }
    if (row.expires !== null && row.expires < now) {
      free(row.id)
      continue
    }
    if (row.pid !== null && row.pid !== process.pid && pidNamespace !== "" && row.ns === pidNamespace) {
      let living = liveness.get(row.pid)
      if (living === undefined) liveness.set(row.pid, living = alive(row.pid))
      if (!living) free(row.id)
    }
  }
}

const run = (operation: Operation): unknown => {
  switch (operation.op) {
    case "reserve": {
      const request = operation.request
      // Once a transaction: what expired before it started, every reservation in it sees freed.
      if (!reclaimed) {
        reclaim(request.nowMs)
        reclaimed = true
      }
      const softExceeded: Array<unknown> = []
      if (request.amountNanos > 0) {
        for (const window of request.budgets) {
          const standing = { key: window.key, budget: window.budget, limitNanos: window.limitNanos, ...totalsOf(window.key) }
          if (standing.spentNanos + standing.reservedNanos + request.amountNanos > window.limitNanos) {
            if (window.hard) return { _tag: "Refused", standing }
            softExceeded.push(standing)
          }
        }
        for (const window of request.budgets) statements.addReserved.run(window.key, request.amountNanos)
      }
      statements.insertReservation.run(
        request.id, request.amountNanos, JSON.stringify(request.budgets.map((window) => window.key)), bootId, pidNamespace, process.pid,
        request.ttlMs === undefined ? null : monotonicMs() + Math.max(0, Math.ceil(request.ttlMs)))
      return { _tag: "Reserved", softExceeded }
    }
    case "commit":
      // An entry applied before (sent again after a failure whose write had landed) is not applied twice.
      if (operation.entryId !== undefined && Number(statements.markApplied.run(operation.entryId).changes) === 0) return null
      statements.insertRecord.run(operation.time, operation.costNanos, operation.body)
      if (operation.reservationId !== undefined) free(operation.reservationId)
      if (operation.costNanos !== null && operation.costNanos !== 0) for (const key of operation.budgetKeys) statements.addSpent.run(key, operation.costNanos)
      return null
    case "release":
      free(operation.reservationId)
      return null
    case "standings":
      return operation.windows.map((window) => ({ key: window.key, budget: window.budget, limitNanos: window.limitNanos, ...totalsOf(window.key) }))
    case "records":
      return statements.records.all()
    case "close":
      return null
  }
}

const queue: Array<Operation> = []
let scheduled = false
let reclaimed = false

/** Run every queued operation in one transaction, then reply to each. */
const flush = (): void => {
  scheduled = false
  const batch = queue.splice(0)
  reclaimed = false
  const replies: Array<{ id: number; ok: boolean; value?: unknown; message?: string }> = []
  try {
    database.exec("BEGIN IMMEDIATE")
    for (const [index, operation] of batch.entries()) {
      database.exec(`SAVEPOINT op${index}`)
      try {
        replies.push({ id: operation.id, ok: true, value: run(operation) })
        database.exec(`RELEASE op${index}`)
      } catch (error) {
        database.exec(`ROLLBACK TO op${index}`)
        database.exec(`RELEASE op${index}`)
        replies.push({ id: operation.id, ok: false, message: (error as Error).message })
      }
    }
    database.exec("COMMIT")
  } catch (error) {
    if (database.isTransaction) database.exec("ROLLBACK")
    // Nothing of this batch was committed: every operation in it failed.
    replies.length = 0
    for (const operation of batch) replies.push({ id: operation.id, ok: false, message: (error as Error).message })
  }
  for (const reply of replies) parentPort?.postMessage(reply)
  if (batch.some((operation) => operation.op === "close")) {
    database.close()
    parentPort?.close()
  }
}

parentPort?.on("message", (operation: Operation) => {
  queue.push(operation)
  if (!scheduled) {
    scheduled = true
    setImmediate(flush)
  }
})
