/**
 * Anthropic shapes the service and its relays send that the recordings do not hold, against the loopback wire server:
 * a `message_delta` whose cumulative counts read lower than `message_start`'s (a relay's `input_tokens: 0`), signed
 * thinking (`signature_delta`, a thinking block's `signature`) that the next turn must send back, the documented
 * 402 `billing_error`, and a 429 whose only retry hint is the `anthropic-ratelimit-*-reset` headers. Bodies are
 * written here in the documented shape (platform.claude.com/docs/en/build-with-claude/streaming, /api/errors,
 * /api/rate-limits), each stream split at random byte boundaries.
 */
import { assert, describe, expect, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { assistantMessage, collectStream, type CompletionRequest } from "@orch/provider"
import { startWireServer, type Behavior, type WireServer } from "@orch/testing"
import { afterAll, beforeAll, beforeEach } from "vitest"
import { anthropicModel } from "../src/index.ts"

const request: CompletionRequest = { prompt: "Say hello" }

let server: WireServer
beforeAll(async () => {
  server = await startWireServer()
})
afterAll(() => server.close())
beforeEach(() => server.reset())

const model = () => anthropicModel("claude-sonnet-4-5", { apiKey: "sk-ant-edge-test-key-000000", baseUrl: server.url, defaultMaxTokens: 256 })

const event = (data: Record<string, unknown>) => `event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`
const messageStart = (usage: Record<string, unknown>) =>
  event({ type: "message_start", message: { id: "msg_edge", type: "message", role: "assistant", model: "claude-sonnet-4-5", content: [], stop_reason: null, stop_sequence: null, usage } })
const textBlock = (index: number, pieces: ReadonlyArray<string>) =>
  event({ type: "content_block_start", index, content_block: { type: "text", text: "" } }) +
  pieces.map((text) => event({ type: "content_block_delta", index, delta: { type: "text_delta", text } })).join("") +
  event({ type: "content_block_stop", index })
const messageEnd = (reason: string, usage: Record<string, number>) =>
  event({ type: "message_delta", delta: { stop_reason: reason, stop_sequence: null }, usage }) + event({ type: "message_stop" })

describe("Anthropic usage: cumulative counts never go down", () => {
  for (const seed of [1, 6]) {
    it.effect(`a message_delta reporting input_tokens 0 keeps message_start's input and cache counts (seed ${seed})`, () =>
      Effect.gen(function*() {
        // A relay (and sglang's /v1/messages) repeats the usage in message_delta with the input zeroed.
        const body = messageStart({ input_tokens: 471, output_tokens: 1, cache_read_input_tokens: 2000, cache_creation_input_tokens: 300 }) +
          textBlock(0, ["Hello", " there"]) +
          messageEnd("end_turn", { input_tokens: 0, output_tokens: 80, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 })
        server.enqueue({ kind: "raw", body, split: { seed, maxChunk: 11 } })
        const completion = yield* collectStream(model().stream(request))
        expect(completion.text).toBe("Hello there")
        expect(completion.usage).toEqual({ inputTokens: 2771, outputTokens: 80, cachedInputTokens: 2000, cacheWriteInputTokens: 300, estimated: false })
      }))
  }

  it.effect("a relay that sends input_tokens 0 in message_start and the real count in message_delta is counted in full", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "raw", body: messageStart({ input_tokens: 0, output_tokens: 0 }) + textBlock(0, ["Hi"]) + messageEnd("end_turn", { input_tokens: 1204, output_tokens: 3 }) })
      const completion = yield* collectStream(model().stream(request))
      expect(completion.usage).toEqual({ inputTokens: 1204, outputTokens: 3, estimated: false })
    }))
})

