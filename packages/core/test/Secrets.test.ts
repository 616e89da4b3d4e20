// One canary test over every channel a secret could leak through: error messages, `cause` chains (`util.inspect` at
// depth 10, `JSON.stringify`, `toString`, stacks), the Effect logger at debug level, span attributes, events and
// exits of a test tracer, and the ledger (the export and the SQLite file's bytes). The secrets are planted the way
// users configure them: the OpenAI key in an environment variable, credentials in base URLs (`user:secret@`), a
// custom header (the Ollama proxy token), and the server they reach echoes every header and the URL back.
import fs from "node:fs"
import http from "node:http"
import type { AddressInfo } from "node:net"
import os from "node:os"
import path from "node:path"
import util from "node:util"
import { makeLocalProvider } from "@orch/providers-local"
import { unusedPortUrl } from "@orch/testing"
import { Effect, Layer, Logger, References, Tracer } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ModelOrchestrator, optionsFromEnvironment, type Orchestrator, orchestratorFromLayer } from "../src/index.ts"

// None of these is shaped like a known key, so only the configuration can tell @orch they are secret.
const secrets = {
  envKey: "Kq3vT8wN2mZx7bRj5cHf9dLp4sYg6eUa",
  vllmKey: "Vw7kP2nQ9rT4xZ6mB3cF8hJ5dL1sG0yE",
  urlPassword: "Pz4Ks9Lw2Qm7Nx3Rv8Tb",
  urlUser: "proxyuser-7Hq2Wd9",
  headerToken: "Ht6Jm1Rk8Pw3Zq5Xn2Bv"
} as const
const canaries = Object.values(secrets)

