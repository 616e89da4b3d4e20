// The wire server itself: behaviour selection, request records (masked secrets, aborts), connection accounting,
// timers cleared on close, refused connections, the chunking and fixture helpers.
import { it as effectIt } from "@effect/vitest"
import { Effect } from "effect"
import OpenAI from "openai"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { splitBytes } from "../src/Chunking.ts"
import { requireShared } from "../src/SharedData.ts"
import {
  countTokens,
  fixturePath,
  loadFixture,
  startWireServer,
  tokenize,
  unusedPortUrl,
  wireServerScoped
} from "../src/WireServer.ts"
import type { WireServer } from "../src/WireServer.ts"

let server: WireServer
beforeEach(async () => {
  server = await startWireServer()
})
afterEach(() => server.close())

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(server.url + path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) })

const chat = (model = "m", headers: Record<string, string> = {}) =>
  post("/v1/chat/completions", { model, messages: [{ role: "user", content: "hi" }] }, headers)

const contentOf = async (response: Response) => {
  const body = await response.json() as { choices: Array<{ message: { content: string } }> }
  return body.choices[0]?.message.content
}

describe("behaviour selection, first match wins", () => {
  it("header x-orch-behavior beats the model name, which beats the queue, which beats the default", async () => {
    server.setDefault({ kind: "synth", text: "from default" })
    server.enqueue({ kind: "synth", text: "from queue" })
    const byHeader = await chat("fault:server-500", { "x-orch-behavior": JSON.stringify({ kind: "json", status: 418, body: { teapot: true } }) })
    expect(byHeader.status).toBe(418)
    expect(await byHeader.json()).toEqual({ teapot: true })
    expect((await chat("fault:server-500")).status).toBe(500)
    expect(await contentOf(await chat())).toBe("from queue")
    expect(await contentOf(await chat())).toBe("from default")
    expect(server.requests.map((request) => request.behavior)).toEqual(["json:418", "fault:server-500", "synth", "synth"])
  })

  it("x-orch-fault selects a fault; the queue is FIFO; without anything the default text is synthesised", async () => {
    expect((await chat("m", { "x-orch-fault": "server-502" })).status).toBe(502)
    server.enqueue({ kind: "synth", text: "first" }, { kind: "synth", text: "second" })
    expect(await contentOf(await chat())).toBe("first")
    expect(await contentOf(await chat())).toBe("second")
    expect(await contentOf(await chat())).toBe("Hello from the orch wire server.")
  })

  it("a default function sees the recorded request", async () => {
    server.setDefault((request) => ({ kind: "synth", text: `you asked ${(request.body as { model: string }).model}` }))
    expect(await contentOf(await chat("gpt-x"))).toBe("you asked gpt-x")
  })

  it("rejects a bad selection with a 400 that says what is wrong", async () => {
    const badJson = await chat("m", { "x-orch-behavior": "{not json" })
    expect(badJson.status).toBe(400)
    expect(JSON.stringify(await badJson.json())).toContain("x-orch-behavior is not valid JSON")
    const badFault = await chat("fault:explode")
    expect(badFault.status).toBe(400)
    expect(JSON.stringify(await badFault.json())).toContain("unknown fault \\\"explode\\\"")
    expect(server.requests.map((request) => request.behavior)).toEqual(["invalid-selection", "invalid-selection"])
  })

  it("throws at once on an invalid behaviour given in code", () => {
    expect(() => server.enqueue({ kind: "fault", fault: "nope" as "stall" })).toThrow(TypeError)
    expect(() => server.setDefault({ kind: "replay", fixture: "" })).toThrow(/replay.fixture/)
  })

  it("answers 404 on an unknown route and records it", async () => {
    const response = await post("/v2/unknown", {})
    expect(response.status).toBe(404)
    expect(server.requests[0]).toMatchObject({ path: "/v2/unknown", behavior: "unknown-route" })
  })

  it("reset clears the queue, the default and the records, and restarts ids", async () => {
    server.enqueue({ kind: "fault", fault: "server-500" })
    server.setDefault({ kind: "fault", fault: "server-503" })
    await post("/v2/unknown", {})
    server.reset()
    expect(server.requests).toEqual([])
    const response = await chat()
    expect(response.status).toBe(200)
    expect(server.requests[0]?.id).toBe(1)
  })
})

