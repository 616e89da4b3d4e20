/**
 * Secrets in URLs, headers and echoes: each case configures @orch the way a user does (a key in an environment
 * variable, `user:secret@` in a base URL, a proxy token header) against a server that echoes every header and the
 * URL back in its error bodies, then reads every channel an observer could: error messages, `cause` chains
 * (`util.inspect` at depth 10, `JSON.stringify`, stacks), the Effect log at debug level, span attributes, events and
 * exits, `providers()`, and the ledger's export. A case passes when no 8 characters in a row of any secret show.
 */
import * as fs from "node:fs/promises"
import http from "node:http"
import type { AddressInfo } from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import util from "node:util"
import { ModelOrchestrator, optionsFromEnvironment, type Orchestrator, orchestratorFromLayer, type OrchestratorOptions } from "@orch/core"
import { makeLocalProvider } from "@orch/providers-local"
import { unusedPortUrl } from "@orch/testing"
import { Effect, Layer, Logger, References, Tracer } from "effect"

/** A server acting as Ollama, OpenAI and Anthropic: lists its models, answers every generation with a 400 echoing the request. */
export interface EchoServer {
  readonly url: string
  /** Every request as received: method, path and all headers. */
  readonly seen: Array<string>
  /** Characters of padding before the echo in error messages (to put a secret at the 300-character cut). */
  padding: number
  readonly close: () => Promise<void>
}

/** Start an echo server on the loopback. */
export const startEchoServer = async (): Promise<EchoServer> => {
  const seen: Array<string> = []
  const state = { padding: 0 }
  const server = http.createServer((request, response) => {
    request.resume()
    request.on("end", () => {
      const authorization = String(request.headers["authorization"] ?? request.headers["x-api-key"] ?? "").replace(/^Bearer\s+/i, "")
      const echo = `${"x".repeat(state.padding)}${authorization} you sent ${request.method} ${request.url} ${JSON.stringify(request.headers)}`
      seen.push(`${request.method} ${request.url} ${JSON.stringify(request.headers)}`)
      const json = (status: number, value: unknown) => {
        response.writeHead(status, { "content-type": "application/json" })
        response.end(JSON.stringify(value))
      }
      if (request.url === "/api/tags" || request.url === "/api/ps") return json(200, { models: [{ name: "llama3.2:1b", model: "llama3.2:1b", modified_at: "2025-01-01T00:00:00Z", size: 1, digest: "d", details: {} }] })
      if (request.url?.startsWith("/v1/models")) return json(200, { object: "list", data: [{ id: "gpt-4o-mini", object: "model", created: 0, owned_by: "echo" }] })
      if (request.url === "/v1/messages") return json(400, { type: "error", error: { type: "invalid_request_error", message: echo } })
      if (request.url?.startsWith("/v1/")) return json(400, { error: { message: echo, type: "invalid_request_error" } })
      return json(400, { error: echo })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    get padding() { return state.padding },
    set padding(value: number) { state.padding = value },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) })
  }
}

/** What a case builds from the echo server and a dead address. */
interface CaseSetup {
  readonly options: OrchestratorOptions
  readonly models: ReadonlyArray<string>
}

/** One way a user configures a secret. */
export interface SecretCase {
  readonly name: string
  readonly secret: string
  /** Whether the server receives the secret (credentials in a URL are refused by fetch before any request). */
  readonly reachesServer: boolean
  readonly setup: (echo: EchoServer, deadPort: string, ledger: string) => Promise<CaseSetup>
}

const fromEnvironment = async (env: Record<string, string>, ledger: string): Promise<OrchestratorOptions> =>
  ({ ...(await Effect.runPromise(optionsFromEnvironment({ env }))), ledger: { type: "sqlite", path: ledger } })

/** Every secret case. None of the secrets is shaped like a known key: only the configuration can say they are secret. */
export const secretCases: ReadonlyArray<SecretCase> = [
  {
    name: "OpenAI key in OPENAI_API_KEY, echoed in a 400", secret: "Kq3vT8wN2mZx7bRj5cHf9dLp4sYg6eUa", reachesServer: true,
    setup: async (echo, _dead, ledger) => ({ options: await fromEnvironment({ OPENAI_API_KEY: "Kq3vT8wN2mZx7bRj5cHf9dLp4sYg6eUa", OPENAI_BASE_URL: `${echo.url}/v1` }, ledger), models: ["openai/gpt-4o-mini"] })
  },
  {
    name: "Anthropic key in ANTHROPIC_API_KEY, echoed in a 400", secret: "An7hR0p1cKeyQ2w3E4r5T6y7U8i9O0pA", reachesServer: true,
    setup: async (echo, _dead, ledger) => ({ options: await fromEnvironment({ ANTHROPIC_API_KEY: "An7hR0p1cKeyQ2w3E4r5T6y7U8i9O0pA", ANTHROPIC_BASE_URL: echo.url }, ledger), models: ["anthropic/claude-3-5-haiku-latest"] })
  },
  {
    name: "OpenAI key echoed across the 300-character cut", secret: "Cu7T3rM1n4lKeyZ9xY8wV7uT6sR5qP4o", reachesServer: true,
    setup: async (echo, _dead, ledger) => {
      echo.padding = 290
      return { options: await fromEnvironment({ OPENAI_API_KEY: "Cu7T3rM1n4lKeyZ9xY8wV7uT6sR5qP4o", OPENAI_BASE_URL: `${echo.url}/v1` }, ledger), models: ["openai/gpt-4o-mini"] }
    }
  },
  {
    name: "user:secret@ in VLLM_BASE_URL (with VLLM_API_KEY)", secret: "Vu5erP4ssW0rdQ8zX3", reachesServer: false,
    setup: async (echo, _dead, ledger) => ({ options: await fromEnvironment({ VLLM_BASE_URL: `http://vuser:Vu5erP4ssW0rdQ8zX3@127.0.0.1:${new URL(echo.url).port}/v1`, VLLM_API_KEY: "Vk3yVk3yVk3yVk3y99", OLLAMA_HOST: "http://127.0.0.1:9" }, ledger), models: ["vllm/gpt-4o-mini"] })
  },
  {
    name: "user:secret@ in OLLAMA_HOST, the server down", secret: "0llam4P4ssW0rdK7j6", reachesServer: false,
    setup: async (_echo, dead, ledger) => ({ options: await fromEnvironment({ OLLAMA_HOST: `http://oluser:0llam4P4ssW0rdK7j6@127.0.0.1:${dead}`, VLLM_BASE_URL: `http://127.0.0.1:${dead}/v1` }, ledger), models: ["ollama/llama3.2:1b"] })
  },
  {
    name: "Ollama proxy token header, echoed", secret: "Ht6Jm1Rk8Pw3Zq5Xn2Bv", reachesServer: true,
    setup: async (echo, _dead, ledger) => ({
      options: { providers: [await Effect.runPromise(makeLocalProvider({ ollama: { host: echo.url, headers: { "X-Proxy-Token": "Ht6Jm1Rk8Pw3Zq5Xn2Bv" } } }))], ledger: { type: "sqlite", path: ledger } },
      models: ["ollama/llama3.2:1b"]
    })
  }
]

