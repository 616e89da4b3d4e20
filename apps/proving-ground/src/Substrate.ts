/**
 * The system under test, wired for one scenario: the real provider packages pointed at loopback wire servers that
 * speak OpenAI, Anthropic, Ollama or vLLM (OpenAI-compatible), and the real orchestrator over them.
 */
import { createOrchestrator, type Orchestrator, type OrchestratorOptions } from "@orch/core"
import type { Provider } from "@orch/provider"
import { makeCloudProvider } from "@orch/providers-cloud"
import { makeLocalProvider } from "@orch/providers-local"
import { startWireServer, unusedPortUrl, type WireServer } from "@orch/testing"
import { Effect, Redacted } from "effect"

/** A key planted in every provider: it must never show up in an error, a log or the ledger. */
export const canaryKey = "sk-canary-PG-5e1b7c9d3a0f42e8b6"

/** The provider wire formats the proving ground covers. */
export const wireFormats = ["openai", "anthropic", "ollama", "vllm"] as const
/** One provider wire format. */
export type WireFormat = (typeof wireFormats)[number]

/** Whether a wire format is served by a local backend. */
export const isLocalFormat = (format: WireFormat): boolean => format === "ollama" || format === "vllm"

/** The model each format's server lists, and the generation path it answers on. */
export const formatModel: Readonly<Record<WireFormat, { readonly model: string; readonly path: string; readonly backend: string }>> = {
  openai: { model: "gpt-4o-mini", path: "/v1/chat/completions", backend: "openai" },
  anthropic: { model: "claude-3-5-haiku-latest", path: "/v1/messages", backend: "anthropic" },
  ollama: { model: "llama3.2:1b", path: "/api/chat", backend: "ollama" },
  vllm: { model: "Qwen/Qwen2.5-0.5B-Instruct", path: "/v1/chat/completions", backend: "vllm" }
}

/** One backend of a scenario: its format, its server (absent when it is refused) and its provider. */
export interface Backend {
  readonly format: WireFormat
  readonly server: WireServer | undefined
  readonly provider: Provider
  /** Generation requests its server received. */
  readonly generations: () => number
}

/** Start a server for a format (or point at a refused port) and build the real provider package over it. */
export const startBackend = async (format: WireFormat, options: { readonly refused?: boolean; readonly keepAlive?: boolean } = {}): Promise<Backend> => {
  const { model, path } = formatModel[format]
  const server = options.refused ? undefined : await startWireServer({ models: [model], loadedModels: [model], keepAlive: options.keepAlive ?? false })
  const url = server?.url ?? await unusedPortUrl()
  const provider = await providerFor(format, url)
  return {
    format,
    server,
    provider,
    generations: () => server?.requests.filter((r) => r.path === path).length ?? 0
  }
}

/** The real provider package for a format at a server URL, with the canary key where a key is taken. */
export const providerFor = async (format: WireFormat, url: string): Promise<Provider> => {
  switch (format) {
    case "openai":
      return makeCloudProvider({ openai: { apiKey: canaryKey, baseUrl: `${url}/v1` } })
    case "anthropic":
      return makeCloudProvider({ anthropic: { apiKey: canaryKey, baseUrl: url } })
    case "ollama":
      return Effect.runPromise(makeLocalProvider({ ollama: { host: url } }))
    case "vllm":
      return Effect.runPromise(makeLocalProvider({ openAiCompatible: [{ baseUrl: `${url}/v1`, name: "vllm", apiKey: Redacted.make(canaryKey) }] }))
  }
}

/** An orchestrator over some backends, with short deadlines suited to a loopback substrate. */
export const orchestratorOver = (backends: ReadonlyArray<Backend>, options: Partial<OrchestratorOptions> = {}): Orchestrator =>
  createOrchestrator({ providers: backends.map((b) => b.provider), deadlineMs: 2_000, localFirstTokenMs: 400, ...options })

/** Close the servers of some backends. */
export const closeBackends = async (backends: ReadonlyArray<Backend>): Promise<void> => {
  for (const backend of backends) await backend.server?.close()
}
