/**
 * The ledger entries a store could not write (it was unreachable, or could not write just then), kept in memory in
 * order and written before the tracker's next operation that touches the store. So a store failure after a call was
 * made never loses its record, and no budget is checked while the store has not seen spend that happened: a
 * reservation, a budget read, a summary or an export writes the backlog first, and fails with the store's error if
 * it cannot. Each entry carries an id the durable stores apply at most once, so an entry sent again after a failure
 * whose write had landed (its reply lost) is never counted twice.
 *
 * Bounded: past `limit` entries the oldest are dropped, counted, and logged as a warning (when the first is dropped,
 * and with the count once the backlog is written or closed). Closing makes one last try and logs what it still
 * cannot write, with the records themselves: nothing leaves the backlog silently.
 */
import type { ProviderError } from "@orch/provider"
import { Effect, Semaphore } from "effect"
import type { AttemptRecord } from "./AttemptRecord.ts"
import { isLedgerUnavailable, type LedgerEntry, type LedgerStoreShape } from "./LedgerStore.ts"

/** How many unwritten entries a tracker keeps by default before it drops the oldest. */
export const defaultBacklogLimit = 10_000

/** A store's backlog of unwritten entries (see the module header). */
export interface LedgerBacklog {
  /**
   * Commit an entry after every entry before it. When the store is unavailable the entry is kept and this succeeds;
   * any other failure (an amount the store refuses) fails as the store's commit does.
   */
  readonly commit: (entry: LedgerEntry) => Effect.Effect<void, ProviderError>
  /** Write every kept entry, in order; fails with the store's error when it cannot (what was not written is kept). */
  readonly flush: Effect.Effect<void, ProviderError>
  /** One last try to write the backlog, then log (as an error, with the records) whatever is still unwritten. */
  readonly close: Effect.Effect<void>
  /** How many entries are waiting. */
  readonly size: () => number
}

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? "" : "s"}`

/** A backlog in front of `store`, keeping at most `limit` entries (at least 1). */
export const makeLedgerBacklog = (store: LedgerStoreShape, limit: number = defaultBacklogLimit): LedgerBacklog => {
  const bound = Math.max(1, Math.floor(Number.isFinite(limit) ? limit : defaultBacklogLimit))
  const entries: Array<LedgerEntry> = []
  // Dropped since the backlog was last empty: warned about when the first goes, counted once it is written or closed.
  let dropped = 0
  // One writer at a time, so the entries land in order and none is sent twice at once.
  const lock = Semaphore.makeUnsafe(1)

  const keep = (entry: LedgerEntry): Effect.Effect<void> => {
    entries.push(entry)
    if (entries.length <= bound) return Effect.void
    entries.shift()
    dropped++
    return dropped > 1 ? Effect.void : Effect.logWarning(
      `@orch/cost-tracker: the ledger store is failing and holds the most unwritten records allowed (${bound}): dropping the oldest (their cost will not count against budgets); how many is logged once the store writes again or closes`)
  }

  const droppedReport = (): Effect.Effect<void> => {
    if (dropped === 0) return Effect.void
    const count = dropped
    dropped = 0
    return Effect.logWarning(`@orch/cost-tracker: dropped ${plural(count, "ledger record")} while the ledger store was failing (at most ${bound} are held); their cost is not in the ledger or its budgets`)
  }

  const remove = (entry: LedgerEntry): void => {
    if (entries[0] === entry) entries.shift()
    else {
      // Dropped and refilled while it was being written: remove it where it is, if it is still kept.
      const index = entries.indexOf(entry)
      if (index >= 0) entries.splice(index, 1)
    }
  }

  const refused = (entry: LedgerEntry, error: ProviderError): Effect.Effect<void> => {
    remove(entry)
    return Effect.logError(`@orch/cost-tracker: the ledger store refused a held record of request ${entry.record.requestId} (${error.message}); it is not in the ledger`, entry.record)
  }

  /** Write the entries from the oldest until none is left or the store fails. */
  const writeAll: Effect.Effect<void, ProviderError> = Effect.suspend(() => {
    const head = entries[0]
    if (head === undefined) return droppedReport()
    return store.commit(head).pipe(
      Effect.matchEffect({
        onSuccess: () => Effect.sync(() => remove(head)),
        onFailure: (error) => isLedgerUnavailable(error) ? Effect.fail(error) : refused(head, error)
      }),
      Effect.andThen(writeAll)
    )
  })

  const flush: Effect.Effect<void, ProviderError> = Effect.suspend(() => entries.length === 0 ? Effect.void : Semaphore.withPermit(lock, writeAll))

  const commit = (entry: LedgerEntry): Effect.Effect<void, ProviderError> =>
    Effect.suspend(() => {
      // Behind a backlog: in line after it (the store is likely still failing), then all written if it can be.
      if (entries.length > 0) return Effect.andThen(keep(entry), Effect.catch(flush, () => Effect.void))
      return Effect.catchIf(store.commit(entry), isLedgerUnavailable, () => keep(entry))
    })

  const close: Effect.Effect<void> = Effect.suspend(() => {
    if (entries.length === 0) return droppedReport()
    return Effect.catch(flush, (error) => {
      const unwritten: ReadonlyArray<AttemptRecord> = entries.splice(0).map((entry) => entry.record)
      return Effect.andThen(droppedReport(), Effect.logError(
        `@orch/cost-tracker: could not write ${plural(unwritten.length, "ledger record")} before the ledger closed (${error.message}); not in the ledger, listed here`,
        unwritten))
    })
  })

  return { commit, flush, close, size: () => entries.length }
}
