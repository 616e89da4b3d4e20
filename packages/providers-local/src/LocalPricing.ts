/**
 * What a local model costs: nothing by default, or a price per hour of the machine, or a price per token, so a user
 * can compare local and cloud models honestly.
 */
import type { ModelPricing } from "@orch/provider"

/**
 * The price of a local backend.
 * - `{ kind: "free" }` (the default): electricity and hardware are not counted.
 * - `{ kind: "per-hour", usdPerHour }`: the machine's cost per hour of use; a cost tracker multiplies it by the
 *   call's duration (`Completion.timings.totalMs`).
 * - `{ kind: "per-token", inputPerMillion, outputPerMillion }`: reported as `ModelInfo.pricing`, like a cloud price.
 */
export type LocalPricing =
  | { readonly kind: "free" }
  | { readonly kind: "per-hour"; readonly usdPerHour: number }
  | { readonly kind: "per-token"; readonly inputPerMillion: number; readonly outputPerMillion: number }

/** The default: free. */
export const freePricing: LocalPricing = { kind: "free" }

/** The per-token price to put into `ModelInfo.pricing`: zero when free, absent when priced by the hour. */
export const modelPricingOf = (pricing: LocalPricing): ModelPricing | undefined => {
  switch (pricing.kind) {
    case "free":
      return { inputPerMillion: 0, outputPerMillion: 0 }
    case "per-token":
      return { inputPerMillion: pricing.inputPerMillion, outputPerMillion: pricing.outputPerMillion }
    case "per-hour":
      return undefined
  }
}

/** The cost in USD of one call under a pricing: tokens for per-token, wall time for per-hour. */
export const localCostUsd = (pricing: LocalPricing, call: { readonly inputTokens: number; readonly outputTokens: number; readonly totalMs: number }): number => {
  switch (pricing.kind) {
    case "free":
      return 0
    case "per-token":
      return (call.inputTokens * pricing.inputPerMillion + call.outputTokens * pricing.outputPerMillion) / 1_000_000
    case "per-hour":
      return (pricing.usdPerHour * call.totalMs) / 3_600_000
  }
}

/** A backend that says what it costs. */
export interface Priced {
  /** The backend's price, as configured. */
  readonly pricing: LocalPricing
}
