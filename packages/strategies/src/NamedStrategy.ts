/**
 * The named strategies (AUTO, LOCAL_ONLY, CLOUD_ONLY, LOCAL_FIRST, CLOUD_FIRST, ENSEMBLE, PARALLEL, CASCADE) and
 * the ensemble modes (VOTE, CHAIN, PARALLEL): each a fixed, documented composition of the primitives over lists of
 * local and cloud models.
 */
import { invalidRequest, type LanguageModel, type ProviderError } from "@orch/provider"
import { Effect } from "effect"
import { cascade, type Scorer } from "./Cascade.ts"
import { chain, type ChainOptions } from "./Chain.ts"
import { fallback, type FallbackOptions } from "./Fallback.ts"
import type { Plan } from "./Plan.ts"
import { race } from "./Race.ts"
import { timeout } from "./Timeout.ts"
import { vote, type VoteOptions } from "./Vote.ts"

/** The named strategies; values are the names lower-cased. */
export const Strategy = {
  AUTO: "auto",
  LOCAL_ONLY: "local_only",
  CLOUD_ONLY: "cloud_only",
  LOCAL_FIRST: "local_first",
  CLOUD_FIRST: "cloud_first",
  ENSEMBLE: "ensemble",
  PARALLEL: "parallel",
  CASCADE: "cascade"
} as const
/** A named strategy. */
export type Strategy = typeof Strategy[keyof typeof Strategy]

/** The ensemble modes; values are the names lower-cased. */
export const EnsembleMode = { VOTE: "vote", CHAIN: "chain", PARALLEL: "parallel" } as const
/** An ensemble mode. */
export type EnsembleMode = typeof EnsembleMode[keyof typeof EnsembleMode]

const parseEnum = <T extends Record<string, string>>(table: T, what: string) =>
  (input: string): Effect.Effect<T[keyof T], ProviderError> => {
    const key = input.trim().toLowerCase().replace(/-/g, "_")
    const found = Object.values(table).find((value) => value === key)
    return found !== undefined
      ? Effect.succeed(found as T[keyof T])
      : Effect.fail(invalidRequest([`unknown ${what} "${input.slice(0, 40)}": use one of ${Object.values(table).join(", ")}`]))
  }

/** Parse a strategy name in any case (`LOCAL_FIRST`, `local_first`, `local-first`); unknown names are InvalidRequest. */
export const parseStrategy: (input: string) => Effect.Effect<Strategy, ProviderError> = parseEnum(Strategy, "strategy")

/** Parse an ensemble mode in any case; unknown modes are InvalidRequest. */
export const parseEnsembleMode: (input: string) => Effect.Effect<EnsembleMode, ProviderError> = parseEnum(EnsembleMode, "ensemble mode")

/** A plan decided outside (the task router's routing table): the models and the strategy to use for a request. */
export interface RoutedPlan {
  readonly strategy: Exclude<Strategy, "auto">
  readonly models: ReadonlyArray<LanguageModel>
  readonly ensembleMode?: EnsembleMode
}

/** The models and options of the named strategies. */
export interface NamedStrategyOptions {
  readonly local?: ReadonlyArray<LanguageModel>
  readonly cloud?: ReadonlyArray<LanguageModel>
  /** For AUTO: the plan from a router. Without one, AUTO behaves as LOCAL_FIRST. */
  readonly plan?: RoutedPlan
  /** LOCAL_FIRST: the longest wait for a local model's first token before going to cloud (default 10 s). */
  readonly localFirstTokenMs?: number
  /** LOCAL_FIRST: added to that wait for a local model whose info says `loaded: false` (default 30 s). */
  readonly loadTimeMs?: number
  /** ENSEMBLE: the mode (default VOTE). */
  readonly ensembleMode?: EnsembleMode
  readonly vote?: VoteOptions
  readonly chain?: ChainOptions
  /** CASCADE: the scorers (default: not empty or a refusal). */
  readonly scorers?: ReadonlyArray<Scorer>
  readonly fallback?: FallbackOptions
}

/**
 * The plan of a named strategy:
 * - LOCAL_ONLY: `fallback(local)`; CLOUD_ONLY: `fallback(cloud)`.
 * - LOCAL_FIRST: `fallback([...local each under timeout({ firstTokenMs }), ...cloud])`: cloud answers when local is
 *   unavailable, fails, or misses its first-token deadline (plus `loadTimeMs` for a model not loaded).
 * - CLOUD_FIRST: `fallback([...cloud, ...local])`.
 * - ENSEMBLE: VOTE `vote([...local, ...cloud])`; CHAIN `chain(first, second)` (draft local, review cloud when both
 *   exist); PARALLEL `race(all)`.
 * - PARALLEL: `race([...local, ...cloud])`.
 * - CASCADE: `cascade([...local, ...cloud])`, cheapest first.
 * - AUTO: the given routed plan's strategy over its models (split by kind); with none, LOCAL_FIRST.
 */
export const namedStrategy = (name: Strategy, options: NamedStrategyOptions): Plan => {
  const local = options.local ?? []
  const cloud = options.cloud ?? []
  const all = [...local, ...cloud]
  switch (name) {
    case "auto": {
      const plan = options.plan
      if (plan === undefined) return namedStrategy("local_first", options)
      return namedStrategy(plan.strategy, {
        ...options,
        local: plan.models.filter((m) => m.kind === "local"),
        cloud: plan.models.filter((m) => m.kind === "cloud"),
        ...(plan.ensembleMode !== undefined ? { ensembleMode: plan.ensembleMode } : {})
      })
    }
    case "local_only":
      return fallback(local, options.fallback)
    case "cloud_only":
      return fallback(cloud, options.fallback)
    case "local_first": {
      const firstTokenMs = options.localFirstTokenMs ?? 10_000
      const loadTimeMs = options.loadTimeMs ?? 30_000
      const guarded = local.map((model) => timeout(model, { firstTokenMs: firstTokenMs + (model.info?.loaded === false ? loadTimeMs : 0) }))
      return fallback([...guarded, ...cloud], options.fallback)
    }
    case "cloud_first":
      return fallback([...cloud, ...local], options.fallback)
    case "ensemble":
      switch (options.ensembleMode ?? "vote") {
        case "vote":
          return vote(all, options.vote)
        case "chain": {
          const drafter = local[0] ?? cloud[0]
          const reviewer = cloud[0] !== undefined && local.length > 0 ? cloud[0] : all[1] ?? drafter
          if (drafter === undefined || reviewer === undefined) return fallback([])
          return chain(drafter, reviewer, options.chain)
        }
        case "parallel":
          return race(all)
      }
      return fallback([])
    case "parallel":
      return race(all)
    case "cascade":
      return cascade(all, options.scorers !== undefined ? { scorers: options.scorers } : {})
  }
}
