/**
 * The Ollama backend as a `Provider`: models from `/api/tags`, with `loaded` from `/api/ps` (routing prefers a
 * loaded model, since loading one can take many seconds) and the context window from `/api/show` (the `num_ctx`
 * the model is served with, else its trained context length: what the model can take, which routing checks), every
 * call bounded by a short timeout; the context `/api/ps` says a loaded model runs with is kept apart, for the
 * model's own check that a prompt fits it before sending (Ollama would cut it silently); and an
 * availability probe cached for a short TTL whose reason names the fix. A model whose `/api/show` capabilities lack
 * `completion` (an embedding model) is not listed: it cannot chat. A model Ollama runs on another host (its cloud
 * models: `remote_host` in the listing, or a `:cloud`/`-cloud` tag, which it proxies to ollama.com) is of kind
 * `cloud`, and so is every model of Ollama's cloud API itself (`host: "https://ollama.com"`). A listing whose
 * `models` is not a list fails as MalformedResponse; an `/api/ps` that is not one leaves `loaded` unknown. A name
 * without a tag is its `:latest`, as Ollama resolves it.
 */
import { invalidRequest, parseModelId, providerError, type ModelCapabilities, type ModelInfo, type Provider, type ProviderError } from "@orch/provider"
import { Effect } from "effect"
import { cachedAvailability } from "./internal/availability.ts"
import { freePricing, modelPricingOf, type Priced } from "./LocalPricing.ts"
import { isOllamaCloudHost, makeOllamaClient, type OllamaClient } from "./OllamaClient.ts"
import type { OllamaConfig } from "./OllamaConfig.ts"
import { makeOllamaLanguageModel } from "./OllamaLanguageModel.ts"

/** The Ollama backend: a `Provider` of kind `local` that also says what it costs. */
export interface OllamaProvider extends Provider, Priced {
  readonly client: OllamaClient
}

type Json = Record<string, unknown>
const record = (u: unknown): Json | undefined => (typeof u === "object" && u !== null && !Array.isArray(u) ? (u as Json) : undefined)
/** The `models` list of an `/api/tags` or `/api/ps` answer (`null` is Go's empty list), or undefined when it is not one. */
const listOf = (body: unknown): ReadonlyArray<unknown> | undefined => {
  const models = record(body)?.models
  return models === null ? [] : Array.isArray(models) ? models : undefined
}
/** Whether a listed model or a `/api/show` answer says Ollama runs the model on another host (`remote_host`, `remote_model`). */
const isRemote = (u: unknown): boolean => {
  const body = record(u)
  return (typeof body?.remote_host === "string" && body.remote_host !== "") || (typeof body?.remote_model === "string" && body.remote_model !== "")
}
/** The name Ollama lists a model by: a name without a tag is its `:latest` (`llama3.2` is `llama3.2:latest`). */
export const ollamaModelKey = (modelName: string): string => (/:[^/]*$/.test(modelName) ? modelName : `${modelName}:latest`)

/**
 * Whether a model name is one Ollama sends to its cloud whatever is pulled: a tag `cloud` or ending in `-cloud`
 * (`glm-4.6:cloud`, `gpt-oss:120b-cloud`, `gpt-oss:20b:cloud`), as its model reference parser reads names.
 */
export const isOllamaCloudName = (modelName: string): boolean => /:(?:[^:/]*-)?cloud$/i.test(modelName.trim())
const positive = (u: unknown): number | undefined => (typeof u === "number" && Number.isSafeInteger(u) && u > 0 ? u : undefined)

