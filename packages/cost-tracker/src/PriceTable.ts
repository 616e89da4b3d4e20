/**
 * The price table @orch uses: the built-in prices, then prices loaded from files (the LiteLLM map or @orch's own
 * format), then overrides in code, later ones winning. Local models are free unless a price is configured for
 * them (per token or per hour of the machine). A model with no price has none: its cost is unknown, never zero.
 */
import fs from "node:fs/promises"
import { invalidRequest, type ProviderError, type ProviderKind } from "@orch/provider"
import { Effect, Result, Schema } from "effect"
import { decodeLiteLlmPrices } from "./LiteLlmPrices.ts"
import { localDefaultPrice, type ModelPrice, type PerTokenPrice } from "./ModelPrice.ts"
import { builtInPrices } from "./PriceData.ts"

/** The model a price is asked for: its backend, its name there and where it runs. */
export interface PricedModel {
  readonly provider: string
  readonly name: string
  readonly kind: ProviderKind
}

/** How to build a price table. */
export interface PriceTableOptions {
  /** Replace the built-in prices (default: use them). */
  readonly builtIn?: boolean
  /** Prices by `provider/model`, or by `provider` alone for every model of a local backend. Win over everything else. */
  readonly overrides?: Readonly<Record<string, ModelPrice>>
  /** Prices loaded from files (see `loadPriceFile`), applied in order before the overrides. */
  readonly files?: ReadonlyArray<Readonly<Record<string, ModelPrice>>>
}

/** Prices by model. */
export interface PriceTable {
  /** The price of a model, or undefined when none is known (a cloud model absent from every source). */
  readonly lookup: (model: PricedModel) => ModelPrice | undefined
  /** Every explicit entry, by `provider/model`. */
  readonly entries: Readonly<Record<string, ModelPrice>>
}

const datedSuffix = /-(\d{8}|\d{4}-\d{2}-\d{2}|latest)$/

/** How many models' prices a table remembers after looking them up once. */
const cachedModels = 10_000

/** Build a price table. */
export const makePriceTable = (options: PriceTableOptions = {}): PriceTable => {
  const entries: Record<string, ModelPrice> = {
    ...(options.builtIn === false ? {} : builtInPrices),
    ...Object.assign({}, ...(options.files ?? [])),
    ...options.overrides
  }
  const find = (model: PricedModel): ModelPrice | undefined => {
    const id = `${model.provider}/${model.name}`
    const undated = id.replace(datedSuffix, "")
    return entries[id] ?? entries[undated] ?? entries[model.provider] ??
      (model.kind === "local" ? localDefaultPrice : undefined)
  }
  // The entries never change, so each model's answer is kept: by kind, provider and name (no id built per call), for
  // up to `cachedModels` models (names come from configuration and servers' model lists, but need not be few).
  const known = { local: new Map<string, Map<string, ModelPrice | null>>(), cloud: new Map<string, Map<string, ModelPrice | null>>() }
  let cached = 0
  const lookup = (model: PricedModel): ModelPrice | undefined => {
    const byKind = model.kind === "local" ? known.local : known.cloud
    let byName = byKind.get(model.provider)
    const hit = byName?.get(model.name)
    if (hit !== undefined) return hit ?? undefined
    const price = find(model)
    if (cached < cachedModels) {
      if (byName === undefined) byKind.set(model.provider, byName = new Map())
      byName.set(model.name, price ?? null)
      cached++
    }
    return price
  }
  return { lookup, entries }
}

