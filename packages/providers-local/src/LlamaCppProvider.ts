/**
 * The embedded llama.cpp engine as a `Provider`: one model, available when it loads (the load happens once and is
 * shared), listed with its context size and whether it is in memory.
 */
import { providerError, parseModelId, type ModelInfo, type Provider, type ProviderError } from "@orch/provider"
import { Effect } from "effect"
import { cachedAvailability } from "./internal/availability.ts"
import { makeLlamaCppClient, type LlamaCppClient } from "./LlamaCppClient.ts"
import type { LlamaCppConfig } from "./LlamaCppConfig.ts"
import { makeLlamaCppLanguageModel } from "./LlamaCppLanguageModel.ts"
import { freePricing, modelPricingOf, type Priced } from "./LocalPricing.ts"

/** The embedded backend: a `Provider` of kind `local` that also says what it costs. */
export interface LlamaCppProvider extends Provider, Priced {
  readonly client: LlamaCppClient
}

/** Build the embedded provider. Loads nothing until asked (`isAvailable`, `listModels` or a call load the model). */
export const makeLlamaCppProvider = Effect.fnUntraced(function*(config: LlamaCppConfig) {
  const name = config.name ?? "llamacpp"
  const client = yield* makeLlamaCppClient(config)
  const pricing = config.pricing ?? freePricing
  const perToken = modelPricingOf(pricing)
  const baseInfo: ModelInfo = {
    id: `${name}/${client.modelName}`,
    name: client.modelName,
    provider: name,
    kind: "local",
    ...(perToken !== undefined ? { pricing: perToken } : {})
  }
  const isAvailable = yield* cachedAvailability(client.load, { ttl: "30 seconds", timeout: "10 minutes" }, (error) =>
    error === "timeout" ? "The embedded model did not load in time" : error.message)

  let contextWindow: number | undefined
  const listModels: Effect.Effect<ReadonlyArray<ModelInfo>, ProviderError> = Effect.map(client.load, (info) => (contextWindow = info.contextSize, [{
    ...baseInfo,
    contextWindow: info.contextSize,
    loaded: true,
    sizeBytes: info.sizeBytes
  }]))

  const languageModel = makeLlamaCppLanguageModel(client, { backend: name, info: baseInfo, contextWindow: () => contextWindow })
  const model = (id: string) => {
    const parsed = parseModelId(id)
    const modelName = parsed.backend === name ? parsed.name : id
    return modelName === client.modelName
      ? Effect.succeed(languageModel)
      : Effect.fail(providerError({ _tag: "ModelNotFound", modelId: id }, `The embedded engine serves only ${baseInfo.id}`, { provider: name, model: modelName }))
  }

  const provider: LlamaCppProvider = { name, kind: "local", isAvailable, listModels, model, pricing, client, close: client.close }
  return provider
})
