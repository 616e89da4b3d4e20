/**
 * An OpenAI-compatible server as a `Provider`, through the `@orch/openai-compat` kit: models from `/v1/models` with
 * the context window where the server states it (vLLM and SGLang `max_model_len`, a llama.cpp server's `meta.n_ctx`
 * and `/props`, LM Studio's loaded context), whether each is loaded (a llama.cpp router's status, LM Studio's state)
 * and takes images (a llama.cpp server's `/props` modalities, LM Studio's model type), LM Studio's embedding models
 * left out (its `/v1/models` lists them beside chat models), short callable names for model file paths, configured
 * models that stay callable when the server does not list, and an availability probe (bounded, cached) that counts
 * any HTTP answer as "up" and names the fix when the server is down. Calls are streamed on the wire, so a cancelled
 * call stops the server's generation.
 */
import { invalidRequest, parseModelId, type ModelCapabilities, type ModelInfo, type Provider, type ProviderError } from "@orch/provider"
import {
  listServerModels,
  llamaServerProps,
  lmStudioModelDetails,
  makeOpenAiCompatClient,
  makeOpenAiCompatLanguageModel,
  resolveSettings,
  settingsProblem,
  type OpenAiCompatClient,
  type ServerModel,
  type ServerModelDetails
} from "@orch/openai-compat"
import { Effect } from "effect"
import { cachedAvailability } from "./internal/availability.ts"
import { freePricing, modelPricingOf, type Priced } from "./LocalPricing.ts"
import type { OpenAiCompatConfig } from "./OpenAiCompatConfig.ts"
import { openAiCompatPresets, type OpenAiCompatPreset } from "./OpenAiCompatPresets.ts"

/** An OpenAI-compatible backend: a `Provider` of kind `local` that also says what it costs. */
export interface OpenAiCompatProvider extends Provider, Priced {
  readonly client: OpenAiCompatClient
  /** The server's kind (its preset). */
  readonly preset: OpenAiCompatPreset
}