/** The verdict on one case. */
export interface SecretResult {
  readonly name: string
  readonly passed: boolean
  /** How many texts were read (errors, logs, spans, ledger, statuses). */
  readonly channels: number
  /** Where a piece of the secret showed, or why the case could not be judged. */
  readonly problem?: string
}

const inspect = (value: unknown): string => {
  const json = (() => { try { return JSON.stringify(value) ?? "" } catch { return "" } })()
  return `${util.inspect(value, { depth: 10 })}\n${json}${value instanceof Error ? `\n${String(value)}\n${value.stack ?? ""}` : ""}`
}

/** Run one case: exercise every entry point and read every channel. */
export const runSecretCase = async (secretCase: SecretCase): Promise<SecretResult> => {
  const echo = await startEchoServer()
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), "orch-secrets-"))
  const texts: Array<string> = []
  const spans: Array<Tracer.NativeSpan> = []
  const observability = Layer.mergeAll(
    Logger.layer([Logger.make((options) => { texts.push(`log ${util.inspect(options.message, { depth: 10 })} ${util.inspect(options.cause, { depth: 10 })}`) })]),
    Layer.succeed(References.MinimumLogLevel, "Debug"),
    Layer.succeed(Tracer.Tracer, Tracer.make({ span: (options) => { const span = new Tracer.NativeSpan(options); spans.push(span); return span } }))
  )
  try {
    const dead = new URL(await unusedPortUrl()).port
    const { options, models } = await secretCase.setup(echo, dead, path.join(directory, "ledger.sqlite"))
    const orchestrator: Orchestrator = orchestratorFromLayer(ModelOrchestrator.layer(options).pipe(Layer.provideMerge(observability)))
    const settle = (promise: Promise<unknown>) => promise.then((value) => value, (error: unknown) => error)
    texts.push(inspect(await settle(orchestrator.providers())))
    for (const model of models) {
      texts.push(inspect(await settle(orchestrator.complete("hello", { model, deadlineMs: 20_000 }))))
      const stream = orchestrator.stream("hello", { model, deadlineMs: 20_000 })
      texts.push(inspect(await settle((async () => { for await (const _ of stream) { /* drain */ } })())))
      texts.push(inspect(await settle(stream.response)))
    }
    texts.push(inspect(await settle(orchestrator.complete("hello", { deadlineMs: 20_000 }))))
    texts.push(inspect(await settle(orchestrator.ensemble("hello", { models: [...models], deadlineMs: 20_000 }))))
    texts.push(String(await settle(orchestrator.costs.export("json"))), String(await settle(orchestrator.costs.export("csv"))))
    await orchestrator.dispose()
    for (const file of await fs.readdir(directory)) texts.push((await fs.readFile(path.join(directory, file))).toString("latin1"))
    for (const span of spans) texts.push(`span ${span.name} ${util.inspect([...span.attributes], { depth: 10 })} ${util.inspect(span.events, { depth: 10 })} ${span.status._tag === "Ended" ? util.inspect(span.status.exit, { depth: 10 }) : ""}`)
    if (secretCase.reachesServer && !echo.seen.join("\n").includes(secretCase.secret)) {
      return { name: secretCase.name, passed: false, channels: texts.length, problem: "the server never received the secret: the case proves nothing" }
    }
    const everything = texts.join("\n")
    for (let at = 0; at + 8 <= secretCase.secret.length; at++) {
      const where = everything.indexOf(secretCase.secret.slice(at, at + 8))
      if (where >= 0) return { name: secretCase.name, passed: false, channels: texts.length, problem: `leaked: ...${everything.slice(Math.max(0, where - 80), where + 20).replace(/\s+/g, " ")}...` }
    }
    return { name: secretCase.name, passed: true, channels: texts.length }
  } finally {
    await echo.close()
    await fs.rm(directory, { recursive: true, force: true })
  }
}

/** Run every case. */
export const runSecretCases = async (list: ReadonlyArray<SecretCase> = secretCases): Promise<ReadonlyArray<SecretResult>> => {
  const results: Array<SecretResult> = []
  for (const secretCase of list) results.push(await runSecretCase(secretCase))
  return results
}
