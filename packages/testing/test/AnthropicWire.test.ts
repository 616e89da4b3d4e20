// The Anthropic SDK against the wire server: messages JSON and SSE with `event:` lines, recordings replayed split
// at arbitrary byte boundaries, and faults (429, 529 overloaded, in-band `event: error`, truncation).
import Anthropic, { APIError } from "@anthropic-ai/sdk"
import fs from "node:fs"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { requireShared } from "../src/SharedData.ts"
import { fixturePath, startWireServer } from "../src/WireServer.ts"
import type { Behavior, WireServer } from "../src/WireServer.ts"

let server: WireServer
let client: Anthropic

beforeAll(async () => {
  server = await startWireServer()
  client = new Anthropic({ baseURL: server.url, apiKey: "sk-ant-secret", maxRetries: 0, timeout: 5_000 })
})
afterEach(() => server.reset())
afterAll(() => server.close())

const request = { model: "claude-test", max_tokens: 64, system: "be brief", messages: [{ role: "user" as const, content: "say hello" }] }

const streamed = async (behavior?: Behavior) => {
  if (behavior !== undefined) server.enqueue(behavior)
  const events: Array<Anthropic.MessageStreamEvent> = []
  const texts: Array<string> = []
  const outcome = await (async () => {
    const stream = await client.messages.create({ ...request, stream: true })
    for await (const event of stream) {
      events.push(event)
      if (event.type === "content_block_delta" && event.delta.type === "text_delta") texts.push(event.delta.text)
    }
  })().then(() => undefined, (error: unknown) => error)
  return { events, text: texts.join(""), error: outcome }
}

describe("synthesised messages", () => {
  it("answers JSON with text, end_turn and counted usage", async () => {
    server.enqueue({ kind: "synth", text: "Hello there, human." })
    const message = await client.messages.create(request)
    expect(message.content).toEqual([{ type: "text", text: "Hello there, human." }])
    expect(message.stop_reason).toBe("end_turn")
    expect(message.model).toBe("claude-test")
    // system "be brief" (2) + "say hello" (2); answer 3 pieces.
    expect(message.usage).toMatchObject({ input_tokens: 4, output_tokens: 3 })
  })

  it("streams the full event sequence, and the SDK's stream helper assembles the message", async () => {
    const { events, text, error } = await streamed({ kind: "synth", text: "one two three", usage: { inputTokens: 5, outputTokens: 3 } })
    expect(error).toBeUndefined()
    expect(text).toBe("one two three")
    expect(events.map((event) => event.type)).toEqual([
      "message_start", "content_block_start",
      "content_block_delta", "content_block_delta", "content_block_delta",
      "content_block_stop", "message_delta", "message_stop"
    ])
    const delta = events.find((event) => event.type === "message_delta")
    expect(delta).toMatchObject({ delta: { stop_reason: "end_turn" }, usage: { output_tokens: 3 } })

    server.enqueue({ kind: "synth", text: "helper works", split: { seed: 5, maxChunk: 9 } })
    const final = await client.messages.stream(request).finalMessage()
    expect(final.content).toEqual([{ type: "text", text: "helper works" }])
    expect(final.usage.output_tokens).toBe(2)
  })
})

describe.skipIf(!requireShared("fixtures", "wire"))("replayed recordings", () => {
  it.each([undefined, { seed: 3, maxChunk: 4 }, { seed: 11, maxChunk: 30 }])(
    "reads the real padded SSE stream (split %j)",
    async (split) => {
      const { text, events, error } = await streamed({ kind: "replay", fixture: "anthropic/message_stream.sse", ...(split ? { split } : {}) })
      expect(error).toBeUndefined()
      expect(text).toBe("Hello there!")
      expect(events.find((event) => event.type === "message_delta")).toMatchObject({ usage: { output_tokens: 6 } })
      expect(events.find((event) => event.type === "message_start")).toMatchObject({ message: { usage: { input_tokens: 11 } } })
    }
  )

  it("reads the real JSON message", async () => {
    const recorded = JSON.parse(fs.readFileSync(fixturePath("anthropic/message.json"), "utf8"))
    server.enqueue({ kind: "replay", fixture: "anthropic/message.json" })
    const message = await client.messages.create(request)
    expect(message.content[0]).toMatchObject({ type: "text", text: recorded.content[0].text })
    expect(message.usage).toMatchObject({ input_tokens: 17, output_tokens: 220 })
  })

  it("replays the recorded 529 body as an overloaded_error", async () => {
    server.enqueue({ kind: "replay", fixture: "anthropic/error_529_overloaded.json" })
    const error = await client.messages.create(request).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(APIError)
    expect((error as APIError).status).toBe(529)
    expect((error as APIError).error).toMatchObject({ type: "error", error: { type: "overloaded_error" } })
  })
})

