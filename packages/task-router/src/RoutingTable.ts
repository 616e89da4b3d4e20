/**
 * The routing table: for each task type, the preferred models (patterns, in order or with weights), the strategy
 * the orchestrator should run, and request defaults. Defaults that work with whatever providers are present,
 * user overrides merged over them, validated with Schema into clear `InvalidRequest` errors.
 */
import { Effect, Result, Schema } from "effect"
import { invalidRequest, type ProviderError } from "@orch/provider"
import { parseTaskType, taskTypes, type TaskType } from "./TaskType.ts"

/** The orchestrator strategies a route may name (the names of `@orch/strategies`, kept as plain strings here). */
export const strategyNames = ["auto", "local_only", "cloud_only", "local_first", "cloud_first", "ensemble", "parallel", "cascade"] as const

/** One strategy name. */
export type StrategyName = (typeof strategyNames)[number]

/** A model preference: a pattern (`openai/gpt-4o-mini`, `anthropic/*`, `local:*`), or a pattern with a weight (higher first; 0 disables it). */
export type ModelPreference = string | { readonly model: string; readonly weight: number }

/** Request options a route fills in when the caller left them unset. */
export interface RequestDefaults {
  readonly temperature?: number
  readonly maxTokens?: number
  readonly topP?: number
}

/** How one task type is served. */
export interface Route {
  readonly models: ReadonlyArray<ModelPreference>
  readonly strategy: StrategyName
  readonly requestDefaults: RequestDefaults
}

/** A route for every task type. */
export type RoutingTable = Readonly<Record<TaskType, Route>>

/** A partial route: what a user changes. `models` and `strategy` replace; `requestDefaults` merge field by field. */
export interface RouteOverride {
  readonly models?: ReadonlyArray<ModelPreference>
  readonly strategy?: StrategyName
  readonly requestDefaults?: RequestDefaults
}

/** User overrides keyed by task type (any spelling `parseTaskType` accepts). */
export type RoutingTableOverrides = Readonly<Partial<Record<TaskType, RouteOverride>>>

const cloudThenLocal: ReadonlyArray<ModelPreference> = ["cloud:*", "local:*"]
const localThenCloud: ReadonlyArray<ModelPreference> = ["local:*", "cloud:*"]

/**
 * The default table. Every route ends in `cloud:*` and `local:*`, so it resolves with whatever models are
 * available; the named models before them are preferences that are skipped when absent.
 */
export const defaultRoutingTable: RoutingTable = {
  code_generation: {
    models: ["anthropic/claude-sonnet*", "openai/gpt-4o", "openai/gpt-4.1*", "local:*coder*", ...cloudThenLocal],
    strategy: "cloud_first",
    requestDefaults: { temperature: 0.2, maxTokens: 4096 }
  },
  code_review: {
    models: ["anthropic/claude-sonnet*", "openai/gpt-4o", ...cloudThenLocal],
    strategy: "cloud_first",
    requestDefaults: { temperature: 0.2, maxTokens: 2048 }
  },
  reasoning: {
    models: ["openai/o*", "anthropic/claude-sonnet*", ...cloudThenLocal],
    strategy: "cascade",
    requestDefaults: { temperature: 0, maxTokens: 2048 }
  },
  summarization: {
    models: localThenCloud,
    strategy: "local_first",
    requestDefaults: { temperature: 0.3, maxTokens: 1024 }
  },
  error_diagnosis: {
    models: ["anthropic/*", "openai/gpt-4o*", ...cloudThenLocal],
    strategy: "cloud_first",
    requestDefaults: { temperature: 0.2, maxTokens: 2048 }
  },
  data_interpretation: {
    models: ["openai/gpt-4o*", ...cloudThenLocal],
    strategy: "cascade",
    requestDefaults: { temperature: 0, maxTokens: 2048 }
  },
  workflow_generation: {
    models: ["anthropic/claude-sonnet*", "openai/gpt-4o", ...cloudThenLocal],
    strategy: "cloud_first",
    requestDefaults: { temperature: 0.2, maxTokens: 4096 }
  },
  general: {
    models: localThenCloud,
    strategy: "local_first",
    requestDefaults: { temperature: 0.7, maxTokens: 1024 }
  }
}

