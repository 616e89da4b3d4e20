// Test wiring: real provider packages pointed at two loopback wire servers, one acting as Ollama (local) and one
// as OpenAI (cloud), and the orchestrator over them.
import { isProviderError, type ProviderError } from "@orch/provider"
import { makeCloudProvider } from "@orch/providers-cloud"
import { makeLocalProvider } from "@orch/providers-local"
import { startWireServer, type WireServer } from "@orch/testing"
import { Effect } from "effect"
import { createOrchestrator, type Orchestrator, type OrchestratorOptions } from "../src/index.ts"

export const canaryKey = "sk-canary-ORCH-7f3a9c1e5b2d4a6f8e0c"

export interface Substrate {
  readonly local: WireServer
  readonly cloud: WireServer
  readonly providers: OrchestratorOptions["providers"]
  readonly make: (options?: Partial<OrchestratorOptions>) => Orchestrator
  readonly close: () => Promise<void>
  /** Generation requests each server saw. */
  readonly calls: () => { readonly local: number; readonly cloud: number }
}

export const startSubstrate = async (options: { readonly localDown?: boolean } = {}): Promise<Substrate> => {
  const local = await startWireServer({ models: ["llama3.2:1b"], loadedModels: ["llama3.2:1b"] })
  const cloud = await startWireServer({ models: ["gpt-4o-mini"] })
  const ollamaHost = options.localDown ? "http://127.0.0.1:9" : local.url
  const localProvider = await Effect.runPromise(makeLocalProvider({ ollama: { host: ollamaHost } }))
  const cloudProvider = makeCloudProvider({ openai: { apiKey: canaryKey, baseUrl: `${cloud.url}/v1` } })
  const providers = [localProvider, cloudProvider]
  const made: Array<Orchestrator> = []
  const generation = (server: WireServer) => server.requests.filter((r) => r.path === "/api/chat" || r.path === "/v1/chat/completions").length
  return {
    local,
    cloud,
    providers,
    make: (extra = {}) => {
      const orchestrator = createOrchestrator({ providers, deadlineMs: 10_000, ...extra })
      made.push(orchestrator)
      return orchestrator
    },
    calls: () => ({ local: generation(local), cloud: generation(cloud) }),
    close: async () => {
      for (const o of made) await o.dispose()
      await local.close()
      await cloud.close()
    }
  }
}

/** The typed error a call rejected with; fails the test when it resolved or threw something else. */
export const failure = async (promise: Promise<unknown>): Promise<ProviderError> => {
  try {
    await promise
  } catch (error) {
    if (isProviderError(error)) return error
    throw error
  }
  throw new Error("expected the call to fail")
}
