/**
 * Reads the LiteLLM community price map (`model_prices_and_context_window.json`) as is: `input_cost_per_token`,
 * `output_cost_per_token`, `cache_read_input_token_cost`, `cache_creation_input_token_cost` (5-minute cache writes),
 * `cache_creation_input_token_cost_above_1hr` (1-hour writes), the long-prompt tier (`input_cost_per_token_above_200k_tokens`
 * and its siblings, any threshold) and `litellm_provider` per model, other fields ignored.
 * Entries priced otherwise (per image, per second, ...) are skipped; malformed ones fail with every bad entry named.
 */
import { invalidRequest, type ProviderError } from "@orch/provider"
import { Effect, Result, Schema } from "effect"
import type { LongContextTier, PerTokenPrice, TokenRates } from "./ModelPrice.ts"

const price = Schema.Number.pipe(Schema.check(Schema.isFinite(), Schema.isGreaterThanOrEqualTo(0)))

/** One entry of the LiteLLM price map, the fields @orch reads. */
export const LiteLlmEntry = Schema.Struct({
  input_cost_per_token: Schema.optional(price),
  output_cost_per_token: Schema.optional(price),
  cache_read_input_token_cost: Schema.optional(price),
  cache_creation_input_token_cost: Schema.optional(price),
  cache_creation_input_token_cost_above_1hr: Schema.optional(price),
  litellm_provider: Schema.optional(Schema.String)
})

/** A long-prompt rate: `<kind>_above_<N>k_tokens`, e.g. `input_cost_per_token_above_200k_tokens`. */
const tierKey = /^(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|cache_creation_input_token_cost|cache_creation_input_token_cost_above_1hr)_above_(\d+)k_tokens$/

/** The long-prompt tier of an entry (the lowest threshold it lists), or undefined; a bad rate is an issue. */
const longContextOf = (value: object, issues: Array<string>, key: string): LongContextTier | undefined => {
  const byThreshold = new Map<number, Record<string, number>>()
  for (const [field, rate] of Object.entries(value)) {
    const match = tierKey.exec(field)
    if (match === null) continue
    if (typeof rate !== "number" || !Number.isFinite(rate) || rate < 0) {
      issues.push(`entry "${key}": ${field} must be a finite number >= 0`)
      continue
    }
    const threshold = Number(match[2]) * 1000
    byThreshold.set(threshold, { ...byThreshold.get(threshold), [match[1]!]: rate * 1_000_000 })
  }
  const threshold = Math.min(...byThreshold.keys())
  const rates = byThreshold.get(threshold)
  if (rates === undefined || rates.input_cost_per_token === undefined || rates.output_cost_per_token === undefined) return undefined
  return {
    aboveInputTokens: threshold,
    inputPerMillion: rates.input_cost_per_token,
    outputPerMillion: rates.output_cost_per_token,
    ...(rates.cache_read_input_token_cost !== undefined ? { cachedInputPerMillion: rates.cache_read_input_token_cost } : {}),
    ...(rates.cache_creation_input_token_cost !== undefined ? { cacheWriteInputPerMillion: rates.cache_creation_input_token_cost } : {}),
    ...(rates.cache_creation_input_token_cost_above_1hr !== undefined ? { cacheWriteLongInputPerMillion: rates.cache_creation_input_token_cost_above_1hr } : {})
  }
}

/** What a LiteLLM price map gave: prices by `provider/model`, and the keys skipped because they had no token price. */
export interface LiteLlmPrices {
  readonly prices: Readonly<Record<string, PerTokenPrice>>
  readonly skipped: ReadonlyArray<string>
}

/** The `provider/model` id of a LiteLLM key: keys that already name a provider keep it. */
const modelId = (key: string, provider: string | undefined): string =>
  provider === undefined || key.startsWith(`${provider}/`) ? key : `${provider}/${key}`

const firstLine = (message: string): string => message.split("\n").map((line) => line.trim()).filter((line) => line.length > 0).join(" ")

/**
 * Decode a LiteLLM price map (the parsed JSON). Per-token USD prices become USD per million tokens; `source` names
 * where the map came from and is kept on every entry. Fails with InvalidRequest listing the malformed entries.
 */
export const decodeLiteLlmPrices = (json: unknown, source = "litellm price map"): Effect.Effect<LiteLlmPrices, ProviderError> =>
  Effect.suspend(() => {
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      return Effect.fail(invalidRequest([`${source}: a LiteLLM price map is a JSON object of model entries`]))
    }
    const prices: Record<string, PerTokenPrice> = {}
    const skipped: Array<string> = []
    const issues: Array<string> = []
    for (const [key, value] of Object.entries(json)) {
      if (key === "sample_spec") continue
      const decoded = Schema.decodeUnknownResult(LiteLlmEntry)(value)
      if (Result.isFailure(decoded)) {
        issues.push(`entry "${key}": ${firstLine(decoded.failure.message)}`)
        continue
      }
      const entry = decoded.success
      if (entry.input_cost_per_token === undefined || entry.output_cost_per_token === undefined) {
        skipped.push(key)
        continue
      }
      const rates: TokenRates = {
        inputPerMillion: entry.input_cost_per_token * 1_000_000,
        outputPerMillion: entry.output_cost_per_token * 1_000_000,
        ...(entry.cache_read_input_token_cost !== undefined ? { cachedInputPerMillion: entry.cache_read_input_token_cost * 1_000_000 } : {}),
        ...(entry.cache_creation_input_token_cost !== undefined ? { cacheWriteInputPerMillion: entry.cache_creation_input_token_cost * 1_000_000 } : {}),
        ...(entry.cache_creation_input_token_cost_above_1hr !== undefined ? { cacheWriteLongInputPerMillion: entry.cache_creation_input_token_cost_above_1hr * 1_000_000 } : {})
      }
      const longContext = longContextOf(value as object, issues, key)
      prices[modelId(key, entry.litellm_provider)] = {
        _tag: "PerToken",
        ...rates,
        ...(longContext !== undefined ? { longContext } : {}),
        currency: "USD",
        source,
        readOn: ""
      }
    }
    if (issues.length > 0) {
      const shown = issues.slice(0, 10)
      if (issues.length > shown.length) shown.push(`and ${issues.length - shown.length} more bad entries`)
      return Effect.fail(invalidRequest([`${source}: ${issues.length} malformed price entries`, ...shown]))
    }
    return Effect.succeed({ prices, skipped })
  })
