/**
 * The one way to group backends as a provider: both provider packages (local servers and the embedded engine; the
 * cloud services) are each a group of `Provider`s, one per backend. The group is available when any backend is, and
 * says each backend's reason (which names the fix); it lists the models of the available backends (one failing
 * listing does not hide the others); it routes `backend/name` to that backend, and a bare name to the backend its
 * family names or to the only backend.
 */
import { Effect } from "effect"
import type { ModelInfo, ProviderKind } from "./Model.ts"
import { parseModelId } from "./Model.ts"
import type { Availability, Provider } from "./Provider.ts"
import { invalidRequest, providerError, type ProviderError } from "./ProviderError.ts"

/** How to group backends. */
export interface ProviderGroupOptions<P extends Provider> {
  /** The group's name (`local`, `cloud`). */
  readonly name: string
  readonly kind: ProviderKind
  /** The backends, each a `Provider` named as its model ids are prefixed. */
  readonly backends: ReadonlyArray<P>
  /** The backend of a model id without a `backend/` prefix, when it can be told (`claude-…` is Anthropic's). */
  readonly backendOfBareName?: (name: string) => string | undefined
}

/** A group of backends: a `Provider` that also exposes its backends. */
export interface ProviderGroup<P extends Provider> extends Provider {
  readonly backends: ReadonlyArray<P>
}

/** Group backends as one provider (see the module comment). Makes no call. */
export const groupProviders = <P extends Provider>(options: ProviderGroupOptions<P>): ProviderGroup<P> => {
  const { backends, name } = options
  const byName = new Map(backends.map((b) => [b.name, b]))
  const names = backends.map((b) => b.name)

  const isAvailable: Effect.Effect<Availability> = Effect.map(
    Effect.forEach(backends, (b) => Effect.map(b.isAvailable, (a) => ({ name: b.name, available: a.available, ...(a.reason !== undefined ? { reason: a.reason } : {}) })), { concurrency: "unbounded" }),
    (states): Availability => {
      const available = states.some((s) => s.available)
      const reason = backends.length === 0 ? `no ${name} backend is configured` : `no ${name} backend is available: ${states.map((s) => `${s.name}: ${s.reason ?? "unavailable"}`).join("; ")}`
      return { available, ...(available ? {} : { reason }), backends: states }
    }
  )

  const listModels: Effect.Effect<ReadonlyArray<ModelInfo>, ProviderError> = Effect.gen(function*() {
    const lists = yield* Effect.forEach(backends, (b) =>
      Effect.flatMap(b.isAvailable, (a) => (a.available ? Effect.result(b.listModels) : Effect.succeed(undefined))), { concurrency: "unbounded" })
    const models: Array<ModelInfo> = []
    const failures: Array<ProviderError> = []
    for (const list of lists) {
      if (list === undefined) continue
      if (list._tag === "Success") models.push(...list.success)
      else failures.push(list.failure)
    }
    for (const failure of failures) yield* Effect.logWarning(`listing models failed: ${failure.toString()}`)
    const first = failures[0]
    if (models.length === 0 && first !== undefined && failures.length === lists.filter((l) => l !== undefined).length) return yield* Effect.fail(first)
    return models
  }).pipe(Effect.withSpan(`ProviderGroup.listModels`, { attributes: { group: name } }))

  const model = (id: string) => {
    const parsed = parseModelId(id.trim())
    if (parsed.backend !== undefined) {
      const backend = byName.get(parsed.backend)
      if (backend !== undefined) return backend.model(id.trim())
      return Effect.fail(providerError({ _tag: "ModelNotFound", modelId: id }, `No ${name} backend is named '${parsed.backend}' (configured: ${names.join(", ") || "none"})`, { provider: name }))
    }
    const chosen = options.backendOfBareName?.(parsed.name) ?? (backends.length === 1 ? names[0] : undefined)
    const backend = chosen === undefined ? undefined : byName.get(chosen)
    if (backend !== undefined) return backend.model(`${backend.name}/${parsed.name}`)
    return Effect.fail(invalidRequest([`the model id "${id}" does not say its backend: write ${names.map((n) => `${n}/${parsed.name}`).join(" or ") || "backend/name"}`], { provider: name }))
  }

  const close = Effect.forEach(backends, (b) => b.close ?? Effect.void, { discard: true })
  return { name, kind: options.kind, isAvailable, listModels, model, close, backends }
}
