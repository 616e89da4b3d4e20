import { requestsNotCutOff, startWireServer, type Behavior, type WireServer } from "@orch/testing"
import { providerError, type CallBound } from "@orch/provider"
import { Effect, Fiber, Redacted, Stream } from "effect"
import * as net from "node:net"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { makeOpenAiCompatClient, makeOpenAiCompatLanguageModel, resolveSettings, type OpenAiCompatOptions } from "../src/index.ts"
import { maxResponseBytes } from "../src/OpenAiCompatTransport.ts"
import { call, failureOf, settle, successOf } from "./support.ts"

let server: WireServer
beforeAll(async () => {
  server = await startWireServer({ models: ["m"] })
})
afterAll(() => server.close())
beforeEach(() => server.reset())

const key = "sk-lean-test-0123456789abcdef"
const options = (extra: Partial<OpenAiCompatOptions> = {}): OpenAiCompatOptions =>
  ({ backend: "srv", baseUrl: `${server.url}/v1`, apiKey: Redacted.make(key), ...extra })
/** A cloud model (one JSON call per generate) on the lean transport: no custom `fetch`. */
const lean = (extra: Partial<OpenAiCompatOptions> = {}) => makeOpenAiCompatLanguageModel(makeOpenAiCompatClient(resolveSettings(options(extra))), { name: "m", kind: "cloud" })
/** The same model on the SDK path: a custom `fetch` (here the global one, counted). */
let sdkCalls = 0
const viaSdk = () =>
  lean({
    fetch: (input, init) => {
      sdkCalls += 1
      return globalThis.fetch(input, init)
    }
  })

/** One behaviour met by the lean path, then by the SDK path: the same reason, message and retryability. */
const expectSameFailure = async (behavior: Behavior, mode: "generate" | "stream"): Promise<void> => {
  server.enqueue(behavior)
  server.enqueue(behavior)
  const fromLean = failureOf(await call(lean(), mode))
  const fromSdk = failureOf(await call(viaSdk(), mode))
  expect(fromLean.reason).toEqual(fromSdk.reason)
  expect(fromLean.message).toBe(fromSdk.message)
  expect(fromLean.isRetryable).toBe(fromSdk.isRetryable)
}