describe("Anthropic one-hour cache writes", () => {
  // Anthropic splits cache writes by lifetime in `usage.cache_creation` (ephemeral_5m / ephemeral_1h input tokens);
  // a one-hour write is billed at 2x the input price, a five-minute one at 1.25x (prompt-caching docs).
  const usage = { input_tokens: 10, output_tokens: 1, cache_read_input_tokens: 0, cache_creation_input_tokens: 5000, cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 4000 } }
  const expected = { inputTokens: 5010, outputTokens: 7, cacheWriteInputTokens: 5000, cacheWriteLongInputTokens: 4000, estimated: false }

  it.effect("a stream reports the one-hour part of its cache writes", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "raw", body: messageStart(usage) + textBlock(0, ["Hi"]) + messageEnd("end_turn", { output_tokens: 7 }), split: { seed: 3, maxChunk: 21 } })
      const completion = yield* collectStream(model().stream(request))
      expect(completion.usage).toEqual(expected)
    }))

  it.effect("a JSON message reports the one-hour part of its cache writes", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "json", status: 200, body: { id: "msg_c", type: "message", role: "assistant", model: "claude-sonnet-4-5", content: [{ type: "text", text: "Hi" }], stop_reason: "end_turn", stop_sequence: null, usage: { ...usage, output_tokens: 7 } } })
      const completion = yield* model().generate(request)
      expect(completion.usage).toEqual(expected)
    }))
})

describe("Anthropic signed thinking", () => {
  const signature = "EqQBCkgIARABGAIiQL2s0mH0tY7yq0edgeTestSignature0x1Zz9AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/=="
  const weather = { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } }
  const thinkingThenTool =
    messageStart({ input_tokens: 40, output_tokens: 1 }) +
    event({ type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } }) +
    event({ type: "ping" }) +
    event({ type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "The user wants the weather;" } }) +
    event({ type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: " call the tool." } }) +
    event({ type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature } }) +
    event({ type: "content_block_stop", index: 0 }) +
    event({ type: "content_block_start", index: 1, content_block: { type: "tool_use", id: "toolu_w", name: "get_weather", input: {} } }) +
    event({ type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: "{\"city\": \"Paris\"}" } }) +
    event({ type: "content_block_stop", index: 1 }) +
    messageEnd("tool_use", { output_tokens: 30 })
  const thinkingMessage = {
    id: "msg_think",
    type: "message",
    role: "assistant",
    model: "claude-sonnet-4-5",
    content: [
      { type: "thinking", thinking: "The user wants the weather; call the tool.", signature },
      { type: "tool_use", id: "toolu_w", name: "get_weather", input: { city: "Paris" } }
    ],
    stop_reason: "tool_use",
    stop_sequence: null,
    usage: { input_tokens: 40, output_tokens: 30 }
  }

  /** The next turn of the agent loop: the answer appended as it is, then the tool's result. */
  const nextTurn = (answer: Parameters<typeof assistantMessage>[0]): CompletionRequest => ({
    messages: [{ role: "user", content: "Weather in Paris?" }, assistantMessage(answer), { role: "tool", toolCallId: "toolu_w", content: "18 C" }],
    tools: [weather]
  })

  for (const seed of [2, 9]) {
    it.effect(`a streamed signature_delta reaches the completion and goes back with the thinking block (seed ${seed})`, () =>
      Effect.gen(function*() {
        server.enqueue({ kind: "raw", body: thinkingThenTool, split: { seed, maxChunk: 17 } }, { kind: "synth", text: "18 C in Paris." })
        const completion = yield* collectStream(model().stream({ prompt: "Weather in Paris?", tools: [weather] }))
        expect(completion.reasoning).toBe("The user wants the weather; call the tool.")
        expect(completion.reasoningSignature).toBe(signature)
        expect(completion.toolCalls).toEqual([{ id: "toolu_w", name: "get_weather", arguments: { city: "Paris" } }])
        yield* model().generate(nextTurn(completion))
        expect(server.requests[1]?.body).toMatchObject({
          messages: [
            { role: "user" },
            { role: "assistant", content: [{ type: "thinking", thinking: "The user wants the weather; call the tool.", signature }, { type: "tool_use", id: "toolu_w" }] },
            { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_w" }] }
          ]
        })
      }))
  }

  it.effect("a JSON message's thinking signature reaches the completion and goes back with the thinking block", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "json", status: 200, body: thinkingMessage }, { kind: "synth", text: "18 C in Paris." })
      const completion = yield* model().generate({ prompt: "Weather in Paris?", tools: [weather] })
      expect(completion.reasoning).toBe("The user wants the weather; call the tool.")
      expect(completion.reasoningSignature).toBe(signature)
      yield* model().generate(nextTurn(completion))
      expect(server.requests[1]?.body).toMatchObject({
        messages: [{ role: "user" }, { role: "assistant", content: [{ type: "thinking", signature }, { type: "tool_use", id: "toolu_w" }] }, { role: "user" }]
      })
    }))
})

