/**
 * The layer edge: the local provider's configuration read from the environment with Effect `Config`.
 * - `OLLAMA_HOST`: Ollama's address (default `http://127.0.0.1:11434`; credentials in it are used, never printed).
 *   `OLLAMA_API_KEY`: the key of Ollama's cloud API, sent when `OLLAMA_HOST` is `ollama.com` (and to no other host).
 * - `VLLM_BASE_URL`, `VLLM_API_KEY`: the vLLM server (`vllm/<model>`; default `http://127.0.0.1:8000/v1`).
 * - `ORCH_SERVERS`: more OpenAI-compatible servers at once, named, comma separated: `name`, `name=url` or
 *   `name=preset+url`, e.g. `lmstudio, llama-server=http://127.0.0.1:8080/v1, gpu=vllm+http://10.0.0.5:8000/v1`.
 *   A name that is a preset (`vllm`, `llama-server`, `lmstudio`, `ollama-openai`, `sglang`) takes its defaults.
 *   Each server's key, when it wants one: `ORCH_SERVER_<NAME>_API_KEY` (`ORCH_SERVER_GPU_API_KEY`), as `Redacted`.
 * - `ORCH_LLAMA_MODEL`, `ORCH_LLAMA_THREADS`: the embedded engine (`llamacpp/<model>`), when a model is named.
 */
import { Config, Effect, Option, type Redacted } from "effect"
import { defaultOllamaHost } from "./OllamaConfig.ts"
import type { OpenAiCompatConfig } from "./OpenAiCompatConfig.ts"
import type { openAiCompatPresets } from "./OpenAiCompatPresets.ts";
import { isOpenAiCompatPreset } from "./OpenAiCompatPresets.ts"
import { makeLocalProvider, type LocalProviderConfig } from "./LocalProvider.ts"

/** One entry of `ORCH_SERVERS`, parsed. */
export interface ServerEntry {
  readonly name: string
  readonly preset?: keyof typeof openAiCompatPresets
  readonly baseUrl?: string
}

/** A backend name as ids can carry it: lower case, letters, digits, `.`, `_` and `-`. */
const backendName = (text: string): string => text.trim().toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "")

/** Parse `ORCH_SERVERS` (see the module comment). */
export const parseServers = (text: string): ReadonlyArray<ServerEntry> =>
  text.split(/[,\s]+/).filter((part) => part.trim() !== "").map((part): ServerEntry => {
    const at = part.indexOf("=")
    const name = backendName(at < 0 ? part : part.slice(0, at))
    const value = at < 0 ? "" : part.slice(at + 1).trim()
    const plus = /^([a-z][a-z0-9.-]*)\+(.+)$/i.exec(value)
    const presetName = plus?.[1]?.toLowerCase() ?? name
    const baseUrl = plus?.[2] ?? value
    return {
      name,
      ...(isOpenAiCompatPreset(presetName) ? { preset: presetName } : {}),
      ...(baseUrl !== "" ? { baseUrl } : {})
    }
  })

/** The variable of a server's key: `ORCH_SERVER_<NAME>_API_KEY`. */
export const serverKeyVariable = (name: string): string => `ORCH_SERVER_${name.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}_API_KEY`

const serversConfig: Config.Config<ReadonlyArray<OpenAiCompatConfig>> = Config.String("ORCH_SERVERS").pipe(
  Config.withDefault(""),
  Config.flatMap((text) => {
    const entries = parseServers(text)
    return Config.map(
      Config.all(entries.map((entry) => Config.option(Config.Redacted(serverKeyVariable(entry.name))))),
      (keys) => entries.map((entry, index): OpenAiCompatConfig => {
        const key = keys[index] as Option.Option<Redacted.Redacted<string>> | undefined
        return {
          name: entry.name,
          ...(entry.preset !== undefined ? { preset: entry.preset } : {}),
          ...(entry.baseUrl !== undefined ? { baseUrl: entry.baseUrl } : {}),
          ...(key !== undefined && Option.isSome(key) ? { apiKey: key.value } : {})
        }
      })
    )
  })
)

/**
 * The config read from the environment: Ollama and vLLM at their addresses (defaults when unset; an absent server
 * is simply unavailable), the servers of `ORCH_SERVERS`, and the embedded engine when `ORCH_LLAMA_MODEL` names a model.
 */
export const localProviderConfig: Config.Config<LocalProviderConfig> = Config.all({
  ollamaHost: Config.String("OLLAMA_HOST").pipe(Config.withDefault(defaultOllamaHost)),
  ollamaApiKey: Config.option(Config.Redacted("OLLAMA_API_KEY")),
  vllmBaseUrl: Config.option(Config.String("VLLM_BASE_URL")),
  vllmApiKey: Config.option(Config.Redacted("VLLM_API_KEY")),
  servers: serversConfig,
  llamaModel: Config.option(Config.String("ORCH_LLAMA_MODEL")),
  llamaThreads: Config.option(Config.Int("ORCH_LLAMA_THREADS"))
}).pipe(Config.map((env): LocalProviderConfig => {
  const vllm: OpenAiCompatConfig = {
    preset: "vllm",
    ...(Option.isSome(env.vllmBaseUrl) && env.vllmBaseUrl.value.trim() !== "" ? { baseUrl: env.vllmBaseUrl.value } : {}),
    ...(Option.isSome(env.vllmApiKey) ? { apiKey: env.vllmApiKey.value } : {})
  }
  const servers = env.servers.some((s) => s.name === "vllm") ? env.servers : [vllm, ...env.servers]
  return {
    ollama: { host: env.ollamaHost, ...(Option.isSome(env.ollamaApiKey) ? { apiKey: env.ollamaApiKey.value } : {}) },
    openAiCompatible: servers,
    ...(Option.isSome(env.llamaModel) && env.llamaModel.value.trim() !== ""
      ? { llamaCpp: { model: env.llamaModel.value, ...(Option.isSome(env.llamaThreads) ? { threads: env.llamaThreads.value } : {}) } }
      : {})
  }
}))

/** The local provider configured from the environment: the package's one `fromEnvironment`. */
export const localProviderFromEnvironment = Effect.flatMap(localProviderConfig, makeLocalProvider)

/** @deprecated the same as `localProviderFromEnvironment`. */
export const localProviderFromEnv = localProviderFromEnvironment
