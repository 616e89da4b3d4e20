/**
 * Anthropic through the official client against the loopback wire server: recorded messages and SSE streams
 * (split at arbitrary byte boundaries), the in-band `event: error`, every stream end, errors, cancellation.
 */
import { assert, describe, expect, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { collectStream, type CompletionRequest } from "@orch/provider"
import { failureAfterStall, requireShared, startWireServer, type Behavior, type WireServer } from "@orch/testing"
import { afterAll, beforeAll, beforeEach } from "vitest"
import { anthropicModel } from "../src/index.ts"

const hasFixtures = requireShared("fixtures", "wire", "anthropic")
const request: CompletionRequest = { prompt: "Say hello" }

let server: WireServer
beforeAll(async () => {
  server = await startWireServer()
})
afterAll(() => server.close())
beforeEach(() => server.reset())

const model = (name = "claude-3-5-haiku-latest") =>
  anthropicModel(name, { apiKey: "sk-ant-test-key-0000000000", baseUrl: server.url, defaultMaxTokens: 256 })

describe("Anthropic JSON", () => {
  it.effect.skipIf(!hasFixtures)("parses a recorded message", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "replay", fixture: "anthropic/message.json", split: { seed: 3 } })
      const completion = yield* model().generate(request)
      expect(completion.text.startsWith("Sure, here's a joke about OpenTelemetry")).toBe(true)
      expect(completion.finishReason).toBe("stop")
      expect(completion.usage).toEqual({ inputTokens: 17, outputTokens: 220, estimated: false })
      expect(completion.model).toBe("claude-3-opus-20240229")
      expect(completion.provider).toBe("anthropic")
    }))

  it.effect("maps system messages to `system`, merges turns and always sends max_tokens", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "synth", text: "Hello" }, { kind: "synth", text: "Hello" })
      yield* model().generate({
        system: "Be brief",
        messages: [{ role: "system", content: "Answer in English" }, { role: "user", content: "Hi" }, { role: "user", content: "Say hello" }],
        stop: ["END"],
        providerOptions: { anthropic: { metadata: { user_id: "u-1" } } }
      })
      expect(server.requests[0]?.path).toBe("/v1/messages")
      expect(server.requests[0]?.body).toEqual({
        model: "claude-3-5-haiku-latest",
        max_tokens: 256,
        system: "Be brief\n\nAnswer in English",
        messages: [{ role: "user", content: [{ type: "text", text: "Hi" }, { type: "text", text: "Say hello" }] }],
        stop_sequences: ["END"],
        metadata: { user_id: "u-1" }
      })
      yield* model().generate({ prompt: "x", maxTokens: 12 })
      expect(server.requests[1]?.body).toMatchObject({ max_tokens: 12 })
    }))
})

