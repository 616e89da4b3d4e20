// The Ollama SDK against the wire server: native chat/generate as JSON and NDJSON (streaming by default), the list
// routes, recordings replayed split at arbitrary byte boundaries, and faults as Ollama reports them.
import { Ollama } from "ollama"
import type { ChatResponse } from "ollama"
import fs from "node:fs"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { requireShared } from "../src/SharedData.ts"
import { fixturePath, startWireServer } from "../src/WireServer.ts"
import type { Behavior, WireServer } from "../src/WireServer.ts"

let server: WireServer
let client: Ollama

beforeAll(async () => {
  server = await startWireServer({ models: ["llama3.2:1b", "qwen2.5:0.5b"], loadedModels: ["qwen2.5:0.5b"] })
  client = new Ollama({ host: server.url })
})
afterEach(() => server.reset())
afterAll(() => server.close())

const messages = [{ role: "user", content: "tell me a joke" }]

const streamChat = async (behavior?: Behavior) => {
  if (behavior !== undefined) server.enqueue(behavior)
  const parts: Array<ChatResponse> = []
  const error = await (async () => {
    const stream = await client.chat({ model: "llama3.2:1b", messages, stream: true })
    for await (const part of stream) parts.push(part)
  })().then(() => undefined, (caught: unknown) => caught)
  return { parts, text: parts.map((part) => part.message.content).join(""), last: parts.at(-1), error }
}

describe("synthesised native API", () => {
  it("chat with stream:false answers JSON with done_reason and counts", async () => {
    server.enqueue({ kind: "synth", text: "Why did the span cross the road?" })
    const response = await client.chat({ model: "llama3.2:1b", messages, stream: false })
    expect(response.message.content).toBe("Why did the span cross the road?")
    expect(response).toMatchObject({ done: true, done_reason: "stop", prompt_eval_count: 4, eval_count: 7, model: "llama3.2:1b" })
    expect(response.eval_duration).toBeGreaterThan(0)
    expect(server.requests[0]?.headers["content-type"]).toContain("application/json")
  })

  it("streams NDJSON by default (no stream field): the server honours Ollama's default", async () => {
    const response = await fetch(server.url + "/api/chat", { method: "POST", body: JSON.stringify({ model: "m", messages }) })
    expect(response.headers.get("content-type")).toBe("application/x-ndjson")
    const lines = (await response.text()).trim().split("\n").map((line) => JSON.parse(line))
    expect(lines.length).toBeGreaterThan(2)
    expect(lines.at(-1)).toMatchObject({ done: true, done_reason: "stop", eval_count: 6 })
    expect(lines.slice(0, -1).every((line) => line.done === false)).toBe(true)
  })

  it.each([undefined, { seed: 8, maxChunk: 6 }])("the SDK reads a streamed chat (split %j)", async (split) => {
    const { text, last, error } = await streamChat({ kind: "synth", text: "ünïcode 🚀 stream", ...(split ? { split } : {}) })
    expect(error).toBeUndefined()
    expect(text).toBe("ünïcode 🚀 stream")
    expect(last).toMatchObject({ done: true, eval_count: 3, prompt_eval_count: 4 })
  })

  it("generate streams `response` pieces and counts prompt + system", async () => {
    server.enqueue({ kind: "synth", text: "a b c d" })
    const stream = await client.generate({ model: "m", prompt: "hello there", system: "sys", stream: true })
    const pieces: Array<string> = []
    let final: unknown
    for await (const part of stream) {
      pieces.push(part.response ?? "")
      final = part
    }
    expect(pieces.join("")).toBe("a b c d")
    // prompt "hello there" (2) + system "sys" (1)
    expect(final).toMatchObject({ done: true, prompt_eval_count: 3, eval_count: 4 })
    expect(server.requests[0]?.path).toBe("/api/generate")
  })

  it("lists models on /api/tags and loaded ones on /api/ps; reports a version", async () => {
    expect((await client.list()).models.map((model) => model.name)).toEqual(["llama3.2:1b", "qwen2.5:0.5b"])
    expect((await client.ps()).models.map((model) => model.name)).toEqual(["qwen2.5:0.5b"])
    expect(await client.version()).toEqual({ version: expect.any(String) })
    expect(server.requests.map((request) => request.behavior)).toEqual(["list", "list", "list"])
  })

  it("a list route takes a fault from its own queue, not from the generation queue", async () => {
    server.enqueue({ kind: "synth", text: "for chat" })
    server.enqueueFor("/api/tags", { kind: "fault", fault: "server-500" })
    await expect(client.list()).rejects.toMatchObject({ status_code: 500 })
    expect((await client.chat({ model: "m", messages, stream: false })).message.content).toBe("for chat")
  })
})