/** The context window `/api/show` states: `num_ctx` in the parameters, else `<architecture>.context_length`. */
export const ollamaContextWindow = (show: unknown): number | undefined => {
  const body = record(show)
  if (body === undefined) return undefined
  const parameters = typeof body.parameters === "string" ? body.parameters : ""
  const numCtx = Number(/(?:^|\n)\s*num_ctx\s+(\d+)/.exec(parameters)?.[1])
  if (Number.isSafeInteger(numCtx) && numCtx > 0) return numCtx
  const info = record(body.model_info) ?? {}
  const architecture = typeof info["general.architecture"] === "string" ? info["general.architecture"] : undefined
  if (architecture !== undefined) {
    const stated = positive(info[`${architecture}.context_length`])
    if (stated !== undefined) return stated
  }
  const any = Object.entries(info).find(([key]) => key.endsWith(".context_length"))
  return any === undefined ? undefined : positive(any[1])
}

/** Whether `/api/show` says the model cannot chat: it lists capabilities and `completion` is not one (embedding models). */
export const ollamaCannotChat = (show: unknown): boolean => {
  const listed = record(show)?.capabilities
  return Array.isArray(listed) && listed.length > 0 && !listed.includes("completion")
}

/**
 * What `/api/show` says a model can do (`capabilities`: `tools`, `vision`, `thinking`), or undefined when it does not
 * say. Every Ollama model takes a JSON schema (`format`); none takes files.
 */
export const ollamaCapabilities = (show: unknown): ModelCapabilities | undefined => {
  const listed = record(show)?.capabilities
  if (!Array.isArray(listed)) return undefined
  const has = (name: string) => listed.includes(name)
  return { tools: has("tools"), images: has("vision"), files: false, jsonSchema: true, reasoning: has("thinking") }
}