describe("Anthropic streams", () => {
  for (const fixture of ["anthropic/message_stream.sse", "anthropic/sdk_fixture_basic_stream.sse"]) {
    it.effect.skipIf(!hasFixtures)(`replays ${fixture} split at arbitrary boundaries`, () =>
      Effect.gen(function*() {
        for (const seed of [1, 2, 3]) {
          server.enqueue({ kind: "replay", fixture, split: { seed, maxChunk: 13 } })
          const parts = yield* Stream.runCollect(model().stream(request))
          const types = parts.map((p) => p.type)
          expect(types[0]).toBe("text-start")
          expect(types.slice(-2)).toEqual(["text-end", "finish"])
          const completion = yield* collectStream(Stream.fromIterable(parts))
          expect(completion.text.length).toBeGreaterThan(0)
          expect(completion.usage.estimated).toBe(false)
        }
      }))
  }

  it.effect.skipIf(!hasFixtures)("message_delta's usage is final; the text is exact", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "replay", fixture: "anthropic/message_stream.sse", split: { seed: 9 } })
      const completion = yield* collectStream(model().stream(request))
      expect(completion.text).toBe("Hello there!")
      expect(completion.usage).toEqual({ inputTokens: 11, outputTokens: 6, estimated: false })
      expect(completion.finishReason).toBe("stop")
      expect(completion.responseId).toBe("msg_015gfMD3dPMTLGst8hsmvWJw")
    }))

  it.effect.skipIf(!hasFixtures)("a stream with a ping and cache reads reports the cached input tokens", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "replay", fixture: "anthropic/message_stream_cached_ping.sse", split: { seed: 4 } })
      const completion = yield* collectStream(model().stream(request))
      expect(completion.text).toBe("Hello")
      expect(completion.usage).toEqual({ inputTokens: 1220, outputTokens: 4, cachedInputTokens: 1217, estimated: false })
    }))

  it.effect.skipIf(!hasFixtures)("a tool-use stream ends with tool-calls", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "replay", fixture: "anthropic/message_stream_tool_use.sse" })
      const completion = yield* collectStream(model().stream(request))
      expect(completion.finishReason).toBe("tool-calls")
    }))

  it.effect("an `event: error` after text is StreamInterrupted with overloaded_error and the text so far", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "fault", fault: "in-band-error", text: "alpha beta gamma", afterTokens: 2 })
      const error = yield* Effect.flip(collectStream(model().stream(request)))
      assert(error.reason._tag === "StreamInterrupted")
      expect(error.reason.upstreamType).toBe("overloaded_error")
      expect(error.reason.partialText).toBe("alpha beta")
      expect(error.reason.usage?.estimated).toBe(false)
    }))

  it.effect("an `event: error` before any text is Overloaded", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "fault", fault: "in-band-error", afterTokens: 0 })
      const error = yield* Effect.flip(collectStream(model().stream(request)))
      expect(error.reason._tag).toBe("Overloaded")
      expect(error.isRetryable).toBe(true)
    }))

  it.effect("a stream without message_stop is StreamInterrupted with the partial text and usage", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "fault", fault: "truncated-stream", text: "alpha beta gamma", afterTokens: 1 })
      const error = yield* Effect.flip(collectStream(model().stream(request)))
      assert(error.reason._tag === "StreamInterrupted")
      expect(error.reason.partialText).toBe("alpha")
      expect(error.reason.usage).toBeDefined()
    }))

  it.live("interrupting a stream aborts the HTTP request", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "synth", text: "a b c d e f g h i j k l", perTokenDelayMs: 20 })
      const parts = yield* model().stream(request).pipe(Stream.take(2), Stream.runCollect)
      expect(parts.map((p) => p.type)).toEqual(["text-start", "text-delta"])
      yield* Effect.promise(() => server.waitForClosed(2000))
      expect(server.requests[0]?.aborted).toBe(true)
    }))
})

describe("Anthropic errors", () => {
  const cases: ReadonlyArray<readonly [string, Behavior, string, boolean]> = [
    ["400 recorded", { kind: "replay", fixture: "anthropic/error_400_invalid_request.json" }, "InvalidRequest", false],
    ["404 recorded", { kind: "replay", fixture: "anthropic/error_404_not_found_model.json" }, "ModelNotFound", false],
    ["529 recorded", { kind: "replay", fixture: "anthropic/error_529_overloaded.json" }, "Overloaded", true],
    ["401", { kind: "json", status: 401, body: { type: "error", error: { type: "authentication_error", message: "invalid x-api-key" } } }, "Authentication", false],
    ["403", { kind: "json", status: 403, body: { type: "error", error: { type: "permission_error", message: "Your API key does not have permission to use the specified resource." } } }, "PermissionDenied", false],
    ["400 prompt too long", { kind: "json", status: 400, body: { type: "error", error: { type: "invalid_request_error", message: "prompt is too long: 208310 tokens > 200000 maximum" } } }, "ContextLengthExceeded", false],
    ["429 rate limit", { kind: "fault", fault: "rate-limit", retryAfter: "3" }, "RateLimited", true],
    ["429 spend limit", { kind: "json", status: 429, body: { type: "error", error: { type: "rate_limit_error", message: "You have reached your specified workspace API usage limits. You will regain access on 2026-04-01 at 00:00 UTC." } } }, "RateLimited", false],
    ["400 credit balance", { kind: "json", status: 400, body: { type: "error", error: { type: "invalid_request_error", message: "Your credit balance is too low to access the Anthropic API." } } }, "RateLimited", false],
    ["500", { kind: "fault", fault: "server-500" }, "ServerError", true],
    ["503 \"overloaded\" body", { kind: "fault", fault: "server-503" }, "Overloaded", true],
    ["502", { kind: "fault", fault: "server-502" }, "ServerError", true],
    ["529", { kind: "fault", fault: "overloaded-529" }, "Overloaded", true]
  ]
  for (const [label, behavior, tag, retryable] of cases) {
    it.effect.skipIf(!hasFixtures)(`${label} → ${tag} (retryable: ${retryable})`, () =>
      Effect.gen(function*() {
        server.enqueue(behavior, behavior)
        const fromGenerate = yield* Effect.flip(model().generate(request))
        const fromStream = yield* Effect.flip(collectStream(model().stream(request)))
        for (const error of [fromGenerate, fromStream]) {
          expect(error.reason._tag).toBe(tag)
          expect(error.isRetryable).toBe(retryable)
          expect(error.provider).toBe("anthropic")
          expect(error.model).toBe("claude-3-5-haiku-latest")
        }
        expect(server.requests).toHaveLength(2)
      }))
  }

  it.effect("the prompt-too-long message gives the limit; the rate limit gives retry-after", () =>
    Effect.gen(function*() {
      server.enqueue(cases[5]![1], cases[6]![1])
      const context = yield* Effect.flip(model().generate(request))
      assert(context.reason._tag === "ContextLengthExceeded")
      expect(context.reason.limit).toBe(200000)
      const rate = yield* Effect.flip(model().generate(request))
      expect(rate.retryAfterMs).toBe(3000)
    }))

  it.effect("an error body in a 200 response is typed (overloaded)", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "fault", fault: "in-band-error" })
      const error = yield* Effect.flip(model().generate(request))
      expect(error.reason._tag).toBe("Overloaded")
    }))
})

