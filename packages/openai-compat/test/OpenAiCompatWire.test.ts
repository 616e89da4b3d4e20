import { startWireServer, type Behavior, type WireServer } from "@orch/testing"
import { Redacted } from "effect"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { makeOpenAiCompatClient, makeOpenAiCompatLanguageModel, resolveSettings } from "../src/index.ts"
import { call, chunk, failureOf, seeds, sse, successOf } from "./support.ts"

let server: WireServer
beforeAll(async () => {
  server = await startWireServer({ models: ["m"] })
})
afterAll(() => server.close())
beforeEach(() => server.reset())

const modelOf = (kind: "local" | "cloud", apiKey = "sk-kit-test-0123456789abcdef") =>
  makeOpenAiCompatLanguageModel(makeOpenAiCompatClient(resolveSettings({ backend: "srv", baseUrl: `${server.url}/v1`, apiKey: Redacted.make(apiKey) })), { name: "m", kind })

const raw = (body: string, split?: number, status = 200): Behavior =>
  ({ kind: "raw", body, status, ...(split !== undefined ? { split: { seed: split, maxChunk: 7 } } : {}) })

describe("class 1: errors inside an HTTP 200 go through the HTTP table", () => {
  const quota = { error: { message: "You exceeded your current quota, please check your plan and billing details.", type: "insufficient_quota", param: null, code: "insufficient_quota" } }
  for (const seed of seeds) {
    it(`an SSE quota error before any text is a quota, not retried (split seed ${seed})`, async () => {
      server.enqueue(raw(sse([quota], false), seed))
      const error = failureOf(await call(modelOf("cloud"), "stream"))
      expect(error.reason).toEqual({ _tag: "RateLimited", quotaExhausted: true })
      expect(error.isRetryable).toBe(false)
    })
    it(`vLLM's flat in-band context overflow is ContextLengthExceeded with the limit (seed ${seed})`, async () => {
      server.enqueue(raw(sse([{ object: "error", message: "This model's maximum context length is 2048 tokens. However, you requested 4000 tokens (3000 in the messages, 1000 in the completion).", type: "BadRequestError", param: null, code: 400 }], false), seed))
      const error = failureOf(await call(modelOf("local"), "stream"))
      expect(error.reason).toEqual({ _tag: "ContextLengthExceeded", limit: 2048 })
    })
  }
  it("a JSON 200 body with a gateway's numeric code 400 is not retried, also from generate", async () => {
    server.enqueue({ kind: "json", status: 200, body: { error: { code: 400, message: "Provider returned error: invalid parameter 'foo'" } } })
    const error = failureOf(await call(modelOf("cloud"), "generate"))
    expect(error.reason._tag).toBe("InvalidRequest")
    expect(error.isRetryable).toBe(false)
  })
  it("an error after text is StreamInterrupted with the text so far", async () => {
    server.enqueue(raw(sse([chunk({ role: "assistant", content: "Hel" }), chunk({ content: "lo" }), { error: { message: "Provider disconnected unexpectedly", code: 502 } }], false)))
    const error = failureOf(await call(modelOf("cloud"), "stream"))
    expect(error.reason).toMatchObject({ _tag: "StreamInterrupted", partialText: "Hello" })
  })
})

describe("class 2: refusals are visible", () => {
  it("message.refusal: content-filter with the refusal text", async () => {
    server.enqueue({ kind: "json", status: 200, body: { id: "chatcmpl-r", object: "chat.completion", created: 1, model: "gpt-4o", choices: [{ index: 0, message: { role: "assistant", content: null, refusal: "I'm sorry, I can't help with that." }, logprobs: null, finish_reason: "stop" }], usage: { prompt_tokens: 9, completion_tokens: 9, total_tokens: 18 } } })
    const completion = successOf(await call(modelOf("cloud"), "generate"))
    expect(completion).toMatchObject({ finishReason: "content-filter", text: "I'm sorry, I can't help with that." })
  })
  for (const seed of seeds) {
    it(`delta.refusal in a stream (seed ${seed})`, async () => {
      server.enqueue(raw(sse([chunk({ role: "assistant", content: null, refusal: "" }), chunk({ refusal: "I'm sorry, " }), chunk({ refusal: "I can't." }), chunk({}, "stop")]), seed))
      const completion = successOf(await call(modelOf("cloud"), "stream"))
      expect(completion).toMatchObject({ finishReason: "content-filter", text: "I'm sorry, I can't." })
    })
  }
})