describe("raw wire bytes", () => {
  it("OpenAI SSE: data lines only, usage chunk with no choices, then exactly one [DONE]", async () => {
    const response = await post("/v1/chat/completions", { model: "m", messages: [], stream: true, stream_options: { include_usage: true } })
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8")
    const body = await response.text()
    const events = body.split("\n\n").filter((event) => event !== "")
    expect(events.every((event) => event.startsWith("data: ") && !event.includes("\n"))).toBe(true)
    expect(events.at(-1)).toBe("data: [DONE]")
    expect(body.endsWith("data: [DONE]\n\n")).toBe(true)
    expect(JSON.parse(events.at(-2)!.slice(6))).toMatchObject({ choices: [], usage: { completion_tokens: 6 } })
  })

  it("Anthropic SSE: event lines in the order the API sends them", async () => {
    const response = await post("/v1/messages", { model: "c", max_tokens: 9, stream: true, messages: [{ role: "user", content: "hi" }] })
    const names = (await response.text()).split("\n").filter((line) => line.startsWith("event: ")).map((line) => line.slice(7))
    expect(names[0]).toBe("message_start")
    expect(names.slice(1, 3)).toEqual(["content_block_start", "ping"])
    expect(names.slice(-3)).toEqual(["content_block_stop", "message_delta", "message_stop"])
    expect(names.filter((name) => name === "content_block_delta").length).toBe(6)
  })

  it("slow-drip sends the answer one byte per write", async () => {
    const response = await chat("m", { "x-orch-behavior": JSON.stringify({ kind: "fault", fault: "slow-drip", text: "ok", delayMs: 1 }) })
    const reader = response.body!.getReader()
    const sizes: Array<number> = []
    for (let read = await reader.read(); !read.done; read = await reader.read()) sizes.push(read.value.length)
    expect(sizes.length).toBe(Number(response.headers.get("content-length")))
    expect(sizes.every((size) => size === 1)).toBe(true)
  })

  it("truncated-stream ends the response cleanly without the terminal event, in each format", async () => {
    const openAi = await (await post("/v1/chat/completions", { model: "fault:truncated-stream", messages: [], stream: true })).text()
    expect(openAi).not.toContain("[DONE]")
    expect(openAi).not.toContain("finish_reason\":\"stop")
    const anthropic = await (await post("/v1/messages", { model: "fault:truncated-stream", max_tokens: 9, stream: true, messages: [] })).text()
    expect(anthropic).not.toContain("message_stop")
    const ollama = await (await post("/api/chat", { model: "fault:truncated-stream", messages: [] })).text()
    expect(ollama.trim().split("\n").map((line) => JSON.parse(line).done)).toEqual([false, false])
  })
})

describe("request records", () => {
  it("masks authorization, x-api-key and api-key, and the secret appears nowhere", async () => {
    const openai = new OpenAI({ baseURL: server.url + "/v1", apiKey: "sk-live-SECRET123", maxRetries: 0 })
    await openai.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }] })
    await post("/v1/messages", { model: "c", max_tokens: 5, messages: [] }, { "x-api-key": "sk-ant-SECRET123" })
    await post("/v1/chat/completions", { model: "m", messages: [] }, { "api-key": "azure-SECRET123" })
    const [first, second, third] = server.requests
    expect(first?.headers.authorization).toBe("[MASKED]")
    expect(second?.headers["x-api-key"]).toBe("[MASKED]")
    expect(third?.headers["api-key"]).toBe("[MASKED]")
    expect(JSON.stringify(server.requests)).not.toContain("SECRET123")
    expect(first?.body).toMatchObject({ model: "m", messages: [{ role: "user", content: "hi" }] })
  })

  it("records a client abort mid-stream, and waitForClosed resolves once the client closed the socket", async () => {
    server.enqueue({ kind: "synth", text: "a b c d e f g h i j k l m n o p", perTokenDelayMs: 25 })
    const response = await post("/v1/chat/completions", { model: "m", messages: [], stream: true })
    const reader = response.body!.getReader()
    const first = await reader.read()
    expect(new TextDecoder().decode(first.value)).toContain("data: ")
    await reader.cancel()
    await server.waitForClosed()
    expect(server.openConnections()).toBe(0)
    const [record] = server.requests
    expect(record?.aborted).toBe(true)
    expect(record?.abortedAtMs).toBeGreaterThanOrEqual(record?.receivedAtMs ?? Infinity)
    expect(record?.finishedAtMs).toBeUndefined()
  })

  it("a completed request is not aborted and has finishedAtMs; arrival times increase", async () => {
    await (await chat()).text()
    await (await chat()).text()
    await server.waitForClosed()
    const [first, second] = server.requests
    expect(first).toMatchObject({ aborted: false })
    expect(first?.finishedAtMs).toBeGreaterThanOrEqual(first?.receivedAtMs ?? Infinity)
    expect(second!.receivedAtMs).toBeGreaterThan(first!.receivedAtMs)
    expect(second!.id).toBe(2)
  })

  it("a server-made reset is not counted as a client abort", async () => {
    const failed = await chat("fault:reset-mid-stream").then((response) => response.text()).then(() => "read", () => "failed")
    expect(failed).toBe("failed")
    await server.waitForClosed()
    expect(server.requests[0]).toMatchObject({ aborted: false, behavior: "fault:reset-mid-stream" })
  })
})