/** Build the Ollama provider. Makes no call until asked. */
export const makeOllamaProvider = Effect.fnUntraced(function*(config: OllamaConfig = {}) {
  const name = config.name ?? "ollama"
  const client = makeOllamaClient(config, name)
  const pricing = config.pricing ?? freePricing
  const perToken = modelPricingOf(pricing)
  const windows = new Map<string, number>()
  const capabilities = new Map<string, ModelCapabilities>()
  /** The context each model was last run with (`/api/ps` `context_length`): what Ollama fits a prompt to. */
  const served = new Map<string, number>()
  /**
   * Models Ollama runs elsewhere (`remote_host`/`remote_model` in `/api/tags` or `/api/show`: its cloud models, such as
   * `gpt-oss:120b-cloud`): the prompt leaves the machine, so they are of kind `cloud` (LOCAL_ONLY never picks them).
   */
  const remote = new Set<string>()
  const cloudHost = isOllamaCloudHost(client.host)
  const kindOf = (modelName: string): "cloud" | "local" => (cloudHost || remote.has(ollamaModelKey(modelName)) || isOllamaCloudName(modelName) ? "cloud" : "local")
  /** Models `/api/show` says cannot chat (embedding models): never listed for routing. */
  const chatless = new Set<string>()
  const isAvailable = yield* cachedAvailability(client.list, { ttl: config.availabilityTtl ?? "5 seconds", timeout: config.probeTimeout ?? "3 seconds" }, (error) =>
    error === "timeout"
      ? `Ollama at ${client.host} did not answer in time (start it with \`ollama serve\`, or set OLLAMA_HOST to where it runs)`
      : error.reason._tag === "Authentication" || error.reason._tag === "PermissionDenied"
      ? `Ollama at ${client.host} refused the request (HTTP ${error.status ?? "?"}): give it credentials (OLLAMA_API_KEY for ollama.com, or the headers of the proxy in front of it)`
      : error.status !== undefined
      ? `Ollama at ${client.host} answered /api/tags with HTTP ${error.status} (${error.reason._tag}): is OLLAMA_HOST the address of an Ollama server (not its OpenAI-compatible /v1, nor a proxy's wrong path)?`
      : `Ollama at ${client.host} is not reachable: ${error.reason._tag} (start it with \`ollama serve\`, or set OLLAMA_HOST to where it runs)`)

  // Every map is keyed by `ollamaModelKey`: a name and its `:latest` are one model.
  const windowOf = (modelName: string): Effect.Effect<number | undefined> => {
    const key = ollamaModelKey(modelName)
    const known = windows.get(key)
    if (known !== undefined) return Effect.succeed(known)
    return client.show(modelName).pipe(
      Effect.tap((show) => Effect.sync(() => {
        const can = ollamaCapabilities(show)
        if (can !== undefined) capabilities.set(key, can)
        if (ollamaCannotChat(show)) chatless.add(key)
        if (isRemote(show)) remote.add(key)
      })),
      Effect.map(ollamaContextWindow),
      Effect.tap((window) => Effect.sync(() => { if (window !== undefined) windows.set(key, window) })),
      Effect.orElseSucceed(() => undefined)
    )
  }

  // What the listing learned, for a model named as listed or without its `:latest`.
  const infoOf = (modelName: string): ModelInfo => {
    const key = ollamaModelKey(modelName)
    // The window the model can take, not the context it last ran with (often Ollama's default 4096): a route's output
    // allowance (4096 for code) would otherwise rule a loaded model out of every call once it has served one.
    const window = windows.get(key)
    const can = capabilities.get(key)
    return {
      id: `${name}/${modelName}`,
      name: modelName,
      provider: name,
      kind: kindOf(modelName),
      ...(window !== undefined ? { contextWindow: window } : {}),
      ...(can !== undefined ? { capabilities: can } : {}),
      ...(perToken !== undefined ? { pricing: perToken } : {})
    }
  }

  const listModels: Effect.Effect<ReadonlyArray<ModelInfo>, ProviderError> = Effect.gen(function*() {
    const [tags, running] = yield* Effect.all([client.list, Effect.option(client.ps)], { concurrency: 2 })
    const pulled = listOf(tags)
    if (pulled === undefined) return yield* Effect.fail(providerError({ _tag: "MalformedResponse" }, `Ollama at ${client.host} answered /api/tags without a list of models`, { provider: name }))
    const runningList = running._tag === "Some" ? listOf(running.value) : undefined
    const loaded = runningList !== undefined ? new Set(runningList.map((m) => ollamaModelKey(String(record(m)?.name ?? record(m)?.model ?? "")))) : undefined
    for (const m of runningList ?? []) {
      const runningName = record(m)?.name ?? record(m)?.model
      const window = positive(record(m)?.context_length)
      if (typeof runningName === "string" && window !== undefined) served.set(ollamaModelKey(runningName), window)
    }
    const entries = pulled.flatMap((m) => {
      const modelName = record(m)?.name ?? record(m)?.model
      if (typeof modelName !== "string" || modelName === "") return []
      if (isRemote(m)) remote.add(ollamaModelKey(modelName))
      return [{ modelName, size: record(m)?.size }]
    })
    yield* Effect.forEach(entries, (entry) => windowOf(entry.modelName), { concurrency: 4, discard: true })
    return entries.filter(({ modelName }) => !chatless.has(ollamaModelKey(modelName))).map(({ modelName, size }): ModelInfo => ({
      ...infoOf(modelName),
      ...(loaded !== undefined ? { loaded: loaded.has(ollamaModelKey(modelName)) } : {}),
      ...(typeof size === "number" ? { sizeBytes: size } : {})
    }))
  }).pipe(Effect.withSpan("OllamaProvider.listModels"))

  const model = (id: string) => {
    const parsed = parseModelId(id)
    const modelName = parsed.backend === name ? parsed.name : id
    if (modelName.trim() === "") return Effect.fail(invalidRequest(["the model id is empty"], { provider: name }))
    return Effect.succeed(makeOllamaLanguageModel(client, modelName, {
      backend: name,
      ...(config.keepAlive !== undefined ? { keepAlive: config.keepAlive } : {}),
      ...(config.thinkTags !== undefined ? { thinkTags: config.thinkTags } : {}),
      contextWindow: () => windows.get(ollamaModelKey(modelName)),
      servedWindow: () => served.get(ollamaModelKey(modelName)),
      kind: kindOf(modelName),
      info: infoOf(modelName)
    }))
  }

  const provider: OllamaProvider = { name, kind: "local", isAvailable, listModels, model, pricing, client }
  return provider
})
