/**
 * The cloud backends (OpenAI, Anthropic, Lightning AI) as one `Provider` of kind `cloud`. Model ids name their
 * backend: `openai/gpt-4o-mini`, `anthropic/claude-3-5-haiku-latest`, `lightning/openai/gpt-5`. A backend without
 * its key is not available and says which variable to set; the others work regardless.
 */
import { Config, Context, Effect, Layer } from "effect"
import type Anthropic from "@anthropic-ai/sdk"
import type { OpenAiCompatClient } from "@orch/openai-compat"
import {
  invalidRequest,
  parseModelId,
  type Availability,
  type LanguageModel,
  type ModelInfo,
  type Provider,
  type ProviderError
} from "@orch/provider"
import { listAnthropicModels, makeAnthropicClient } from "./AnthropicClient.ts"
import { AnthropicConfig, anthropicNames, type AnthropicOptions } from "./AnthropicConfig.ts"
import { makeAnthropicLanguageModel, validMaxTokens } from "./AnthropicLanguageModel.ts"
import { resolveBackend, type BackendSettings, type BackendState } from "./internal/BackendSettings.ts"
import { notConfigured } from "./internal/ModelCalls.ts"
import { makeLightningClient } from "./LightningClient.ts"
import { LightningConfig, lightningNames, type LightningOptions } from "./LightningConfig.ts"
import { makeLightningLanguageModel } from "./LightningLanguageModel.ts"
import { listChatCompletionsModels, makeOpenAiClient } from "./OpenAiClient.ts"
import { OpenAiConfig, openAiNames, type OpenAiOptions } from "./OpenAiConfig.ts"
import { makeOpenAiLanguageModel } from "./OpenAiLanguageModel.ts"

/** Options per backend; a backend without an `apiKey` is not available. */
export interface CloudProviderOptions {
  readonly openai?: OpenAiOptions
  readonly anthropic?: AnthropicOptions
  readonly lightning?: LightningOptions
}

/** The backends' names, in the order they are listed. */
export const cloudBackends = ["openai", "anthropic", "lightning"] as const

/** One of the cloud backends. */
export type CloudBackend = (typeof cloudBackends)[number]

/** A configured backend: how to make its models and list them. */
interface LiveBackend {
  readonly settings: BackendSettings
  readonly model: (name: string) => LanguageModel
  readonly listModels: Effect.Effect<ReadonlyArray<ModelInfo>, ProviderError>
}

const openAiBackend = (settings: BackendSettings): LiveBackend => {
  const client: OpenAiCompatClient = makeOpenAiClient(settings)
  return { settings, model: (name) => makeOpenAiLanguageModel(client, name), listModels: listChatCompletionsModels(client) }
}

const lightningBackend = (settings: BackendSettings): LiveBackend => {
  const client: OpenAiCompatClient = makeLightningClient(settings)
  return { settings, model: (name) => makeLightningLanguageModel(client, name), listModels: listChatCompletionsModels(client) }
}

const anthropicBackend = (settings: BackendSettings, defaultMaxTokens: number): LiveBackend => {
  const client: Anthropic = makeAnthropicClient(settings)
  return {
    settings,
    model: (name) => makeAnthropicLanguageModel({ client, settings, name, defaultMaxTokens }),
    listModels: listAnthropicModels(client, settings)
  }
}

/** A bare model name's backend, when its family says it. */
const backendOfBareName = (name: string): CloudBackend | undefined => {
  if (/^claude/i.test(name)) return "anthropic"
  if (/^(gpt-|o\d|chatgpt-)/i.test(name)) return "openai"
  return undefined
}

const reasonOf = (state: BackendState): string => (state.configured ? "configured" : state.reason)

const isCloudBackend = (name: string): name is CloudBackend => (cloudBackends as ReadonlyArray<string>).includes(name)

/**
 * The cloud provider for explicit options: the plain constructor, for callers that do not read the environment
 * through Effect `Config`. Makes no network call; clients are built once per configured backend.
 */