describe("Anthropic stream integrity and a quiet SDK", () => {
  const event = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`
  const start = (id: string) => event("message_start", { type: "message_start", message: { id, type: "message", role: "assistant", model: "claude-3-5-haiku-latest", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 5, output_tokens: 1 } } })
  const text = (t: string) => event("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: t } })
  const end = event("message_delta", { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 3 } }) + event("message_stop", { type: "message_stop" })

  it.effect("a body that stalls after text is a between-chunks Timeout one backstop after its last event, and the request is aborted", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "raw", body: start("msg_a") + text("Once"), stallAfter: true })
      const patient = anthropicModel("claude-3-5-haiku-latest", { apiKey: "sk-ant-test-key-0000000000", baseUrl: server.url, timeoutMs: 60_000 })
      const error = yield* failureAfterStall(patient.stream(request), "1 minute")
      expect(error.reason).toEqual({ _tag: "Timeout", phase: "between-chunks", afterMs: 60_000 })
      yield* Effect.promise(() => server.waitForClosed())
      expect(server.requests[0]?.aborted).toBe(true)
    }))

  for (const seed of [1, 5, 9]) {
    it.effect(`a second message_start inside one answer fails the call (seed ${seed})`, () =>
      Effect.gen(function*() {
        server.enqueue({ kind: "raw", body: start("msg_a") + text("Hello") + start("msg_b") + text("Hello again") + end, split: { seed, maxChunk: 9 } })
        const spliced = yield* Effect.flip(collectStream(model().stream(request)))
        expect(spliced.reason).toMatchObject({ _tag: "StreamInterrupted", partialText: "Hello" })
        server.enqueue({ kind: "raw", body: start("msg_a") + start("msg_b") + text("Hi") + end, split: { seed, maxChunk: 9 } })
        const early = yield* Effect.flip(model().generate(request).pipe(Effect.andThen(collectStream(model().stream(request)))))
        expect(early.reason._tag).toBe("MalformedResponse")
      }))
  }

  it.effect("a model the SDK considers deprecated prints no warning", () =>
    Effect.gen(function*() {
      const warnings: Array<unknown> = []
      const original = console.warn
      console.warn = (...args: Array<unknown>) => void warnings.push(args)
      server.enqueue({ kind: "synth", text: "ok" }, { kind: "synth", text: "ok" })
      const deprecated = "claude-sonnet-4-5"
      yield* model(deprecated).generate(request).pipe(Effect.ensuring(Effect.sync(() => { console.warn = original })))
      console.warn = (...args: Array<unknown>) => void warnings.push(args)
      yield* collectStream(model(deprecated).stream(request)).pipe(Effect.ensuring(Effect.sync(() => { console.warn = original })))
      expect(warnings).toEqual([])
    }))
})

describe("Anthropic tools, content parts and structured output", () => {
  const weather = { name: "get_weather", description: "The weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } }
  const event = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`
  const start = event("message_start", { type: "message_start", message: { id: "msg_t", type: "message", role: "assistant", model: "claude-3-5-haiku-latest", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 50, output_tokens: 1 } } })
  const stop = (reason: string) => event("message_delta", { type: "message_delta", delta: { stop_reason: reason, stop_sequence: null }, usage: { output_tokens: 20 } }) + event("message_stop", { type: "message_stop" })
  const toolBlock = (index: number, id: string, name: string, pieces: ReadonlyArray<string>) =>
    event("content_block_start", { type: "content_block_start", index, content_block: { type: "tool_use", id, name, input: {} } }) +
    pieces.map((partial_json) => event("content_block_delta", { type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json } })).join("") +
    event("content_block_stop", { type: "content_block_stop", index })

  it.effect("maps tools, the choice, images, documents, tool calls and results to content blocks", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "synth", text: "ok" })
      yield* model().generate({
        messages: [
          { role: "user", content: [{ type: "text", text: "Look" }, { type: "image", data: "iVBORw0KGgo=", mediaType: "image/png" }, { type: "file", data: "JVBERi0=", mediaType: "application/pdf" }] },
          { role: "assistant", toolCalls: [{ id: "call_1", name: "get_weather", arguments: { city: "Paris" } }, { id: "call_2", name: "get_weather", arguments: { city: "Rome" } }] },
          { role: "tool", toolCallId: "call_1", content: "18 C" },
          { role: "tool", toolCallId: "call_2", content: "25 C" }
        ],
        tools: [weather],
        toolChoice: "required"
      })
      expect(server.requests[0]?.body).toMatchObject({
        messages: [
          { role: "user", content: [{ type: "text", text: "Look" }, { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } }, { type: "document", source: { type: "base64", media_type: "application/pdf" } }] },
          { role: "assistant", content: [{ type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Paris" } }, { type: "tool_use", id: "call_2" }] },
          { role: "user", content: [{ type: "tool_result", tool_use_id: "call_1", content: "18 C" }, { type: "tool_result", tool_use_id: "call_2", content: "25 C" }] }
        ],
        tools: [{ name: "get_weather", input_schema: weather.parameters }],
        tool_choice: { type: "any" }
      })
    }))

  for (const seed of [2, 8, 31]) {
    it.effect(`streamed tool calls, arguments split across events, two calls (seed ${seed})`, () =>
      Effect.gen(function*() {
        server.enqueue({ kind: "raw", split: { seed, maxChunk: 10 }, body: start + toolBlock(0, "toolu_a", "get_weather", ["{\"ci", "ty\": \"Paris\"}"]) + toolBlock(1, "toolu_b", "get_weather", ["", "{\"city\":\"Rome\"}"]) + stop("tool_use") })
        const completion = yield* collectStream(model().stream({ prompt: "weather", tools: [weather] }))
        expect(completion.finishReason).toBe("tool-calls")
        expect(completion.toolCalls).toEqual([{ id: "toolu_a", name: "get_weather", arguments: { city: "Paris" } }, { id: "toolu_b", name: "get_weather", arguments: { city: "Rome" } }])
      }))
  }

  it.effect.skipIf(!hasFixtures)("the recorded tool-use answer and stream", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "replay", fixture: "anthropic/message_tool_use.json" }, { kind: "replay", fixture: "anthropic/message_stream_tool_use.sse", split: { seed: 4, maxChunk: 17 } })
      const whole = yield* model().generate({ prompt: "weather", tools: [weather] })
      expect(whole.finishReason).toBe("tool-calls")
      expect(whole.toolCalls?.length).toBeGreaterThan(0)
      const streamed = yield* collectStream(model().stream({ prompt: "weather", tools: [weather] }))
      expect(streamed.finishReason).toBe("tool-calls")
      expect(streamed.toolCalls?.length).toBeGreaterThan(0)
    }))

  it.effect("a JSON schema is a forced tool whose input is the answer's text", () =>
    Effect.gen(function*() {
      const schema = { type: "object", properties: { answer: { type: "number" } }, required: ["answer"] }
      server.enqueue({ kind: "raw", split: { seed: 5, maxChunk: 8 }, body: start + toolBlock(0, "toolu_s", "result", ["{\"answer\"", ": 4}"]) + stop("tool_use") })
      const completion = yield* collectStream(model().stream({ prompt: "2+2?", responseFormat: { type: "json", schema, name: "result" } }))
      expect(JSON.parse(completion.text)).toEqual({ answer: 4 })
      expect(completion.finishReason).toBe("stop")
      expect(completion.toolCalls).toBeUndefined()
      expect(server.requests[0]?.body).toMatchObject({ tools: [{ name: "result", input_schema: schema }], tool_choice: { type: "tool", name: "result" } })
    }))
})
