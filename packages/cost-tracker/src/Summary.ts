/**
 * Summaries of the ledger: attempts, outcomes, tokens and cost, grouped by any of provider, model, task type,
 * strategy, and UTC hour, day or month, over an optional time window. Unknown costs are counted, never summed as 0.
 */
import type { AttemptRecord } from "./AttemptRecord.ts"
import { nanosToUsd } from "./Money.ts"

/** What records can be grouped by. */
export type SummaryDimension = "provider" | "model" | "taskType" | "strategy" | "hour" | "day" | "month"

/** Which records to summarise and how to group them. */
export interface SummaryQuery {
  readonly by?: ReadonlyArray<SummaryDimension>
  /** Records at or after this time (epoch ms). */
  readonly from?: number
  /** Records before this time (epoch ms). */
  readonly to?: number
}

/** Totals of a group of records. */
export interface SummaryTotals {
  readonly attempts: number
  readonly successes: number
  readonly failures: number
  readonly cancelled: number
  readonly inputTokens: number
  readonly cachedInputTokens: number
  readonly outputTokens: number
  /** Attempts whose tokens were estimated. */
  readonly estimatedAttempts: number
  /** The cost of the priced attempts, in USD. */
  readonly costUsd: number
  /** Attempts with no known price: their cost is not in `costUsd`. */
  readonly unknownCostAttempts: number
}

/** One group: its values for the chosen dimensions and its totals. */
export interface SummaryGroup extends SummaryTotals {
  readonly key: Readonly<Partial<Record<SummaryDimension, string>>>
}

/** A summary: the totals of every selected record and one line per group. */
export interface Summary {
  readonly totals: SummaryTotals
  readonly groups: ReadonlyArray<SummaryGroup>
}

/** The records within a time window. */
export const inWindow = (records: ReadonlyArray<AttemptRecord>, query: Pick<SummaryQuery, "from" | "to">): ReadonlyArray<AttemptRecord> =>
  records.filter((record) => (query.from === undefined || record.time >= query.from) && (query.to === undefined || record.time < query.to))

/** The fields of a record a group can be keyed by (a rolled-up bucket keeps exactly these). */
export interface GroupFields {
  readonly time: number
  readonly provider: string
  readonly model: string
  readonly taskType?: string | undefined
  readonly strategy?: string | undefined
}

const valueOf = (record: GroupFields, dimension: SummaryDimension): string => {
  switch (dimension) {
    case "provider": return record.provider
    case "model": return `${record.provider}/${record.model}`
    case "taskType": return record.taskType ?? "(none)"
    case "strategy": return record.strategy ?? "(none)"
    case "hour": return new Date(record.time).toISOString().slice(0, 13)
    case "day": return new Date(record.time).toISOString().slice(0, 10)
    case "month": return new Date(record.time).toISOString().slice(0, 7)
  }
}

/** Running totals of records, the cost in exact integer nano-dollars. */
export interface Tally {
  attempts: number
  successes: number
  failures: number
  cancelled: number
  inputTokens: number
  cachedInputTokens: number
  outputTokens: number
  estimatedAttempts: number
  unknownCostAttempts: number
  costNanos: number
}

/** An empty tally. */
export const emptyTally = (): Tally => ({
  attempts: 0, successes: 0, failures: 0, cancelled: 0, inputTokens: 0, cachedInputTokens: 0, outputTokens: 0,
  estimatedAttempts: 0, unknownCostAttempts: 0, costNanos: 0
})

/** Add one record to a tally. */
export const tallyRecord = (tally: Tally, record: AttemptRecord): void => {
  tally.attempts++
  if (record.outcome === "success") tally.successes++
  else if (record.outcome === "failure") tally.failures++
  else tally.cancelled++
  tally.inputTokens += record.inputTokens
  tally.cachedInputTokens += record.cachedInputTokens
  tally.outputTokens += record.outputTokens
  if (record.estimated) tally.estimatedAttempts++
  if (record.costNanos === null) tally.unknownCostAttempts++
  else tally.costNanos += record.costNanos
}

/** Add one tally to another. */
export const mergeTally = (into: Tally, from: Tally): void => {
  for (const key of Object.keys(from) as Array<keyof Tally>) into[key] += from[key]
}

const totalsOf = (tally: Tally): SummaryTotals => {
  const { costNanos, ...counts } = tally
  return { ...counts, costUsd: nanosToUsd(costNanos) }
}

/**
 * Records already added up, for a store that does not keep them all: one bucket per UTC hour and group fields.
 * `time` is the bucket's first record's time (it names the hour, day and month); `lastTime` its last.
 */
export interface RolledUp extends GroupFields {
  readonly lastTime: number
  readonly tally: Tally
}

/**
 * Summarise records and rolled-up buckets. A bucket counts when all its records fall in the window, which is exact
 * for windows on UTC hour boundaries (a bucket is one hour); a bucket that straddles an edge counts where its first
 * record falls. Groups come out sorted by cost, highest first.
 */
export const summarizeParts = (records: ReadonlyArray<AttemptRecord>, rolledUp: Iterable<RolledUp>, query: SummaryQuery = {}): Summary => {
  const dimensions = query.by ?? []
  const total = emptyTally()
  const groups = new Map<string, { key: Partial<Record<SummaryDimension, string>>; tally: Tally }>()
  const groupOf = (fields: GroupFields): Tally => {
    const key = Object.fromEntries(dimensions.map((dimension) => [dimension, valueOf(fields, dimension)])) as Partial<Record<SummaryDimension, string>>
    const id = JSON.stringify(key)
    let group = groups.get(id)
    if (group === undefined) groups.set(id, group = { key, tally: emptyTally() })
    return group.tally
  }
  for (const bucket of rolledUp) {
    if ((query.from !== undefined && bucket.time < query.from) || (query.to !== undefined && bucket.time >= query.to)) continue
    mergeTally(total, bucket.tally)
    mergeTally(groupOf(bucket), bucket.tally)
  }
  for (const record of inWindow(records, query)) {
    tallyRecord(total, record)
    tallyRecord(groupOf(record), record)
  }
  return {
    totals: totalsOf(total),
    groups: [...groups.values()].map((group) => ({ key: group.key, ...totalsOf(group.tally) })).sort((a, b) => b.costUsd - a.costUsd)
  }
}

/** Summarise records. Groups come out sorted by cost, highest first. */
export const summarize = (records: ReadonlyArray<AttemptRecord>, query: SummaryQuery = {}): Summary => summarizeParts(records, [], query)