describe("class 3: context overflow from local servers", () => {
  it("llama.cpp server: HTTP 400 exceed_context_size_error is ContextLengthExceeded with n_ctx", async () => {
    server.enqueue({ kind: "json", status: 400, body: { error: { code: 400, message: "request (4476 tokens) exceeds the available context size (4096 tokens)", type: "exceed_context_size_error", n_prompt_tokens: 4476, n_ctx: 4096 } } })
    const error = failureOf(await call(modelOf("local"), "generate"))
    expect(error.reason).toEqual({ _tag: "ContextLengthExceeded", limit: 4096 })
  })
  it("vLLM: HTTP 400 in the wrapped shape carries the limit", async () => {
    server.enqueue({ kind: "json", status: 400, body: { error: { message: "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.", type: "BadRequestError", param: null, code: 400 } } })
    const error = failureOf(await call(modelOf("local"), "stream"))
    expect(error.reason).toEqual({ _tag: "ContextLengthExceeded", limit: 4096 })
  })
})

describe("class 4: no silent loss", () => {
  for (const seed of seeds) {
    it(`a frame that is not JSON is MalformedResponse before text (seed ${seed})`, async () => {
      server.enqueue(raw(`data: {"id":"x","choices":[{"index":0,"delta":{"content":"Hel\n\n${sse([chunk({ content: "lo" }), chunk({}, "stop")])}`, seed))
      const error = failureOf(await call(modelOf("local"), "stream"))
      expect(error.reason._tag).toBe("MalformedResponse")
    })
    it(`a corrupt frame after text fails the call, never a shorter answer (seed ${seed})`, async () => {
      server.enqueue(raw(`${sse([chunk({ content: "Hello" })], false)}data: {"choices":[{"delta":{"content":" wor\n\n${sse([chunk({ content: "ld" }), chunk({}, "stop")])}`, seed))
      const error = failureOf(await call(modelOf("local"), "generate"))
      expect(error.reason).toMatchObject({ _tag: "StreamInterrupted", partialText: "Hello", upstreamType: "MalformedResponse" })
    })
  }
  it("a frame of an unknown shape is MalformedResponse", async () => {
    server.enqueue(raw(sse([{ id: "x", choices: "nope" }, chunk({}, "stop")])))
    expect(failureOf(await call(modelOf("local"), "stream")).reason._tag).toBe("MalformedResponse")
  })
})

describe("class 5: reasoning and content shapes", () => {
  for (const seed of seeds) {
    it(`delta.reasoning (vLLM 0.11+, Groq) is reasoning (seed ${seed})`, async () => {
      server.enqueue(raw(sse([chunk({ role: "assistant", reasoning: "Think" }), chunk({ reasoning: "ing." }), chunk({ content: "42" }), chunk({}, "stop")]), seed))
      const completion = successOf(await call(modelOf("cloud"), "stream"))
      expect(completion).toMatchObject({ reasoning: "Thinking.", text: "42" })
    })
    it(`<think> at the start of content is reasoning (seed ${seed})`, async () => {
      server.enqueue(raw(sse([chunk({ role: "assistant", content: "<thi" }), chunk({ content: "nk>\nplan</th" }), chunk({ content: "ink>\n\nAnswer." }), chunk({}, "stop")]), seed))
      const completion = successOf(await call(modelOf("local"), "stream"))
      expect(completion).toMatchObject({ reasoning: "\nplan", text: "Answer." })
    })
    it(`Mistral's content parts make text a string, streamed and not (seed ${seed})`, async () => {
      server.enqueue(raw(sse([chunk({ role: "assistant", content: [{ type: "thinking", thinking: [{ type: "text", text: "Hmm." }] }] }), chunk({ content: [{ type: "text", text: "Paris" }] }), chunk({ content: "." }, "stop")]), seed))
      const streamed = successOf(await call(modelOf("cloud"), "stream"))
      expect(streamed).toMatchObject({ text: "Paris.", reasoning: "Hmm." })
    })
  }
  it("Mistral's content parts in a JSON completion", async () => {
    server.enqueue({ kind: "json", status: 200, body: { id: "x", object: "chat.completion", model: "magistral-small", choices: [{ index: 0, message: { role: "assistant", content: [{ type: "thinking", thinking: [{ type: "text", text: "Let me see." }] }, { type: "text", text: "Paris." }] }, finish_reason: "stop" }], usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 } } })
    const completion = successOf(await call(modelOf("cloud"), "generate"))
    expect(typeof completion.text).toBe("string")
    expect(completion).toMatchObject({ text: "Paris.", reasoning: "Let me see." })
  })
  it("message.reasoning and message.reasoning_content in a JSON completion", async () => {
    server.enqueue({ kind: "json", status: 200, body: { id: "x", object: "chat.completion", model: "m", choices: [{ index: 0, message: { role: "assistant", content: "4", reasoning: "2+2" }, finish_reason: "stop" }] } })
    expect(successOf(await call(modelOf("cloud"), "generate"))).toMatchObject({ text: "4", reasoning: "2+2" })
  })
})

