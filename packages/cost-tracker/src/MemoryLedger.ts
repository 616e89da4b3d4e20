/**
 * The in-memory ledger store, the default when nothing is configured. Each operation runs synchronously in one
 * step, so reservations are atomic within the process. Its memory is bounded: it keeps the most recent records
 * whole (`keepRecords`, default 10,000) and adds older ones into one bucket per UTC hour, provider, model, task type
 * and strategy. Budgets are running totals, never recomputed from records, so they stay exact; the totals of day and
 * month windows that ended more than a day ago (and hold no reservation) are forgotten, since no budget is checked
 * against them again; a reservation never settled nor released is freed once its time to live has passed. Summaries stay exact for all time and for windows on hour boundaries; `records` and exports
 * return the recent records kept. Nothing survives a restart: use SqliteLedger for that, or for every record.
 */
import { Effect, Layer } from "effect"
import type { AttemptRecord } from "./AttemptRecord.ts"
import {
  answersAtOnce, type BudgetStanding, type LedgerEntry, LedgerStore, type LedgerStoreShape, type ReservationRequest, type ReserveResult
} from "./LedgerStore.ts"
import { emptyTally, type RolledUp, summarizeParts, type Tally, tallyRecord } from "./Summary.ts"

/** How much the in-memory store keeps. */
export interface MemoryLedgerOptions {
  /** Records kept whole (default 10,000; about 7 MB); older ones are added into hourly buckets. */
  readonly keepRecords?: number
}

interface Totals { spentNanos: number; reservedNanos: number }
interface Bucket { time: number; lastTime: number; provider: string; model: string; taskType?: string; strategy?: string; tally: Tally }
interface Held { readonly amountNanos: number; readonly keys: ReadonlyArray<string>; readonly expiresAtMs: number }

const hourMs = 3_600_000
const dayMs = 24 * hourMs
/** The answer to a reservation that took no budget past its limit (shared: it is never changed). */
const nothingExceeded: ReserveResult = Object.freeze({ _tag: "Reserved", softExceeded: Object.freeze([]) })

/**
 * The keys of a reservation that counts against no budget: shared, typed read-only, never changed. Not frozen, since
 * `for...of` over a frozen array allocates per step.
 */
const noKeys: ReadonlyArray<string> = []

/** When the window a budget key names ends (epoch ms), or undefined for a total that never ends. */
const windowEnd = (key: string): number | undefined => {
  const day = /\|day\|(\d{4}-\d{2}-\d{2})$/.exec(key)
  if (day !== null) return Date.parse(`${day[1]}T00:00:00Z`) + dayMs
  const month = /\|month\|(\d{4})-(\d{2})$/.exec(key)
  if (month !== null) return Date.UTC(Number(month[1]), Number(month[2]), 1)
  return undefined
}

