/**
 * The Ollama backstop on the Clock: a server that never begins its answer, and one that stops in the middle, are each
 * cut one backstop later (TestClock), with their own Timeout phase, and the connection is closed.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "@effect/vitest"
import { failureAfterStall, startWireServer, type WireServer } from "@orch/testing"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import * as net from "node:net"
import { makeOllamaProvider } from "../src/index.ts"

let server: WireServer
beforeAll(async () => {
  server = await startWireServer({ models: ["llama3.2:1b"], loadedModels: ["llama3.2:1b"] })
})
afterAll(() => server.close())
beforeEach(() => server.reset())

const patient = Effect.flatMap(Effect.suspend(() => makeOllamaProvider({ host: server.url, timeout: "1 minute" })), (provider) => provider.model("ollama/llama3.2:1b"))
const line = (content: string) => `${JSON.stringify({ model: "llama3.2:1b", created_at: "2026-11-30T12:00:00Z", message: { role: "assistant", content }, done: false })}\n`
const nextTurn = Effect.promise(() => new Promise((resolve) => setImmediate(resolve)))

describe("the Ollama backstop", () => {
  it.effect("a server that takes the request and never answers is a total Timeout one backstop later, and the connection is closed", () =>
    Effect.gen(function*() {
      // A socket that reads and never writes: no status line, no headers.
      const sockets: Array<net.Socket> = []
      let closed = 0
      const silent = net.createServer((socket) => {
        sockets.push(socket)
        socket.on("close", () => closed++)
      })
      yield* Effect.promise(() => new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve)))
      yield* Effect.addFinalizer(() => Effect.promise(() => new Promise<void>((resolve) => { for (const socket of sockets) socket.destroy(); silent.close(() => resolve()) })))
      const port = (silent.address() as net.AddressInfo).port
      const provider = yield* makeOllamaProvider({ host: `http://127.0.0.1:${port}`, timeout: "1 minute" })
      const model = yield* provider.model("ollama/llama3.2:1b")
      const fiber = yield* Effect.forkChild(Effect.flip(model.generate({ prompt: "x" })))
      while (sockets.length === 0) yield* nextTurn
      yield* TestClock.adjust("59 seconds")
      expect(fiber.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust("1 second")
      const error = yield* Fiber.join(fiber)
      expect(error.reason).toEqual({ _tag: "Timeout", phase: "total", afterMs: 60_000 })
      while (closed === 0) yield* nextTurn
    }).pipe(Effect.scoped))

  it.effect("a stream that stops after text is a between-chunks Timeout one backstop after its last line", () =>
    Effect.gen(function*() {
      const model = yield* patient
      server.enqueue({ kind: "raw", body: line("Once") + line(" upon"), stallAfter: true })
      const error = yield* failureAfterStall(model.stream({ prompt: "x" }), "1 minute")
      expect(error.reason).toEqual({ _tag: "Timeout", phase: "between-chunks", afterMs: 60_000 })
      yield* Effect.promise(() => server.waitForClosed())
      expect(server.requests[0]?.aborted).toBe(true)
    }))
})