describe("class 6: log-probabilities through streams", () => {
  const lp = (token: string, logprob: number) => ({ content: [{ token, logprob, bytes: [], top_logprobs: [] }], refusal: null })
  for (const seed of seeds) {
    it(`the finish carries the mean, the response the tokens when asked (seed ${seed})`, async () => {
      const body = sse([chunk({ role: "assistant", content: "" }), chunk({ content: "Yes" }, null, { logprobs: lp("Yes", -0.5) }), chunk({ content: "!" }, null, { logprobs: lp("!", -1.5) }), chunk({}, "stop")])
      server.enqueue(raw(body, seed))
      const plain = successOf(await call(modelOf("local"), "stream"))
      expect(plain.meanLogprob).toBe(-1)
      expect(plain.logprobs).toBeUndefined()
      server.enqueue(raw(body, seed))
      const asked = successOf(await call(modelOf("local"), "stream", { logprobs: true }))
      expect(asked.logprobs).toEqual([{ token: "Yes", logprob: -0.5 }, { token: "!", logprob: -1.5 }])
      expect(server.requests[1]?.body).toMatchObject({ logprobs: true, stream: true })
    })
  }
})

describe("class 8: local servers are called streaming on the wire", () => {
  it("generate on a local model streams, and cancelling it closes the server's connection", async () => {
    const { Effect, Fiber } = await import("effect")
    server.enqueue({ kind: "raw", body: sse([chunk({ role: "assistant", content: "Once" })], false), stallAfter: true })
    const fiber = Effect.runFork(modelOf("local").generate({ prompt: "tell a long story" }))
    while (server.requests.length === 0) await new Promise((resolve) => setImmediate(resolve))
    await Effect.runPromise(Fiber.interrupt(fiber))
    await server.waitForClosed()
    expect(server.requests[0]?.body).toMatchObject({ stream: true })
    expect(server.requests[0]?.aborted).toBe(true)
  })
  it("a cloud model's generate is one JSON call", async () => {
    server.enqueue({ kind: "synth", text: "hi" })
    successOf(await call(modelOf("cloud"), "generate"))
    expect((server.requests[0]?.body as { stream?: boolean }).stream).toBeUndefined()
  })
})

describe("secrets never show", () => {
  it("a key a server echoes, and URL credentials, stay out of errors", async () => {
    const key = "zq-echoed-key-0123456789abcdefghijklmn"
    server.enqueue({ kind: "json", status: 400, body: { error: { message: `${"x".repeat(290)} bad key ${key}`, type: "invalid_request_error" } } })
    const error = failureOf(await call(modelOf("cloud", key), "generate"))
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain(key.slice(0, 8))
    const withCredentials = makeOpenAiCompatClient(resolveSettings({ backend: "srv", baseUrl: `http://user:pa55word-secret@127.0.0.1:${server.port}/v1` }))
    expect(withCredentials.settings.displayUrl).toBe(`http://127.0.0.1:${server.port}/v1`)
    server.enqueue({ kind: "synth", text: "ok" })
    successOf(await call(makeOpenAiCompatLanguageModel(withCredentials, { name: "m", kind: "local" }), "generate"))
    expect(server.requests[1]?.headers.authorization).toBe("[MASKED]")
  })
  it("a custom header's value is a secret, also when the server echoes it", async () => {
    const token = "proxy-token-0123456789abcdef"
    const client = makeOpenAiCompatClient(resolveSettings({ backend: "srv", baseUrl: `${server.url}/v1`, headers: { "X-Proxy-Token": token } }))
    server.enqueue({ kind: "json", status: 403, body: { error: { message: `token ${token} may not use this model` } } })
    const error = failureOf(await call(makeOpenAiCompatLanguageModel(client, { name: "m", kind: "local" }), "generate"))
    expect(error.message).not.toContain(token)
    expect(server.requests[0]?.headers["x-proxy-token"]).toBe(token)
  })
})
