/**
 * The models the orchestrator can call: the providers it was given, which of them are available, their models
 * (cached for a few seconds, so a request does not probe every server), and the resolution of a model id to a
 * `LanguageModel` value. Each provider's probe and listing is bounded (a server that accepts the connection and
 * never answers is reported as such), and a refresh runs in the catalog's own fiber: a caller whose deadline passes
 * stops waiting, while the refresh goes on and its result serves the next calls.
 */
import { type Availability, type LanguageModel, type ModelInfo, parseModelId, providerError, type Provider, type ProviderError } from "@orch/provider"
import { Clock, Deferred, Duration, Effect, type Scope } from "effect"

/** One provider's state, for `orch providers` and for errors that name the fix. */
export interface ProviderStatus {
  readonly name: string
  readonly kind: Provider["kind"]
  readonly availability: Availability
  readonly models: ReadonlyArray<ModelInfo>
  /** Why listing the models failed, when it did. */
  readonly listError?: string
}

/** The catalog of models over a set of providers. */
export interface ModelCatalog {
  readonly providers: ReadonlyArray<Provider>
  /** Every provider's availability and models (cached). */
  readonly status: Effect.Effect<ReadonlyArray<ProviderStatus>>
  /** The models of the available providers (cached). */
  readonly available: Effect.Effect<ReadonlyArray<ModelInfo>>
  /** The model for an id (`backend/name`); ModelNotFound, naming the models there are, when no provider has it. */
  readonly resolve: (id: string) => Effect.Effect<LanguageModel, ProviderError>
  /**
   * The models for ids already resolved against the cached status while it is fresh at `nowMs`, looked up at once;
   * `undefined` when any is not (then `resolve` each). A long list costs a lookup per id, nothing more.
   */
  readonly resolvedNow: (ids: ReadonlyArray<string>, nowMs: number) => ReadonlyArray<LanguageModel> | undefined
  /** Forget the cached status (after a provider came up or went down). */
  readonly refresh: Effect.Effect<void>
}

/** How long a provider's availability and model list are reused. */
export const defaultCatalogTtl = Duration.seconds(5)

/** The longest wait for one provider's availability probe and model listing together, by default. */
export const defaultProbeLimit = Duration.seconds(120)

const statusOf = (provider: Provider, limitMs: number): Effect.Effect<ProviderStatus> => {
  const probe = Effect.gen(function*() {
    const availability = yield* provider.isAvailable
    if (!availability.available) return { name: provider.name, kind: provider.kind, availability, models: [] }
    const listed = yield* Effect.result(provider.listModels)
    return listed._tag === "Success"
      ? { name: provider.name, kind: provider.kind, availability, models: listed.success }
      : { name: provider.name, kind: provider.kind, availability, models: [], listError: listed.failure.message }
  })
  return Effect.timeoutOrElse(probe, {
    duration: limitMs,
    orElse: () => {
      const reason = `${provider.name} did not answer its availability probe or model listing within ${limitMs} ms (the server accepted the connection or is slow; check it is healthy)`
      return Effect.succeed<ProviderStatus>({ name: provider.name, kind: provider.kind, availability: { available: false, reason }, models: [], listError: reason })
    }
  })
}

/**
 * A value refreshed in the background fiber of `scope` and reused for `ttlMs`: callers wait (interruptibly) for the
 * refresh in flight, and one that stops waiting does not stop it.
 */
const backgroundCache = <A>(refresh: Effect.Effect<A>, ttlMs: number, scope: Scope.Scope) => {
  let current: { readonly value: A; readonly at: number } | undefined
  let inFlight: Deferred.Deferred<A> | undefined
  const get: Effect.Effect<A> = Effect.flatMap(Clock.currentTimeMillis, (now) => {
    if (current !== undefined && now - current.at < ttlMs) return Effect.succeed(current.value)
    if (inFlight !== undefined) return Deferred.await(inFlight)
    const done = Deferred.makeUnsafe<A>()
    inFlight = done
    const run = Effect.flatMap(refresh, (value) =>
      Effect.flatMap(Clock.currentTimeMillis, (at) => {
        if (inFlight === done) {
          current = { value, at }
          inFlight = undefined
        }
        return Deferred.succeed(done, value)
      }))
    return Effect.andThen(Effect.forkIn(run, scope, { startImmediately: true }), Deferred.await(done))
  })
  const invalidate = Effect.sync(() => {
    current = undefined
    inFlight = undefined
  })
  return { get, invalidate, peek: () => current?.value, fresh: (nowMs: number) => (current !== undefined && nowMs - current.at < ttlMs ? current.value : undefined) }
}