describe("Anthropic redacted thinking", () => {
  // A thinking block the safety systems flagged comes encrypted as `redacted_thinking` with its `data`; the next turn
  // of a tool loop must send it back unchanged with the other thinking blocks (extended-thinking docs).
  const data = "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB5URj"
  const weather = { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } }
  const nextTurn = (answer: Parameters<typeof assistantMessage>[0]): CompletionRequest => ({
    messages: [{ role: "user", content: "Weather in Paris?" }, assistantMessage(answer), { role: "tool", toolCallId: "toolu_r", content: "18 C" }],
    tools: [weather]
  })
  const expectedTurn = {
    messages: [
      { role: "user" },
      { role: "assistant", content: [{ type: "thinking", thinking: "Look it up.", signature: "sig-r" }, { type: "redacted_thinking", data }, { type: "tool_use", id: "toolu_r" }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_r" }] }
    ]
  }

  it.effect("streamed: the redacted block reaches the completion and goes back unchanged", () =>
    Effect.gen(function*() {
      const body = messageStart({ input_tokens: 30, output_tokens: 1 }) +
        event({ type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } }) +
        event({ type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "Look it up." } }) +
        event({ type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "sig-r" } }) +
        event({ type: "content_block_stop", index: 0 }) +
        event({ type: "content_block_start", index: 1, content_block: { type: "redacted_thinking", data } }) +
        event({ type: "content_block_stop", index: 1 }) +
        event({ type: "content_block_start", index: 2, content_block: { type: "tool_use", id: "toolu_r", name: "get_weather", input: {} } }) +
        event({ type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: "{\"city\":\"Paris\"}" } }) +
        event({ type: "content_block_stop", index: 2 }) +
        messageEnd("tool_use", { output_tokens: 25 })
      server.enqueue({ kind: "raw", body, split: { seed: 7, maxChunk: 23 } }, { kind: "synth", text: "18 C." })
      const completion = yield* collectStream(model().stream({ prompt: "Weather in Paris?", tools: [weather] }))
      expect(completion.redactedReasoning).toEqual([data])
      yield* model().generate(nextTurn(completion))
      expect(server.requests[1]?.body).toMatchObject(expectedTurn)
    }))

  it.effect("in a JSON message: the redacted block reaches the completion and goes back unchanged", () =>
    Effect.gen(function*() {
      server.enqueue({
        kind: "json",
        status: 200,
        body: {
          id: "msg_r", type: "message", role: "assistant", model: "claude-sonnet-4-5", stop_reason: "tool_use", stop_sequence: null, usage: { input_tokens: 30, output_tokens: 25 },
          content: [{ type: "thinking", thinking: "Look it up.", signature: "sig-r" }, { type: "redacted_thinking", data }, { type: "tool_use", id: "toolu_r", name: "get_weather", input: { city: "Paris" } }]
        }
      }, { kind: "synth", text: "18 C." })
      const completion = yield* model().generate({ prompt: "Weather in Paris?", tools: [weather] })
      expect(completion.redactedReasoning).toEqual([data])
      yield* model().generate(nextTurn(completion))
      expect(server.requests[1]?.body).toMatchObject(expectedTurn)
    }))

  it.effect("a caller's history with redacted reasoning sends the redacted_thinking block", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "synth", text: "18 C." })
      yield* model().generate({
        messages: [
          { role: "user", content: "Weather in Paris?" },
          { role: "assistant", content: [{ type: "reasoning", text: "", redactedData: data, provider: "anthropic" }], toolCalls: [{ id: "toolu_r", name: "get_weather", arguments: { city: "Paris" } }] },
          { role: "tool", toolCallId: "toolu_r", content: "18 C" }
        ],
        tools: [weather]
      })
      expect(server.requests[0]?.body).toMatchObject({ messages: [{ role: "user" }, { role: "assistant", content: [{ type: "redacted_thinking", data }, { type: "tool_use", id: "toolu_r" }] }, { role: "user" }] })
    }))
})

