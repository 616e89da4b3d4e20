/**
 * The SQLite ledger store, on Node's built-in `node:sqlite` (no native build). The file uses WAL with full
 * synchronisation; every operation is one `BEGIN IMMEDIATE` transaction, so reservations are atomic across the
 * processes that share the file and a crash mid-write loses nothing that was committed. Records are append-only:
 * triggers refuse updates and deletes; corrections are new records.
 */
import { DatabaseSync } from "node:sqlite"
import type { ProviderError } from "@orch/provider"
import { Effect, Layer, Result, Schema } from "effect"
import { type AttemptRecord, AttemptRecordSchema } from "./AttemptRecord.ts"
import { type BudgetStanding, LedgerStore, type LedgerStoreShape, ledgerUnavailable, type ReserveResult } from "./LedgerStore.ts"

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
CREATE TABLE IF NOT EXISTS reservations (
  id TEXT PRIMARY KEY,
  amount_nanos INTEGER NOT NULL,
  keys TEXT NOT NULL
);
`

/** Ledgers written before reservations expired have no expiry column: add it (reservations without one never expire). */
const migrate = (database: DatabaseSync): void => {
  const columns = database.prepare("PRAGMA table_info(reservations)").all() as Array<{ name: string }>
  if (!columns.some((column) => column.name === "expires_at")) database.exec("ALTER TABLE reservations ADD COLUMN expires_at INTEGER")
  database.exec("CREATE INDEX IF NOT EXISTS reservations_expiry ON reservations (expires_at)")
}

/** Run a function in one immediate (write-locking) transaction, rolling back if it throws. */
const transaction = <A>(database: DatabaseSync, body: () => A): A => {
  database.exec("BEGIN IMMEDIATE")
  let committed = false
  try {
    const result = body()
    database.exec("COMMIT")
    committed = true
    return result
  } finally {
    if (!committed && database.isTransaction) database.exec("ROLLBACK")
  }
}

const decodeRecord = Schema.decodeUnknownResult(Schema.fromJsonString(AttemptRecordSchema))

/** Open (creating if needed) a SQLite ledger file. `busyTimeoutMs` is how long to wait for another writer. */
export const openSqliteLedger = (path: string, options: { readonly busyTimeoutMs?: number } = {}): Effect.Effect<LedgerStoreShape, ProviderError> =>
  Effect.try({
    try: () => {
      const database = new DatabaseSync(path)
      database.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 10_000))}`)
      database.exec("PRAGMA journal_mode = WAL")
      database.exec("PRAGMA synchronous = FULL")
      database.exec(schema)
      migrate(database)
      return makeStore(database)
    },
    catch: (cause) => ledgerUnavailable("SQLite", cause)
  })

const makeStore = (database: DatabaseSync): LedgerStoreShape => {
  const totalsQuery = database.prepare("SELECT spent_nanos AS spent, reserved_nanos AS reserved FROM budget_totals WHERE key = ?")
  const addReserved = database.prepare(
    "INSERT INTO budget_totals (key, reserved_nanos) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET reserved_nanos = reserved_nanos + excluded.reserved_nanos")
  const addSpent = database.prepare(
    "INSERT INTO budget_totals (key, spent_nanos) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET spent_nanos = spent_nanos + excluded.spent_nanos")
  const insertReservation = database.prepare("INSERT INTO reservations (id, amount_nanos, keys, expires_at) VALUES (?, ?, ?, ?)")
  const expiredReservations = database.prepare("SELECT id FROM reservations WHERE expires_at IS NOT NULL AND expires_at < ?")
  const findReservation = database.prepare("SELECT amount_nanos AS amount, keys FROM reservations WHERE id = ?")
  const deleteReservation = database.prepare("DELETE FROM reservations WHERE id = ?")
  const insertRecord = database.prepare("INSERT INTO records (time, cost_nanos, body) VALUES (?, ?, ?)")
  const allRecords = database.prepare("SELECT seq, body FROM records ORDER BY seq")
  let open = true

  const totalsOf = (key: string): { readonly spentNanos: number; readonly reservedNanos: number } => {
    const row = totalsQuery.get(key) as { spent: number; reserved: number } | undefined
    return { spentNanos: row?.spent ?? 0, reservedNanos: row?.reserved ?? 0 }
  }
  const free = (reservationId: string): void => {
    const row = findReservation.get(reservationId) as { amount: number; keys: string } | undefined
    if (row === undefined) return
    for (const key of JSON.parse(row.keys) as ReadonlyArray<string>) addReserved.run(key, -row.amount)
    deleteReservation.run(reservationId)
  }
  const run = <A>(body: () => A): Effect.Effect<A, ProviderError> =>
    Effect.try({
      try: () => {
        if (!open) throw new Error("the ledger is closed")
        return transaction(database, body)
      },
      catch: (cause) => ledgerUnavailable("SQLite", cause)
    })

  return {
    reserve: (request) => run((): ReserveResult => {
      if (request.nowMs !== undefined) {
        for (const row of expiredReservations.all(request.nowMs) as Array<{ id: string }>) free(row.id)
      }
      const softExceeded: Array<BudgetStanding> = []
      for (const window of request.budgets) {
        const standing = { key: window.key, budget: window.budget, limitNanos: window.limitNanos, ...totalsOf(window.key) }
        if (standing.spentNanos + standing.reservedNanos + request.amountNanos > window.limitNanos) {
          if (window.hard) return { _tag: "Refused", standing }
          softExceeded.push(standing)
        }
      }
      for (const window of request.budgets) addReserved.run(window.key, request.amountNanos)
      insertReservation.run(request.id, request.amountNanos, JSON.stringify(request.budgets.map((window) => window.key)), request.expiresAtMs ?? null)
      return { _tag: "Reserved", softExceeded }
    }),
    commit: (entry) => run(() => {
      insertRecord.run(entry.record.time, entry.record.costNanos, JSON.stringify(entry.record))
      if (entry.reservationId !== undefined) free(entry.reservationId)
      for (const key of entry.budgetKeys) addSpent.run(key, entry.record.costNanos ?? 0)
    }),
    release: (reservationId) => run(() => free(reservationId)),
    standings: (windows) => run(() => windows.map((window) => ({ key: window.key, budget: window.budget, limitNanos: window.limitNanos, ...totalsOf(window.key) }))),
    records: Effect.flatMap(
      Effect.try({ try: () => allRecords.all() as Array<{ seq: number; body: string }>, catch: (cause) => ledgerUnavailable("SQLite", cause) }),
      (rows) => {
        const records: Array<AttemptRecord> = []
        for (const row of rows) {
          const decoded = decodeRecord(row.body)
          if (Result.isFailure(decoded)) return Effect.fail(ledgerUnavailable("SQLite", `record ${row.seq} is unreadable: ${decoded.failure.message}`))
          records.push(decoded.success)
        }
        return Effect.succeed(records)
      }),
    close: Effect.sync(() => {
      if (!open) return
      open = false
      database.close()
    })
  }
}

/** The SQLite ledger store as a layer; the file is closed when the layer's scope ends. */
export const SqliteLedger = {
  layer: (path: string, options: { readonly busyTimeoutMs?: number } = {}): Layer.Layer<LedgerStore, ProviderError> =>
    Layer.effect(LedgerStore, Effect.acquireRelease(openSqliteLedger(path, options), (store) => store.close))
}
