// `checkUsage`, `costNanos` and `worstCaseNanos` run on every call's path, so they build no closures or objects of
// rates per call. This holds them to the rules as first written (kept here as the reference) for any usage a server
// may send (negative, fractional, NaN, infinite, absurd, absent, inconsistent counts) and any price (every rate
// given or defaulted, long-context tiers, per-hour prices).
import { describe, it } from "@effect/vitest"
import type { Usage } from "@orch/provider"
import fc from "fast-check"
import { checkUsage, costNanos, type ModelPrice, type TokenRates, type UsageFallback, type UsageFlag, worstCaseNanos } from "../src/index.ts"

const maxBillable = 100_000_000
const billable = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value) && value >= 0 && value <= maxBillable

/** `checkUsage` as first written. */
const referenceCheck = (usage: Usage, fallback: () => UsageFallback) => {
  let invalid = false
  let inconsistent = false
  let replacement: UsageFallback | undefined
  const required = (value: unknown, kind: keyof UsageFallback): number => {
    if (billable(value)) return Math.ceil(value)
    invalid = true
    replacement ??= fallback()
    return Math.min(maxBillable, Math.max(0, Math.ceil(replacement[kind])))
  }
  const optional = (value: unknown): number | undefined => {
    if (value === undefined) return 0
    if (billable(value)) return Math.ceil(value)
    invalid = true
    return undefined
  }
  let inputTokens = required(usage.inputTokens, "inputTokens")
  const outputTokens = required(usage.outputTokens, "outputTokens")
  const cachedInputTokens = optional(usage.cachedInputTokens) ?? 0
  const reportedWrite = optional(usage.cacheWriteInputTokens)
  const reportedWriteLong = optional(usage.cacheWriteLongInputTokens)
  let cacheWriteInputTokens = reportedWrite ?? Math.max(0, inputTokens - cachedInputTokens)
  const cacheWriteLongInputTokens = reportedWriteLong ?? cacheWriteInputTokens
  if (cacheWriteLongInputTokens > cacheWriteInputTokens) {
    cacheWriteInputTokens = cacheWriteLongInputTokens
    inconsistent = true
  }
  if (cachedInputTokens + cacheWriteInputTokens > inputTokens) {
    inputTokens = cachedInputTokens + cacheWriteInputTokens
    inconsistent = true
  }
  const flags: Array<UsageFlag> = [...(invalid ? ["invalid-count" as const] : []), ...(inconsistent ? ["inconsistent-counts" as const] : [])]
  return { inputTokens, cachedInputTokens, cacheWriteInputTokens, cacheWriteLongInputTokens, outputTokens, estimated: usage.estimated !== false || invalid, flags }
}

const full = (rates: TokenRates) => ({
  input: rates.inputPerMillion,
  cached: rates.cachedInputPerMillion ?? rates.inputPerMillion,
  cacheWrite: rates.cacheWriteInputPerMillion ?? rates.inputPerMillion * 1.25,
  cacheWriteLong: rates.cacheWriteLongInputPerMillion ?? rates.inputPerMillion * 2,
  output: rates.outputPerMillion
})

/** `costNanos` as first written. */
const referenceCost = (price: ModelPrice, usage: ReturnType<typeof referenceCheck>, latencyMs: number): number => {
  if (price._tag === "PerHour") return Math.round(((price.usdPerHour * Math.max(0, latencyMs)) / 3_600_000) * 1e9)
  const rates = full(price.longContext !== undefined && usage.inputTokens > price.longContext.aboveInputTokens ? price.longContext : price)
  const cached = Math.min(usage.cachedInputTokens, usage.inputTokens)
  const written = Math.min(usage.cacheWriteInputTokens, usage.inputTokens - cached)
  const writtenLong = Math.min(usage.cacheWriteLongInputTokens, written)
  const uncached = usage.inputTokens - cached - written
  return Math.max(0, Math.round((
    uncached * rates.input + cached * rates.cached + (written - writtenLong) * rates.cacheWrite + writtenLong * rates.cacheWriteLong + usage.outputTokens * rates.output
  ) * 1000))
}

