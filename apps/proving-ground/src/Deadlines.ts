/**
 * Deadlines under servers that stall: a socket that accepts the connection and never answers, in place of OpenAI,
 * Ollama or an OpenAI-compatible server. Whatever the call (a named model, a stream, AUTO, `providers()`), it must end
 * by its deadline (plus a small allowance for a loaded machine) with a typed error, never wait for an SDK's
 * ten-minute backstop.
 */
import { createOrchestrator, type Orchestrator } from "@orch/core"
import { isProviderError, type Provider } from "@orch/provider"
import { makeCloudProvider } from "@orch/providers-cloud"
import { makeLocalProvider } from "@orch/providers-local"
import { Effect } from "effect"
import * as net from "node:net"
import { canaryKey } from "./Substrate.ts"

/** The deadline each call is given. */
const deadlineMs = 1_500
/** What a loaded machine may add past the deadline before the case fails. */
const allowanceMs = 1_500

/** The verdict on one case. */
export interface DeadlineResult {
  readonly name: string
  readonly passed: boolean
  readonly got: string
  readonly elapsedMs: number
}

/** A server that accepts every connection and never writes a byte; it closes the sockets when it stops. */
const startSilentServer = async (): Promise<{ readonly url: string; readonly close: () => Promise<void> }> => {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on("close", () => sockets.delete(socket))
    socket.on("error", () => {})
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const address = server.address() as net.AddressInfo
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy()
      server.close(() => resolve())
    })
  }
}

interface DeadlineCase {
  readonly name: string
  readonly call: (orchestrator: Orchestrator) => Promise<unknown>
}

const cases: ReadonlyArray<DeadlineCase> = [
  { name: "complete, a named cloud model", call: (o) => o.complete("hi", { model: "openai/gpt-4o-mini" }) },
  { name: "complete, a named local model", call: (o) => o.complete("hi", { model: "ollama/llama3.2:1b" }) },
  { name: "stream, a named cloud model", call: async (o) => { for await (const _ of o.stream("hi", { model: "openai/gpt-4o-mini" })) { /* drain */ } } },
  { name: "complete, AUTO over every stalled server", call: (o) => o.complete("Write a Python function that reverses a list") },
  { name: "stream, LOCAL_FIRST", call: async (o) => { for await (const _ of o.stream("hi", { strategy: "local_first" })) { /* drain */ } } },
  { name: "ensemble over two stalled models", call: (o) => o.ensemble("hi", { models: ["openai/gpt-4o-mini", "ollama/llama3.2:1b"] }) },
  { name: "providers() while every listing stalls", call: (o) => o.providers() }
]

/** Run every case against providers whose servers all stall. */
export const runDeadlineCases = async (): Promise<ReadonlyArray<DeadlineResult>> => {
  const silent = await startSilentServer()
  const providers: ReadonlyArray<Provider> = [
    makeCloudProvider({ openai: { apiKey: canaryKey, baseUrl: `${silent.url}/v1` } }),
    await Effect.runPromise(makeLocalProvider({ ollama: { host: silent.url } }))
  ]
  const results: Array<DeadlineResult> = []
  try {
    for (const deadlineCase of cases) {
      const orchestrator = createOrchestrator({ providers, deadlineMs })
      const started = performance.now()
      const outcome = await deadlineCase.call(orchestrator).then((value: unknown) => ({ value }), (error: unknown) => ({ error }))
      const elapsedMs = performance.now() - started
      await orchestrator.dispose()
      const onTime = elapsedMs <= deadlineMs + allowanceMs
      if ("value" in outcome) {
        // providers() answers with every backend marked down; a call answers only if something did.
        results.push({ name: deadlineCase.name, passed: onTime, got: `answered: ${JSON.stringify(outcome.value)?.slice(0, 100)}`, elapsedMs })
      } else if (isProviderError(outcome.error)) {
        results.push({ name: deadlineCase.name, passed: onTime, got: `${outcome.error.reason._tag}: ${outcome.error.message.slice(0, 100)}`, elapsedMs })
      } else {
        results.push({ name: deadlineCase.name, passed: false, got: `untyped ${String(outcome.error).slice(0, 100)}`, elapsedMs })
      }
    }
  } finally {
    await silent.close()
  }
  return results
}

/** The deadline every case ran under, and the allowance, for the report. */
export const deadlineTerms = { deadlineMs, allowanceMs }
