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

const valueOf = (record: AttemptRecord, dimension: SummaryDimension): string => {
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

const totalsOf = (records: ReadonlyArray<AttemptRecord>): SummaryTotals => {
  let costNanos = 0
  const totals = { attempts: 0, successes: 0, failures: 0, cancelled: 0, inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, estimatedAttempts: 0, unknownCostAttempts: 0 }
  for (const record of records) {
    totals.attempts++
    if (record.outcome === "success") totals.successes++
    else if (record.outcome === "failure") totals.failures++
    else totals.cancelled++
    totals.inputTokens += record.inputTokens
    totals.cachedInputTokens += record.cachedInputTokens
    totals.outputTokens += record.outputTokens
    if (record.estimated) totals.estimatedAttempts++
    if (record.costNanos === null) totals.unknownCostAttempts++
    else costNanos += record.costNanos
  }
  return { ...totals, costUsd: nanosToUsd(costNanos) }
}

/** Summarise records. Groups come out sorted by cost, highest first. */
export const summarize = (records: ReadonlyArray<AttemptRecord>, query: SummaryQuery = {}): Summary => {
  const selected = inWindow(records, query)
  const dimensions = query.by ?? []
  const groups = new Map<string, { key: Partial<Record<SummaryDimension, string>>; records: Array<AttemptRecord> }>()
  for (const record of selected) {
    const key = Object.fromEntries(dimensions.map((dimension) => [dimension, valueOf(record, dimension)])) as Partial<Record<SummaryDimension, string>>
    const id = JSON.stringify(key)
    const group = groups.get(id) ?? { key, records: [] }
    group.records.push(record)
    groups.set(id, group)
  }
  return {
    totals: totalsOf(selected),
    groups: [...groups.values()].map((group) => ({ key: group.key, ...totalsOf(group.records) })).sort((a, b) => b.costUsd - a.costUsd)
  }
}
