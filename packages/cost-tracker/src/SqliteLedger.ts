/**
 * The SQLite ledger store, on Node's built-in `node:sqlite` (no native build). The file uses WAL with full
 * synchronisation and is written by a worker thread (`SqliteLedgerWorker.ts`), so the application's event loop
 * never waits for an fsync: operations that arrive together share one `BEGIN IMMEDIATE` transaction and one fsync
 * (group commit). Reservations stay atomic across the processes that share the file, and an operation's effect
 * resolves only once its transaction is on disk.
 *
 * What a crash keeps (a killed process, or the machine losing power): every operation whose effect completed; of
 * the operations in flight, each transaction is kept whole or not at all, and none of them had been reported done.
 * A reservation whose process died is reclaimed by the next reservation in any process sharing the file (see the
 * worker's header for how, without trusting any process's clock). Records are append-only: triggers refuse
 * updates and deletes; corrections are new records. The id of every committed entry is kept (table
 * `applied_commits`, added by a version after the first; older files gain it when opened), in the commit's own
 * transaction, so the same entry sent again is not applied twice.
 */
import { Worker } from "node:worker_threads"
import type { ProviderError } from "@orch/provider"
import { Deferred, Effect, Layer } from "effect"
import { type AttemptRecord, readRecord } from "./AttemptRecord.ts"
import {
  badAmount, type BudgetStanding, isLedgerAmount, LedgerStore, type LedgerStoreShape, ledgerUnavailable, type ReserveResult
} from "./LedgerStore.ts"

/** How a SQLite ledger is opened. */
export interface SqliteLedgerOptions {
  /** How long to wait for another process's write lock, in ms (default 10 s). */
  readonly busyTimeoutMs?: number
}

type Reply = { readonly id: number; readonly ok: true; readonly value: unknown } | { readonly id: number; readonly ok: false; readonly message: string }

/** The worker connection: one request in flight per id, the thread kept alive only while some are. */
class LedgerThread {
  private nextId = 1
  private readonly pending = new Map<number, (reply: Reply) => void>()
  private failure: string | undefined
  private readonly worker: Worker

  constructor(worker: Worker) {
    this.worker = worker
    worker.unref()
    worker.on("message", (reply: Reply) => {
      const waiting = this.pending.get(reply.id)
      this.pending.delete(reply.id)
      if (this.pending.size === 0) worker.unref()
      waiting?.(reply)
    })
    const stop = (message: string) => {
      this.failure ??= message
      for (const waiting of this.pending.values()) waiting({ id: 0, ok: false, message })
      this.pending.clear()
    }
    worker.on("error", (error) => stop(`the ledger thread failed: ${error.message}`))
    worker.on("exit", () => stop("the ledger is closed"))
  }

  send(message: Record<string, unknown>): Promise<unknown> {
    if (this.failure !== undefined) return Promise.reject(new Error(this.failure))
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, (reply) => (reply.ok ? resolve(reply.value) : reject(new Error(reply.message))))
      this.worker.ref()
      this.worker.postMessage({ ...message, id })
    })
  }
}

const workerUrl = (): URL => new URL(import.meta.url.endsWith(".ts") ? "./SqliteLedgerWorker.ts" : "./SqliteLedgerWorker.js", import.meta.url)

/** Open (creating if needed) a SQLite ledger file. Fails with Unavailable when the file cannot be opened. */
export const openSqliteLedger = (path: string, options: SqliteLedgerOptions = {}): Effect.Effect<LedgerStoreShape, ProviderError> =>
  Effect.gen(function*() {
    const started = yield* Effect.try({
      try: () => new Worker(workerUrl(), { workerData: { path, busyTimeoutMs: options.busyTimeoutMs ?? 10_000 } }),
      catch: (cause) => ledgerUnavailable("SQLite", cause)
    })
    const ready = yield* Deferred.make<void, ProviderError>()
    const onFirst = (reply: Reply) => {
      Deferred.doneUnsafe(ready, reply.ok ? Effect.void : Effect.fail(ledgerUnavailable("SQLite", reply.message)))
    }
    const onError = (error: Error) => Deferred.doneUnsafe(ready, Effect.fail(ledgerUnavailable("SQLite", error)))
    started.once("message", onFirst)
    started.once("error", onError)
    yield* Deferred.await(ready).pipe(
      Effect.onExit(() => Effect.sync(() => {
        started.off("message", onFirst)
        started.off("error", onError)
      })),
      Effect.tapError(() => Effect.promise(() => started.terminate()))
    )
    return makeStore(new LedgerThread(started), started)
  })

const makeStore = (thread: LedgerThread, worker: Worker): LedgerStoreShape => {
  let open = true
  const call = <A>(message: Record<string, unknown>): Effect.Effect<A, ProviderError> =>
    Effect.tryPromise({
      try: () => open ? thread.send(message) as Promise<A> : Promise.reject(new Error("the ledger is closed")),
      catch: (cause) => ledgerUnavailable("SQLite", cause)
    })

  return {
    reserve: (request) =>
      !isLedgerAmount(request.amountNanos)
        ? Effect.fail(badAmount("a reservation", request.amountNanos))
        : call<ReserveResult>({
          op: "reserve",
          request: {
            id: request.id, amountNanos: request.amountNanos, budgets: request.budgets,
            ...(request.nowMs !== undefined ? { nowMs: request.nowMs } : {}),
            ...(request.ttlMs !== undefined ? { ttlMs: request.ttlMs } : request.expiresAtMs !== undefined ? { ttlMs: request.expiresAtMs - (request.nowMs ?? 0) } : {})
          }
        }),
    commit: (entry) =>
      !isLedgerAmount(entry.record.costNanos ?? 0)
        ? Effect.fail(badAmount("a cost", entry.record.costNanos))
        : Effect.asVoid(call({
          op: "commit", ...(entry.id !== undefined ? { entryId: entry.id } : {}), time: entry.record.time, costNanos: entry.record.costNanos, body: JSON.stringify(entry.record), budgetKeys: entry.budgetKeys,
          ...(entry.reservationId !== undefined ? { reservationId: entry.reservationId } : {})
        })),
    release: (reservationId) => Effect.asVoid(call({ op: "release", reservationId })),
    standings: (windows) => call<ReadonlyArray<BudgetStanding>>({ op: "standings", windows }),
    records: Effect.map(call<ReadonlyArray<{ seq: number; body: string }>>({ op: "records" }), (rows): ReadonlyArray<AttemptRecord> =>
      rows.map((row) => readRecord(row.body, `SQLite record ${row.seq}`))),
    close: Effect.suspend(() => {
      if (!open) return Effect.void
      const closing = thread.send({ op: "close" })
      open = false
      return Effect.promise(() => closing.then(() => undefined, () => undefined).then(() => worker.terminate()).then(() => undefined))
    })
  }
}

/** The SQLite ledger store as a layer; the file is closed when the layer's scope ends. */
export const SqliteLedger = {
  layer: (path: string, options: SqliteLedgerOptions = {}): Layer.Layer<LedgerStore, ProviderError> =>
    Layer.effect(LedgerStore, Effect.acquireRelease(openSqliteLedger(path, options), (store) => store.close))
}
