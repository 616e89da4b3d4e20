/**
 * What a model costs: a per-token price (USD per million tokens of each billed kind: uncached input, cached input,
 * prompt-cache writes of 5 minutes and of 1 hour, output; optionally a dearer tier for long prompts) or, for local
 * models on a machine you pay for by the hour, a price per hour of that machine. Also the cost of one call, and the
 * most a call can cost.
 */
import type { ModelPricing } from "@orch/provider"
import { usdToNanos } from "./Money.ts"

/**
 * The rates of one price tier, USD per million tokens. Absent rates default to what services bill when they do not
 * list one: cached input at the input price, cache writes at 1.25x the input price (5 minutes) and 2x (1 hour).
 */
export type TokenRates = ModelPricing

/** A dearer tier for long prompts: every token of a call whose input passes `aboveInputTokens` is priced by it. */
export interface LongContextTier extends TokenRates {
  readonly aboveInputTokens: number
}

/** A price per token, in USD per million tokens, with where and when it was read. */
export interface PerTokenPrice extends TokenRates {
  readonly _tag: "PerToken"
  /** Prompts above a threshold billed at other rates (Anthropic's Sonnet 4 above 200K input tokens). */
  readonly longContext?: LongContextTier
  readonly currency: "USD"
  /** Where the price was read (a URL), or "user override", "litellm:<file>", "local default". */
  readonly source: string
  /** The date the price was read, `YYYY-MM-DD`. */
  readonly readOn: string
  /** Anything uncertain about the figure. */
  readonly note?: string
}

/**
 * A price per hour of the machine that runs a local model. A call costs its latency at that rate; its worst case
 * (what a budget reserves) is `worstCaseSeconds` at that rate.
 */
export interface PerHourPrice {
  readonly _tag: "PerHour"
  readonly usdPerHour: number
  /** The longest a call may take, for reservations. */
  readonly worstCaseSeconds: number
  readonly currency: "USD"
  readonly source: string
  readonly readOn: string
  readonly note?: string
}

/** A model's price. */
export type ModelPrice = PerTokenPrice | PerHourPrice

/** The multiple of the input price a 5-minute prompt-cache write costs when a price lists no rate for it. */
export const defaultCacheWriteMultiple = 1.25
/** The multiple of the input price a 1-hour prompt-cache write costs when a price lists no rate for it. */
export const defaultCacheWriteLongMultiple = 2

/** A per-token price from USD per million tokens; for overrides written in code. */
export const perToken = (
  prices: TokenRates & { readonly longContext?: LongContextTier },
  provenance: { readonly source?: string; readonly readOn?: string; readonly note?: string } = {}
): PerTokenPrice => ({
  _tag: "PerToken",
  ...prices,
  currency: "USD",
  source: provenance.source ?? "user override",
  readOn: provenance.readOn ?? "",
  ...(provenance.note !== undefined ? { note: provenance.note } : {})
})

/** A price per hour of a local machine; for overrides written in code. */
export const perHour = (usdPerHour: number, worstCaseSeconds = 600, source = "user override"): PerHourPrice => ({
  _tag: "PerHour", usdPerHour, worstCaseSeconds, currency: "USD", source, readOn: ""
})

/** The price of a local model when nothing is configured: free. */
export const localDefaultPrice: PerTokenPrice = {
  _tag: "PerToken", inputPerMillion: 0, outputPerMillion: 0, cachedInputPerMillion: 0, currency: "USD",
  source: "local default", readOn: ""
}

// The rates of a tier with the defaults filled in, one function per rate: read on every call's path, so no object
// of them is built per call.
const cachedRate = (rates: TokenRates): number => rates.cachedInputPerMillion ?? rates.inputPerMillion
const cacheWriteRate = (rates: TokenRates): number => rates.cacheWriteInputPerMillion ?? rates.inputPerMillion * defaultCacheWriteMultiple
const cacheWriteLongRate = (rates: TokenRates): number =>
  rates.cacheWriteLongInputPerMillion ?? rates.inputPerMillion * defaultCacheWriteLongMultiple
/** The dearest rate of any input token of a tier (a cache write of an hour, usually). */
const dearestInputRate = (rates: TokenRates): number =>
  Math.max(rates.inputPerMillion, cachedRate(rates), cacheWriteRate(rates), cacheWriteLongRate(rates))

/** The tokens of a call by billed kind. Cached and cache-write tokens are part of `inputTokens`. */
export interface BilledTokens {
  readonly inputTokens: number
  readonly outputTokens: number
  readonly cachedInputTokens?: number
  readonly cacheWriteInputTokens?: number
  /** Of `cacheWriteInputTokens`, those written for an hour. */
  readonly cacheWriteLongInputTokens?: number
}

/** The tier a call with this many input tokens is billed at. */
export const tierOf = (price: PerTokenPrice, inputTokens: number): TokenRates =>
  price.longContext !== undefined && inputTokens > price.longContext.aboveInputTokens ? price.longContext : price

/**
 * The cost of a call in integer nano-dollars. Each kind of input token at its own rate (uncached, read from the
 * cache, written to the cache for 5 minutes or for an hour), output at the output rate, all at the long-context
 * tier when the input passes its threshold; a per-hour price charges the latency. Counts must be checked first
 * (`checkUsage`): this is arithmetic, not validation.
 */
export const costNanos = (price: ModelPrice, usage: BilledTokens, latencyMs: number): number => {
  if (price._tag === "PerHour") return usdToNanos((price.usdPerHour * Math.max(0, latencyMs)) / 3_600_000)
  const rates = tierOf(price, usage.inputTokens)
  const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens)
  const written = Math.min(usage.cacheWriteInputTokens ?? 0, usage.inputTokens - cached)
  const writtenLong = Math.min(usage.cacheWriteLongInputTokens ?? 0, written)
  const uncached = usage.inputTokens - cached - written
  // USD per million tokens is nano-dollars per thousandth of a token: multiply by 1000 for nano-dollars per token.
  return Math.max(0, Math.round((
    uncached * rates.inputPerMillion + cached * cachedRate(rates) + (written - writtenLong) * cacheWriteRate(rates) +
    writtenLong * cacheWriteLongRate(rates) + usage.outputTokens * rates.outputPerMillion
  ) * 1000))
}

/**
 * The most a call can cost in nano-dollars: every input token at the dearest input rate (a cache write of an hour,
 * usually), `maxOutputTokens` of output, at the long-context tier when the input bound passes its threshold.
 */
export const worstCaseNanos = (price: ModelPrice, inputTokens: number, maxOutputTokens: number): number => {
  if (price._tag === "PerHour") return usdToNanos((price.usdPerHour * price.worstCaseSeconds) / 3600)
  let inputRate = dearestInputRate(price)
  let outputRate = price.outputPerMillion
  if (price.longContext !== undefined && inputTokens > price.longContext.aboveInputTokens) {
    inputRate = Math.max(inputRate, dearestInputRate(price.longContext))
    outputRate = Math.max(outputRate, price.longContext.outputPerMillion)
  }
  // Never -0 (a free model: ceil of -1e-6), which Redis refuses as an increment.
  return Math.max(0, Math.ceil((inputTokens * inputRate + maxOutputTokens * outputRate) * 1000 - 1e-6))
}
