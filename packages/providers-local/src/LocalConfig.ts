/**
 * The layer edge: the local provider's configuration read from the environment with Effect `Config`
 * (`OLLAMA_HOST`, `VLLM_BASE_URL`, `VLLM_API_KEY` as `Redacted`, `ORCH_LLAMA_MODEL`, `ORCH_LLAMA_THREADS`).
 */
import { Config, Effect, Option } from "effect"
import { defaultOllamaHost } from "./OllamaConfig.ts"
import { defaultVllmBaseUrl } from "./OpenAiCompatConfig.ts"
import { makeLocalProvider, type LocalProviderConfig } from "./LocalProvider.ts"

/**
 * The config read from the environment: Ollama and vLLM at their addresses (defaults when unset; an absent server
 * is simply unavailable), and the embedded engine when `ORCH_LLAMA_MODEL` names a model.
 */
export const localProviderConfig: Config.Config<LocalProviderConfig> = Config.all({
  ollamaHost: Config.String("OLLAMA_HOST").pipe(Config.withDefault(defaultOllamaHost)),
  vllmBaseUrl: Config.String("VLLM_BASE_URL").pipe(Config.withDefault(defaultVllmBaseUrl)),
  vllmApiKey: Config.option(Config.Redacted("VLLM_API_KEY")),
  llamaModel: Config.option(Config.String("ORCH_LLAMA_MODEL")),
  llamaThreads: Config.option(Config.Int("ORCH_LLAMA_THREADS"))
}).pipe(Config.map((env): LocalProviderConfig => ({
  ollama: { host: env.ollamaHost },
  openAiCompatible: [{ baseURL: env.vllmBaseUrl, ...(Option.isSome(env.vllmApiKey) ? { apiKey: env.vllmApiKey.value } : {}) }],
  ...(Option.isSome(env.llamaModel) && env.llamaModel.value.trim() !== ""
    ? { llamaCpp: { model: env.llamaModel.value, ...(Option.isSome(env.llamaThreads) ? { threads: env.llamaThreads.value } : {}) } }
    : {})
})))

/** The local provider configured from the environment. */
export const localProviderFromEnv = Effect.flatMap(localProviderConfig, makeLocalProvider)