describe("the lean transport of non-streamed chat", () => {
  it("sends the SDK's request (path, Bearer key, JSON body, custom headers) without the SDK, and reads the answer", async () => {
    sdkCalls = 0
    server.enqueue({ kind: "synth", text: "hi there" })
    const completion = successOf(await call(lean({ headers: { "X-Proxy-Token": "proxy-0123456789" } }), "generate"))
    expect(completion.text).toBe("hi there")
    const request = server.requests[0]
    expect(request?.path).toBe("/v1/chat/completions")
    expect(request?.headers["content-type"]).toBe("application/json")
    expect(request?.headers["user-agent"]).toBe("@orch/openai-compat")
    expect(request?.headers["x-proxy-token"]).toBe("proxy-0123456789")
    expect(request?.headers.authorization).toBeDefined()
    expect(request?.body).toMatchObject({ model: "m", messages: [{ role: "user", content: "Say hello" }] })
    expect((request?.body as { stream?: unknown }).stream).toBeUndefined()
    expect(sdkCalls).toBe(0)
  })

  it("a custom fetch keeps the SDK path", async () => {
    sdkCalls = 0
    server.enqueue({ kind: "synth", text: "hi" })
    successOf(await call(viaSdk(), "generate"))
    expect(sdkCalls).toBe(1)
    expect(server.requests[0]?.headers["user-agent"]).not.toBe("@orch/openai-compat")
  })

  it("sends the same body as the SDK path", async () => {
    server.enqueue({ kind: "synth", text: "a" })
    server.enqueue({ kind: "synth", text: "b" })
    successOf(await call(lean(), "generate", { logprobs: true }))
    successOf(await call(viaSdk(), "generate", { logprobs: true }))
    expect(server.requests[0]?.body).toEqual(server.requests[1]?.body)
  })

  const failures: ReadonlyArray<readonly [string, Behavior]> = [
    ["429 with retry-after", { kind: "fault", fault: "rate-limit", retryAfter: "7" }],
    ["500", { kind: "fault", fault: "server-500" }],
    ["502 with an HTML body", { kind: "fault", fault: "html-502" }],
    ["503", { kind: "fault", fault: "server-503" }],
    ["529", { kind: "fault", fault: "overloaded-529" }],
    ["401", { kind: "json", status: 401, body: { error: { message: "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key" } } }],
    ["400 context overflow", { kind: "json", status: 400, body: { error: { message: "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.", type: "BadRequestError", param: null, code: 400 } } }],
    ["404 model", { kind: "json", status: 404, body: { error: { message: "The model `m` does not exist", type: "invalid_request_error", code: "model_not_found" } } }],
    ["a JSON 200 that is not JSON", { kind: "fault", fault: "malformed-json" }],
    ["an in-band error in a 200", { kind: "json", status: 200, body: { error: { code: 400, message: "Provider returned error" } } }]
  ]
  for (const [name, behavior] of failures) {
    it(`${name}: the same ProviderError as the SDK path`, () => expectSameFailure(behavior, "generate"))
  }

  it("a key the server echoes in an error stays out of it", async () => {
    server.enqueue({ kind: "json", status: 400, body: { error: { message: `bad key ${key}`, type: "invalid_request_error" } } })
    const error = failureOf(await call(lean(), "generate"))
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain(key.slice(3, 12))
  })

  it("a refused connection is Unavailable with its network cause", async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, "127.0.0.1", () => {
        const port = (probe.address() as net.AddressInfo).port
        probe.close(() => resolve(port))
      })
    })
    const error = failureOf(await call(lean({ baseUrl: `http://127.0.0.1:${closed}/v1` }), "generate"))
    expect(error.reason).toEqual({ _tag: "Unavailable", cause: "ECONNREFUSED" })
  })

  it("a reset before the headers is Unavailable", async () => {
    server.enqueue({ kind: "fault", fault: "reset-before-headers" })
    const error = failureOf(await call(lean(), "generate"))
    expect(error.reason._tag).toBe("Unavailable")
  })

  it("a body cut off by a reset is Unavailable, never a parsed half", async () => {
    server.enqueue({ kind: "raw", contentType: "application/json", body: "{\"id\":\"x\",\"choices\":[", ending: "reset" })
    const error = failureOf(await call(lean(), "generate"))
    expect(error.reason._tag).toBe("Unavailable")
  })

  it("an interrupted call destroys its request, and a later call on the same client still works", async () => {
    server.enqueue({ kind: "fault", fault: "stall" })
    const model = lean()
    const fiber = Effect.runFork(model.generate({ prompt: "wait" }))
    while (server.requests.length === 0) await new Promise((resolve) => setImmediate(resolve))
    await Effect.runPromise(Fiber.interrupt(fiber))
    await server.waitForClosed()
    expect(server.requests[0]?.aborted).toBe(true)
    server.enqueue({ kind: "synth", text: "again" })
    expect(successOf(await call(model, "generate")).text).toBe("again")
  })

  it("a body larger than the transport reads is MalformedResponse, and the request is destroyed", async () => {
    server.enqueue({ kind: "raw", contentType: "application/json", body: `{"pad":"${"x".repeat(maxResponseBytes)}"}` })
    const error = failureOf(await call(lean(), "generate"))
    expect(error.reason._tag).toBe("MalformedResponse")
    expect(error.message).toContain("64 MiB")
  })

  it("a bound before the backstop ends the call with the bound's error and destroys the request, on both paths", async () => {
    const boundIn = (ms: number): CallBound => ({
      atMs: Date.now() + ms,
      error: () => providerError({ _tag: "Timeout", phase: "first-token", afterMs: ms }, `No first token within ${ms} ms`, { provider: "srv", model: "m" })
    })
    // Each stalled call on a server of its own making (a queued stall that a call never took, because its bound
    // passed before its request was sent on a loaded machine, would otherwise answer the next step).
    server.setDefault({ kind: "fault", fault: "stall" })
    const error = failureOf(await settle(lean().generateBounded!({ prompt: "wait" }, boundIn(20))))
    expect(error.reason).toEqual({ _tag: "Timeout", phase: "first-token", afterMs: 20 })
    expect(await requestsNotCutOff(server)).toEqual([])
    expect(failureOf(await settle(viaSdk().generateBounded!({ prompt: "wait" }, boundIn(20)))).reason).toEqual(error.reason)
    expect(await requestsNotCutOff(server)).toEqual([])
    // The backstop, when it is the nearer: its own Timeout.
    expect(failureOf(await settle(lean({ timeout: "20 millis" }).generateBounded!({ prompt: "wait" }, boundIn(60_000)))).reason).toEqual({ _tag: "Timeout", phase: "total", afterMs: 20 })
    expect(await requestsNotCutOff(server)).toEqual([])
    // A far bound: the answer that comes is read.
    server.reset()
    server.enqueue({ kind: "synth", text: "in time" })
    expect(successOf(await settle(lean().generateBounded!({ prompt: "x" }, boundIn(60_000)))).text).toBe("in time")
  })

  it("the backstop timeout is the SDK path's Timeout, and the request is destroyed", async () => {
    server.setDefault({ kind: "fault", fault: "stall" })
    const error = failureOf(await call(lean({ timeout: "20 millis" }), "generate"))
    expect(error.reason).toEqual({ _tag: "Timeout", phase: "total", afterMs: 20 })
    expect(await requestsNotCutOff(server)).toEqual([])
  })
})