const amount = Schema.Number.pipe(Schema.check(Schema.isFinite(), Schema.isGreaterThanOrEqualTo(0)))
const provenance = {
  source: Schema.optional(Schema.String),
  readOn: Schema.optional(Schema.String),
  note: Schema.optional(Schema.String)
}
const rates = {
  inputPerMillion: amount,
  outputPerMillion: amount,
  cachedInputPerMillion: Schema.optional(amount),
  cacheWriteInputPerMillion: Schema.optional(amount),
  cacheWriteLongInputPerMillion: Schema.optional(amount)
}
const OrchPriceEntry = Schema.Union([
  Schema.Struct({ ...rates, longContext: Schema.optional(Schema.Struct({ aboveInputTokens: amount, ...rates })), ...provenance }),
  Schema.Struct({ usdPerHour: amount, worstCaseSeconds: Schema.optional(amount), ...provenance })
])

/** The rates of a decoded entry, without its provenance fields. */
const withoutProvenance = <A extends { readonly source?: string | undefined; readonly readOn?: string | undefined; readonly note?: string | undefined }>(entry: A): Omit<A, "source" | "readOn" | "note"> => {
  const { source: _source, readOn: _readOn, note: _note, ...rest } = entry
  return rest
}

const isLiteLlmMap = (json: object): boolean =>
  Object.values(json).some((value) =>
    typeof value === "object" && value !== null &&
    ("input_cost_per_token" in value || "output_cost_per_token" in value || "litellm_provider" in value))

/**
 * Decode prices from parsed JSON: the LiteLLM map as is, or @orch's format
 * (`{ "openai/gpt-4o": { "inputPerMillion": 2.5, "outputPerMillion": 10, "source": "...", "readOn": "..." },
 * "anthropic/x": { ..., "cacheWriteInputPerMillion": 3.75, "longContext": { "aboveInputTokens": 200000, ... } },
 * "ollama": { "usdPerHour": 1.2, "worstCaseSeconds": 300 } }`). Bad entries fail with InvalidRequest naming them.
 */
export const decodePrices = (json: unknown, source: string): Effect.Effect<Readonly<Record<string, ModelPrice>>, ProviderError> =>
  Effect.suspend(() => {
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      return Effect.fail(invalidRequest([`${source}: a price file is a JSON object keyed by model id`]))
    }
    if (isLiteLlmMap(json)) return Effect.map(decodeLiteLlmPrices(json, source), (decoded) => decoded.prices)
    const prices: Record<string, ModelPrice> = {}
    const issues: Array<string> = []
    for (const [key, value] of Object.entries(json)) {
      const decoded = Schema.decodeUnknownResult(OrchPriceEntry)(value)
      if (Result.isFailure(decoded)) {
        issues.push(`entry "${key}": ${decoded.failure.message.replace(/\s+/g, " ").trim()}`)
        continue
      }
      const entry = decoded.success
      const common = { currency: "USD" as const, source: entry.source ?? source, readOn: entry.readOn ?? "", ...(entry.note !== undefined ? { note: entry.note } : {}) }
      prices[key] = "usdPerHour" in entry
        ? { _tag: "PerHour", usdPerHour: entry.usdPerHour, worstCaseSeconds: entry.worstCaseSeconds ?? 600, ...common }
        // JSON has no `undefined`: the optional rates the schema decoded are absent or numbers.
        : { _tag: "PerToken", ...withoutProvenance(entry), ...common } as PerTokenPrice
    }
    return issues.length > 0
      ? Effect.fail(invalidRequest([`${source}: ${issues.length} malformed price entries`, ...issues.slice(0, 10)]))
      : Effect.succeed(prices)
  })

/** Read a JSON price file (LiteLLM's map or @orch's format). A missing file or bad JSON fails with InvalidRequest. */
export const loadPriceFile = Effect.fn("PriceTable.loadPriceFile")(function*(path: string) {
  const text = yield* Effect.tryPromise({
    try: () => fs.readFile(path, "utf8"),
    catch: (cause) => invalidRequest([`price file ${path} could not be read: ${(cause as Error).message}`])
  })
  const json = yield* Effect.try({
    try: () => JSON.parse(text) as unknown,
    catch: (cause) => invalidRequest([`price file ${path} is not valid JSON: ${(cause as Error).message}`])
  })
  return yield* decodePrices(json, path)
})