export const makeCloudProvider = (options: CloudProviderOptions = {}): Provider => {
  const states: Record<CloudBackend, BackendState> = {
    openai: resolveBackend(openAiNames, options.openai),
    anthropic: resolveBackend(anthropicNames, options.anthropic),
    lightning: resolveBackend(lightningNames, options.lightning)
  }
  const live: Partial<Record<CloudBackend, LiveBackend>> = {}
  for (const backend of cloudBackends) {
    const state = states[backend]
    if (!state.configured) continue
    live[backend] =
      backend === "anthropic"
        ? anthropicBackend(state.settings, validMaxTokens(options.anthropic?.defaultMaxTokens))
        : backend === "lightning"
          ? lightningBackend(state.settings)
          : openAiBackend(state.settings)
  }
  const configured = cloudBackends.filter((backend) => live[backend] !== undefined)

  const availability: Availability = {
    available: configured.length > 0,
    ...(configured.length === 0
      ? { reason: `no cloud backend is configured: ${cloudBackends.map((b) => `${b}: ${reasonOf(states[b])}`).join("; ")}` }
      : {}),
    backends: cloudBackends.map((backend) => {
      const state = states[backend]
      return state.configured ? { name: backend, available: true } : { name: backend, available: false, reason: state.reason }
    })
  }

  const listModels = Effect.gen(function*() {
    const results = yield* Effect.forEach(configured, (backend) => Effect.result((live[backend] as LiveBackend).listModels), { concurrency: "unbounded" })
    const models: Array<ModelInfo> = []
    const failures: Array<ProviderError> = []
    for (const result of results) {
      if (result._tag === "Success") models.push(...result.success)
      else failures.push(result.failure)
    }
    for (const failure of failures) yield* Effect.logWarning(`listing models failed: ${failure.toString()}`)
    const first = failures[0]
    if (first !== undefined && failures.length === configured.length) return yield* Effect.fail(first)
    return models
  }).pipe(Effect.withSpan("CloudProvider.listModels"))

  const model = (id: string): Effect.Effect<LanguageModel, ProviderError> =>
    Effect.suspend(() => {
      const parsed = parseModelId(id.trim())
      const explicit = parsed.backend
      if (explicit !== undefined && !isCloudBackend(explicit)) {
        return Effect.fail(invalidRequest([`unknown cloud backend "${explicit}" in "${id}": use ${cloudBackends.map((b) => `${b}/…`).join(", ")}`]))
      }
      const backend: CloudBackend | undefined = explicit ?? backendOfBareName(parsed.name) ?? (configured.length === 1 ? configured[0] : undefined)
      if (parsed.name.length === 0) return Effect.fail(invalidRequest([`the model id "${id}" has no model name`]))
      if (backend === undefined) {
        return Effect.fail(invalidRequest([`the model id "${id}" does not say its backend: write ${cloudBackends.map((b) => `${b}/${parsed.name}`).join(" or ")}`]))
      }
      const state = states[backend]
      const target = live[backend]
      if (!state.configured || target === undefined) {
        return Effect.fail(notConfigured(backend, parsed.name, state.configured ? "not configured" : state.reason))
      }
      return Effect.succeed(target.model(parsed.name))
    })

  return {
    name: "cloud",
    kind: "cloud",
    isAvailable: Effect.succeed(availability),
    listModels,
    model,
    close: Effect.void
  }
}

/** Each backend's options from the environment (`OPENAI_*`, `ANTHROPIC_*`, `LIGHTNING_*`), keys as `Redacted`. */
export const CloudProviderConfig: Config.Config<CloudProviderOptions> = Config.all({
  openai: OpenAiConfig,
  anthropic: AnthropicConfig,
  lightning: LightningConfig
})

/** Options from the environment, with explicit options taking precedence field by field. */
const mergedWithEnvironment = (overrides: CloudProviderOptions): Effect.Effect<CloudProviderOptions, Config.ConfigError> =>
  Effect.map(CloudProviderConfig, (environment) => ({
    openai: { ...environment.openai, ...overrides.openai },
    anthropic: { ...environment.anthropic, ...overrides.anthropic },
    lightning: { ...environment.lightning, ...overrides.lightning }
  }))

/** The cloud provider from the environment (and explicit options, which win). */
export const cloudProviderFromConfig = (overrides: CloudProviderOptions = {}): Effect.Effect<Provider, Config.ConfigError> =>
  Effect.map(mergedWithEnvironment(overrides), makeCloudProvider)

/**
 * The package's one `fromEnvironment`: the cloud provider configured from `OPENAI_*`, `ANTHROPIC_*`, `LIGHTNING_*`.
 * A backend without its key is unavailable, and `isAvailable`'s reason names the variable to set.
 */
export const cloudProviderFromEnvironment: Effect.Effect<Provider, Config.ConfigError> = Effect.suspend(() => cloudProviderFromConfig())

/** The cloud provider as a service, for apps that wire providers with layers. */
export class CloudProvider extends Context.Service<CloudProvider, Provider>()("@orch/providers-cloud/CloudProvider") {
  /** Configured from the environment at the layer edge; explicit options win over the environment. */
  static readonly layer = (overrides: CloudProviderOptions = {}): Layer.Layer<CloudProvider, Config.ConfigError> =>
    Layer.effect(CloudProvider, cloudProviderFromConfig(overrides))
  /** Configured from explicit options only; reads no environment. */
  static readonly layerWith = (options: CloudProviderOptions): Layer.Layer<CloudProvider> => Layer.succeed(CloudProvider, makeCloudProvider(options))
}
