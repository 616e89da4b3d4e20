/**
 * The built-in price table: USD per million tokens for the cloud models @orch supports (OpenAI, Anthropic,
 * Lightning AI), each with the page it was read from and the date it was read. Prompt-cache writes are priced
 * explicitly for OpenAI and Anthropic; elsewhere the defaults of `ModelPrice` apply. Prices change: check the source, and override any entry with `PriceTable.make({ overrides })` or a LiteLLM price file. Entries whose figure could
 * not be confirmed against the live page carry a `note`.
 */
import type { PerTokenPrice } from "./ModelPrice.ts"

const openAi = "https://openai.com/api/pricing/"
const anthropic = "https://www.anthropic.com/pricing#api"
const lightning = "https://lightning.ai/pricing"
const readOn = "2026-11-25"

const entry = (
  inputPerMillion: number,
  outputPerMillion: number,
  cachedInputPerMillion: number | undefined,
  source: string,
  note?: string,
  extra: Partial<Pick<PerTokenPrice, "cacheWriteInputPerMillion" | "cacheWriteLongInputPerMillion" | "longContext">> = {}
): PerTokenPrice => ({
  _tag: "PerToken",
  inputPerMillion,
  outputPerMillion,
  ...(cachedInputPerMillion !== undefined ? { cachedInputPerMillion } : {}),
  ...extra,
  currency: "USD",
  source,
  readOn,
  ...(note !== undefined ? { note } : {})
})

/** OpenAI reports prompt-cache writes (`cache_write_tokens`) billed at 1.25x the input price; it has no 1-hour tier. */
const gpt = (input: number, output: number, cached: number | undefined): PerTokenPrice =>
  entry(input, output, cached, openAi, undefined, { cacheWriteInputPerMillion: input * 1.25, cacheWriteLongInputPerMillion: input * 1.25 })

/** Anthropic bills prompt-cache writes at 1.25x the input price for 5 minutes and 2x for an hour. */
const claude = (input: number, output: number, cached: number, note?: string, extra: Partial<Pick<PerTokenPrice, "longContext">> = {}): PerTokenPrice =>
  entry(input, output, cached, anthropic, note, { cacheWriteInputPerMillion: input * 1.25, cacheWriteLongInputPerMillion: input * 2, ...extra })

/** Sonnet 4 and 4.5 above 200K input tokens: $6 in, $22.50 out, reads $0.60, writes $7.50 (5 min) and $12 (1 h). */
const sonnetLongContext = {
  longContext: { aboveInputTokens: 200_000, inputPerMillion: 6, outputPerMillion: 22.5, cachedInputPerMillion: 0.6, cacheWriteInputPerMillion: 7.5, cacheWriteLongInputPerMillion: 12 }
}

const lightningNote = "Lightning AI's per-token model prices could not be confirmed for this date; verify before relying on them"

/** Built-in prices by `provider/model`. Dated model ids (`claude-3-5-haiku-20241022`) match their undated entry. */
export const builtInPrices: Readonly<Record<string, PerTokenPrice>> = {
  "openai/gpt-5": gpt(1.25, 10, 0.125),
  "openai/gpt-5-mini": gpt(0.25, 2, 0.025),
  "openai/gpt-5-nano": gpt(0.05, 0.4, 0.005),
  "openai/gpt-4.1": gpt(2, 8, 0.5),
  "openai/gpt-4.1-mini": gpt(0.4, 1.6, 0.1),
  "openai/gpt-4.1-nano": gpt(0.1, 0.4, 0.025),
  "openai/gpt-4o": gpt(2.5, 10, 1.25),
  "openai/gpt-4o-mini": gpt(0.15, 0.6, 0.075),
  "openai/o3": gpt(2, 8, 0.5),
  "openai/o4-mini": gpt(1.1, 4.4, 0.275),
  "openai/o1": gpt(15, 60, 7.5),
  "openai/gpt-4-turbo": gpt(10, 30, undefined),
  "openai/gpt-3.5-turbo": gpt(0.5, 1.5, undefined),
  "anthropic/claude-opus-4-5": claude(5, 25, 0.5),
  "anthropic/claude-opus-4-1": claude(15, 75, 1.5),
  "anthropic/claude-opus-4": claude(15, 75, 1.5),
  "anthropic/claude-sonnet-4-5": claude(3, 15, 0.3, undefined, sonnetLongContext),
  "anthropic/claude-sonnet-4": claude(3, 15, 0.3, undefined, sonnetLongContext),
  "anthropic/claude-3-7-sonnet": claude(3, 15, 0.3),
  "anthropic/claude-haiku-4-5": claude(1, 5, 0.1),
  "anthropic/claude-3-5-haiku": claude(0.8, 4, 0.08),
  "anthropic/claude-3-haiku": claude(0.25, 1.25, 0.03),
  "lightning/meta-llama/Llama-3.3-70B-Instruct": entry(0.6, 0.6, undefined, lightning, lightningNote),
  "lightning/meta-llama/Llama-3.1-8B-Instruct": entry(0.1, 0.1, undefined, lightning, lightningNote),
  "lightning/deepseek-ai/DeepSeek-R1": entry(0.55, 2.19, undefined, lightning, lightningNote),
  "lightning/openai/gpt-oss-120b": entry(0.15, 0.6, undefined, lightning, lightningNote)
}
