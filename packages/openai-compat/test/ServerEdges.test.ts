/**
 * What OpenAI-compatible servers send beside OpenAI's own shapes, each written here from the server's source or
 * documentation (the bytes are ours), on both transports (the lean one, and the SDK's with a custom `fetch`) and
 * split at random byte boundaries: errors outside `data` (llama.cpp's `error:` field), answers the server stopped
 * itself (`finish_reason` `abort` / `error`), tool calls that reuse an index or carry none, whole messages in place
 * of deltas, a JSON body answering a streamed request, and `choices: null`.
 */
import { collectStream } from "@orch/provider"
import { startWireServer, type WireServer } from "@orch/testing"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { makeOpenAiCompatClient, makeOpenAiCompatLanguageModel, resolveSettings } from "../src/index.ts"
import { call, chunk, failureOf, seeds, settle, sse, successOf } from "./support.ts"

let server: WireServer
beforeAll(async () => {
  server = await startWireServer({ models: ["m"] })
})
afterAll(() => server.close())
beforeEach(() => server.reset())

const transports = ["lean", "sdk"] as const
type Transport = (typeof transports)[number]

/** A model of a local server (called streaming on the wire) or a cloud endpoint, on one transport. */
const modelOf = (transport: Transport, kind: "local" | "cloud" = "local") =>
  makeOpenAiCompatLanguageModel(
    makeOpenAiCompatClient(resolveSettings({ backend: "srv", baseUrl: `${server.url}/v1`, ...(transport === "sdk" ? { fetch: (input, init) => globalThis.fetch(input, init) } : {}) })),
    { name: "m", kind }
  )

const stream = (body: string, seed?: number) =>
  ({ kind: "raw", body, contentType: "text/event-stream", ...(seed !== undefined ? { split: { seed, maxChunk: 11 } } : {}) }) as const

describe("llama.cpp server: an error sent as an SSE `error:` field (tools/server/server.cpp, server_sent_event(sink, \"error\", …))", () => {
  // The server writes `error: {json}` then `data: [DONE]`; a plain SSE parser skips the unknown field.
  const overflow = { code: 400, message: "the request exceeds the available context size, try increasing it", type: "exceed_context_size_error", n_prompt_tokens: 5012, n_ctx: 4096 }
  for (const transport of transports) {
    for (const seed of seeds) {
      it(`before any text: the server's reason, not a missing terminator (${transport}, seed ${seed})`, async () => {
        server.enqueue(stream(`error: ${JSON.stringify(overflow)}\n\ndata: [DONE]\n\n`, seed))
        const error = failureOf(await call(modelOf(transport), "generate"))
        expect(error.reason).toEqual({ _tag: "ContextLengthExceeded", limit: 4096 })
        expect(error.isRetryable).toBe(false)
      })
    }
    it(`after text: StreamInterrupted with the text so far and the server's error type (${transport})`, async () => {
      server.enqueue(stream(`${sse([chunk({ role: "assistant", content: "Hel" }), chunk({ content: "lo" })], false)}error: {"code":500,"message":"failed to decode the batch","type":"server_error"}\n\ndata: [DONE]\n\n`, 3))
      const error = failureOf(await call(modelOf(transport), "stream"))
      expect(error.reason).toMatchObject({ _tag: "StreamInterrupted", partialText: "Hello", upstreamType: "server_error" })
      expect(error.message).toContain("failed to decode the batch")
    })
    it(`an event named \`error\` is an error whatever its data holds, as the openai SDK reads it (${transport})`, async () => {
      server.enqueue(stream(`event: error\ndata: {"message":"Rate limit reached for requests","code":429}\n\ndata: [DONE]\n\n`))
      expect(failureOf(await call(modelOf(transport), "stream")).reason._tag).toBe("RateLimited")
    })
  }
})

describe("an answer the server stopped itself is not a finished answer (vLLM FINISH_REASON_STRINGS: abort, error; OpenRouter finish_reason \"error\")", () => {
  for (const transport of transports) {
    for (const reason of ["abort", "error"]) {
      it(`streamed, finish_reason "${reason}" after text: StreamInterrupted with all the text, retryable (${transport})`, async () => {
        server.enqueue(stream(sse([chunk({ role: "assistant", content: "The answer " }), chunk({ content: "is" }, reason)]), 5))
        const error = failureOf(await call(modelOf(transport), "stream"))
        expect(error.reason).toMatchObject({ _tag: "StreamInterrupted", partialText: "The answer is", upstreamType: reason })
        expect(error.isRetryable).toBe(true)
      })
      it(`streamed, finish_reason "${reason}" before any text: a failure, not an empty success (${transport})`, async () => {
        server.enqueue(stream(sse([chunk({ role: "assistant", content: "" }), chunk({}, reason)])))
        const error = failureOf(await call(modelOf(transport), "generate"))
        expect(error.reason).toMatchObject({ _tag: "StreamInterrupted", partialText: "", upstreamType: reason })
      })
    }
  }
  it("a JSON completion with finish_reason \"abort\" keeps its text in the error", async () => {
    server.enqueue({ kind: "json", status: 200, body: { id: "chatcmpl-9", object: "chat.completion", model: "m", choices: [{ index: 0, message: { role: "assistant", content: "Partial ans" }, finish_reason: "abort", stop_reason: null }], usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 } } })
    const error = failureOf(await call(modelOf("lean", "cloud"), "generate"))
    expect(error.reason).toMatchObject({ _tag: "StreamInterrupted", partialText: "Partial ans", upstreamType: "abort" })
  })
})

