/**
 * The ledger's storage, one interface for every backend (memory, SQLite, Redis). A store keeps the append-only
 * list of attempt records and, per budget window, the spent and reserved amounts in integer nano-dollars. It
 * makes each reservation atomic: every hard budget is checked and every budget reserved in one step, so
 * concurrent calls can never together reserve past a hard limit. Committing a record adds its cost to the
 * budgets and frees its reservation in the same step, so spend always equals the sum of the records.
 */
import { type ProviderError, providerError } from "@orch/provider"
import { Context, type Effect } from "effect"
import type { AttemptRecord } from "./AttemptRecord.ts"
import type { BudgetWindow } from "./Budget.ts"

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
  /** Now, on the tracker's clock (epoch ms): durable stores first reclaim reservations that expired before it. */
  readonly nowMs?: number
  /**
   * When this reservation may be reclaimed (epoch ms) if it was never settled or released, because the process
   * that made it died. Durable stores honour it; the in-memory store dies with its process anyway.
   */
  readonly expiresAtMs?: number
}

/** A record to append, the budget windows its cost counts against, and the reservation it settles, if any. */
export interface LedgerEntry {
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
  /** Atomically: append the record, add its cost to the budgets, free the reservation. */
  readonly commit: (entry: LedgerEntry) => Effect.Effect<void, ProviderError>
  /** Free a reservation without a record (the call was never sent). Unknown ids are ignored. */
  readonly release: (reservationId: string) => Effect.Effect<void, ProviderError>
  /** The spent and reserved amounts of budget windows. */
  readonly standings: (windows: ReadonlyArray<BudgetWindow>) => Effect.Effect<ReadonlyArray<BudgetStanding>, ProviderError>
  /** Every record, oldest first. */
  readonly records: Effect.Effect<ReadonlyArray<AttemptRecord>, ProviderError>
  /** Release connections and files. */
  readonly close: Effect.Effect<void>
}

/** The ledger store in use. Provide one with `MemoryLedger.layer`, `SqliteLedger.layer` or `RedisLedger.layer`. */
export class LedgerStore extends Context.Service<LedgerStore, LedgerStoreShape>()("@orch/cost-tracker/LedgerStore") {}

/** A store failure as the one error type of @orch. */
export const ledgerUnavailable = (store: string, cause: unknown): ProviderError =>
  providerError({ _tag: "Unavailable", cause: `${store} ledger: ${cause instanceof Error ? cause.message : String(cause)}` },
    `The ${store} cost ledger failed: ${cause instanceof Error ? cause.message : String(cause)}`)
