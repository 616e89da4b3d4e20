/**
 * Ollama keeps a caller's bound on its own timer (`streamBounded`, the event reader's), against the loopback wire
 * server speaking `/api/chat` NDJSON: a stream ends at the bound with its error whatever it waits for (the head, the
 * next line, the rest of one), the request aborted; a far bound completes as `stream` does and leaves no timer
 * behind; an interrupted consumer aborts the request; a bound already past sends nothing. `generate` is the kit's
 * collection of the stream and offers no `generateBounded`. No assertion reads how long anything took.
 */
import type { LanguageModel, ProviderError } from "@orch/provider"
import { boundedSettleMs, boundsFor, farBoundMs, readStream as read, settleWithin, startSilentServer, startWireServer, watchTimers, type WireServer } from "@orch/testing"
import { Effect, Fiber, Result, Stream } from "effect"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { makeOllamaClient, makeOllamaLanguageModel } from "../src/index.ts"

let server: WireServer
beforeAll(async () => {
  server = await startWireServer({ models: ["llama3.2:1b"], loadedModels: ["llama3.2:1b"] })
})
afterAll(() => server.close())
beforeEach(() => server.reset())

const model = (host = server.url): LanguageModel => makeOllamaLanguageModel(makeOllamaClient({ host }), "llama3.2:1b", { backend: "ollama" })

/** Bounds naming the model: the error a bound ends a call with, and a bound that counts how many times it made it. */
const { boundError, boundIn } = boundsFor({ provider: "ollama", model: "llama3.2:1b" })
/** Run to a Result; a hang fails the test (the bounds under test are far shorter). */
const settle = <A, E>(effect: Effect.Effect<A, E>) => settleWithin(effect, boundedSettleMs)
const failureOf = <A>(result: Result.Result<A, ProviderError>): ProviderError | undefined => (Result.isFailure(result) ? result.failure : undefined)

/** One `/api/chat` NDJSON line, as Ollama streams it. */
const line = (content: string) => `${JSON.stringify({ model: "llama3.2:1b", created_at: "2026-12-01T03:00:00Z", message: { role: "assistant", content }, done: false })}\n`
/** A streamed answer's first lines, sent and then held open (a model still generating). */
const stallAfter = (pieces: ReadonlyArray<string>) => ({ kind: "raw" as const, contentType: "application/x-ndjson", body: pieces.map(line).join(""), stallAfter: true })