/** A fresh in-memory store. */
export const makeMemoryLedger = (options: MemoryLedgerOptions = {}): LedgerStoreShape => {
  const keep = Math.max(1, Math.floor(options.keepRecords ?? 10_000))
  // The recent records, a ring: `recent[(start + i) % keep]` is the i-th oldest of `count`.
  const recent: Array<AttemptRecord | undefined> = []
  let start = 0
  let count = 0
  const buckets = new Map<string, Bucket>()
  const totals = new Map<string, Totals>()
  const held = new Map<string, Held>()
  let sweepAt = 1_024
  // The earliest expiry of a held reservation, on the tracker's clock (one process: one clock).
  let nextExpiry = Number.POSITIVE_INFINITY

  /** Free reservations never settled (a caller that lost one) once their time to live has passed. */
  const reclaim = (nowMs: number | undefined): void => {
    if (nowMs === undefined || nowMs < nextExpiry) return
    nextExpiry = Number.POSITIVE_INFINITY
    for (const [id, reservation] of held) {
      if (reservation.expiresAtMs <= nowMs) free(id)
      else nextExpiry = Math.min(nextExpiry, reservation.expiresAtMs)
    }
  }

  /** Forget the totals of windows that ended over a day before `nowMs`; amortised over the windows added since. */
  const sweep = (nowMs: number): void => {
    if (totals.size < sweepAt) return
    for (const [key, current] of totals) {
      const end = windowEnd(key)
      if (end !== undefined && end + dayMs < nowMs && current.reservedNanos === 0) totals.delete(key)
    }
    sweepAt = Math.max(1_024, totals.size * 2)
  }

  // The bucket the last rolled-up record went to: records come in runs of one hour and model, so most find it here.
  let lastBucket: Bucket | undefined
  let lastHour = -1
  const rollUp = (record: AttemptRecord): void => {
    const hour = Math.floor(record.time / hourMs)
    let bucket = lastBucket
    if (
      bucket === undefined || hour !== lastHour || bucket.provider !== record.provider || bucket.model !== record.model ||
      bucket.taskType !== record.taskType || bucket.strategy !== record.strategy
    ) {
      const id = `${hour}\u0000${record.provider}\u0000${record.model}\u0000${record.taskType ?? "\u0001"}\u0000${record.strategy ?? "\u0001"}`
      bucket = buckets.get(id)
      if (bucket === undefined) {
        bucket = {
          time: record.time, lastTime: record.time, provider: record.provider, model: record.model,
          ...(record.taskType !== undefined ? { taskType: record.taskType } : {}),
          ...(record.strategy !== undefined ? { strategy: record.strategy } : {}),
          tally: emptyTally()
        }
        buckets.set(id, bucket)
      }
      lastBucket = bucket
      lastHour = hour
    }
    bucket.time = Math.min(bucket.time, record.time)
    bucket.lastTime = Math.max(bucket.lastTime, record.time)
    tallyRecord(bucket.tally, record)
  }
  const append = (record: AttemptRecord): void => {
    if (count < keep) {
      recent[(start + count) % keep] = record
      count++
      return
    }
    rollUp(recent[start]!)
    recent[start] = record
    start = (start + 1) % keep
  }
  const kept = (): Array<AttemptRecord> => {
    const out: Array<AttemptRecord> = []
    for (let i = 0; i < count; i++) out.push(recent[(start + i) % keep]!)
    return out
  }

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
  const reserve = (request: ReservationRequest): ReserveResult => {
    reclaim(request.nowMs)
    if (!(request.amountNanos > 0)) return nothingExceeded
    let softExceeded: Array<BudgetStanding> | undefined
    for (const window of request.budgets) {
      const current = totalsOf(window.key)
      if (current.spentNanos + current.reservedNanos + request.amountNanos > window.limitNanos) {
        const standing = { key: window.key, budget: window.budget, limitNanos: window.limitNanos, spentNanos: current.spentNanos, reservedNanos: current.reservedNanos }
        if (window.hard) return { _tag: "Refused", standing }
        ;(softExceeded ??= []).push(standing)
      }
    }
    let keys = noKeys
    if (request.budgets.length > 0) {
      const listed: Array<string> = []
      for (const window of request.budgets) {
        totalsOf(window.key).reservedNanos += request.amountNanos
        listed.push(window.key)
      }
      keys = listed
    }
    const ttl = request.ttlMs ?? (request.expiresAtMs !== undefined && request.nowMs !== undefined ? request.expiresAtMs - request.nowMs : undefined)
    const expiresAtMs = ttl !== undefined && request.nowMs !== undefined ? request.nowMs + ttl : Number.POSITIVE_INFINITY
    nextExpiry = Math.min(nextExpiry, expiresAtMs)
    held.set(request.id, { amountNanos: request.amountNanos, keys, expiresAtMs })
    return softExceeded === undefined ? nothingExceeded : { _tag: "Reserved", softExceeded }
  }
  const commit = (entry: LedgerEntry): void => {
    append(entry.record)
    free(entry.reservationId)
    const cost = entry.record.costNanos ?? 0
    for (const key of entry.budgetKeys) totalsOf(key).spentNanos += cost
    sweep(entry.record.time)
  }
  const store: LedgerStoreShape = {
    reserve: (request) => Effect.sync(() => reserve(request)),
    commit: (entry) => Effect.sync(() => commit(entry)),
    release: (reservationId) => Effect.sync(() => free(reservationId)),
    standings: (windows) => Effect.sync(() =>
      windows.map((window) => ({ key: window.key, budget: window.budget, limitNanos: window.limitNanos, ...totalsOf(window.key) }))),
    records: Effect.sync(kept),
    summary: (query) => Effect.sync(() => summarizeParts(kept(), buckets.values() as Iterable<RolledUp>, query)),
    close: Effect.void
  }
  return answersAtOnce(store, { reserve, commit, release: free })
}

/** The in-memory ledger store as a layer. */
export const MemoryLedger = {
  layer: Layer.sync(LedgerStore, () => makeMemoryLedger()),
  /** The in-memory store keeping `options.keepRecords` records whole. */
  layerWith: (options: MemoryLedgerOptions): Layer.Layer<LedgerStore> => Layer.sync(LedgerStore, () => makeMemoryLedger(options))
}