describe("Anthropic billing and rate-limit hints", () => {
  it.effect("402 billing_error is a quota error: not retryable, in generate and stream", () =>
    Effect.gen(function*() {
      const billing: Behavior = { kind: "json", status: 402, body: { type: "error", error: { type: "billing_error", message: "There is an issue with your payment method." }, request_id: "req_b" } }
      server.enqueue(billing, billing)
      const fromGenerate = yield* Effect.flip(model().generate(request))
      const fromStream = yield* Effect.flip(collectStream(model().stream(request)))
      for (const error of [fromGenerate, fromStream]) {
        expect(error.reason).toEqual({ _tag: "RateLimited", quotaExhausted: true })
        expect(error.isRetryable).toBe(false)
        expect(error.status).toBe(402)
      }
    }))

  it.effect("a 429 without retry-after waits for the exhausted anthropic-ratelimit-*-reset, relative to the Clock", () =>
    Effect.gen(function*() {
      const now = Date.parse("2026-03-01T12:00:00Z")
      yield* TestClock.setTime(now)
      const at = (ms: number) => new Date(now + ms).toISOString()
      const limited: Behavior = {
        kind: "json",
        status: 429,
        body: { type: "error", error: { type: "rate_limit_error", message: "This request would exceed your organization's rate limit of 50 requests per minute." } },
        headers: {
          "anthropic-ratelimit-requests-limit": "50",
          "anthropic-ratelimit-requests-remaining": "0",
          "anthropic-ratelimit-requests-reset": at(12_000),
          "anthropic-ratelimit-tokens-limit": "40000",
          "anthropic-ratelimit-tokens-remaining": "39000",
          "anthropic-ratelimit-tokens-reset": at(1_000),
          "anthropic-ratelimit-input-tokens-remaining": "0",
          "anthropic-ratelimit-input-tokens-reset": at(7_000)
        }
      }
      server.enqueue(limited, limited)
      const fromGenerate = yield* Effect.flip(model().generate(request))
      const fromStream = yield* Effect.flip(collectStream(model().stream(request)))
      for (const error of [fromGenerate, fromStream]) {
        assert(error.reason._tag === "RateLimited")
        expect(error.isRetryable).toBe(true)
        expect(error.retryAfterMs).toBe(12_000)
      }
    }))
})

