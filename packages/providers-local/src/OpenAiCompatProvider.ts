/**
 * An OpenAI-compatible server (vLLM by default) as a `Provider`: models from `/v1/models` (with vLLM's
 * `max_model_len` as the context window), and an availability probe cached for a short TTL.
 */
import { invalidRequest, parseModelId, type ModelInfo, type Provider, type ProviderError } from "@orch/provider"
import { Effect } from "effect"
import { cachedAvailability } from "./internal/availability.ts"
import { failWith } from "./internal/errors.ts"
import { freePricing, modelPricingOf, type Priced } from "./LocalPricing.ts"
import { makeOpenAiCompatClient, type OpenAiCompatClient } from "./OpenAiCompatClient.ts"
import type { OpenAiCompatConfig } from "./OpenAiCompatConfig.ts"
import { makeOpenAiCompatLanguageModel } from "./OpenAiCompatLanguageModel.ts"

/** An OpenAI-compatible backend: a `Provider` of kind `local` that also says what it costs. */
export interface OpenAiCompatProvider extends Provider, Priced {
  readonly client: OpenAiCompatClient
}

/** Build the provider of an OpenAI-compatible server. Makes no call until asked. */
export const makeOpenAiCompatProvider = Effect.fnUntraced(function*(config: OpenAiCompatConfig = {}) {
  const name = config.name ?? "vllm"
  const client = makeOpenAiCompatClient(config)
  const pricing = config.pricing ?? freePricing
  const perToken = modelPricingOf(pricing)
  const isAvailable = yield* cachedAvailability(client.models, { ttl: config.availabilityTtl ?? "5 seconds", timeout: config.probeTimeout ?? "2 seconds" }, (error) =>
    error === "timeout" ? `${name} at ${client.baseURL} did not answer in time` : `${name} at ${client.baseURL} is not reachable (start the server or set its base URL)`)

  const infoOf = (modelName: string, contextWindow?: number): ModelInfo => ({
    id: `${name}/${modelName}`,
    name: modelName,
    provider: name,
    kind: "local",
    ...(contextWindow !== undefined ? { contextWindow } : {}),
    ...(perToken !== undefined ? { pricing: perToken } : {})
  })

  const listModels: Effect.Effect<ReadonlyArray<ModelInfo>, ProviderError> = client.models.pipe(
    Effect.catch(failWith({ provider: name, secrets: client.secrets })),
    Effect.map((models) => models.map((m) => infoOf(m.id, typeof m.max_model_len === "number" ? m.max_model_len : undefined))),
    Effect.withSpan("OpenAiCompatProvider.listModels")
  )

  const model = (id: string) => {
    const parsed = parseModelId(id)
    const modelName = parsed.backend === name ? parsed.name : id
    if (modelName.trim() === "") return Effect.fail(invalidRequest(["the model id is empty"], { provider: name }))
    return Effect.succeed(makeOpenAiCompatLanguageModel(client, modelName, {
      backend: name,
      ...(config.streamUsage !== undefined ? { streamUsage: config.streamUsage } : {}),
      info: infoOf(modelName)
    }))
  }

  const provider: OpenAiCompatProvider = { name, kind: "local", isAvailable, listModels, model, pricing, client }
  return provider
})
