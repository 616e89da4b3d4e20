/**
 * The orchestrator from the environment: `getOrchestrator()` reads the variables of DESIGN.md at the layer edge
 * (`ORCH_STRATEGY`, `ORCH_BUDGET_USD`, `ORCH_COST_DB`, `ORCH_DEADLINE_MS`, `ORCH_DEFAULT_MAX_TOKENS`), and uses the
 * provider packages that are installed, each configured by its own `fromEnvironment` (the providers read their own
 * variables, and say what to set in `Availability.reason`). It never throws at import time and calls no network
 * until used.
 */
import { invalidRequest, type Provider, type ProviderError } from "@orch/provider"
import { parseStrategy } from "@orch/strategies"
import { Config, ConfigProvider, Effect, Layer, Option } from "effect"
import { ModelOrchestrator } from "./ModelOrchestrator.ts"
import type { OrchestratorOptions } from "./OrchestratorOptions.ts"
import { onLogLayer, type Orchestrator, orchestratorFromLayer } from "./PromiseOrchestrator.ts"

/** What `getOrchestrator` may be given instead of, or on top of, the environment. */
export interface EnvironmentOptions extends Partial<OrchestratorOptions> {
  /** Variables to read instead of `process.env` (tests, config files). */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Extra providers, added after the ones found from the environment. */
  readonly extraProviders?: ReadonlyArray<Provider>
}

/** The provider packages `getOrchestrator` looks for, and the `fromEnvironment` each exports. */
const providerPackages = [
  { name: "@orch/providers-local", factory: "localProviderFromEnvironment", kind: "local" },
  { name: "@orch/providers-cloud", factory: "cloudProviderFromEnvironment", kind: "cloud" }
] as const

