import { boundsFor, farBoundMs, readStream as read, startWireServer, watchTimers, type WireServer } from "@orch/testing"
import type { LanguageModel } from "@orch/provider"
import { Effect, Fiber, Redacted, Stream } from "effect"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { makeOpenAiCompatClient, makeOpenAiCompatLanguageModel, resolveSettings, type OpenAiCompatOptions } from "../src/index.ts"
import { chunk, sse } from "./support.ts"

let server: WireServer
beforeAll(async () => {
  server = await startWireServer({ models: ["m"] })
})
afterAll(() => server.close())
beforeEach(() => server.reset())

const options = (extra: Partial<OpenAiCompatOptions> = {}): OpenAiCompatOptions =>
  ({ backend: "srv", baseUrl: `${server.url}/v1`, apiKey: Redacted.make("sk-bound-test-0123456789"), ...extra })
/** A cloud model on the lean transport (no custom `fetch`). */
const lean = (): LanguageModel => makeOpenAiCompatLanguageModel(makeOpenAiCompatClient(resolveSettings(options())), { name: "m", kind: "cloud" })
/** The same model on the SDK path (a custom `fetch`). */
const viaSdk = (): LanguageModel =>
  makeOpenAiCompatLanguageModel(makeOpenAiCompatClient(resolveSettings(options({ fetch: (input, init) => globalThis.fetch(input, init) }))), { name: "m", kind: "cloud" })

/** Bounds naming the model; no assertion reads how long anything took: only which error came, and what the server saw. */
const { boundError, boundIn } = boundsFor({ provider: "srv", model: "m" })

/** An SSE answer's first chunks, sent and then held open (a server still generating). */
const stallAfter = (pieces: ReadonlyArray<string>) => ({
  kind: "raw" as const,
  body: sse([chunk({ role: "assistant", content: "" }), ...pieces.map((content) => chunk({ content }))], false),
  stallAfter: true
})

describe("streamBounded on the openai-compat transport", () => {
  it("is offered by the model", () => {
    expect(lean().streamBounded).toBeTypeOf("function")
    expect(viaSdk().streamBounded).toBeTypeOf("function")
  })

  it("a stream that stalls after some text fails with the bound's error, keeps the text before, and the request is destroyed", async () => {
    server.enqueue(stallAfter(["Hel", "lo"]))
    // A second: long enough for the first events to arrive on a loaded machine, as the text check needs.
    const { text, result } = await read(lean().streamBounded!({ prompt: "x" }, boundIn(1_000)))
    expect(result._tag).toBe("Failure")
    expect(result._tag === "Failure" ? result.failure : undefined).toEqual(boundError(1_000))
    expect(text).toBe("Hello")
    await server.waitForClosed()
    expect(server.requests[0]?.aborted).toBe(true)
  })

  it("a stall before the response head ends at the bound with its error, on both paths", async () => {
    for (const model of [lean(), viaSdk()]) {
      server.reset()
      server.enqueue({ kind: "fault", fault: "stall" })
      const { text, result } = await read(model.streamBounded!({ prompt: "x" }, boundIn(50)))
      expect(result._tag === "Failure" ? result.failure.reason : undefined).toEqual({ _tag: "Timeout", phase: "total", afterMs: 50 })
      expect(text).toBe("")
      // On a loaded machine the bound may pass before the request is read: whatever arrived was hung up on.
      await server.waitForClosed()
      expect(server.requests.filter((request) => !request.aborted)).toEqual([])
    }
  })

  it("a body that drips within one event is cut at the bound too", async () => {
    server.enqueue({ kind: "fault", fault: "slow-drip", text: "a long answer sent one byte at a time", delayMs: 20 })
    const { result } = await read(lean().streamBounded!({ prompt: "x" }, boundIn(60)))
    expect(result._tag === "Failure" ? result.failure.message : undefined).toBe(boundError(60).message)
    await server.waitForClosed()
    expect(server.requests.filter((request) => !request.aborted)).toEqual([])
  })

  it("a far bound: the stream completes as `stream` does and its timer is cleared at the end", async () => {
    server.enqueue({ kind: "synth", text: "all of it" })
    server.enqueue({ kind: "synth", text: "all of it" })
    const plain = await read(lean().stream({ prompt: "x" }))
    const watched = await watchTimers(() => read(lean().streamBounded!({ prompt: "x" }, boundIn(farBoundMs))))
    expect(watched.value.result._tag).toBe("Success")
    expect(watched.value.parts.map((part) => part.type)).toEqual(plain.parts.map((part) => part.type))
    expect(watched.value.text).toBe("all of it")
    // One timer, of Node's longest delay (the bound waits in steps), and none left behind.
    expect(watched.set).toHaveLength(1)
    expect(watched.pending).toEqual([])
    expect(server.requests[1]?.aborted).toBe(false)
  })

  it("interrupting the consumer mid-stream clears the timer and destroys the request", async () => {
    server.enqueue(stallAfter(["Hel"]))
    const watched = await watchTimers(async () => {
      const first = Promise.withResolvers<void>()
      const fiber = Effect.runFork(Stream.runForEach(lean().streamBounded!({ prompt: "x" }, boundIn(farBoundMs)), (part) =>
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
    const { result } = await read(lean().streamBounded!({ prompt: "x" }, boundIn(-1)))
    expect(result._tag === "Failure" ? result.failure.reason._tag : undefined).toBe("Timeout")
    expect(server.requests).toHaveLength(0)
  })
})