describe("Anthropic content carried by content_block_start", () => {
  // Anthropic-compatible relays (OpenAI or Ollama streams translated to Messages events) put a tool call's whole input
  // in content_block_start and send no input_json_delta; the official SDK keeps a start block's content as it is.
  const weather = { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } }
  const toolStart = (index: number, id: string, input: Record<string, unknown>) =>
    event({ type: "content_block_start", index, content_block: { type: "tool_use", id, name: "get_weather", input } })
  const stop = (index: number) => event({ type: "content_block_stop", index })
  const jsonDelta = (index: number, partial_json: string) => event({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json } })

  for (const seed of [3, 12]) {
    it.effect(`a tool call whose input comes whole in content_block_start keeps its arguments (seed ${seed})`, () =>
      Effect.gen(function*() {
        const body = messageStart({ input_tokens: 20, output_tokens: 1 }) +
          toolStart(0, "toolu_a", { city: "Paris" }) + stop(0) +
          toolStart(1, "toolu_b", {}) + jsonDelta(1, "{\"city\": ") + jsonDelta(1, "\"Rome\"}") + stop(1) +
          toolStart(2, "toolu_c", { city: "stale" }) + jsonDelta(2, "{\"city\": \"Oslo\"}") + stop(2) +
          messageEnd("tool_use", { output_tokens: 40 })
        server.enqueue({ kind: "raw", body, split: { seed, maxChunk: 13 } })
        const completion = yield* collectStream(model().stream({ prompt: "weather", tools: [weather] }))
        expect(completion.finishReason).toBe("tool-calls")
        expect(completion.toolCalls).toEqual([
          { id: "toolu_a", name: "get_weather", arguments: { city: "Paris" } },
          { id: "toolu_b", name: "get_weather", arguments: { city: "Rome" } },
          // Deltas, when they come, are the input (as the SDK reads them).
          { id: "toolu_c", name: "get_weather", arguments: { city: "Oslo" } }
        ])
      }))
  }

  it.effect("a structured answer whose forced tool input comes whole in content_block_start is the answer's text", () =>
    Effect.gen(function*() {
      const schema = { type: "object", properties: { answer: { type: "number" } }, required: ["answer"] }
      const body = messageStart({ input_tokens: 20, output_tokens: 1 }) +
        event({ type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "toolu_s", name: "result", input: { answer: 4 } } }) + stop(0) +
        messageEnd("tool_use", { output_tokens: 9 })
      server.enqueue({ kind: "raw", body, split: { seed: 4, maxChunk: 9 } })
      const completion = yield* collectStream(model().stream({ prompt: "2+2?", responseFormat: { type: "json", schema, name: "result" } }))
      expect(JSON.parse(completion.text)).toEqual({ answer: 4 })
      expect(completion.finishReason).toBe("stop")
    }))

  it.effect("text and thinking a start block already carries are kept", () =>
    Effect.gen(function*() {
      const body = messageStart({ input_tokens: 20, output_tokens: 1 }) +
        event({ type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "Greet back.", signature: "sig-start" } }) + stop(0) +
        event({ type: "content_block_start", index: 1, content_block: { type: "text", text: "Hello" } }) +
        event({ type: "content_block_delta", index: 1, delta: { type: "text_delta", text: " there" } }) + stop(1) +
        messageEnd("end_turn", { output_tokens: 5 })
      server.enqueue({ kind: "raw", body, split: { seed: 8, maxChunk: 9 } })
      const completion = yield* collectStream(model().stream(request))
      expect(completion.text).toBe("Hello there")
      expect(completion.reasoning).toBe("Greet back.")
      expect(completion.reasoningSignature).toBe("sig-start")
    }))
})