describe("streamed tool calls as local servers number them", () => {
  const weather = { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } }
  const expected = [{ id: "call_a1b2c3d4", name: "get_weather", arguments: { city: "Paris" } }, { id: "call_e5f6g7h8", name: "get_weather", arguments: { city: "Rome" } }]
  const toolCall = (index: number | undefined, id: string | undefined, name: string | undefined, args: string) =>
    chunk({ tool_calls: [{ ...(index !== undefined ? { index } : {}), ...(id !== undefined ? { id, type: "function" } : {}), function: { ...(name !== undefined ? { name } : {}), arguments: args } }] })
  for (const seed of seeds) {
    it(`every call at index 0, each with its own id (Ollama /v1 openai.go toToolCalls) (seed ${seed})`, async () => {
      server.enqueue(stream(sse([
        chunk({ role: "assistant", content: "" }),
        toolCall(0, "call_a1b2c3d4", "get_weather", "{\"city\":\"Paris\"}"),
        toolCall(0, "call_e5f6g7h8", "get_weather", "{\"city\":\"Rome\"}"),
        chunk({}, "tool_calls")
      ]), seed))
      const parts = successOf(await settle(collectStream(modelOf("lean").stream({ prompt: "weather", tools: [weather] }))))
      expect(parts.toolCalls).toEqual(expected)
      expect(parts.finishReason).toBe("tool-calls")
    })
    it(`no index at all, arguments split, the name repeated on every piece (seed ${seed})`, async () => {
      server.enqueue(stream(sse([
        toolCall(undefined, "call_a1b2c3d4", "get_weather", "{\"city\":"),
        toolCall(undefined, undefined, "get_weather", "\"Paris\"}"),
        toolCall(undefined, "call_e5f6g7h8", "get_weather", "{\"city\":\"Rome\"}"),
        toolCall(undefined, "call_e5f6g7h8", "get_weather", ""),
        chunk({}, "tool_calls")
      ]), seed))
      const parts = successOf(await settle(collectStream(modelOf("sdk").stream({ prompt: "weather", tools: [weather] }))))
      expect(parts.toolCalls).toEqual(expected)
    })
  }
  it("a fresh id on a later piece without a name continues its call, under its first id", async () => {
    server.enqueue(stream(sse([toolCall(0, "call_a1b2c3d4", "get_weather", "{\"city\""), toolCall(0, "call_zzzz", undefined, ":\"Paris\"}"), chunk({}, "tool_calls")])))
    const parts = successOf(await settle(collectStream(modelOf("lean").stream({ prompt: "weather", tools: [weather] }))))
    expect(parts.toolCalls).toEqual([{ id: "call_a1b2c3d4", name: "get_weather", arguments: { city: "Paris" } }])
  })
})

describe("a whole message where a delta belongs, and a JSON body answering a streamed request", () => {
  for (const transport of transports) {
    for (const seed of seeds) {
      it(`stream chunks that carry \`message\` instead of \`delta\` keep their text (${transport}, seed ${seed})`, async () => {
        server.enqueue(stream(sse([
          { id: "c1", object: "chat.completion.chunk", model: "m", choices: [{ index: 0, message: { role: "assistant", content: "Bonjour" }, finish_reason: null }] },
          { id: "c1", object: "chat.completion.chunk", model: "m", choices: [{ index: 0, message: { role: "assistant", content: " le monde" }, finish_reason: "stop" }] }
        ]), seed))
        expect(successOf(await call(modelOf(transport), "stream"))).toMatchObject({ text: "Bonjour le monde", finishReason: "stop" })
      })
    }
    it(`a server that ignores stream: true and sends one JSON completion: the answer, its usage and tool calls (${transport})`, async () => {
      server.enqueue({ kind: "raw", contentType: "application/json", split: { seed: 9, maxChunk: 13 }, body: JSON.stringify({ id: "chatcmpl-j", object: "chat.completion", model: "m", choices: [{ index: 0, message: { role: "assistant", content: "Whole answer.", tool_calls: [{ id: "call_x", type: "function", function: { name: "lookup", arguments: "{\"q\":\"x\"}" } }] }, finish_reason: "tool_calls" }], usage: { prompt_tokens: 7, completion_tokens: 4, total_tokens: 11 } }) })
      const completion = successOf(await call(modelOf(transport), "generate"))
      expect(completion).toMatchObject({ text: "Whole answer.", finishReason: "tool-calls", toolCalls: [{ id: "call_x", name: "lookup", arguments: { q: "x" } }] })
      expect(completion.usage).toMatchObject({ inputTokens: 7, outputTokens: 4, estimated: false })
    })
    it(`a 200 JSON error body answering a streamed request is that error (${transport})`, async () => {
      server.enqueue({ kind: "json", status: 200, body: { error: { code: 404, message: "model 'qwen3:8b' not found", type: "not_found_error" } } })
      expect(failureOf(await call(modelOf(transport), "stream")).reason._tag).toBe("ModelNotFound")
    })
  }
})

