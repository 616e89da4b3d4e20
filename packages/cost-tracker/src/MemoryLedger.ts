/**
 * The in-memory ledger store, the default when nothing is configured. Each operation runs synchronously in one
 * step, so reservations are atomic within the process. Nothing survives a restart: use SqliteLedger for that.
 */
import { Effect, Layer } from "effect"
import type { AttemptRecord } from "./AttemptRecord.ts"
import { type BudgetStanding, LedgerStore, type LedgerStoreShape } from "./LedgerStore.ts"

interface Totals { spentNanos: number; reservedNanos: number }
interface Held { readonly amountNanos: number; readonly keys: ReadonlyArray<string> }

/** A fresh in-memory store. */
export const makeMemoryLedger = (): LedgerStoreShape => {
  const records: Array<AttemptRecord> = []
  const totals = new Map<string, Totals>()
  const held = new Map<string, Held>()
  const totalsOf = (key: string): Totals => {
    let found = totals.get(key)
    if (found === undefined) {
      found = { spentNanos: 0, reservedNanos: 0 }
      totals.set(key, found)
    }
    return found
  }
  const free = (reservationId: string | undefined): void => {
    if (reservationId === undefined) return
    const reservation = held.get(reservationId)
    if (reservation === undefined) return
    held.delete(reservationId)
    for (const key of reservation.keys) totalsOf(key).reservedNanos -= reservation.amountNanos
  }
  return {
    reserve: (request) => Effect.sync(() => {
      const softExceeded: Array<BudgetStanding> = []
      for (const window of request.budgets) {
        const current = totalsOf(window.key)
        const standing = { key: window.key, budget: window.budget, limitNanos: window.limitNanos, ...current }
        if (current.spentNanos + current.reservedNanos + request.amountNanos > window.limitNanos) {
          if (window.hard) return { _tag: "Refused" as const, standing }
          softExceeded.push(standing)
        }
      }
      for (const window of request.budgets) totalsOf(window.key).reservedNanos += request.amountNanos
      held.set(request.id, { amountNanos: request.amountNanos, keys: request.budgets.map((window) => window.key) })
      return { _tag: "Reserved" as const, softExceeded }
    }),
    commit: (entry) => Effect.sync(() => {
      records.push(entry.record)
      free(entry.reservationId)
      for (const key of entry.budgetKeys) totalsOf(key).spentNanos += entry.record.costNanos ?? 0
    }),
    release: (reservationId) => Effect.sync(() => free(reservationId)),
    standings: (windows) => Effect.sync(() =>
      windows.map((window) => ({ key: window.key, budget: window.budget, limitNanos: window.limitNanos, ...totalsOf(window.key) }))),
    records: Effect.sync(() => records.slice()),
    close: Effect.void
  }
}

/** The in-memory ledger store as a layer. */
export const MemoryLedger = {
  layer: Layer.sync(LedgerStore, makeMemoryLedger)
}