describe("faults as the Anthropic SDK sees them", () => {
  it("rate-limit: RateLimitError with Anthropic's error body and retry-after", async () => {
    server.enqueue({ kind: "fault", fault: "rate-limit", retryAfter: "3" })
    const error = await client.messages.create(request).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(Anthropic.RateLimitError)
    expect((error as APIError).headers?.get("retry-after")).toBe("3")
    expect((error as APIError).error).toMatchObject({ type: "error", error: { type: "rate_limit_error" } })
  })

  it("overloaded-529: status 529 with overloaded_error, selected by header", async () => {
    const error = await client.messages.create(request, { headers: { "x-orch-fault": "overloaded-529" } }).catch((caught: unknown) => caught)
    expect((error as APIError).status).toBe(529)
    expect((error as APIError).error).toMatchObject({ error: { type: "overloaded_error", message: "Overloaded" } })
    expect(server.requests[0]?.behavior).toBe("fault:overloaded-529")
  })

  it("in-band-error: `event: error` inside a 200 stream throws overloaded_error after the first tokens", async () => {
    const { text, error } = await streamed({ kind: "fault", fault: "in-band-error", text: "alpha beta gamma delta", afterTokens: 2 })
    expect(text).toBe("alpha beta")
    expect(error).toBeInstanceOf(APIError)
    expect((error as APIError).error).toMatchObject({ type: "error", error: { type: "overloaded_error" } })
  })

  it("truncated-stream: no message_delta or message_stop arrive, and the helper rejects", async () => {
    const { events, text } = await streamed({ kind: "fault", fault: "truncated-stream", text: "alpha beta gamma", afterTokens: 1 })
    expect(text).toBe("alpha")
    expect(events.some((event) => event.type === "message_stop" || event.type === "message_delta")).toBe(false)
    server.enqueue({ kind: "fault", fault: "truncated-stream", text: "alpha beta gamma", afterTokens: 1 })
    await expect(client.messages.stream(request).finalMessage()).rejects.toThrow(/message_stop|ended|stream/i)
  })

  it("reset-mid-stream: the stream throws after the first tokens", async () => {
    const { text, error } = await streamed({ kind: "fault", fault: "reset-mid-stream", text: "alpha beta gamma", afterTokens: 2 })
    expect(text).toBe("alpha beta")
    expect(error).toBeInstanceOf(Error)
  })

  it("malformed-json in a stream: the SDK throws a SyntaxError", async () => {
    const { text, error } = await streamed({ kind: "fault", fault: "malformed-json", text: "alpha beta", afterTokens: 1 })
    expect(text).toBe("alpha")
    expect(error).toBeInstanceOf(SyntaxError)
  })

  it("duplicate-done: a second message_stop is ignored", async () => {
    const { text, events, error } = await streamed({ kind: "fault", fault: "duplicate-done", text: "alpha beta" })
    expect(error).toBeUndefined()
    expect(text).toBe("alpha beta")
    expect(events.filter((event) => event.type === "message_stop").length).toBeGreaterThanOrEqual(1)
  })

  it("stall with a stream: headers arrive, then nothing, until the client aborts", async () => {
    server.enqueue({ kind: "fault", fault: "stall" })
    const controller = new AbortController()
    const stream = await client.messages.create({ ...request, stream: true }, { signal: controller.signal })
    const reading = (async () => {
      const seen: Array<string> = []
      for await (const event of stream) seen.push(event.type)
      return seen
    })()
    expect(server.openConnections()).toBe(1)
    controller.abort()
    const seen = await reading.catch(() => ["aborted"])
    expect(seen.filter((type) => type !== "aborted")).toEqual([])
    await server.waitForClosed()
    expect(server.requests[0]).toMatchObject({ aborted: true })
  })
})
