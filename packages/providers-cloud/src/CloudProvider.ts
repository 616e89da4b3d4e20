/**
 * The cloud backends (OpenAI, Anthropic, Lightning AI) as one `Provider` of kind `cloud`. Model ids name their
 * backend: `openai/gpt-4o-mini`, `anthropic/claude-3-5-haiku-latest`, `lightning/openai/gpt-5`. A backend without
 * its key is not available and says which variable to set; the others work regardless.
 */
import { Config, Context, Effect, Layer } from "effect"
import type Anthropic from "@anthropic-ai/sdk"
import type { OpenAiCompatClient } from "@orch/openai-compat"
import {
  groupProviders,
  invalidRequest,
  parseModelId,
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
  readonly model: (name: string) => LanguageModel
  readonly listModels: Effect.Effect<ReadonlyArray<ModelInfo>, ProviderError>
}

const openAiBackend = (settings: BackendSettings): LiveBackend => {
  const client: OpenAiCompatClient = makeOpenAiClient(settings)
  return { model: (name) => makeOpenAiLanguageModel(client, name), listModels: listChatCompletionsModels(client) }
}

const lightningBackend = (settings: BackendSettings): LiveBackend => {
  const client: OpenAiCompatClient = makeLightningClient(settings)
  return { model: (name) => makeLightningLanguageModel(client, name), listModels: listChatCompletionsModels(client) }
}

const anthropicBackend = (settings: BackendSettings, defaultMaxTokens: number): LiveBackend => {
  const client: Anthropic = makeAnthropicClient(settings)
  return {
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

/**
 * One cloud backend as a `Provider`: when configured, its models and its listing; when not, unavailable with the
 * reason that names the fix ("set OPENAI_API_KEY"), and models whose calls fail at once with that reason.
 */
const backendProvider = (backend: CloudBackend, state: BackendState, live: LiveBackend | undefined): Provider => {
  const model = (id: string): Effect.Effect<LanguageModel, ProviderError> =>
    Effect.suspend(() => {
      const parsed = parseModelId(id.trim())
      const name = parsed.backend === backend ? parsed.name : id.trim()
      if (name.length === 0) return Effect.fail(invalidRequest([`the model id "${id}" has no model name`]))
      if (!state.configured || live === undefined) return Effect.fail(notConfigured(backend, name, state.configured ? "not configured" : state.reason))
      return Effect.succeed(live.model(name))
    })
  return {
    name: backend,
    kind: "cloud",
    isAvailable: Effect.succeed(state.configured ? { available: true } : { available: false, reason: state.reason }),
    listModels: live?.listModels ?? Effect.succeed([]),
    model
  }
}

/**
 * The cloud provider for explicit options: the plain constructor, for callers that do not read the environment
 * through Effect `Config`. The backends grouped the one way both provider packages group theirs. Makes no network
 * call; clients are built once per configured backend.
 */
export const makeCloudProvider = (options: CloudProviderOptions = {}): Provider => {
  const states: Record<CloudBackend, BackendState> = {
    openai: resolveBackend(openAiNames, options.openai),
    anthropic: resolveBackend(anthropicNames, options.anthropic),
    lightning: resolveBackend(lightningNames, options.lightning)
  }
  const backends = cloudBackends.map((backend) => {
    const state = states[backend]
    const live = !state.configured
      ? undefined
      : backend === "anthropic"
      ? anthropicBackend(state.settings, validMaxTokens(options.anthropic?.defaultMaxTokens))
      : backend === "lightning"
      ? lightningBackend(state.settings)
      : openAiBackend(state.settings)
    return backendProvider(backend, state, live)
  })
  const configured = cloudBackends.filter((backend) => states[backend].configured)
  return groupProviders({
    name: "cloud",
    kind: "cloud",
    backends,
    backendOfBareName: (name) => backendOfBareName(name) ?? (configured.length === 1 ? configured[0] : undefined)
  })
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