describe("timing and lifecycle", () => {
  it("honours firstTokenDelayMs: a client timeout shorter than the delay fires, the same request without delay succeeds", async () => {
    const openai = new OpenAI({ baseURL: server.url + "/v1", apiKey: "k", maxRetries: 0, timeout: 200 })
    const messages = [{ role: "user" as const, content: "hi" }]
    server.enqueue({ kind: "synth", text: "late", firstTokenDelayMs: 30_000 })
    await expect(openai.chat.completions.create({ model: "m", messages })).rejects.toBeInstanceOf(OpenAI.APIConnectionTimeoutError)
    server.enqueue({ kind: "synth", text: "on time" })
    expect((await openai.chat.completions.create({ model: "m", messages })).choices[0]?.message.content).toBe("on time")
  })

  it("holdUntil: the answer's text waits for the test's promise, streamed or whole, with no timer", async () => {
    for (const stream of [false, true]) {
      let release: () => void = () => undefined
      const hold = new Promise<void>((resolve) => { release = resolve })
      const arrived = new Promise<void>((resolve) => server.setDefault(() => {
        resolve()
        return { kind: "synth", text: "held text", holdUntil: hold }
      }))
      let settled = false
      const answer = post("/v1/chat/completions", { model: "m", messages: [{ role: "user", content: "hi" }], stream }).then((response) => response.text()).then((text) => {
        settled = true
        return text
      })
      await arrived
      // Turns of the event loop with I/O: nothing arrives while the promise is pending.
      for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve))
      expect(settled).toBe(false)
      release()
      expect(await answer).toContain("held")
    }
  })

  it("waitForClosed rejects, saying how many are open, while a stalled request holds its socket", async () => {
    const pending = post("/v1/chat/completions", { model: "fault:stall", messages: [] }).then(() => "answered", () => "aborted")
    await expect.poll(() => server.openConnections()).toBe(1)
    await expect(server.waitForClosed(50)).rejects.toThrow("1 connection(s) still open after 50 ms")
    await server.close()
    expect(await pending).toBe("aborted")
    expect(server.openConnections()).toBe(0)
  })

  it("close() ends stalls and slow streams, clears the server's timers, and is idempotent", async () => {
    const timersBefore = process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length
    server.enqueue({ kind: "synth", text: "slow slow slow", firstTokenDelayMs: 60_000 })
    const response = await post("/v1/chat/completions", { model: "m", messages: [], stream: true })
    const reading = response.text().then(() => "ended", () => "failed")
    await expect.poll(() => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length).toBeGreaterThan(timersBefore)
    await Promise.all([server.close(), server.close()])
    expect(process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length).toBe(timersBefore)
    expect(await reading).toBe("failed")
    await server.close()
  })

  it("unusedPortUrl gives a URL where the connection is refused", async () => {
    const url = await unusedPortUrl()
    const error = await fetch(url + "/api/tags").catch((caught: unknown) => caught)
    expect((error as { cause?: { code?: string } }).cause?.code).toBe("ECONNREFUSED")
    const openai = new OpenAI({ baseURL: url + "/v1", apiKey: "k", maxRetries: 0 })
    await expect(openai.models.list()).rejects.toBeInstanceOf(OpenAI.APIConnectionError)
  })
})

effectIt.live("wireServerScoped closes the server with its scope", () =>
  Effect.gen(function*() {
    const scoped = yield* Effect.scoped(Effect.gen(function*() {
      const inner = yield* wireServerScoped()
      const response = yield* Effect.promise(() => fetch(inner.url + "/api/version"))
      expect(response.status).toBe(200)
      return inner
    }))
    const afterClose = yield* Effect.promise(() => fetch(scoped.url + "/api/version").then(() => "open", () => "closed"))
    expect(afterClose).toBe("closed")
  }))

describe("helpers", () => {
  it("splitBytes is reproducible per seed, bounded by maxChunk, and loses nothing", () => {
    const bytes = new TextEncoder().encode("x".repeat(300))
    const first = splitBytes(bytes, { seed: 9, maxChunk: 7 })
    expect(first.map((piece) => piece.length)).toEqual(splitBytes(bytes, { seed: 9, maxChunk: 7 }).map((piece) => piece.length))
    expect(first.map((piece) => piece.length)).not.toEqual(splitBytes(bytes, { seed: 10, maxChunk: 7 }).map((piece) => piece.length))
    expect(first.every((piece) => piece.length >= 1 && piece.length <= 7)).toBe(true)
    expect(first.reduce((total, piece) => total + piece.length, 0)).toBe(300)
  })

  it("tokenize keeps the text whole; countTokens counts whitespace-separated pieces", () => {
    expect(tokenize("Hello  big\nworld ")).toEqual(["Hello", "  big", "\nworld "])
    expect(tokenize("")).toEqual([])
    expect(countTokens("  a b\tc \n")).toBe(3)
  })

  it("fixturePath refuses paths outside fixtures/wire", () => {
    expect(() => fixturePath("../models/x.gguf")).toThrow(/under fixtures\/wire/)
    expect(() => fixturePath("/etc/passwd")).toThrow(/under fixtures\/wire/)
  })

  it.skipIf(!requireShared("fixtures", "wire"))("loadFixture reads body, status and headers from the meta", () => {
    const fixture = loadFixture("openai/handwritten/error_429_rate_limit_STUB.json")
    expect(fixture.status).toBe(429)
    expect(fixture.headers?.["Retry-After"]).toBe("2")
    expect(JSON.parse(fixture.body)).toHaveProperty("error")
    expect(loadFixture("anthropic/stream_error_event_overloaded_vertex.json").headers).toBeNull()
    expect(() => loadFixture("openai/missing.json")).toThrow(/fixture not found/)
  })
})