/** A provider package, if installed (a dynamic import by name, so installing the core pulls in no SDK). */
const importOptional = (name: string): Effect.Effect<Record<string, unknown> | undefined> =>
  Effect.tryPromise({
    try: () => import(/* @vite-ignore */ name) as Promise<Record<string, unknown>>,
    catch: (cause) => cause
  }).pipe(
    Effect.catch((cause) => {
      const code = (cause as { code?: string }).code
      const missing = (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && String((cause as Error).message).includes(name)
      return missing ? Effect.succeed(undefined) : Effect.die(cause)
    })
  )

const EnvironmentSettings = Config.all({
  strategy: Config.option(Config.String("ORCH_STRATEGY")),
  budgetUsd: Config.option(Config.String("ORCH_BUDGET_USD")),
  costDb: Config.option(Config.String("ORCH_COST_DB")),
  deadlineMs: Config.option(Config.String("ORCH_DEADLINE_MS")),
  defaultMaxTokens: Config.option(Config.String("ORCH_DEFAULT_MAX_TOKENS"))
})

/** A decimal number as people write one (`0.5`, `120000`, `1e3`); `Number` would also read `0x10`, `0b11` and `0o7`. */
const decimalNumber = /^\s*\+?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/

const positiveNumber = (name: string, text: string): Effect.Effect<number, ProviderError> => {
  const value = decimalNumber.test(text) ? Number(text) : Number.NaN
  return Number.isFinite(value) && value > 0
    ? Effect.succeed(value)
    : Effect.fail(invalidRequest([`${name} must be a positive decimal number, not "${text.slice(0, 40)}"`]))
}

const wholeNumber = (name: string, text: string): Effect.Effect<number, ProviderError> => {
  const value = /^\s*\+?\d+\s*$/.test(text) ? Number(text) : Number.NaN
  return Number.isSafeInteger(value) && value > 0
    ? Effect.succeed(value)
    : Effect.fail(invalidRequest([`${name} must be a whole number above 0, not "${text.slice(0, 40)}"`]))
}

/**
 * The orchestrator options from the environment and the installed provider packages, validated: an unknown
 * strategy, a bad budget, or a strategy that needs a kind of provider that cannot be configured is an
 * InvalidRequest that names the fix.
 */
export const optionsFromEnvironment = (options: EnvironmentOptions = {}): Effect.Effect<OrchestratorOptions, ProviderError> =>
  Effect.catchDefect(readEnvironment(options), (defect) =>
    // Options that are not an object, or a provider whose probe throws: a typed error, never a bare TypeError.
    Effect.fail(invalidRequest([`the orchestrator's configuration could not be read (${defect instanceof Error ? defect.message.slice(0, 160) : "a value threw"})`])))

const readEnvironment = (options: EnvironmentOptions): Effect.Effect<OrchestratorOptions, ProviderError> =>
  Effect.gen(function*() {
    if (typeof options !== "object" || options === null || Array.isArray(options)) {
      return yield* Effect.fail(invalidRequest([`getOrchestrator takes an object of options (or nothing), not ${options === null ? "null" : Array.isArray(options) ? "an array" : typeof options}`]))
    }
    const env = options.env ?? process.env
    const configProvider = ConfigProvider.fromUnknown(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)))
    const withEnv = <A, E>(self: Effect.Effect<A, E>) => Effect.provide(self, ConfigProvider.layer(configProvider))
    const settings = yield* withEnv(EnvironmentSettings).pipe(
      Effect.mapError((error) => invalidRequest([`environment: ${String(error.message ?? error)}`]))
    )
    const providers: Array<Provider> = []
    const notes: Array<string> = []
    for (const pkg of providerPackages) {
      const module = yield* importOptional(pkg.name)
      if (module === undefined) { notes.push(`${pkg.name} is not installed`); continue }
      const factory = module[pkg.factory]
      const make = (typeof factory === "function" ? (factory as () => unknown)() : factory) as Effect.Effect<Provider, unknown>
      const provider = yield* withEnv(make).pipe(
        Effect.mapError((error) => invalidRequest([`${pkg.name}: ${String((error as { message?: string }).message ?? error)}`]))
      )
      providers.push(provider)
    }
    providers.push(...(options.extraProviders ?? []))
    const strategy = options.strategy ?? Option.getOrUndefined(settings.strategy) ?? "auto"
    const parsed = yield* parseStrategy(strategy)
    const hasLocalPackage = providers.some((p) => p.kind === "local")
    if (parsed === "local_only" && !hasLocalPackage) {
      return yield* Effect.fail(invalidRequest([`LOCAL_ONLY needs a local provider; none is configured: install @orch/providers-local${notes.length > 0 ? ` (${notes.join("; ")})` : ""}`]))
    }
    if (parsed === "cloud_only") {
      // A cloud provider's availability makes no call; its reason names what to set.
      const cloud = providers.filter((p) => p.kind === "cloud")
      const states = yield* Effect.forEach(cloud, (p) => p.isAvailable)
      if (!states.some((state) => state.available)) {
        const reasons = states.flatMap((state) => (state.reason !== undefined ? [state.reason] : []))
        return yield* Effect.fail(invalidRequest([`CLOUD_ONLY needs a cloud provider; none is configured: ${cloud.length === 0 ? "install @orch/providers-cloud" : reasons.join("; ") || "no cloud backend is available"}`]))
      }
    }
    const budget = Option.isSome(settings.budgetUsd) ? yield* positiveNumber("ORCH_BUDGET_USD", settings.budgetUsd.value) : undefined
    const deadline = Option.isSome(settings.deadlineMs) ? yield* positiveNumber("ORCH_DEADLINE_MS", settings.deadlineMs.value) : undefined
    const defaultMaxTokens = Option.isSome(settings.defaultMaxTokens) ? yield* wholeNumber("ORCH_DEFAULT_MAX_TOKENS", settings.defaultMaxTokens.value) : undefined
    const { env: _env, extraProviders: _extra, ...explicit } = options
    return {
      strategy,
      ...(budget !== undefined ? { budgetUsd: budget } : {}),
      ...(deadline !== undefined ? { deadlineMs: deadline } : {}),
      ...(Option.isSome(settings.costDb) && settings.costDb.value.trim() !== "" ? { ledger: { type: "sqlite" as const, path: settings.costDb.value } } : {}),
      ...explicit,
      // The output limit a call without maxTokens is reserved at under a hard budget (and sent with); explicit cost
      // options keep theirs, and cost options that are not an object are left as given, for the options check to refuse.
      ...(defaultMaxTokens !== undefined && (explicit.costs === undefined || isPlainObject(explicit.costs))
        ? { costs: { defaultMaxOutputTokens: defaultMaxTokens, ...explicit.costs } }
        : {}),
      providers: [...(explicit.providers ?? []), ...providers]
    }
  })

/** Whether a value is a plain object (not null, not an array). */
const isPlainObject = (value: unknown): boolean => typeof value === "object" && value !== null && !Array.isArray(value)

/** The orchestrator layer from the environment (see `optionsFromEnvironment`). */
export const layerFromEnvironment = (options: EnvironmentOptions = {}): Layer.Layer<ModelOrchestrator, ProviderError> =>
  Layer.unwrap(Effect.map(optionsFromEnvironment(options), ModelOrchestrator.layer))

/**
 * An orchestrator for Promise users, from explicit options, the environment, and the provider packages that are
 * installed. Rejects with an InvalidRequest that names the fix when the configuration cannot work.
 */
export const getOrchestrator = async (options: EnvironmentOptions = {}): Promise<Orchestrator> => {
  // Its log lines go to `onLog` or nowhere, as createOrchestrator's do (a library prints nothing).
  const logger = onLogLayer(options)
  const resolved = await Effect.runPromise(optionsFromEnvironment(options).pipe(Effect.provide(logger)))
  return orchestratorFromLayer(ModelOrchestrator.layer(resolved).pipe(Layer.provideMerge(logger)))
}
