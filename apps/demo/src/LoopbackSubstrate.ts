/**
 * The stand-in services of the scenarios: loopback wire servers of @orch/testing that answer exactly as Ollama
 * and OpenAI do, with the real provider packages pointed at them. No real service is called and no key is needed;
 * every scenario says so on screen.
 */
import type { Provider } from "@orch/provider"
import { makeCloudProvider } from "@orch/providers-cloud"
import { makeLocalProvider } from "@orch/providers-local"
import { type Behavior, startWireServer, unusedPortUrl, type WireServer } from "@orch/testing"
import { Effect } from "effect"

/** What a scenario asks of the stand-ins. */
export interface SubstrateOptions {
  /** Models the Ollama stand-in serves (default llama3.2:1b and qwen2.5:0.5b). */
  readonly localModels?: ReadonlyArray<string>
  /** Models the OpenAI stand-in serves (default gpt-4o-mini). */
  readonly cloudModels?: ReadonlyArray<string>
  /** Ollama is down: its address refuses connections. */
  readonly localDown?: boolean
  /** How each server answers a generation request (by default a synthesised answer). */
  readonly localAnswer?: (model: string) => Behavior
  readonly cloudAnswer?: (model: string) => Behavior
}

/** The running stand-ins and the providers over them. */
export interface Substrate {
  readonly local: WireServer
  readonly cloud: WireServer
  readonly ollamaHost: string
  readonly providers: ReadonlyArray<Provider>
  readonly close: () => Promise<void>
}

/** A fake key for the OpenAI stand-in (the server never sees a real one). */
export const standInKey = "sk-loopback-demo"

const modelOf = (body: unknown): string => (typeof body === "object" && body !== null && typeof (body as { model?: unknown }).model === "string" ? (body as { model: string }).model : "")

/** Start the Ollama and OpenAI stand-ins and the providers over them; prints a line saying what runs. */
export const startSubstrate = async (options: SubstrateOptions = {}): Promise<Substrate> => {
  const localModels = options.localModels ?? ["llama3.2:1b", "qwen2.5:0.5b"]
  const local = await startWireServer({ models: localModels, loadedModels: localModels })
  const cloud = await startWireServer({ models: options.cloudModels ?? ["gpt-4o-mini"] })
  const localAnswer = options.localAnswer
  const cloudAnswer = options.cloudAnswer
  if (localAnswer !== undefined) local.setDefault((request) => localAnswer(modelOf(request.body)))
  if (cloudAnswer !== undefined) cloud.setDefault((request) => cloudAnswer(modelOf(request.body)))
  const ollamaHost = options.localDown === true ? await unusedPortUrl() : local.url
  const localProvider = await Effect.runPromise(makeLocalProvider({ ollama: { host: ollamaHost } }))
  const cloudProvider = makeCloudProvider({ openai: { apiKey: standInKey, baseUrl: `${cloud.url}/v1` } })
  console.log(`(running against loopback stand-ins of @orch/testing: Ollama at ${ollamaHost}${options.localDown === true ? " (down)" : ""}, OpenAI at ${cloud.url}/v1; no real service is called)\n`)
  return {
    local,
    cloud,
    ollamaHost,
    providers: [localProvider, cloudProvider],
    close: async () => {
      await local.close()
      await cloud.close()
    }
  }
}
