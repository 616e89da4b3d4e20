/**
 * LocalProvider: the configured local backends (Ollama, OpenAI-compatible servers, the embedded engine) as one
 * provider of kind `local`. Model ids name their backend (`ollama/llama3.2`, `vllm/Qwen2.5-7B`,
 * `llamacpp/stories260K`); `listModels` merges every available backend's list.
 */
import { invalidRequest, parseModelId, providerError, type Availability, type ModelInfo, type Provider, type ProviderError } from "@orch/provider"
import { Effect } from "effect"
import type { LlamaCppConfig } from "./LlamaCppConfig.ts"
import { makeLlamaCppProvider } from "./LlamaCppProvider.ts"
import type { LocalPricing, Priced } from "./LocalPricing.ts"
import type { OllamaConfig } from "./OllamaConfig.ts"
import { makeOllamaProvider } from "./OllamaProvider.ts"
import type { OpenAiCompatConfig } from "./OpenAiCompatConfig.ts"
import { makeOpenAiCompatProvider } from "./OpenAiCompatProvider.ts"

/** Which local backends to use. Leave one out to not use it. */
export interface LocalProviderConfig {
  readonly ollama?: OllamaConfig
  /** OpenAI-compatible servers (vLLM, llama.cpp server, LM Studio, Ollama's `/v1`, ...); each needs a distinct `name`. */
  readonly openAiCompatible?: ReadonlyArray<OpenAiCompatConfig>
  readonly llamaCpp?: LlamaCppConfig
}

/** The grouped provider: a `Provider` of kind `local`, its backends, and each backend's price. */
export interface LocalProvider extends Provider {
  readonly backends: ReadonlyArray<Provider & Priced>
  /** Each backend's price by backend name (per-hour prices are for the cost tracker to apply). */
  readonly pricing: Readonly<Record<string, LocalPricing>>
}

/** Group already-built backends as one provider. */
export const groupLocalBackends = (backends: ReadonlyArray<Provider & Priced>): LocalProvider => {
  const byName = new Map(backends.map((b) => [b.name, b]))
  const names = backends.map((b) => b.name)

  const isAvailable: Effect.Effect<Availability> = Effect.map(
    Effect.forEach(backends, (b) => Effect.map(b.isAvailable, (a) => ({ name: b.name, ...a })), { concurrency: "unbounded" }),
    (states): Availability => {
      const available = states.some((s) => s.available)
      const reason = backends.length === 0 ? "no local backend is configured" : states.map((s) => `${s.name}: ${s.reason ?? "unavailable"}`).join("; ")
      return { available, ...(available ? {} : { reason }), backends: states }
    }
  )

  const listModels: Effect.Effect<ReadonlyArray<ModelInfo>, ProviderError> = Effect.gen(function*() {
    const lists = yield* Effect.forEach(backends, (b) =>
      Effect.flatMap(b.isAvailable, (a) => a.available ? Effect.result(b.listModels) : Effect.succeed(undefined)), { concurrency: "unbounded" })
    const models: Array<ModelInfo> = []
    const failures: Array<ProviderError> = []
    for (const list of lists) {
      if (list === undefined) continue
      if (list._tag === "Success") models.push(...list.success)
      else failures.push(list.failure)
    }
    const firstFailure = failures[0]
    if (models.length === 0 && firstFailure !== undefined && failures.length === lists.filter((l) => l !== undefined).length) return yield* Effect.fail(firstFailure)
    return models
  })

  const model = (id: string) => {
    const parsed = parseModelId(id)
    const backend = parsed.backend !== undefined ? byName.get(parsed.backend) : undefined
    if (backend !== undefined) return backend.model(id)
    const only = backends.length === 1 ? backends[0] : undefined
    if (parsed.backend === undefined && only !== undefined) return only.model(id)
    if (parsed.backend === undefined) {
      return Effect.fail(invalidRequest([`name the backend in the model id (${names.map((n) => `${n}/<model>`).join(", ") || "no backend is configured"})`], { provider: "local" }))
    }
    return Effect.fail(providerError({ _tag: "ModelNotFound", modelId: id }, `No local backend is named '${parsed.backend}' (configured: ${names.join(", ") || "none"})`, { provider: "local" }))
  }

  const close = Effect.forEach(backends, (b) => b.close ?? Effect.void, { discard: true })
  return { name: "local", kind: "local", isAvailable, listModels, model, close, backends, pricing: Object.fromEntries(backends.map((b) => [b.name, b.pricing])) }
}

/** Build the local provider from a config. Makes no call and loads no model until asked. */
export const makeLocalProvider = Effect.fnUntraced(function*(config: LocalProviderConfig) {
  const backends: Array<Provider & Priced> = []
  if (config.ollama !== undefined) backends.push(yield* makeOllamaProvider(config.ollama))
  for (const server of config.openAiCompatible ?? []) backends.push(yield* makeOpenAiCompatProvider(server))
  if (config.llamaCpp !== undefined) backends.push(yield* makeLlamaCppProvider(config.llamaCpp))
  const seen = new Set<string>()
  for (const b of backends) {
    if (seen.has(b.name)) return yield* Effect.fail(invalidRequest([`two local backends are named '${b.name}': give each OpenAI-compatible server its own name (ORCH_SERVERS=name=url,...)`], { provider: "local" }))
    seen.add(b.name)
  }
  return groupLocalBackends(backends)
})
