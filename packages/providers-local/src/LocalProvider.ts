/**
 * LocalProvider: the configured local backends (Ollama, OpenAI-compatible servers, the embedded engine) as one
 * provider of kind `local`. Model ids name their backend (`ollama/llama3.2`, `vllm/Qwen2.5-7B`,
 * `llamacpp/stories260K`); `listModels` merges every available backend's list.
 */
import { groupProviders, invalidRequest, type Provider } from "@orch/provider"
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

/** Group already-built backends as one provider (the contract's `groupProviders`), with each backend's price. */
export const groupLocalBackends = (backends: ReadonlyArray<Provider & Priced>): LocalProvider => ({
  ...groupProviders({ name: "local", kind: "local", backends }),
  pricing: Object.fromEntries(backends.map((b) => [b.name, b.pricing]))
})

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
