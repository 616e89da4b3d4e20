/**
 * The Ollama backend as a `Provider`: models from `/api/tags`, with `loaded` from `/api/ps` (routing prefers a
 * loaded model, since loading one can take many seconds), and an availability probe cached for a short TTL.
 */
import { invalidRequest, parseModelId, type ModelInfo, type Provider, type ProviderError } from "@orch/provider"
import { Effect } from "effect"
import { cachedAvailability } from "./internal/availability.ts"
import { failWith } from "./internal/errors.ts"
import { freePricing, modelPricingOf, type Priced } from "./LocalPricing.ts"
import { makeOllamaClient, type OllamaClient } from "./OllamaClient.ts"
import type { OllamaConfig } from "./OllamaConfig.ts"
import { makeOllamaLanguageModel } from "./OllamaLanguageModel.ts"

/** The Ollama backend: a `Provider` of kind `local` that also says what it costs. */
export interface OllamaProvider extends Provider, Priced {
  readonly client: OllamaClient
}

/** Build the Ollama provider. Makes no call until asked. */
export const makeOllamaProvider = Effect.fnUntraced(function*(config: OllamaConfig = {}) {
  const name = config.name ?? "ollama"
  const client = makeOllamaClient(config)
  const pricing = config.pricing ?? freePricing
  const perToken = modelPricingOf(pricing)
  const isAvailable = yield* cachedAvailability(client.list, { ttl: config.availabilityTtl ?? "5 seconds", timeout: config.probeTimeout ?? "2 seconds" }, (error) =>
    error === "timeout" ? `Ollama at ${client.host} did not answer in time` : `Ollama at ${client.host} is not reachable (start it with \`ollama serve\` or set OLLAMA_HOST)`)

  const listModels: Effect.Effect<ReadonlyArray<ModelInfo>, ProviderError> = Effect.gen(function*() {
    const [tags, running] = yield* Effect.all([client.list, Effect.option(client.ps)], { concurrency: 2 }).pipe(Effect.catch(failWith({ provider: name })))
    const loaded = running._tag === "Some" ? new Set((running.value.models ?? []).map((m) => m.name || m.model)) : undefined
    return (tags.models ?? []).map((m): ModelInfo => {
      const modelName = m.name || m.model
      return {
        id: `${name}/${modelName}`,
        name: modelName,
        provider: name,
        kind: "local",
        ...(loaded !== undefined ? { loaded: loaded.has(modelName) } : {}),
        ...(typeof m.size === "number" ? { sizeBytes: m.size } : {}),
        ...(perToken !== undefined ? { pricing: perToken } : {})
      }
    })
  }).pipe(Effect.withSpan("OllamaProvider.listModels"))

  const model = (id: string) => {
    const parsed = parseModelId(id)
    const modelName = parsed.backend === name ? parsed.name : id
    if (modelName.trim() === "") return Effect.fail(invalidRequest(["the model id is empty"], { provider: name }))
    return Effect.succeed(makeOllamaLanguageModel(client, modelName, {
      backend: name,
      ...(config.keepAlive !== undefined ? { keepAlive: config.keepAlive } : {}),
      info: { id: `${name}/${modelName}`, name: modelName, provider: name, kind: "local", ...(perToken !== undefined ? { pricing: perToken } : {}) }
    }))
  }

  const provider: OllamaProvider = { name, kind: "local", isAvailable, listModels, model, pricing, client }
  return provider
})