/** A server acting as Ollama and OpenAI that lists its models and answers every generation with a 400 echoing the request. */
const startEchoServer = async (): Promise<{ readonly url: string; readonly seen: Array<string>; readonly close: () => Promise<void> }> => {
  const seen: Array<string> = []
  const server = http.createServer((request, response) => {
    let body = ""
    request.on("data", (chunk: Buffer) => { body += chunk.toString() })
    request.on("end", () => {
      const echo = `${request.method} ${request.url} headers=${JSON.stringify(request.headers)}`
      seen.push(echo)
      const json = (status: number, value: unknown) => {
        response.writeHead(status, { "content-type": "application/json" })
        response.end(JSON.stringify(value))
      }
      if (request.url === "/api/tags" || request.url === "/api/ps") {
        return json(200, { models: [{ name: "llama3.2:1b", model: "llama3.2:1b", modified_at: "2025-01-01T00:00:00Z", size: 1, digest: "d", details: {} }] })
      }
      if (request.url === "/v1/models") return json(200, { object: "list", data: [{ id: "gpt-4o-mini", object: "model", created: 0, owned_by: "echo" }] })
      if (request.url?.startsWith("/v1/")) return json(400, { error: { message: `Invalid request, you sent: ${echo} ${body}`, type: "invalid_request_error" } })
      return json(400, { error: `invalid request, you sent: ${echo}` })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { url, seen, close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }) }
}

/** Everything an observer of the process could read, as one text. */
const channels: Array<string> = []
const record = (label: string, value: unknown) => {
  channels.push(`${label}: ${typeof value === "string" ? value : `${util.inspect(value, { depth: 10 })}\n${safeJson(value)}`}`)
  if (value instanceof Error) {
    channels.push(`${label} toString: ${String(value)}\n${label} stack: ${value.stack ?? ""}`)
    for (let cause: unknown = value.cause, depth = 0; cause !== undefined && depth < 10; cause = (cause as Error).cause, depth++) {
      channels.push(`${label} cause ${depth}: ${util.inspect(cause, { depth: 10 })} ${safeJson(cause)}`)
    }
  }
}
const safeJson = (value: unknown): string => {
  try {
    return JSON.stringify(value) ?? ""
  } catch (error) {
    return `unserialisable: ${String(error)}`
  }
}

let echo: Awaited<ReturnType<typeof startEchoServer>>
let home: string
const logLines: Array<string> = []
const spans: Array<Tracer.NativeSpan> = []

const observability = Layer.mergeAll(
  Logger.layer([Logger.make((options) => { logLines.push(`${options.logLevel} ${util.inspect(options.message, { depth: 10 })} ${util.inspect(options.cause, { depth: 10 })}`) })]),
  Layer.succeed(References.MinimumLogLevel, "Debug"),
  Layer.succeed(Tracer.Tracer, Tracer.make({ span: (options) => { const span = new Tracer.NativeSpan(options); spans.push(span); return span } }))
)

const exercise = async (orchestrator: Orchestrator, models: ReadonlyArray<string>) => {
  record("providers", await orchestrator.providers())
  for (const model of models) {
    record(`complete ${model}`, await orchestrator.complete("hello", { model, deadlineMs: 20_000 }).catch((error: unknown) => error))
    const stream = orchestrator.stream("hello", { model, deadlineMs: 20_000 })
    record(`stream ${model}`, await (async () => { for await (const _ of stream) { /* drain */ } })().catch((error: unknown) => error))
    record(`stream response ${model}`, await stream.response.catch((error: unknown) => error))
  }
  record("complete auto", await orchestrator.complete("hello", { deadlineMs: 20_000 }).catch((error: unknown) => error))
  record("ensemble", await orchestrator.ensemble("hello", { models: [...models], deadlineMs: 20_000 }).catch((error: unknown) => error))
  record("ledger json", await orchestrator.costs.export("json"))
  record("ledger csv", await orchestrator.costs.export("csv"))
  await orchestrator.dispose()
}

beforeAll(async () => {
  echo = await startEchoServer()
  home = fs.mkdtempSync(path.join(os.tmpdir(), "orch-secrets-"))
})
afterAll(async () => {
  await echo.close()
  fs.rmSync(home, { recursive: true, force: true })
})

describe("secrets never show, on any channel", () => {
  it("a key in the environment, credentials in base URLs, a proxy header, all echoed back by the server", async () => {
    const port = new URL(echo.url).port
    const dead = new URL(await unusedPortUrl()).port
    const ledgerFile = path.join(home, "ledger.sqlite")
    // The key in the environment; vLLM behind credentials in its URL (which `fetch` refuses to send), Ollama at a dead
    // address with credentials.
    const env = {
      OPENAI_API_KEY: secrets.envKey,
      OPENAI_BASE_URL: `${echo.url}/v1`,
      OLLAMA_HOST: `http://${secrets.urlUser}:${secrets.urlPassword}@127.0.0.1:${dead}`,
      VLLM_BASE_URL: `http://${secrets.urlUser}:${secrets.urlPassword}@127.0.0.1:${port}/v1`,
      VLLM_API_KEY: secrets.vllmKey,
      ORCH_COST_DB: ledgerFile
    }
    const fromEnvironment = await Effect.runPromise(optionsFromEnvironment({ env }))
    await exercise(orchestratorFromLayer(ModelOrchestrator.layer(fromEnvironment).pipe(Layer.provideMerge(observability))), ["openai/gpt-4o-mini", "vllm/gpt-4o-mini", "ollama/llama3.2:1b"])

    // Ollama behind a reverse proxy that wants a token header, and echoes it.
    const proxied = await Effect.runPromise(makeLocalProvider({ ollama: { host: echo.url, headers: { "X-Proxy-Token": secrets.headerToken } } }))
    await exercise(orchestratorFromLayer(ModelOrchestrator.layer({ providers: [proxied], ledger: { type: "sqlite", path: ledgerFile } }).pipe(Layer.provideMerge(observability))), ["ollama/llama3.2:1b"])

    channels.push(`ledger file: ${fs.readFileSync(ledgerFile).toString("latin1")}`)
    for (const extra of ["-wal", "-journal"]) if (fs.existsSync(ledgerFile + extra)) channels.push(fs.readFileSync(ledgerFile + extra).toString("latin1"))
    channels.push(...logLines)
    for (const span of spans) {
      channels.push(`span ${span.name} ${util.inspect([...span.attributes], { depth: 10 })} ${util.inspect(span.events, { depth: 10 })} ${span.status._tag === "Ended" ? util.inspect(span.status.exit, { depth: 10 }) : ""}`)
    }

    // The test can fail: the server did receive the key and the header, and the errors did carry its echo.
    const received = echo.seen.join("\n")
    expect(received).toContain(secrets.envKey)
    expect(received).toContain(secrets.headerToken)
    const everything = channels.join("\n")
    expect(everything).toContain("you sent")
    expect(everything).toContain("[REDACTED]")
    expect(spans.length).toBeGreaterThan(5)
    expect(logLines.length).toBeGreaterThan(0)
    for (const canary of canaries) {
      // Whole or in part: no 8 characters of a secret in a row.
      for (let at = 0; at + 8 <= canary.length; at++) {
        const piece = canary.slice(at, at + 8)
        const where = everything.indexOf(piece)
        expect(where, `a piece of a secret (${piece}) leaked: ...${everything.slice(Math.max(0, where - 120), where + 40)}...`).toBe(-1)
      }
    }
  }, 60_000)
})
