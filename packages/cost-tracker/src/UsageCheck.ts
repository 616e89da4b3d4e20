/**
 * Usage a server reports is untrusted input. Before it is priced, every count is checked: a negative, fractional,
 * non-finite or absurd count (above `maxBillableTokens`) is never priced as given, since it would lower the spend,
 * make it Infinity or make the ledger unreadable. Such a count is replaced by the bound the call was reserved at (or
 * an estimate), and the record is flagged. Parts that exceed the whole (more cached tokens than input tokens) raise
 * the whole. Usage that is merely large (output above `maxTokens`) is charged as the service billed it, and flagged.
 */
import type { Usage } from "@orch/provider"

/**
 * The most tokens one call can be billed for, per kind: 100 million. The largest context window offered (10 million
 * tokens) and the largest `maxTokens` a request may ask (10 million) are ten times below it, so no honest report
 * passes it; and 100 million tokens at the dearest per-token price listed anywhere ($600 per million) is 6e13
 * nano-dollars, far inside the integers a double holds exactly (9e15), so no sum of a ledger loses precision.
 */
export const maxBillableTokens = 100_000_000

/** Why a record's usage deserves a look. */
export const usageFlags = [
  /** A reported count was negative, not a number, infinite or above `maxBillableTokens`: replaced by the reserved bound. */
  "invalid-count",
  /** Cached or cache-write tokens exceeded the input tokens they are part of: the input was raised to hold them. */
  "inconsistent-counts",
  /** More output than the request's `maxTokens`: charged as the service billed it. */
  "above-max-tokens",
  /** The real cost passed the reservation (the service billed more than the worst case allowed for). */
  "above-reservation",
  /** A stored row that could not be read as written (from an older version): its readable fields were kept. */
  "unreadable-row"
] as const

/** One of `usageFlags`. */
export type UsageFlag = (typeof usageFlags)[number]

/** Usage after checking: whole, bounded counts and what was wrong with the report. */
export interface CheckedUsage {
  readonly inputTokens: number
  readonly cachedInputTokens: number
  readonly cacheWriteInputTokens: number
  readonly cacheWriteLongInputTokens: number
  readonly outputTokens: number
  readonly estimated: boolean
  readonly flags: ReadonlyArray<UsageFlag>
}

/** What replaces an invalid count: the reservation's bound, or an estimate. */
export interface UsageFallback {
  readonly inputTokens: number
  readonly outputTokens: number
}

/** Whether a value is a count a service could have billed: a finite number from 0 to `maxBillableTokens`. */
export const isBillableCount = (value: unknown): value is number =>
  typeof value === "number" && Number.isFinite(value) && value >= 0 && value <= maxBillableTokens

/** A count as billed (rounded up), or `invalid` when it is not a billable count. */
const billed = (value: unknown): number => (isBillableCount(value) ? Math.ceil(value) : invalid)
const invalid = -1

/** A replacement count from the fallback, made billable. */
const replaced = (value: number): number => Math.min(maxBillableTokens, Math.max(0, Math.ceil(value)))

/**
 * Check a usage report. `fallback` (a value, or a function asked only when a count is invalid) replaces an invalid
 * count. Optional counts that are absent are 0; fractional counts are rounded up (services bill whole tokens). The
 * result always prices to a finite, non-negative integer.
 */
export const checkUsage = (usage: Usage, fallback: UsageFallback | (() => UsageFallback)): CheckedUsage => {
  let inputTokens = billed(usage.inputTokens)
  let outputTokens = billed(usage.outputTokens)
  const cached = usage.cachedInputTokens === undefined ? 0 : billed(usage.cachedInputTokens)
  const reportedWrite = usage.cacheWriteInputTokens === undefined ? 0 : billed(usage.cacheWriteInputTokens)
  const reportedWriteLong = usage.cacheWriteLongInputTokens === undefined ? 0 : billed(usage.cacheWriteLongInputTokens)
  const isInvalid = inputTokens === invalid || outputTokens === invalid || cached === invalid || reportedWrite === invalid || reportedWriteLong === invalid
  if (inputTokens === invalid || outputTokens === invalid) {
    const replacement = typeof fallback === "function" ? fallback() : fallback
    if (inputTokens === invalid) inputTokens = replaced(replacement.inputTokens)
    if (outputTokens === invalid) outputTokens = replaced(replacement.outputTokens)
  }
  let inconsistent = false
  // An invalid cached count is dropped (priced as uncached input: dearer); invalid cache writes are taken to be
  // all the uncached input at the dearest write rate.
  const cachedInputTokens = cached === invalid ? 0 : cached
  let cacheWriteInputTokens = reportedWrite === invalid ? Math.max(0, inputTokens - cachedInputTokens) : reportedWrite
  const cacheWriteLongInputTokens = reportedWriteLong === invalid ? cacheWriteInputTokens : reportedWriteLong
  if (cacheWriteLongInputTokens > cacheWriteInputTokens) {
    cacheWriteInputTokens = cacheWriteLongInputTokens
    inconsistent = true
  }
  if (cachedInputTokens + cacheWriteInputTokens > inputTokens) {
    inputTokens = cachedInputTokens + cacheWriteInputTokens
    inconsistent = true
  }
  const flags: ReadonlyArray<UsageFlag> = isInvalid
    ? (inconsistent ? invalidAndInconsistent : invalidOnly)
    : (inconsistent ? inconsistentOnly : noFlags)
  return {
    inputTokens, cachedInputTokens, cacheWriteInputTokens, cacheWriteLongInputTokens, outputTokens,
    estimated: usage.estimated !== false || isInvalid,
    flags
  }
}

const noFlags: ReadonlyArray<UsageFlag> = Object.freeze([])
const invalidOnly: ReadonlyArray<UsageFlag> = Object.freeze(["invalid-count"])
const inconsistentOnly: ReadonlyArray<UsageFlag> = Object.freeze(["inconsistent-counts"])
const invalidAndInconsistent: ReadonlyArray<UsageFlag> = Object.freeze(["invalid-count", "inconsistent-counts"])
