/**
 * The built-in price table: USD per million tokens for the cloud models @orch supports (OpenAI, Anthropic,
 * Lightning AI), each with the page it was read from and the date it was read. Prices change: check the source,
 * and override any entry with `PriceTable.make({ overrides })` or a LiteLLM price file. Entries whose figure could
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
  note?: string
): PerTokenPrice => ({
  _tag: "PerToken",
  inputPerMillion,
  outputPerMillion,
  ...(cachedInputPerMillion !== undefined ? { cachedInputPerMillion } : {}),
  currency: "USD",
  source,
  readOn,
  ...(note !== undefined ? { note } : {})
})

const lightningNote = "Lightning AI's per-token model prices could not be confirmed for this date; verify before relying on them"

/** Built-in prices by `provider/model`. Dated model ids (`claude-3-5-haiku-20241022`) match their undated entry. */
export const builtInPrices: Readonly<Record<string, PerTokenPrice>> = {
  "openai/gpt-5": entry(1.25, 10, 0.125, openAi),
  "openai/gpt-5-mini": entry(0.25, 2, 0.025, openAi),
  "openai/gpt-5-nano": entry(0.05, 0.4, 0.005, openAi),
  "openai/gpt-4.1": entry(2, 8, 0.5, openAi),
  "openai/gpt-4.1-mini": entry(0.4, 1.6, 0.1, openAi),
  "openai/gpt-4.1-nano": entry(0.1, 0.4, 0.025, openAi),
  "openai/gpt-4o": entry(2.5, 10, 1.25, openAi),
  "openai/gpt-4o-mini": entry(0.15, 0.6, 0.075, openAi),
  "openai/o3": entry(2, 8, 0.5, openAi),
  "openai/o4-mini": entry(1.1, 4.4, 0.275, openAi),
  "openai/o1": entry(15, 60, 7.5, openAi),
  "openai/gpt-4-turbo": entry(10, 30, undefined, openAi),
  "openai/gpt-3.5-turbo": entry(0.5, 1.5, undefined, openAi),
  "anthropic/claude-opus-4-5": entry(5, 25, 0.5, anthropic),
  "anthropic/claude-opus-4-1": entry(15, 75, 1.5, anthropic),
  "anthropic/claude-opus-4": entry(15, 75, 1.5, anthropic),
  "anthropic/claude-sonnet-4-5": entry(3, 15, 0.3, anthropic, "Prompts over 200K tokens are billed at a higher rate, not modelled here"),
  "anthropic/claude-sonnet-4": entry(3, 15, 0.3, anthropic, "Prompts over 200K tokens are billed at a higher rate, not modelled here"),
  "anthropic/claude-3-7-sonnet": entry(3, 15, 0.3, anthropic),
  "anthropic/claude-haiku-4-5": entry(1, 5, 0.1, anthropic),
  "anthropic/claude-3-5-haiku": entry(0.8, 4, 0.08, anthropic),
  "anthropic/claude-3-haiku": entry(0.25, 1.25, 0.03, anthropic),
  "lightning/meta-llama/Llama-3.3-70B-Instruct": entry(0.6, 0.6, undefined, lightning, lightningNote),
  "lightning/meta-llama/Llama-3.1-8B-Instruct": entry(0.1, 0.1, undefined, lightning, lightningNote),
  "lightning/deepseek-ai/DeepSeek-R1": entry(0.55, 2.19, undefined, lightning, lightningNote),
  "lightning/openai/gpt-oss-120b": entry(0.15, 0.6, undefined, lightning, lightningNote)
}
