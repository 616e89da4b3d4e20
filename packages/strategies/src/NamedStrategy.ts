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
import type { Plan, Step } from "./Plan.ts"
import { race } from "./Race.ts"
import { retry } from "./Retry.ts"
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

const parseEnum = <T extends Record<string, string>>(table: T, what: string) => {
  const values = Object.values(table) as unknown as ReadonlyArray<T[keyof T]>
  // Every spelling seen maps to its parsed result, so a name is read once (the table is small and fixed).
  const known = new Map<string, Effect.Effect<T[keyof T], ProviderError>>(values.map((value) => [value, Effect.succeed(value)]))
  return (input: string): Effect.Effect<T[keyof T], ProviderError> => {
    const exact = known.get(input)
    if (exact !== undefined) return exact
    const key = input.trim().toLowerCase().replace(/-/g, "_")
    const found = values.find((value) => value === key)
    if (found === undefined) return Effect.fail(invalidRequest([`unknown ${what} "${input.slice(0, 40)}": use one of ${values.join(", ")}`]))
    const parsed = Effect.succeed(found)
    if (known.size < 256) known.set(input, parsed)
    return parsed
  }
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
  /** Retries of each cloud model on retryable errors before moving on (default 0; local models are not retried). */
  readonly cloudRetries?: number
  /**
   * In the strategies that try models one after another (LOCAL_FIRST, CLOUD_FIRST, LOCAL_ONLY, CLOUD_ONLY, CASCADE),
   * the longest wait for each model's first token before the next is tried: every model but the last (LOCAL_FIRST's
   * local models keep their own limit). Default none.
   */
  readonly attemptFirstTokenMs?: number
}

/** The drafter and reviewer of CHAIN: draft locally and review in the cloud when both exist, else the first two. */
export const chainPair = (local: ReadonlyArray<LanguageModel>, cloud: ReadonlyArray<LanguageModel>): readonly [LanguageModel, LanguageModel] | undefined => {
  const all = [...local, ...cloud]
  const drafter = local[0] ?? cloud[0]
  const reviewer = cloud[0] !== undefined && local.length > 0 ? cloud[0] : all[1] ?? drafter
  return drafter === undefined || reviewer === undefined ? undefined : [drafter, reviewer]
}

/** Retryable errors but a missed first token: a stalled model is left for the next one, not tried again. */
const retryable = (error: ProviderError): boolean =>
  error.isRetryable && !(error.reason._tag === "Timeout" && error.reason.phase === "first-token")

/** A model with its cloud retries: each retry is an attempt of its own, with role "retry". */
const retried = (model: LanguageModel, options: NamedStrategyOptions): Step => {
  const times = model.kind === "cloud" ? options.cloudRetries ?? 0 : 0
  return times > 0 ? retry(model, { times, while: retryable }) : model
}

/**
 * Models tried one after another, in order: each with its retries, and every one but the last under the stall limit
 * (`attemptFirstTokenMs`) unless `keepOwn` says it has a first-token limit of its own.
 */
const sequence = (models: ReadonlyArray<LanguageModel>, options: NamedStrategyOptions, keepOwn: (model: LanguageModel) => boolean = () => false): ReadonlyArray<Step> =>
  models.map((model, index) => {
    const limit = options.attemptFirstTokenMs
    const limited = limit !== undefined && index !== models.length - 1 && !keepOwn(model)
    const times = model.kind === "cloud" ? options.cloudRetries ?? 0 : 0
    return kept(model, `${times}|${limited ? limit : "-"}`, () => {
      const step = retried(model, options)
      return limited ? timeout(step, { firstTokenMs: limit }) : step
    })
  })

/**
 * The steps of each model, kept with the model (plans are values: nothing in them belongs to one call), so a call
 * builds no plan for a model it has seen with the same retries and limit, and a long list costs a lookup a model.
 */
const keptSteps = new WeakMap<LanguageModel, Map<string, Step>>()
const kept = (model: LanguageModel, key: string, make: () => Step): Step => {
  let steps = keptSteps.get(model)
  if (steps === undefined) {
    steps = new Map()
    keptSteps.set(model, steps)
  }
  let step = steps.get(key)
  if (step === undefined) {
    step = make()
    if (steps.size < 64) steps.set(key, step)
  }
  return step
}

/**
 * The plan of a named strategy:
 * In the sequential ones, cloud models are retried `cloudRetries` times and every model but the last gets the stall
 * limit `attemptFirstTokenMs`.
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
      return fallback(sequence(local, options), options.fallback)
    case "cloud_only":
      return fallback(sequence(cloud, options), options.fallback)
    case "local_first": {
      const firstTokenMs = options.localFirstTokenMs ?? 10_000
      const loadTimeMs = options.loadTimeMs ?? 30_000
      const ordered = sequence([...local, ...cloud], options, (model) => model.kind === "local")
      const steps = ordered.map((step, index) => {
        const model = index < local.length ? local[index] : undefined
        return model === undefined ? step : timeout(step, { firstTokenMs: firstTokenMs + (model.info?.loaded === false ? loadTimeMs : 0) })
      })
      return fallback(steps, options.fallback)
    }
    case "cloud_first":
      return fallback(sequence([...cloud, ...local], options), options.fallback)
    case "ensemble":
      switch (options.ensembleMode ?? "vote") {
        case "vote":
          return vote(all, options.vote)
        case "chain": {
          const pair = chainPair(local, cloud)
          return pair === undefined ? fallback([]) : chain(pair[0], pair[1], options.chain)
        }
        case "parallel":
          return race(all)
      }
      return fallback([])
    case "parallel":
      return race(all)
    case "cascade":
      return cascade(sequence(all, options), options.scorers !== undefined ? { scorers: options.scorers } : {})
  }
}