describe("Ollama streamBounded", () => {
  it("is offered, and so is generateBounded (generate collects the stream)", () => {
    expect(model().streamBounded).toBeTypeOf("function")
    expect(model().generateBounded).toBeTypeOf("function")
  })

  it("generateBounded: a stream that stalls fails with the bound's error, once, and the request is aborted; a far bound answers as generate does", async () => {
    server.enqueue(stallAfter(["Hel", "lo"]))
    const bound = boundIn(500)
    expect(failureOf(await settle(model().generateBounded!({ prompt: "x" }, bound)))).toEqual(boundError(500))
    expect(bound.made()).toBe(1)
    await server.waitForClosed()
    expect(server.requests[0]?.aborted).toBe(true)
    server.setDefault({ kind: "synth", text: "all of it" })
    const answered = await settle(model().generateBounded!({ prompt: "x" }, boundIn(farBoundMs)))
    expect(Result.isSuccess(answered) ? answered.success.text : answered.failure.message).toBe("all of it")
  })

  it("a stream that stalls after some text fails with the bound's error, once, keeps the text before, and the request is aborted", async () => {
    server.enqueue(stallAfter(["Hel", "lo"]))
    const bound = boundIn(1_000)
    const { text, result } = await read(model().streamBounded!({ prompt: "x" }, bound))
    expect(failureOf(result)).toEqual(boundError(1_000))
    expect(bound.made()).toBe(1)
    expect(text).toBe("Hello")
    await server.waitForClosed()
    expect(server.requests[0]?.aborted).toBe(true)
  })

  it("a stream whose head came and no line after it ends at the bound", async () => {
    server.enqueue({ kind: "fault", fault: "stall" })
    const { text, result } = await read(model().streamBounded!({ prompt: "x" }, boundIn(50)))
    expect(failureOf(result)).toEqual(boundError(50))
    expect(text).toBe("")
    await server.waitForClosed()
    expect(server.requests.filter((request) => !request.aborted)).toEqual([])
  })

  it("a stall before the response head ends at the bound with its error, and the connection is closed", async () => {
    const silent = await startSilentServer()
    try {
      const bound = boundIn(50)
      const { result } = await read(model(silent.url).streamBounded!({ prompt: "x" }, bound))
      expect(failureOf(result)).toEqual(boundError(50))
      expect(bound.made()).toBe(1)
      await silent.allClosed()
    } finally {
      await silent.close()
    }
  })

  it("a body that drips within one line is cut at the bound too", async () => {
    server.enqueue({ kind: "fault", fault: "slow-drip", text: "a long answer sent one byte at a time", delayMs: 20 })
    const { result } = await read(model().streamBounded!({ prompt: "x" }, boundIn(60)))
    expect(failureOf(result)).toEqual(boundError(60))
    await server.waitForClosed()
    expect(server.requests.filter((request) => !request.aborted)).toEqual([])
  })

  it("a far bound: the stream completes as `stream` does and its timer is cleared at the end", async () => {
    server.enqueue({ kind: "synth", text: "all of it" }, { kind: "synth", text: "all of it" })
    const plain = await read(model().stream({ prompt: "x" }))
    const watched = await watchTimers(() => read(model().streamBounded!({ prompt: "x" }, boundIn(farBoundMs))))
    expect(Result.isSuccess(watched.value.result)).toBe(true)
    expect(watched.value.parts.map((part) => part.type)).toEqual(plain.parts.map((part) => part.type))
    expect(watched.value.text).toBe("all of it")
    // One timer, of Node's longest delay (the bound waits in steps), and none left behind.
    expect(watched.set).toHaveLength(1)
    expect(watched.pending).toEqual([])
    expect(server.requests[1]?.aborted).toBe(false)
  })

  it("interrupting the consumer mid-stream clears the timer and aborts the request", async () => {
    server.enqueue(stallAfter(["Hel"]))
    const watched = await watchTimers(async () => {
      const first = Promise.withResolvers<void>()
      const fiber = Effect.runFork(Stream.runForEach(model().streamBounded!({ prompt: "x" }, boundIn(farBoundMs)), (part) =>
        Effect.sync(() => {
          if (part.type === "text-delta") first.resolve()
        })))
      await first.promise
      await Effect.runPromise(Fiber.interrupt(fiber))
    })
    expect(watched.set).toHaveLength(1)
    expect(watched.pending).toEqual([])
    await server.waitForClosed()
    expect(server.requests[0]?.aborted).toBe(true)
  })

  it("a bound already past sends nothing", async () => {
    const bound = boundIn(-1)
    const { result } = await read(model().streamBounded!({ prompt: "x" }, bound))
    expect(failureOf(result)).toEqual(boundError(-1))
    expect(bound.made()).toBe(1)
    expect(server.requests).toHaveLength(0)
  })

  it("errors other than the bound are unchanged (an in-band error line, a missing model with its pull hint)", async () => {
    server.enqueue({ kind: "fault", fault: "in-band-error" }, { kind: "fault", fault: "in-band-error" })
    const plain = failureOf((await read(model().stream({ prompt: "x" }))).result)
    const bounded = failureOf((await read(model().streamBounded!({ prompt: "x" }, boundIn(farBoundMs)))).result)
    expect(plain).toBeDefined()
    expect(bounded).toEqual(plain)
    const missing = { kind: "json" as const, status: 404, body: { error: "model 'llama3.2:1b' not found, try pulling it first" } }
    server.enqueue(missing, missing)
    const plainMissing = failureOf((await read(model().stream({ prompt: "x" }))).result)
    const boundedMissing = failureOf((await read(model().streamBounded!({ prompt: "x" }, boundIn(farBoundMs)))).result)
    expect(plainMissing?.reason._tag).toBe("ModelNotFound")
    expect(plainMissing?.message).toContain("ollama pull")
    expect(boundedMissing).toEqual(plainMissing)
  })
})