/** Build the provider of an OpenAI-compatible server. Makes no call until asked. */
export const makeOpenAiCompatProvider = Effect.fnUntraced(function*(config: OpenAiCompatConfig = {}) {
  const preset: OpenAiCompatPreset = openAiCompatPresets[config.preset ?? "vllm"]
  const name = config.name ?? preset.name
  const client = makeOpenAiCompatClient(resolveSettings({
    backend: name,
    baseUrl: config.baseUrl ?? preset.baseUrl,
    apiKey: config.apiKey,
    headers: config.headers,
    timeout: config.timeout,
    probeTimeout: config.probeTimeout,
    fetch: config.fetch
  }))
  const where = `${preset.title} "${name}" at ${client.settings.displayUrl}`
  const problem = settingsProblem(client.settings)
  const pricing = config.pricing ?? freePricing
  const perToken = modelPricingOf(pricing)
  /** What the last listing said, by callable name. */
  const known = new Map<string, ServerModel>()
  let serverWindow: number | undefined
  /** Whether the server takes images, where it says (a llama.cpp server's `/props`). */
  let serverVision: boolean | undefined
  /** What the server's own listing said of each model (LM Studio's `/api/v0/models`), by server id. */
  let details: ReadonlyMap<string, ServerModelDetails> = new Map()
  const detailsOf = (modelName: string): ServerModelDetails | undefined => details.get(known.get(modelName)?.serverId ?? modelName)
  const isEmbedding = (model: ServerModel): boolean => /^embeddings?$/i.test(details.get(model.serverId)?.type ?? "")

  // Any HTTP answer means the server is up (some hosts do not list: 404); only a transport failure means down.
  const probe = client.getJson("models").pipe(
    Effect.catchIf((error: ProviderError) => error.status !== undefined, () => Effect.void)
  )
  const checked: Effect.Effect<unknown, ProviderError | "invalid"> = problem === undefined ? probe : Effect.fail("invalid" as const)
  const isAvailable = yield* cachedAvailability(checked, { ttl: config.availabilityTtl ?? "5 seconds", timeout: config.probeTimeout ?? "3 seconds" }, (error) =>
    error === "invalid"
      ? `${problem ?? "invalid settings"} (set it to the server's API root, e.g. ${preset.baseUrl})`
      : error === "timeout"
      ? `${where} did not answer in time (start the server, or set its base URL)`
      : `${where} is not reachable: ${error.reason._tag} (start the server, or set its base URL)`)

  const windowOf = (modelName: string): number | undefined =>
    known.get(modelName)?.contextWindow ?? detailsOf(modelName)?.contextWindow ?? serverWindow ?? config.contextWindow

  /**
   * What the server says a model can take: images per LM Studio's model type (`vlm` or `llm`), or per a llama.cpp
   * server's `modalities.vision`; nothing when it does not say (the capability is then unknown, not refused).
   */
  const capabilitiesOf = (modelName: string): ModelCapabilities | undefined => {
    const type = detailsOf(modelName)?.type
    const images = type === "vlm" ? true : type === "llm" ? false : serverVision
    return images === undefined ? undefined : { images }
  }

  const infoOf = (modelName: string): ModelInfo => {
    const window = windowOf(modelName)
    const loaded = detailsOf(modelName)?.loaded ?? known.get(modelName)?.loaded
    const capabilities = capabilitiesOf(modelName)
    return {
      id: `${name}/${modelName}`,
      name: modelName,
      provider: name,
      kind: "local",
      ...(window !== undefined ? { contextWindow: window } : {}),
      ...(loaded !== undefined ? { loaded } : {}),
      ...(capabilities !== undefined ? { capabilities } : {}),
      ...(perToken !== undefined ? { pricing: perToken } : {})
    }
  }

  const configured = config.models ?? []
  const listModels: Effect.Effect<ReadonlyArray<ModelInfo>, ProviderError> = Effect.gen(function*() {
    // The listing and the server's advisory details are asked for side by side: a slow server costs one wait, not three.
    const [listed, props, modelDetails] = yield* Effect.all([
      Effect.result(listServerModels(client)),
      preset.propsWindow === true ? Effect.map(llamaServerProps(client), (p) => p as typeof p | undefined) : Effect.succeed(undefined),
      preset.modelDetails === true ? Effect.map(lmStudioModelDetails(client), (d) => d as typeof d | undefined) : Effect.succeed(undefined)
    ], { concurrency: "unbounded" })
    if (props !== undefined) {
      serverWindow = props.contextWindow
      serverVision = props.vision
    }
    if (modelDetails !== undefined) details = modelDetails
    if (listed._tag === "Failure") {
      if (configured.length === 0) return yield* Effect.fail(listed.failure)
      yield* Effect.logWarning(`${where}: listing models failed (${listed.failure.reason._tag}); using the configured models`)
    } else {
      for (const entry of listed.success) known.set(entry.name, entry)
    }
    // A model the server calls an embedding model cannot answer a chat call: it is not offered (unless configured).
    const chat = listed._tag === "Success" ? listed.success.filter((m) => !isEmbedding(m)).map((m) => m.name) : []
    const names = [...new Set([...chat, ...configured])]
    return names.map(infoOf)
  }).pipe(Effect.withSpan("OpenAiCompatProvider.listModels"))

  const model = (id: string) => {
    const parsed = parseModelId(id)
    const modelName = parsed.backend === name ? parsed.name : id
    if (modelName.trim() === "") return Effect.fail(invalidRequest(["the model id is empty"], { provider: name }))
    return Effect.succeed(makeOpenAiCompatLanguageModel(client, {
      name: modelName,
      wireName: () => known.get(modelName)?.serverId,
      kind: "local",
      spanPrefix: "OpenAiCompatLanguageModel",
      ...(config.streamUsage !== undefined ? { streamUsage: config.streamUsage } : preset.streamUsage !== undefined ? { streamUsage: preset.streamUsage } : {}),
      ...(config.thinkTags !== undefined ? { thinkTags: config.thinkTags } : {}),
      contextWindow: () => windowOf(modelName),
      info: infoOf(modelName)
    }))
  }

  const provider: OpenAiCompatProvider = { name, kind: "local", isAvailable, listModels, model, pricing, client, preset }
  return provider
})