describe.skipIf(!requireShared("fixtures", "wire"))("replayed recordings", () => {
  const recordedLines = (name: string) =>
    fs.readFileSync(fixturePath(name), "utf8").trim().split("\n").map((line) => JSON.parse(line))

  it.each([undefined, { seed: 4, maxChunk: 5 }, { seed: 21, maxChunk: 50 }])(
    "reads the real chat stream (split %j)",
    async (split) => {
      const lines = recordedLines("ollama/chat_stream.ndjson")
      const { text, last, error } = await streamChat({ kind: "replay", fixture: "ollama/chat_stream.ndjson", ...(split ? { split } : {}) })
      expect(error).toBeUndefined()
      expect(text).toBe(lines.map((line) => line.message.content).join(""))
      expect(text).toContain("OpenTelemetry")
      expect(last).toMatchObject({ done: true, done_reason: "stop", prompt_eval_count: 17, eval_count: 50 })
    }
  )

  it("replays the recorded 404 as a ResponseError", async () => {
    server.enqueue({ kind: "replay", fixture: "ollama/error_404_model_not_found.json" })
    await expect(client.chat({ model: "nonexistent-model", messages, stream: false }))
      .rejects.toMatchObject({ status_code: 404, error: "model 'nonexistent-model:latest' not found" })
  })

  it("replays the recorded tag list", async () => {
    server.enqueueFor("/api/tags", { kind: "replay", fixture: "ollama/tags.json" })
    expect((await client.list()).models.map((model) => model.name)).toEqual(["qwen3:32b"])
  })
})

describe("faults as the Ollama SDK sees them", () => {
  it("ollama-busy-503: ResponseError 503 with Ollama's queue-full message", async () => {
    server.enqueue({ kind: "fault", fault: "ollama-busy-503" })
    await expect(client.chat({ model: "m", messages, stream: false }))
      .rejects.toMatchObject({ status_code: 503, error: expect.stringContaining("server busy") })
  })

  it("rate-limit and server errors carry Ollama's {error} body", async () => {
    server.enqueue({ kind: "fault", fault: "rate-limit" }, { kind: "fault", fault: "server-500" })
    await expect(client.chat({ model: "m", messages, stream: false })).rejects.toMatchObject({ status_code: 429 })
    await expect(client.chat({ model: "m", messages, stream: false })).rejects.toMatchObject({ status_code: 500 })
  })

  it("in-band-error: an {error} line in the stream throws with its message after the first tokens", async () => {
    const { text, error } = await streamChat({ kind: "fault", fault: "in-band-error", text: "one two three", afterTokens: 2 })
    expect(text).toBe("one two")
    expect((error as Error).message).toContain("unexpected EOF")
  })

  it("truncated-stream: no done line, and the SDK says so", async () => {
    const { text, error } = await streamChat({ kind: "fault", fault: "truncated-stream", text: "one two three", afterTokens: 1 })
    expect(text).toBe("one")
    expect((error as Error).message).toContain("Did not receive done")
  })

  it("duplicate-done: the SDK stops at the first done line", async () => {
    const { text, error, parts } = await streamChat({ kind: "fault", fault: "duplicate-done", text: "one two" })
    expect(error).toBeUndefined()
    expect(text).toBe("one two")
    expect(parts.filter((part) => part.done).length).toBe(1)
  })

  it("reset-mid-stream: the stream throws after the first tokens", async () => {
    const { text, error } = await streamChat({ kind: "fault", fault: "reset-mid-stream", text: "one two three", afterTokens: 2 })
    expect(text).toBe("one two")
    expect(error).toBeInstanceOf(Error)
  })

  it("stall without stream: nothing is sent until a client timeout (via the SDK's fetch option) aborts it", async () => {
    const impatient = new Ollama({
      host: server.url,
      fetch: (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(100) })
    })
    server.enqueue({ kind: "fault", fault: "stall" })
    await expect(impatient.chat({ model: "m", messages, stream: false })).rejects.toMatchObject({ name: "TimeoutError" })
    await server.waitForClosed()
    expect(server.requests[0]).toMatchObject({ behavior: "fault:stall", aborted: true })
  })

  it("slow-drip: a stream sent one byte at a time still reads whole", async () => {
    const { text, last, error } = await streamChat({ kind: "fault", fault: "slow-drip", text: "drip drop", delayMs: 1 })
    expect(error).toBeUndefined()
    expect(text).toBe("drip drop")
    expect(last).toMatchObject({ done: true, eval_count: 2 })
  })

  it("model name `fault:<Fault>` selects the fault", async () => {
    await expect(client.chat({ model: "fault:server-503", messages, stream: false })).rejects.toMatchObject({ status_code: 503 })
    expect(server.requests[0]?.behavior).toBe("fault:server-503")
  })
})
