/**
 * What a model costs: a per-token price (USD per million input, output and cached-input tokens) or, for local
 * models on a machine you pay for by the hour, a price per hour of that machine. Also the cost of one call.
 */
import type { Usage } from "@orch/provider"
import { usdToNanos } from "./Money.ts"

/** A price per token, in USD per million tokens, with where and when it was read. */
export interface PerTokenPrice {
  readonly _tag: "PerToken"
  readonly inputPerMillion: number
  readonly outputPerMillion: number
  /** Input tokens read from the provider's prompt cache; the input price when absent. */
  readonly cachedInputPerMillion?: number
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

/** A per-token price from USD per million tokens; for overrides written in code. */
export const perToken = (
  prices: { readonly inputPerMillion: number; readonly outputPerMillion: number; readonly cachedInputPerMillion?: number },
  provenance: { readonly source?: string; readonly readOn?: string; readonly note?: string } = {}
): PerTokenPrice => ({
  _tag: "PerToken",
  inputPerMillion: prices.inputPerMillion,
  outputPerMillion: prices.outputPerMillion,
  ...(prices.cachedInputPerMillion !== undefined ? { cachedInputPerMillion: prices.cachedInputPerMillion } : {}),
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

/**
 * The cost of a call in integer nano-dollars. Cached input tokens are part of `inputTokens` and priced at the
 * cached rate; a per-hour price charges the latency.
 */
export const costNanos = (price: ModelPrice, usage: Pick<Usage, "inputTokens" | "outputTokens" | "cachedInputTokens">, latencyMs: number): number => {
  if (price._tag === "PerHour") return usdToNanos((price.usdPerHour * Math.max(0, latencyMs)) / 3_600_000)
  const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens)
  const uncached = usage.inputTokens - cached
  const cachedRate = price.cachedInputPerMillion ?? price.inputPerMillion
  // USD per million tokens is nano-dollars per thousandth of a token: multiply by 1000 for nano-dollars per token.
  return Math.round((uncached * price.inputPerMillion + cached * cachedRate + usage.outputTokens * price.outputPerMillion) * 1000)
}

/** The worst-case cost of a call in nano-dollars: every input token uncached, `maxOutputTokens` of output. */
export const worstCaseNanos = (price: ModelPrice, inputTokens: number, maxOutputTokens: number): number =>
  price._tag === "PerHour"
    ? usdToNanos((price.usdPerHour * price.worstCaseSeconds) / 3600)
    : Math.ceil((inputTokens * price.inputPerMillion + maxOutputTokens * price.outputPerMillion) * 1000 - 1e-6)