const Pattern = Schema.String.check(Schema.isMinLength(1))
const ModelPreferenceSchema = Schema.Union([
  Pattern,
  Schema.Struct({ model: Pattern, weight: Schema.Number.check(Schema.isFinite(), Schema.isGreaterThanOrEqualTo(0)) })
])
const RequestDefaultsSchema = Schema.Struct({
  temperature: Schema.optional(Schema.Number.check(Schema.isBetween({ minimum: 0, maximum: 2 }))),
  maxTokens: Schema.optional(Schema.Int.check(Schema.isGreaterThan(0))),
  topP: Schema.optional(Schema.Number.check(Schema.isBetween({ minimum: 0, maximum: 1 })))
})

/** The schema of one route override, for overrides read from config files. */
export const RouteOverrideSchema = Schema.Struct({
  models: Schema.optional(Schema.Array(ModelPreferenceSchema)),
  strategy: Schema.optional(Schema.Literals(strategyNames)),
  requestDefaults: Schema.optional(RequestDefaultsSchema)
})

const decodeOverride = Schema.decodeUnknownResult(RouteOverrideSchema)

const summarise = (message: string): string => {
  const text = message.replace(/\s+/g, " ").trim()
  return text.length > 300 ? `${text.slice(0, 300)}…` : text
}

const mergeDefaults = (base: RequestDefaults, override: { readonly [K in keyof RequestDefaults]?: number | undefined } | undefined): RequestDefaults => {
  const merged: { -readonly [K in keyof RequestDefaults]?: number } = { ...base }
  for (const key of ["temperature", "maxTokens", "topP"] as const) {
    const value = override?.[key]
    if (value !== undefined) merged[key] = value
  }
  return merged
}

/**
 * Validate user overrides (untrusted data) and merge them over the defaults (or over `base`). Every problem is
 * reported, each naming the task type it belongs to; the error is a `ProviderError` with reason `InvalidRequest`.
 */
export const makeRoutingTable = (overrides: unknown = {}, base: RoutingTable = defaultRoutingTable): Effect.Effect<RoutingTable, ProviderError> =>
  Effect.suspend(() => {
    if (typeof overrides !== "object" || overrides === null || Array.isArray(overrides)) {
      return Effect.fail(invalidRequest(["routing overrides must be an object keyed by task type"]))
    }
    const issues: Array<string> = []
    const table: Record<TaskType, Route> = { ...base }
    for (const [key, value] of Object.entries(overrides)) {
      const type = parseTaskType(key)
      if (type === undefined) {
        issues.push(`unknown task type "${key}" (expected one of ${taskTypes.join(", ")})`)
        continue
      }
      const decoded = decodeOverride(value, { onExcessProperty: "error" })
      if (Result.isFailure(decoded)) {
        issues.push(`route for ${type}: ${summarise(decoded.failure.message)}`)
        continue
      }
      const override = decoded.success
      const current = table[type]
      if (override.models !== undefined && override.models.length === 0) {
        issues.push(`route for ${type}: models must name at least one model or pattern`)
        continue
      }
      table[type] = {
        models: override.models ?? current.models,
        strategy: override.strategy ?? current.strategy,
        requestDefaults: mergeDefaults(current.requestDefaults, override.requestDefaults)
      }
    }
    return issues.length > 0 ? Effect.fail(invalidRequest(issues)) : Effect.succeed(table)
  })

/** The preferences of a route as patterns in the order to try: weighted entries by weight (highest first, stable), weight 0 dropped. */
export const orderedPatterns = (route: Route): ReadonlyArray<string> =>
  route.models
    .map((preference, index) =>
      typeof preference === "string" ? { pattern: preference, weight: 1, index } : { pattern: preference.model, weight: preference.weight, index })
    .filter((entry) => entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index)
    .map((entry) => entry.pattern)
