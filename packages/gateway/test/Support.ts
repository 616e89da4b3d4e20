// Test wiring: the real provider packages over two loopback wire servers (one answering as Ollama, one as OpenAI),
// a gateway over them on a free loopback port, and the official OpenAI SDK pointed at the gateway.
import http from "node:http"
import { makeCloudProvider } from "@orch/providers-cloud"
import { makeLocalProvider } from "@orch/providers-local"
import { startWireServer, type WireServer } from "@orch/testing"
import { Effect } from "effect"
import OpenAI from "openai"
import { afterAll, afterEach, beforeAll } from "vitest"
import { type RunningGateway, serve, type ServeOptions } from "../src/index.ts"

/** The gateway's upstream OpenAI key: it must never appear in anything a client sees. */
export const canaryKey = "sk-canary-GATEWAY-4b8e1f0c7d2a9e63"

export interface Upstreams {
  readonly local: WireServer
  readonly cloud: WireServer
  readonly close: () => Promise<void>
}

/** An Ollama stand-in serving llama3.2:1b and an OpenAI stand-in serving gpt-4o-mini. */
export const startUpstreams = async (): Promise<Upstreams> => {
  const local = await startWireServer({ models: ["llama3.2:1b"], loadedModels: ["llama3.2:1b"] })
  const cloud = await startWireServer({ models: ["gpt-4o-mini"] })
  return { local, cloud, close: async () => { await local.close(); await cloud.close() } }
}

/** A gateway on a free port over the upstreams (fresh providers each time: a gateway owns and closes them). */
export const startGateway = async (upstreams: Upstreams, options: Partial<ServeOptions> & { readonly orchestratorExtra?: Partial<ServeOptions["orchestrator"]> } = {}): Promise<RunningGateway> => {
  const localProvider = await Effect.runPromise(makeLocalProvider({ ollama: { host: upstreams.local.url } }))
  const cloudProvider = makeCloudProvider({ openai: { apiKey: canaryKey, baseUrl: `${upstreams.cloud.url}/v1` } })
  const { orchestratorExtra, ...rest } = options
  return serve({ port: 0, orchestrator: { providers: [localProvider, cloudProvider], deadlineMs: 20_000, cloudRetries: 0, ...orchestratorExtra }, ...rest })
}

/** The official SDK pointed at a gateway, retries off so each test sees exactly one request. */
export const clientOf = (gateway: RunningGateway, apiKey = "no-key-needed"): OpenAI =>
  new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0, timeout: 20_000 })

/** A whole HTTP answer. */
export interface Answer {
  readonly status: number
  readonly headers: http.IncomingHttpHeaders
  readonly body: string
}

/**
 * One request over a fresh connection with exactly these headers (no client adds, trims or refuses any); resolves
 * with the whole answer once it ends. `onHead` sees the response as soon as it begins.
 */
export const httpExchange = (url: string, options: { readonly method: string; readonly headers?: Record<string, string>; readonly body?: string; readonly onHead?: (response: http.IncomingMessage) => void }): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const request = http.request(url, { method: options.method, headers: options.headers ?? {}, agent: false }, (response) => {
      options.onHead?.(response)
      let text = ""
      response.setEncoding("utf8")
      response.on("data", (chunk: string) => { text += chunk })
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }))
      response.on("error", reject)
    })
    request.on("error", reject)
    request.end(options.body)
  })

/** Generation requests a wire server received. */
export const generations = (server: WireServer) =>
  server.requests.filter((r) => r.path === "/api/chat" || r.path === "/v1/chat/completions")

/** Resolves when `check` holds, polling on each turn of the event loop after I/O (no timers of real length). */
export const eventually = async (check: () => boolean, turns = 200_000): Promise<void> => {
  for (let i = 0; i < turns; i++) {
    if (check()) return
    await new Promise((resolve) => setImmediate(resolve))
  }
  throw new Error("condition never held")
}

/** What `gatewayPerFile` starts: the upstreams, the gateway over them and the SDK pointed at it. */
export interface RunningSetup {
  readonly upstreams: Upstreams
  readonly gateway: RunningGateway
  readonly client: OpenAI
}

/**
 * A test file's gateway: upstreams and a gateway started before its tests (handed to `started`), both closed after
 * them, and the upstreams' queues and records cleared after each test.
 */
export const gatewayPerFile = (options: Parameters<typeof startGateway>[1], started: (setup: RunningSetup) => void): void => {
  let setup: RunningSetup | undefined
  beforeAll(async () => {
    const upstreams = await startUpstreams()
    const gateway = await startGateway(upstreams, options)
    setup = { upstreams, gateway, client: clientOf(gateway) }
    started(setup)
  })
  afterAll(async () => {
    await setup?.gateway.close()
    await setup?.upstreams.close()
  })
  afterEach(() => {
    setup?.upstreams.local.reset()
    setup?.upstreams.cloud.reset()
  })
}