describe("Anthropic blocks of the wrong shape", () => {
  const weather = { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } }
  const message = (content: ReadonlyArray<unknown>, stop_reason = "tool_use") => ({
    kind: "json" as const,
    status: 200,
    body: { id: "msg_shape", type: "message", role: "assistant", model: "claude-sonnet-4-5", content, stop_reason, stop_sequence: null, usage: { input_tokens: 9, output_tokens: 9 } }
  })

  it.effect("a JSON tool_use whose input is JSON text (as relays translating OpenAI calls send it) keeps its arguments", () =>
    Effect.gen(function*() {
      server.enqueue(message([{ type: "tool_use", id: "toolu_s", name: "get_weather", input: "{\"city\":\"Paris\"}" }]))
      const completion = yield* model().generate({ prompt: "weather", tools: [weather] })
      expect(completion.toolCalls).toEqual([{ id: "toolu_s", name: "get_weather", arguments: { city: "Paris" } }])
    }))

  const malformed: ReadonlyArray<readonly [string, ReadonlyArray<unknown>]> = [
    ["a tool_use whose input is a list", [{ type: "tool_use", id: "toolu_l", name: "get_weather", input: ["Paris"] }]],
    ["a tool_use with no name", [{ type: "tool_use", id: "toolu_n", input: { city: "Paris" } }]],
    ["a text block whose text is an object", [{ type: "text", text: { value: "Hi" } }]],
    ["a thinking block whose thinking is not text", [{ type: "thinking", thinking: 42, signature: "s" }, { type: "text", text: "Hi" }]]
  ]
  for (const [label, content] of malformed) {
    it.effect(`${label} is MalformedResponse, not a defect and not a quiet {} or ""`, () =>
      Effect.gen(function*() {
        server.enqueue(message(content))
        const error = yield* Effect.flip(model().generate({ prompt: "weather", tools: [weather] }))
        expect(error.reason._tag).toBe("MalformedResponse")
      }))
  }

  it.effect("a streamed text_delta whose text is not text is MalformedResponse before any text, StreamInterrupted after", () =>
    Effect.gen(function*() {
      const noText = event({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: 42 } })
      server.enqueue(
        { kind: "raw", body: messageStart({ input_tokens: 3, output_tokens: 1 }) + noText + messageEnd("end_turn", { output_tokens: 2 }) },
        { kind: "raw", body: messageStart({ input_tokens: 3, output_tokens: 1 }) + textBlock(0, ["Hello"]) + noText + messageEnd("end_turn", { output_tokens: 2 }) }
      )
      const before = yield* Effect.flip(collectStream(model().stream(request)))
      expect(before.reason._tag).toBe("MalformedResponse")
      const after = yield* Effect.flip(collectStream(model().stream(request)))
      expect(after.reason).toMatchObject({ _tag: "StreamInterrupted", partialText: "Hello" })
    }))

  it.effect("fields a Go relay leaves out when empty (omitempty) read as empty: input_json_delta without partial_json, a text block without text", () =>
    Effect.gen(function*() {
      const body = messageStart({ input_tokens: 20, output_tokens: 1 }) +
        event({ type: "content_block_start", index: 0, content_block: { type: "text" } }) +
        event({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Checking." } }) + event({ type: "content_block_stop", index: 0 }) +
        event({ type: "content_block_start", index: 1, content_block: { type: "tool_use", id: "toolu_g", name: "get_weather" } }) +
        event({ type: "content_block_delta", index: 1, delta: { type: "input_json_delta" } }) +
        event({ type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: "{\"city\": \"Lima\"}" } }) +
        event({ type: "content_block_stop", index: 1 }) +
        messageEnd("tool_use", { output_tokens: 12 })
      server.enqueue({ kind: "raw", body, split: { seed: 5, maxChunk: 10 } })
      const completion = yield* collectStream(model().stream({ prompt: "weather", tools: [weather] }))
      expect(completion.text).toBe("Checking.")
      expect(completion.toolCalls).toEqual([{ id: "toolu_g", name: "get_weather", arguments: { city: "Lima" } }])
    }))

  it.effect("a message_delta with no delta (a relay's usage-only delta) ends the answer with its usage, not a TypeError", () =>
    Effect.gen(function*() {
      const body = messageStart({ input_tokens: 7, output_tokens: 1 }) + textBlock(0, ["Hi"]) +
        event({ type: "message_delta", usage: { output_tokens: 4 } }) + event({ type: "message_stop" })
      server.enqueue({ kind: "raw", body })
      const completion = yield* collectStream(model().stream(request))
      expect(completion.text).toBe("Hi")
      expect(completion.finishReason).toBe("other")
      expect(completion.usage).toEqual({ inputTokens: 7, outputTokens: 4, estimated: false })
    }))

  const partless: ReadonlyArray<readonly [string, string]> = [
    ["a message_start with no message", event({ type: "message_start" })],
    ["a content_block_start with no block", event({ type: "content_block_start", index: 0 })],
    ["a content_block_delta with no delta", event({ type: "content_block_delta", index: 0 })],
    ["an event whose data is null", "event: content_block_delta\ndata: null\n\n"]
  ]
  for (const [label, first] of partless) {
    it.effect(`${label} is MalformedResponse, not a TypeError`, () =>
      Effect.gen(function*() {
        const start = label.startsWith("a message_start") ? "" : messageStart({ input_tokens: 3, output_tokens: 1 })
        server.enqueue({ kind: "raw", body: start + first + textBlock(0, ["Hi"]) + messageEnd("end_turn", { output_tokens: 2 }) })
        const error = yield* Effect.flip(collectStream(model().stream(request)))
        expect(error.reason._tag).toBe("MalformedResponse")
      }))
  }
})