describe("the lean transport of streamed chat", () => {
  const chunkOf = (content: string, finish: string | null = null) =>
    ({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { content }, finish_reason: finish }] })
  /** An SSE body with CRLF endings, comments, `event:`/`id:` fields, a data line split in two, and events after `[DONE]`. */
  const awkward = [
    ": keep-alive comment\r\n\r\n",
    `event: message\r\nid: 1\r\ndata: ${JSON.stringify(chunkOf("Hé"))}\r\n\r\n`,
    `data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m",\r\ndata: "choices":[{"index":0,"delta":{"content":"llo ✓"},"finish_reason":null}]}\r\n\r\n`,
    `data:${JSON.stringify(chunkOf("!", "stop"))}\n\n`,
    "data: [DONE]\n\n",
    `data: ${JSON.stringify(chunkOf(" after done"))}\n\n`
  ].join("")

  it("reads CRLF, comments, other fields, multi-line data and [DONE], split at every byte boundary", async () => {
    const bytes = Buffer.byteLength(awkward)
    for (const maxChunk of [1, 2, 3, 5, bytes]) {
      server.reset()
      server.enqueue({ kind: "raw", body: awkward, contentType: "text/event-stream", split: { seed: maxChunk, maxChunk } })
      const completion = successOf(await call(lean(), "stream"))
      expect(completion).toMatchObject({ text: "Héllo ✓!", finishReason: "stop" })
      expect(server.requests[0]?.headers["user-agent"]).toBe("@orch/openai-compat")
      expect(server.requests[0]?.body).toMatchObject({ stream: true })
    }
  })

  it("gives the same completion as the SDK path", async () => {
    server.enqueue({ kind: "raw", body: awkward, contentType: "text/event-stream" })
    server.enqueue({ kind: "raw", body: awkward, contentType: "text/event-stream" })
    const fromLean = successOf(await call(lean(), "stream"))
    const fromSdk = successOf(await call(viaSdk(), "stream"))
    expect({ ...fromLean, timings: undefined }).toEqual({ ...fromSdk, timings: undefined })
  })

  const failures: ReadonlyArray<readonly [string, Behavior]> = [
    ["429 with retry-after", { kind: "fault", fault: "rate-limit", retryAfter: "3" }],
    ["503", { kind: "fault", fault: "server-503" }],
    ["400 context overflow", { kind: "json", status: 400, body: { error: { message: "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.", type: "BadRequestError", param: null, code: 400 } } }],
    ["an in-band error event", { kind: "raw", body: `data: ${JSON.stringify({ error: { message: "quota", type: "insufficient_quota", code: "insufficient_quota" } })}\n\n` }],
    ["a frame that is not JSON", { kind: "raw", body: "data: {\"id\":\n\n" }]
  ]
  for (const [name, behavior] of failures) {
    it(`${name}: the same ProviderError as the SDK path`, () => expectSameFailure(behavior, "stream"))
  }

  it("an event that never ends (a line without its newline past the limit) is MalformedResponse, not memory", async () => {
    server.enqueue({ kind: "raw", contentType: "text/event-stream", body: `data: ${"x".repeat(maxResponseBytes + 1)}` })
    const error = failureOf(await call(lean(), "stream"))
    expect(error.reason._tag).toBe("MalformedResponse")
    expect(error.message).toContain("64 MiB")
  })

  it("a reset mid-stream fails the call with the text so far", async () => {
    server.enqueue({ kind: "fault", fault: "reset-mid-stream", text: "one two three four", afterTokens: 2 })
    const error = failureOf(await call(lean(), "stream"))
    expect(error.reason._tag).toBe("StreamInterrupted")
  })

  it("a consumer slower than the server pauses the reading and loses nothing, in order", async () => {
    const words = Array.from({ length: 4_000 }, (_, i) => `w${i} `)
    const body = [...words.map((word) => `data: ${JSON.stringify(chunkOf(word))}\n\n`), `data: ${JSON.stringify(chunkOf("", "stop"))}\n\n`, "data: [DONE]\n\n"].join("")
    server.enqueue({ kind: "raw", body, contentType: "text/event-stream", split: { seed: 7, maxChunk: 97 } })
    const texts: Array<string> = []
    // Each batch waits a turn of the event loop before the next is taken, while the server sends all it has.
    await Effect.runPromise(Stream.runForEachArray(lean().stream({ prompt: "count" }), (parts) =>
      Effect.promise(() => new Promise<void>((resolve) => {
        for (const part of parts) if (part.type === "text-delta") texts.push(part.delta)
        setImmediate(resolve)
      }))))
    expect(texts.join("")).toBe(words.join(""))
  })

  it("an interrupted stream destroys its request", async () => {
    server.enqueue({ kind: "raw", body: `data: ${JSON.stringify(chunkOf("Once"))}\n\n`, stallAfter: true })
    const fiber = Effect.runFork(lean().generate({ prompt: "a long story" }).pipe(Effect.andThen(Effect.never)))
    while (server.requests.length === 0) await new Promise((resolve) => setImmediate(resolve))
    await Effect.runPromise(Fiber.interrupt(fiber))
    await server.waitForClosed()
    expect(server.requests[0]?.aborted).toBe(true)
  })
})