/** A catalog over the providers, caching their status for `ttl`, each provider's probe bounded by `probeLimit`. */
export const makeModelCatalog = (
  providers: ReadonlyArray<Provider>,
  ttl: Duration.Input = defaultCatalogTtl,
  probeLimit: Duration.Input = defaultProbeLimit
): Effect.Effect<ModelCatalog, never, Scope.Scope> =>
  Effect.gen(function*() {
    const limitMs = Duration.toMillis(Duration.fromInputUnsafe(probeLimit))
    const scope = yield* Effect.scope
    const cache = backgroundCache(Effect.forEach(providers, (p) => statusOf(p, limitMs), { concurrency: "unbounded" }), Duration.toMillis(Duration.fromInputUnsafe(ttl)), scope)
    const cachedStatus = cache.get
    const invalidate = cache.invalidate
    // The models of the cached status, listed once per status.
    let availableFor: ReadonlyArray<ProviderStatus> | undefined
    let availableModels: ReadonlyArray<ModelInfo> = []
    const available = Effect.map(cachedStatus, (all) => {
      if (availableFor !== all) {
        availableFor = all
        availableModels = all.flatMap((s) => s.models)
      }
      return availableModels
    })
    // Resolved models, reused while the status they were resolved against is the cached one.
    let resolvedFor: ReadonlyArray<ProviderStatus> | undefined
    const resolved = new Map<string, LanguageModel>()

    const resolve = (id: string): Effect.Effect<LanguageModel, ProviderError> =>
      Effect.flatMap(cachedStatus, (statuses) => {
        if (resolvedFor !== statuses) {
          resolvedFor = statuses
          resolved.clear()
        }
        const known = resolved.get(id)
        if (known !== undefined) return Effect.succeed(known)
        return Effect.tap(resolveUncached(id, statuses), (model) => Effect.sync(() => resolved.set(id, model)))
      })

    const resolveUncached = (id: string, statuses: ReadonlyArray<ProviderStatus>): Effect.Effect<LanguageModel, ProviderError> =>
      Effect.gen(function*() {
        const listed = statuses.flatMap((s) => s.models)
        const notListed = (backend: string) => {
          const ofBackend = listed.filter((m) => m.provider === backend).map((m) => m.id)
          return providerError(
            { _tag: "ModelNotFound", modelId: id },
            `${backend} has no model "${id.slice(backend.length + 1)}"${backend === "ollama" ? ` (pull it: ollama pull ${id.slice(backend.length + 1)})` : ""}${ofBackend.length > 0 ? `; it lists: ${ofBackend.slice(0, 12).join(", ")}${ofBackend.length > 12 ? ", ..." : ""}` : ""}`,
            { provider: backend, model: id.slice(backend.length + 1) }
          )
        }
        const { backend } = parseModelId(id)
        if (backend === undefined) {
          // A bare name: the one listed model of that name, wherever it is.
          const matches = listed.filter((m) => m.name === id)
          if (matches.length === 1) return yield* resolve(matches[0]!.id)
          return yield* Effect.fail(providerError(
            { _tag: "ModelNotFound", modelId: id },
            matches.length > 1
              ? `"${id}" is served by several backends: name one of ${matches.map((m) => m.id).join(", ")}`
              : `No listed model is named "${id}": give it as backend/name (e.g. ollama/${id} or openai/${id})${listed.length > 0 ? `; available: ${listed.slice(0, 12).map((m) => m.id).join(", ")}` : ""}`
          ))
        }
        // A backend that listed its models and does not list this one would answer 404: say so without sending.
        if (listed.some((m) => m.provider === backend) && !listed.some((m) => m.id === id)) return yield* Effect.fail(notListed(backend))
        const owner = statuses.findIndex((s) => s.models.some((m) => m.id === id))
        const order = owner >= 0 ? [providers[owner]!, ...providers.filter((_, i) => i !== owner)] : providers
        const errors: Array<ProviderError> = []
        for (const provider of order) {
          const found = yield* Effect.result(provider.model(id))
          if (found._tag === "Success") {
            const info = statuses.flatMap((s) => s.models).find((m) => m.id === id)
            return info !== undefined && found.success.info === undefined ? { ...found.success, info } : found.success
          }
          errors.push(found.failure)
        }
        const known = statuses.flatMap((s) => s.models.map((m) => m.id))
        const authError = errors.find((e) => e.reason._tag === "Authentication" || e.reason._tag === "Unavailable")
        if (authError !== undefined) return yield* Effect.fail(authError)
        return yield* Effect.fail(providerError(
          { _tag: "ModelNotFound", modelId: id },
          providers.length === 0
            ? `No provider is configured, so model "${id}" cannot be called`
            : `No provider serves model "${id}"${known.length > 0 ? `; available: ${known.slice(0, 12).join(", ")}${known.length > 12 ? ", ..." : ""}` : ""}`
        ))
      })

    const resolvedNow = (ids: ReadonlyArray<string>, nowMs: number): ReadonlyArray<LanguageModel> | undefined => {
      const statuses = cache.fresh(nowMs)
      if (statuses === undefined || statuses !== resolvedFor) return undefined
      const models: Array<LanguageModel> = []
      for (const id of ids) {
        const model = resolved.get(id)
        if (model === undefined) return undefined
        models.push(model)
      }
      return models
    }

    return { providers, status: cachedStatus, available, resolve, resolvedNow, refresh: Effect.andThen(invalidate, Effect.sync(() => resolved.clear())) }
  })