describe("Anthropic answers in the other form than asked", () => {
  // A proxy or gateway between the caller and the service answers a plain request with an event stream (Claude Code's
  // "the non-streaming request was answered with a stream"), a streamed one with a JSON message or error, or JSON
  // under a text content type.
  const streamed = messageStart({ input_tokens: 12, output_tokens: 1 }) + textBlock(0, ["Hello", " from", " a stream"]) + messageEnd("end_turn", { output_tokens: 6 })
  const whole = { id: "msg_whole", type: "message", role: "assistant", model: "claude-sonnet-4-5", content: [{ type: "text", text: "Hello whole" }], stop_reason: "end_turn", stop_sequence: null, usage: { input_tokens: 12, output_tokens: 3 } }
  const authError = { type: "error", error: { type: "authentication_error", message: "invalid x-api-key" } }

  for (const seed of [4, 10]) {
    it.effect(`a stream whose events have no event: lines (a proxy) is read by their type, error events too (seed ${seed})`, () =>
      Effect.gen(function*() {
        const dataOnly = (body: string) => body.split("\n").filter((line) => !line.startsWith("event:")).join("\n")
        server.enqueue(
          { kind: "raw", contentType: "text/event-stream", body: dataOnly(streamed), split: { seed, maxChunk: 15 } },
          { kind: "raw", contentType: "text/event-stream", body: dataOnly(messageStart({ input_tokens: 1, output_tokens: 1 }) + event({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } })) }
        )
        const completion = yield* collectStream(model().stream(request))
        expect(completion.text).toBe("Hello from a stream")
        expect(completion.usage).toEqual({ inputTokens: 12, outputTokens: 6, estimated: false })
        const error = yield* Effect.flip(collectStream(model().stream(request)))
        expect(error.reason._tag).toBe("Overloaded")
      }))
  }

  it.effect("a stream line that never ends is MalformedResponse once it passes 16 MiB, not read into memory for ever", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "raw", contentType: "text/event-stream", body: messageStart({ input_tokens: 1, output_tokens: 1 }) + "data: " + "x".repeat(17 * 1024 * 1024), stallAfter: true })
      const error = yield* Effect.flip(collectStream(model().stream(request)))
      expect(error.reason._tag).toBe("MalformedResponse")
      yield* Effect.promise(() => server.waitForClosed())
      expect(server.requests[0]?.aborted).toBe(true)
    }))

  it.effect("an event whose data lines never end in a blank line is MalformedResponse once it passes 16 MiB", () =>
    Effect.gen(function*() {
      // Every line ends, the event never does: the data joined so far counts against the bound, not only the last line.
      const line = `data: ${"y".repeat(1023)}\n`
      server.enqueue({ kind: "raw", contentType: "text/event-stream", body: messageStart({ input_tokens: 1, output_tokens: 1 }) + line.repeat(17 * 1024), stallAfter: true })
      const error = yield* Effect.flip(collectStream(model().stream(request)))
      expect(error.reason._tag).toBe("MalformedResponse")
      yield* Effect.promise(() => server.waitForClosed())
      expect(server.requests[0]?.aborted).toBe(true)
    }))

  it.effect("a plain request answered with an event stream is read as the stream it is", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "raw", contentType: "text/event-stream", body: streamed })
      const completion = yield* model().generate(request)
      expect(completion.text).toBe("Hello from a stream")
      expect(completion.finishReason).toBe("stop")
      expect(completion.usage).toEqual({ inputTokens: 12, outputTokens: 6, estimated: false })
      expect(completion.responseId).toBe("msg_edge")
    }))

  it.effect("a plain request answered with an event stream that carries an error event gets that error", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "raw", contentType: "text/event-stream", body: messageStart({ input_tokens: 1, output_tokens: 1 }) + event({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } }) })
      const error = yield* Effect.flip(model().generate(request))
      expect(error.reason._tag).toBe("Overloaded")
    }))

  it.effect("a plain request answered with JSON under a text content type is read as JSON", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "raw", contentType: "text/plain; charset=utf-8", body: JSON.stringify(whole) })
      const completion = yield* model().generate(request)
      expect(completion.text).toBe("Hello whole")
    }))

  it.effect("a streamed request answered with a whole JSON message gives that message", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "raw", contentType: "application/json", body: JSON.stringify(whole), split: { seed: 2, maxChunk: 16 } })
      const completion = yield* collectStream(model().stream(request))
      expect(completion.text).toBe("Hello whole")
      expect(completion.usage).toEqual({ inputTokens: 12, outputTokens: 3, estimated: false })
      expect(completion.finishReason).toBe("stop")
    }))

  it.effect("a streamed request whose JSON answer stalls after its head is cut by the backstop, and the request aborted", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "raw", contentType: "application/json", body: `{"id":"msg_stall","type":"message","content":[{"type":"text","text":"Hel`, stallAfter: true })
      const patient = anthropicModel("claude-sonnet-4-5", { apiKey: "sk-ant-edge-test-key-000000", baseUrl: server.url, timeoutMs: 60_000 })
      const fiber = yield* Effect.forkChild(Effect.flip(collectStream(patient.stream(request))))
      // No text comes to wait for: move the Clock a backstop at a time until the call ends (the head's arrival arms it).
      while (fiber.pollUnsafe() === undefined) {
        yield* TestClock.adjust("1 minute")
        yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 5)))
      }
      const error = yield* Fiber.join(fiber)
      expect(error.reason).toEqual({ _tag: "Timeout", phase: "between-chunks", afterMs: 60_000 })
      yield* Effect.promise(() => server.waitForClosed())
      expect(server.requests[0]?.aborted).toBe(true)
    }))

  it.live("a plain request whose body stalls after its head is cut by the backstop timeout, and the request aborted", () =>
    Effect.gen(function*() {
      // The SDK's own timeout ends when the head arrives; the backstop must cover the body too.
      server.enqueue({ kind: "raw", contentType: "application/json", body: `{"id":"msg_stall","type":"message","content":[{"type":"text","text":"Hel`, stallAfter: true })
      const quick = anthropicModel("claude-sonnet-4-5", { apiKey: "sk-ant-edge-test-key-000000", baseUrl: server.url, timeoutMs: 200 })
      const error = yield* Effect.flip(quick.generate(request))
      expect(error.reason).toEqual({ _tag: "Timeout", phase: "total", afterMs: 200 })
      yield* Effect.promise(() => server.waitForClosed())
      expect(server.requests[0]?.aborted).toBe(true)
    }))

  it.effect("a streamed request answered with a JSON error in a 200 gets that error, not an interrupted stream", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "raw", contentType: "application/json", body: JSON.stringify(authError) })
      const error = yield* Effect.flip(collectStream(model().stream(request)))
      expect(error.reason._tag).toBe("Authentication")
      expect(error.isRetryable).toBe(false)
    }))
})

describe("Anthropic options that raise the price", () => {
  it.effect("speed \"fast\" (fast mode, billed at a multiple of the standard rates) is refused before sending", () =>
    Effect.gen(function*() {
      const refused = yield* Effect.flip(model().generate({ ...request, providerOptions: { anthropic: { speed: "fast" } } }))
      assert(refused.reason._tag === "InvalidRequest")
      expect(refused.reason.issues.join(" ")).toContain("speed")
      expect(server.requests).toHaveLength(0)
    }))
})