describe("a web page answering a streamed request (a proxy's or captive portal's, sent with a 200)", () => {
  for (const transport of transports) {
    it(`is MalformedResponse, not a stream that lost its terminator (${transport})`, async () => {
      server.enqueue({ kind: "raw", status: 200, contentType: "text/html", body: "\n<!DOCTYPE html><html><head><title>Sign in to the network</title></head><body>Accept the terms to continue.</body></html>" })
      const error = failureOf(await call(modelOf(transport), "stream"))
      expect(error.reason._tag).toBe("MalformedResponse")
      expect(error.message).toContain("web page")
    })
  }
})

describe("vLLM's prompt-too-long 400 (vllm/v1/engine/processor.py: \"The decoder prompt (length N) is longer than the maximum model length of M\")", () => {
  // ContextLengthExceeded moves a fallback on to a larger window; InvalidRequest would stop it.
  const body = { object: "error", message: "The decoder prompt (length 5210) is longer than the maximum model length of 4096. Make sure that `max_model_len` is no smaller than the number of text tokens.", type: "BadRequestError", param: null, code: 400 }
  for (const [transport, kind, mode] of [["lean", "local", "stream"], ["sdk", "local", "generate"], ["lean", "cloud", "generate"]] as const) {
    it(`is ContextLengthExceeded with the limit (${transport}, ${kind} ${mode})`, async () => {
      server.enqueue({ kind: "json", status: 400, body })
      expect(failureOf(await call(modelOf(transport, kind), mode)).reason).toEqual({ _tag: "ContextLengthExceeded", limit: 4096 })
    })
  }
  it("SGLang's and Together's phrasing carries its limit too (\"… longer than the model's context length (M tokens)\")", async () => {
    server.enqueue({ kind: "json", status: 400, body: { object: "error", message: "The input (5210 tokens) is longer than the model's context length (4096 tokens).", type: "BadRequestError", param: null, code: 400 } })
    expect(failureOf(await call(modelOf("lean"), "stream")).reason).toEqual({ _tag: "ContextLengthExceeded", limit: 4096 })
  })
})

describe("OpenRouter's 402 (openrouter.ai/docs/api-reference/errors: \"Your account or API key has insufficient credits\")", () => {
  // A spent balance is a quota: waiting will not fix it, but another provider can answer, so a fallback moves on.
  const body = { error: { code: 402, message: "Insufficient credits. This account never purchased credits. Make sure your key is on the correct account or org, and if so, purchase more at https://openrouter.ai/settings/credits" } }
  it("as the HTTP status: RateLimited with the quota exhausted, not InvalidRequest", async () => {
    server.enqueue({ kind: "json", status: 402, body })
    expect(failureOf(await call(modelOf("lean", "cloud"), "generate")).reason).toEqual({ _tag: "RateLimited", quotaExhausted: true })
  })
  it("inside a streamed 200", async () => {
    server.enqueue(stream(sse([body], false)))
    expect(failureOf(await call(modelOf("sdk", "cloud"), "stream")).reason).toEqual({ _tag: "RateLimited", quotaExhausted: true })
  })
})

describe("a byte-order mark before the first field (the SSE spec strips it; .NET servers write one)", () => {
  for (const transport of transports) {
    it(`the first event is read (${transport})`, async () => {
      server.enqueue(stream(`\ufeff${sse([chunk({ role: "assistant", content: "Hel" }), chunk({ content: "lo" }, "stop")])}`))
      expect(successOf(await call(modelOf(transport), "stream"))).toMatchObject({ text: "Hello", finishReason: "stop" })
    })
  }
})

