// The OpenAI SDK against the wire server: synthesised JSON and streams, replayed recordings split at arbitrary
// byte boundaries, and every fault as the SDK reports it.
import fs from "node:fs"
import OpenAI, { APIError } from "openai"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { requireShared } from "../src/SharedData.ts"
import { fixturePath, startWireServer } from "../src/WireServer.ts"
import type { Behavior, WireServer } from "../src/WireServer.ts"

let server: WireServer
let client: OpenAI

beforeAll(async () => {
  server = await startWireServer()
  client = new OpenAI({ baseURL: server.url + "/v1", apiKey: "sk-test-secret", maxRetries: 0, timeout: 5_000 })
})
afterEach(() => server.reset())
afterAll(() => server.close())

const messages = [{ role: "system" as const, content: "be brief" }, { role: "user" as const, content: "say hello to the wire" }]

const streamText = async (behavior?: Behavior, model = "gpt-test") => {
  if (behavior !== undefined) server.enqueue(behavior)
  const stream = await client.chat.completions.create({ model, messages, stream: true, stream_options: { include_usage: true } })
  const chunks: Array<OpenAI.Chat.Completions.ChatCompletionChunk> = []
  for await (const chunk of stream) chunks.push(chunk)
  return {
    chunks,
    text: chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join(""),
    usage: chunks.at(-1)?.usage
  }
}

/** What a recorded OpenAI-style SSE body holds, parsed independently of the server. */
const recordedStream = (name: string) => {
  const events = fs.readFileSync(fixturePath(name), "utf8").split("\n").filter((line) => line.startsWith("data: "))
  const payloads = events.map((line) => line.slice(6)).filter((data) => data !== "[DONE]").map((data) => JSON.parse(data))
  return {
    text: payloads.map((chunk) => chunk.choices[0]?.delta?.content ?? "").join(""),
    usage: payloads.at(-1)?.usage ?? null,
    endsWithDone: events.at(-1) === "data: [DONE]"
  }
}

describe("synthesised chat completions", () => {
  it("answers JSON with the given text, the requested model and counted usage", async () => {
    server.enqueue({ kind: "synth", text: "Paris is the capital of France." })
    const completion = await client.chat.completions.create({ model: "gpt-test", messages })
    expect(completion.choices[0]?.message.content).toBe("Paris is the capital of France.")
    expect(completion.choices[0]?.finish_reason).toBe("stop")
    expect(completion.model).toBe("gpt-test")
    // prompt: "be brief" (2) + "say hello to the wire" (5); answer: 6 pieces.
    expect(completion.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 6, total_tokens: 13 })
    expect(server.requests[0]).toMatchObject({ method: "POST", path: "/v1/chat/completions", behavior: "synth" })
  })

  it("reports the usage and finish reason it is given", async () => {
    server.enqueue({ kind: "synth", text: "cut", usage: { inputTokens: 40, outputTokens: 9 }, finishReason: "length" })
    const completion = await client.chat.completions.create({ model: "m", messages })
    expect(completion.choices[0]?.finish_reason).toBe("length")
    expect(completion.usage).toMatchObject({ prompt_tokens: 40, completion_tokens: 9 })
  })

  it("streams one delta per token, then a usage chunk with no choices, then [DONE]", async () => {
    const { chunks, text, usage } = await streamText({ kind: "synth", tokens: ["Hel", "lo", " wor", "ld"] })
    expect(text).toBe("Hello world")
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.content).map((chunk) => chunk.choices[0]?.delta.content))
      .toEqual(["Hel", "lo", " wor", "ld"])
    expect(chunks.at(-1)?.choices).toEqual([])
    expect(usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 2 })
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop")
  })

  it("omits the usage chunk when include_usage is not set", async () => {
    const stream = await client.chat.completions.create({ model: "m", messages, stream: true })
    const chunks: Array<OpenAI.Chat.Completions.ChatCompletionChunk> = []
    for await (const chunk of stream) chunks.push(chunk)
    expect(chunks.every((chunk) => chunk.choices.length === 1 && chunk.usage === undefined)).toBe(true)
  })

  it.each([1, 2, 3, 42])("reads a stream split at random byte boundaries (seed %i)", async (seed) => {
    const text = "Ünïcödé ✓ splits — across 🚀 multi-byte characters."
    const { text: received, usage } = await streamText({ kind: "synth", text, split: { seed, maxChunk: 5 } })
    expect(received).toBe(text)
    expect(usage?.completion_tokens).toBe(8)
  })

  it("lists models on GET /v1/models", async () => {
    server.setModels(["alpha", "beta"])
    const page = await client.models.list()
    expect(page.data.map((model) => model.id)).toEqual(["alpha", "beta"])
    expect(server.requests[0]?.behavior).toBe("list")
  })
})

