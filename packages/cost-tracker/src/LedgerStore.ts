/**
 * The ledger's storage, one interface for every backend (memory, SQLite, Redis). A store keeps the append-only
 * list of attempt records and, per budget window, the spent and reserved amounts in integer nano-dollars. It
 * makes each reservation atomic: every hard budget is checked and every budget reserved in one step, so
 * concurrent calls can never together reserve past a hard limit. Committing a record adds its cost to the
 * budgets and frees its reservation in the same step, so spend always equals the sum of the records.
 */
import { invalidRequest, type ProviderError, providerError } from "@orch/provider"
import { Context, type Effect } from "effect"
import type { AttemptRecord } from "./AttemptRecord.ts"
import type { BudgetWindow } from "./Budget.ts"
import type { Summary, SummaryQuery } from "./Summary.ts"

/** Where a budget window stands, in nano-dollars. */
export interface BudgetStanding {
  readonly key: string
  readonly budget: string
  readonly limitNanos: number
  readonly spentNanos: number
  readonly reservedNanos: number
}

/** The answer to a reservation: reserved (possibly past soft budgets), or refused by a hard budget. */
export type ReserveResult =
  | { readonly _tag: "Reserved"; readonly softExceeded: ReadonlyArray<BudgetStanding> }
  | { readonly _tag: "Refused"; readonly standing: BudgetStanding }

/** A reservation to make: its id, amount and the budget windows it counts against. */
export interface ReservationRequest {
  readonly id: string
  readonly amountNanos: number
  readonly budgets: ReadonlyArray<BudgetWindow>
  /**
   * Now, on the tracker's clock (epoch ms). The built-in stores never judge expiry by it (a process whose clock
   * runs ahead would free other processes' live reservations); it is kept for stores that have no clock of their own.
   */
  readonly nowMs?: number
  /** `nowMs` plus the time to live, on the tracker's clock; see `nowMs`. */
  readonly expiresAtMs?: number
  /**
   * How long the reservation may be held (ms) if it is never settled or released, because the process that made it
   * died. Durable stores measure it on a clock every process sharing the ledger agrees on (Redis: the server's
   * `TIME`; SQLite: the host's monotonic clock, and whether the owning process is alive); the in-memory store dies
   * with its process anyway.
   */
  readonly ttlMs?: number
}

/** A record to append, the budget windows its cost counts against, and the reservation it settles, if any. */
export interface LedgerEntry {
  /**
   * The entry's id, made once when the entry is built: a durable store applies an id at most once (Redis for a day,
   * SQLite for good), so an entry sent again after a failure whose write may have landed is never counted twice.
   * Entries without one are applied every time.
   */
  readonly id?: string
  readonly record: AttemptRecord
  readonly budgetKeys: ReadonlyArray<string>
  readonly reservationId?: string
}

/** What every ledger store does. Operations that fail do so with ProviderError (reason Unavailable). */
export interface LedgerStoreShape {
  /**
   * Atomically: reclaim expired reservations, then refuse if any hard budget would pass its limit (spent + reserved +
   * amount), else reserve on all.
   */
  readonly reserve: (request: ReservationRequest) => Effect.Effect<ReserveResult, ProviderError>
  /**
   * Atomically: append the record, add its cost to the budgets, free the reservation; nothing at all when an entry
   * with the same `id` was applied before.
   */
  readonly commit: (entry: LedgerEntry) => Effect.Effect<void, ProviderError>
  /** Free a reservation without a record (the call was never sent). Unknown ids are ignored. */
  readonly release: (reservationId: string) => Effect.Effect<void, ProviderError>
  /** The spent and reserved amounts of budget windows. */
  readonly standings: (windows: ReadonlyArray<BudgetWindow>) => Effect.Effect<ReadonlyArray<BudgetStanding>, ProviderError>
  /**
   * Every record the store keeps, oldest first. Rows an older version wrote badly are read safely (see `readRecord`);
   * a store that keeps a window of recent records (the in-memory one) returns that window.
   */
  readonly records: Effect.Effect<ReadonlyArray<AttemptRecord>, ProviderError>
  /**
   * A summary computed by the store itself, for a store that does not keep every record (the in-memory store rolls
   * old records up). When absent, summaries are computed from `records`.
   */
  readonly summary?: (query: SummaryQuery) => Effect.Effect<Summary, ProviderError>
  /** Release connections and files. */
  readonly close: Effect.Effect<void>
}

/**
 * The operations of a store that answers at once, in the caller's step (the in-memory store): the same atomic
 * reserve, commit and release as its effects, as plain functions. A tracker on such a store reserves and settles in
 * one synchronous step: nothing can interrupt a reservation half made, so nothing has to guard it.
 */
export interface SynchronousLedger {
  readonly reserve: (request: ReservationRequest) => ReserveResult
  readonly commit: (entry: LedgerEntry) => void
  readonly release: (reservationId: string) => void
}

// Keyed by the store object itself: a copy or a wrapper of a store (which may change what its effects do) is not
// registered, so it is always used through its effects.
const synchronousLedgers = new WeakMap<LedgerStoreShape, SynchronousLedger>()

/** Say that a store's effects are exactly these synchronous operations, run in one step. Returns the store. */
export const answersAtOnce = <S extends LedgerStoreShape>(store: S, operations: SynchronousLedger): S => {
  synchronousLedgers.set(store, operations)
  return store
}

/** The synchronous operations of a store that registered them with `answersAtOnce`, else undefined. */
export const synchronousLedgerOf = (store: LedgerStoreShape): SynchronousLedger | undefined => synchronousLedgers.get(store)

/** The ledger store in use. Provide one with `MemoryLedger.layer`, `SqliteLedger.layer` or `RedisLedger.layer`. */
export class LedgerStore extends Context.Service<LedgerStore, LedgerStoreShape>()("@orch/cost-tracker/LedgerStore") {}

/** A store failure as the one error type of @orch. */
export const ledgerUnavailable = (store: string, cause: unknown): ProviderError =>
  providerError({ _tag: "Unavailable", cause: `${store} ledger: ${cause instanceof Error ? cause.message : String(cause)}`, component: "ledger" },
    `The ${store} cost ledger failed: ${cause instanceof Error ? cause.message : String(cause)}`)

/** Whether an error is a store failure (`ledgerUnavailable`): the store could not be reached or could not write. */
export const isLedgerUnavailable = (error: ProviderError): boolean =>
  error.reason._tag === "Unavailable" && error.reason.component === "ledger"

/** An amount a ledger can add: a whole number of nano-dollars from 0 to 2^53 - 1. Stores refuse anything else. */
export const isLedgerAmount = (value: unknown): value is number =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= 0

/** The error of a write refused for its amount (not whole, negative, not finite, or too large to add exactly). */
export const badAmount = (what: string, value: unknown): ProviderError =>
  invalidRequest([`the cost ledger refuses ${what} of ${String(value)} nano-dollars: amounts are whole numbers from 0 to 2^53 - 1`])