describe("a stream held open after [DONE] (a reverse proxy that keeps the connection; agentscope-java#2073)", () => {
  for (const transport of transports) {
    it(`the answer ends at [DONE], not at the deadline (${transport})`, async () => {
      server.enqueue({ kind: "raw", contentType: "text/event-stream", body: sse([chunk({ role: "assistant", content: "Hel" }), chunk({ content: "lo" }, "stop")]), stallAfter: true })
      expect(successOf(await call(modelOf(transport), "stream"))).toMatchObject({ text: "Hello", finishReason: "stop" })
      // The SDK path lets the held socket go at once (the lean transport drains it for a while first).
      if (transport === "sdk") await server.waitForClosed()
    })
  }
})

describe("an error inside a choice (OpenRouter's NonStreamingChoice / StreamingChoice `error`)", () => {
  const upstream429 = { code: 429, message: "Provider returned error: rate limit exceeded, retry shortly", metadata: { provider_name: "Together" } }
  it("in a JSON completion: the error's reason, not a finished empty answer", async () => {
    server.enqueue({ kind: "json", status: 200, body: { id: "gen-17", provider: "Together", model: "m", object: "chat.completion", choices: [{ index: 0, finish_reason: "error", native_finish_reason: "error", message: { role: "assistant", content: "" }, error: upstream429 }] } })
    expect(failureOf(await call(modelOf("lean", "cloud"), "generate")).reason._tag).toBe("RateLimited")
  })
  for (const transport of transports) {
    it(`in a stream chunk before any text: the error's reason (${transport})`, async () => {
      server.enqueue(stream(sse([{ id: "gen-18", object: "chat.completion.chunk", model: "m", choices: [{ index: 0, delta: { content: "" }, finish_reason: "error", native_finish_reason: "error", error: upstream429 }] }])))
      expect(failureOf(await call(modelOf(transport, "cloud"), "stream")).reason._tag).toBe("RateLimited")
    })
  }
  it("in a stream chunk after text: StreamInterrupted with all the text", async () => {
    server.enqueue(stream(sse([chunk({ role: "assistant", content: "Par" }), { id: "gen-19", object: "chat.completion.chunk", model: "m", choices: [{ index: 0, delta: { content: "tial" }, finish_reason: "error", error: { code: 502, message: "Provider disconnected" } }] }]), 4))
    expect(failureOf(await call(modelOf("lean", "cloud"), "stream")).reason).toMatchObject({ _tag: "StreamInterrupted", partialText: "Partial" })
  })
})

describe("choices: null (chunks of Go and proxy servers that serialise an absent list as null)", () => {
  it("a usage chunk with choices: null after the finish keeps the answer and its usage", async () => {
    server.enqueue(stream(sse([chunk({ role: "assistant", content: "Hi" }), chunk({}, "stop"), { id: "chatcmpl-t1", object: "chat.completion.chunk", model: "m", choices: null, usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 } }])))
    const completion = successOf(await call(modelOf("lean"), "stream"))
    expect(completion).toMatchObject({ text: "Hi", finishReason: "stop", usage: { inputTokens: 5, outputTokens: 1, estimated: false } })
  })
})

describe("finish_reason tool_calls with no tool call (a proxy or a server's tool parser dropped them)", () => {
  for (const transport of transports) {
    it(`streamed, nothing else in the answer: MalformedResponse, not an empty success (${transport})`, async () => {
      server.enqueue(stream(sse([chunk({ role: "assistant", content: null }), chunk({}, "tool_calls")]), 7))
      const error = failureOf(await call(modelOf(transport), "stream"))
      expect(error.reason._tag).toBe("MalformedResponse")
      expect(error.isRetryable).toBe(true)
    })
  }
  it("a JSON completion with content null, tool_calls [] and finish_reason tool_calls: MalformedResponse", async () => {
    server.enqueue({ kind: "json", status: 200, body: { id: "chatcmpl-7", object: "chat.completion", model: "m", choices: [{ index: 0, message: { role: "assistant", content: null, tool_calls: [] }, finish_reason: "tool_calls" }], usage: { prompt_tokens: 9, completion_tokens: 1, total_tokens: 10 } } })
    expect(failureOf(await call(modelOf("lean", "cloud"), "generate")).reason._tag).toBe("MalformedResponse")
  })
  it("with text, the answer stands: the text is what the model said", async () => {
    server.enqueue({ kind: "json", status: 200, body: { id: "chatcmpl-8", object: "chat.completion", model: "m", choices: [{ index: 0, message: { role: "assistant", content: "Let me check." }, finish_reason: "tool_calls" }], usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 } } })
    expect(successOf(await call(modelOf("lean", "cloud"), "generate")).text).toBe("Let me check.")
  })
})