describe.skipIf(!requireShared("fixtures", "wire"))("replayed recordings", () => {
  it.each([undefined, { seed: 7, maxChunk: 3 }, { seed: 99, maxChunk: 40 }])(
    "gives the text and usage of the real OpenAI stream (split %j)",
    async (split) => {
      const expected = recordedStream("openai/chat_completion_stream_usage.sse")
      const { text, usage } = await streamText({ kind: "replay", fixture: "openai/chat_completion_stream_usage.sse", ...(split ? { split } : {}) })
      expect(expected.endsWithDone).toBe(true)
      expect(text).toBe(expected.text)
      expect(text.length).toBeGreaterThan(50)
      expect(usage).toMatchObject({ prompt_tokens: 176, completion_tokens: 26 })
      expect(server.requests[0]?.behavior).toBe("replay:openai/chat_completion_stream_usage.sse")
    }
  )

  it("gives the text of the real vLLM stream, selected by model name", async () => {
    const expected = recordedStream("vllm/chat_completion_stream.sse")
    const { text } = await streamText(undefined, "replay:vllm/chat_completion_stream.sse")
    expect(text).toBe(expected.text)
  })

  it("gives the real JSON completion with its recorded headers", async () => {
    server.enqueue({ kind: "replay", fixture: "openai/chat_completion.json" })
    const { data, response } = await client.chat.completions.create({ model: "o3-mini", messages }).withResponse()
    expect(data.choices[0]?.message.content).toBe("The capital of France is Paris.")
    expect(data.usage).toMatchObject({ prompt_tokens: 13, completion_tokens: 81 })
    expect(response.headers.get("content-type")).toContain("application/json")
  })

  it("replays a recorded 401 as AuthenticationError", async () => {
    server.enqueue({ kind: "replay", fixture: "openai/error_401_invalid_api_key.json" })
    const error = await client.chat.completions.create({ model: "m", messages }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError)
    expect((error as APIError).code).toBe("invalid_api_key")
  })

  it("answers 500 with the reason when a replayed recording does not exist", async () => {
    server.enqueue({ kind: "replay", fixture: "openai/no_such_recording.sse" })
    const error = await client.chat.completions.create({ model: "m", messages }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(OpenAI.InternalServerError)
    expect((error as Error).message).toContain("fixture not found: openai/no_such_recording.sse")
  })
})

describe("faults as the OpenAI SDK sees them", () => {
  const failure = async (behavior: Behavior, stream = false) => {
    server.enqueue(behavior)
    return (async () => {
      if (!stream) return client.chat.completions.create({ model: "m", messages })
      const result = await client.chat.completions.create({ model: "m", messages, stream: true })
      const texts: Array<string> = []
      for await (const chunk of result) texts.push(chunk.choices[0]?.delta.content ?? "")
      return texts
    })().then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error })
    )
  }

  it("rate-limit: RateLimitError 429 with retry-after", async () => {
    const outcome = await failure({ kind: "fault", fault: "rate-limit", retryAfter: "7" })
    expect(outcome.ok).toBe(false)
    const error = (outcome as { error: APIError }).error
    expect(error).toBeInstanceOf(OpenAI.RateLimitError)
    expect(error.status).toBe(429)
    expect(error.headers?.get("retry-after")).toBe("7")
    expect(error.code).toBe("rate_limit_exceeded")
  })

  it("rate-limit: retry-after-ms and HTTP-date forms", async () => {
    const millis = await failure({ kind: "fault", fault: "rate-limit", retryAfterMs: "250" })
    expect((millis as { error: APIError }).error.headers?.get("retry-after-ms")).toBe("250")
    const date = "Wed, 21 Oct 2026 07:28:00 GMT"
    const dated = await failure({ kind: "fault", fault: "rate-limit", retryAfter: date })
    expect((dated as { error: APIError }).error.headers?.get("retry-after")).toBe(date)
  })

  it.each([
    ["server-500", 500],
    ["server-502", 502],
    ["server-503", 503],
    ["overloaded-529", 529],
    ["ollama-busy-503", 503]
  ] as const)("%s: APIError with status %i and an OpenAI error body", async (fault, status) => {
    const outcome = await failure({ kind: "fault", fault })
    const error = (outcome as { error: APIError }).error
    expect(error).toBeInstanceOf(OpenAI.InternalServerError)
    expect(error.status).toBe(status)
    expect(error.error).toMatchObject({ message: expect.any(String), type: expect.any(String) })
  })

  it("html-502: InternalServerError carrying the HTML page", async () => {
    const outcome = await failure({ kind: "fault", fault: "html-502" })
    const error = (outcome as { error: APIError }).error
    expect(error.status).toBe(502)
    expect(error.message).toContain("502 Bad Gateway")
  })

  it("reset-before-headers: APIConnectionError", async () => {
    const outcome = await failure({ kind: "fault", fault: "reset-before-headers" })
    expect((outcome as { error: unknown }).error).toBeInstanceOf(OpenAI.APIConnectionError)
  })

  it("malformed-json: JSON body that does not parse", async () => {
    const outcome = await failure({ kind: "fault", fault: "malformed-json" })
    expect(outcome.ok).toBe(false)
    expect(String((outcome as { error: unknown }).error)).toMatch(/JSON/)
  })

  it("malformed-json in a stream: a SyntaxError after the first tokens", async () => {
    const outcome = await failure({ kind: "fault", fault: "malformed-json", afterTokens: 1 }, true)
    expect((outcome as { error: unknown }).error).toBeInstanceOf(SyntaxError)
  })

  it("in-band-error: APIError thrown mid-stream", async () => {
    const outcome = await failure({ kind: "fault", fault: "in-band-error", text: "one two three four", afterTokens: 2 }, true)
    const error = (outcome as { error: APIError }).error
    expect(error).toBeInstanceOf(APIError)
    expect(error.message).toContain("The server had an error")
  })

  it("reset-mid-stream: the stream throws a connection error after the first tokens", async () => {
    server.enqueue({ kind: "fault", fault: "reset-mid-stream", text: "one two three four five", afterTokens: 3 })
    const texts: Array<string> = []
    const stream = await client.chat.completions.create({ model: "m", messages, stream: true })
    const error = await (async () => {
      for await (const chunk of stream) texts.push(chunk.choices[0]?.delta.content ?? "")
    })().then(() => undefined, (caught: unknown) => caught)
    expect(texts.join("")).toBe("one two three")
    expect(error).toBeInstanceOf(Error)
    expect(String(error)).toMatch(/terminated|reset|socket|aborted/i)
    await server.waitForClosed()
    expect(server.requests[0]).toMatchObject({ aborted: false })
  })

  it("truncated-stream: the stream ends without [DONE] and without an error", async () => {
    const outcome = await failure({ kind: "fault", fault: "truncated-stream", text: "one two three four five", afterTokens: 2 }, true)
    // The OpenAI SDK ends silently on a clean close without [DONE]: the text is partial and no finish_reason came.
    expect(outcome).toEqual({ ok: true, value: ["", "one", " two"] })
  })

  it("duplicate-done: the SDK reads the full text once", async () => {
    const outcome = await failure({ kind: "fault", fault: "duplicate-done", text: "all of it" }, true)
    expect(outcome).toEqual({ ok: true, value: ["", "all", " of", " it", ""] })
  })

  it("stall: a client timeout ends it with APIConnectionTimeoutError", async () => {
    server.enqueue({ kind: "fault", fault: "stall" })
    const error = await client.chat.completions.create({ model: "m", messages }, { timeout: 150 }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError)
    await server.waitForClosed()
    expect(server.requests[0]).toMatchObject({ behavior: "fault:stall", aborted: true })
  })

  it("slow-drip: the SDK still reads the whole answer", async () => {
    server.enqueue({ kind: "fault", fault: "slow-drip", text: "drip", delayMs: 1 })
    const { data: completion, response } = await client.chat.completions.create({ model: "m", messages }).withResponse()
    expect(completion.choices[0]?.message.content).toBe("drip")
    expect(Number(response.headers.get("content-length"))).toBeGreaterThan(100)
  })
})