/** `worstCaseNanos` as first written. */
const referenceWorstCase = (price: ModelPrice, inputTokens: number, maxOutputTokens: number): number => {
  if (price._tag === "PerHour") return Math.round(((price.usdPerHour * price.worstCaseSeconds) / 3600) * 1e9)
  const base = full(price)
  let inputRate = Math.max(base.input, base.cached, base.cacheWrite, base.cacheWriteLong)
  let outputRate = base.output
  if (price.longContext !== undefined && inputTokens > price.longContext.aboveInputTokens) {
    const long = full(price.longContext)
    inputRate = Math.max(inputRate, long.input, long.cached, long.cacheWrite, long.cacheWriteLong)
    outputRate = Math.max(outputRate, long.output)
  }
  return Math.max(0, Math.ceil((inputTokens * inputRate + maxOutputTokens * outputRate) * 1000 - 1e-6))
}

const count = fc.oneof(
  fc.integer({ min: 0, max: 5_000 }), fc.double({ min: 0, max: 5_000, noNaN: true }), fc.integer({ min: -100, max: -1 }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, maxBillable, maxBillable + 1, 1e300, -0)
)
const maybe = <A>(arbitrary: fc.Arbitrary<A>) => fc.option(arbitrary, { nil: undefined })
const usage: fc.Arbitrary<Usage> = fc.record({
  inputTokens: count, outputTokens: count, cachedInputTokens: maybe(count), cacheWriteInputTokens: maybe(count),
  cacheWriteLongInputTokens: maybe(count), estimated: fc.boolean()
}, { requiredKeys: ["inputTokens", "outputTokens", "estimated"] }) as fc.Arbitrary<Usage>
const fallback = fc.record({ inputTokens: fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.double({ min: -10, max: 1e9, noNaN: true })), outputTokens: fc.integer({ min: 0, max: 10_000 }) })
const rate = fc.oneof(fc.constant(0), fc.double({ min: 0, max: 100, noNaN: true }))
const rates = fc.record({
  inputPerMillion: rate, outputPerMillion: rate, cachedInputPerMillion: maybe(rate), cacheWriteInputPerMillion: maybe(rate), cacheWriteLongInputPerMillion: maybe(rate)
}, { requiredKeys: ["inputPerMillion", "outputPerMillion"] }) as fc.Arbitrary<TokenRates>
const price: fc.Arbitrary<ModelPrice> = fc.oneof(
  fc.tuple(rates, maybe(fc.tuple(rates, fc.integer({ min: 0, max: 6_000 })))).map(([base, long]): ModelPrice => ({
    _tag: "PerToken", ...base, ...(long !== undefined ? { longContext: { ...long[0], aboveInputTokens: long[1] } } : {}), currency: "USD", source: "test", readOn: ""
  })),
  fc.record({ usdPerHour: rate, worstCaseSeconds: fc.integer({ min: 0, max: 3_600 }) }).map(({ usdPerHour, worstCaseSeconds }): ModelPrice => ({
    _tag: "PerHour", usdPerHour, worstCaseSeconds, currency: "USD", source: "test", readOn: ""
  }))
)

describe("usage checks and prices on every call's path", () => {
  it("checkUsage gives the counts, flags and estimate of the rule as first written, asking the fallback only when needed", () => {
    fc.assert(fc.property(usage, fallback, fc.boolean(), (reported, bound, lazy) => {
      let asked = 0
      const ask = () => {
        asked++
        return bound
      }
      const checked = checkUsage(reported, lazy ? ask : bound)
      const expected = referenceCheck(reported, () => bound)
      const needed = !billable(reported.inputTokens) || !billable(reported.outputTokens)
      return JSON.stringify({ ...checked, flags: [...checked.flags] }) === JSON.stringify(expected) && asked === (lazy && needed ? 1 : 0)
    }), { numRuns: 3_000 })
  })

  it("costNanos and worstCaseNanos give the amounts of the rules as first written, to the nano-dollar", () => {
    fc.assert(fc.property(price, usage, fallback, fc.double({ min: 0, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 20_000 }), (priced, reported, bound, latencyMs, inputTokens, outputTokens) => {
      const checked = referenceCheck(reported, () => bound)
      return Object.is(costNanos(priced, checked, latencyMs), referenceCost(priced, checked, latencyMs)) &&
        Object.is(worstCaseNanos(priced, inputTokens, outputTokens), referenceWorstCase(priced, inputTokens, outputTokens))
    }), { numRuns: 3_000 })
  })
})
