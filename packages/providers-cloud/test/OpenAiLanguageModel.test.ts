/**
 * OpenAI through the official client against the loopback wire server: recorded traffic (split at arbitrary byte
 * boundaries), synthesised answers, every fault, the Retry-After header forms, and cancellation.
 */
import { assert, describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Stream } from "effect"
import { TestClock } from "effect/testing"
import { collectStream, type CompletionRequest, type ProviderError, type StreamPart } from "@orch/provider"
import { requireShared, startWireServer, type Behavior, type WireServer } from "@orch/testing"
import { afterAll, beforeAll, beforeEach } from "vitest"
import { openAiModel } from "../src/index.ts"

const hasFixtures = requireShared("fixtures", "wire", "openai")
const request: CompletionRequest = { prompt: "Say hello", maxTokens: 32 }

let server: WireServer
beforeAll(async () => {
  server = await startWireServer()
})
afterAll(() => server.close())
beforeEach(() => server.reset())

const model = (name = "gpt-4o-mini") => openAiModel(name, { apiKey: "sk-test-openai-key-000000", baseUrl: `${server.url}/v1` })

const failureOf = <A>(effect: Effect.Effect<A, ProviderError>) =>
  Effect.flip(effect)

const streamFailure = (behavior: Behavior) =>
  Effect.gen(function*() {
    server.enqueue(behavior)
    return yield* Effect.flip(collectStream(model().stream(request)))
  })

describe("OpenAI JSON", () => {
  it.effect.skipIf(!hasFixtures)("parses a recorded completion with reasoning tokens", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "replay", fixture: "openai/chat_completion.json", split: { seed: 7 } })
      const completion = yield* model("o3-mini").generate(request)
      expect(completion.text).toBe("The capital of France is Paris.")
      expect(completion.finishReason).toBe("stop")
      expect(completion.usage).toEqual({ inputTokens: 13, outputTokens: 81, reasoningTokens: 64, estimated: false })
      expect(completion.provider).toBe("openai")
      expect(completion.model).toBe("o3-mini-2025-01-31")
      expect(completion.responseId).toBe("chatcmpl-AxFNUz7l4pwtY9xhFSPIGlwNfE4Sj")
    }))

  it.effect("sends the request as chat completions with max_completion_tokens and the provider options", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "synth", text: "Hi there", usage: { inputTokens: 5, outputTokens: 2 } })
      const completion = yield* model().generate({
        system: "Be brief",
        prompt: "Say hello",
        maxTokens: 20,
        temperature: 0.2,
        stop: ["\n"],
        providerOptions: { openai: { user: "u-1" }, anthropic: { ignored: true } }
      })
      expect(completion.text).toBe("Hi there")
      expect(completion.usage).toEqual({ inputTokens: 5, outputTokens: 2, estimated: false })
      const sent = server.requests[0]
      expect(sent?.path).toBe("/v1/chat/completions")
      expect(sent?.headers.authorization).toBe("[MASKED]")
      expect(sent?.body).toMatchObject({
        model: "gpt-4o-mini",
        messages: [{ role: "system", content: "Be brief" }, { role: "user", content: "Say hello" }],
        max_completion_tokens: 20,
        temperature: 0.2,
        stop: ["\n"],
        user: "u-1"
      })
      expect(sent?.body).not.toHaveProperty("ignored")
    }))

  it.effect("reports cached input tokens", () =>
    Effect.gen(function*() {
      server.enqueue({
        kind: "json",
        status: 200,
        body: {
          id: "chatcmpl-1", object: "chat.completion", created: 1, model: "gpt-4o-mini",
          choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "length" }],
          usage: { prompt_tokens: 2000, completion_tokens: 1, total_tokens: 2001, prompt_tokens_details: { cached_tokens: 1920 } }
        }
      })
      const completion = yield* model().generate(request)
      expect(completion.finishReason).toBe("length")
      expect(completion.usage).toEqual({ inputTokens: 2000, outputTokens: 1, cachedInputTokens: 1920, estimated: false })
    }))

  it.effect("rejects a bad request before sending anything", () =>
    Effect.gen(function*() {
      const error = yield* failureOf(model().generate({ prompt: "  " }))
      expect(error.reason._tag).toBe("InvalidRequest")
      expect(error.provider).toBe("openai")
      expect(server.requests).toHaveLength(0)
    }))
})

describe("OpenAI streams", () => {
  it.effect.skipIf(!hasFixtures)("replays a recorded stream with the usage chunk, split at arbitrary boundaries", () =>
    Effect.gen(function*() {
      for (const seed of [1, 2, 3]) {
        server.enqueue({ kind: "replay", fixture: "openai/chat_completion_stream_usage.sse", split: { seed, maxChunk: 17 } })
        const parts = yield* Stream.runCollect(model("gpt-4o").stream(request))
        const types = parts.map((p) => p.type)
        expect(types[0]).toBe("text-start")
        expect(types.slice(-2)).toEqual(["text-end", "finish"])
        const finish = parts[parts.length - 1] as Extract<StreamPart, { type: "finish" }>
        expect(finish.usage).toEqual({ inputTokens: 176, outputTokens: 26, estimated: false })
        expect(finish.finishReason).toBe("stop")
        expect(finish.model).toBe("gpt-4o-2024-08-06")
        const text = parts.flatMap((p) => (p.type === "text-delta" ? [p.delta] : [])).join("")
        expect(text.endsWith(" best friend.")).toBe(true)
      }
      expect(server.requests[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } })
    }))

  it.effect.skipIf(!hasFixtures)("a recorded tool-call stream ends with finish reason tool-calls", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "replay", fixture: "openai/chat_completion_stream_tool_call.sse", split: { seed: 11 } })
      const completion = yield* collectStream(model().stream(request))
      expect(completion.finishReason).toBe("tool-calls")
      expect(completion.usage.estimated).toBe(false)
    }))

  it.effect("a synthesised stream carries the text and the usage", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "synth", text: "one two three", usage: { inputTokens: 3, outputTokens: 3 }, split: { seed: 5 } })
      const completion = yield* collectStream(model().stream(request))
      expect(completion.text).toBe("one two three")
      expect(completion.usage).toEqual({ inputTokens: 3, outputTokens: 3, estimated: false })
      expect(completion.timings.firstTokenMs).toBeLessThanOrEqual(completion.timings.totalMs)
    }))

  it.effect("a duplicated [DONE] still ends once", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "fault", fault: "duplicate-done", text: "all good" })
      const completion = yield* collectStream(model().stream(request))
      expect(completion.text).toBe("all good")
    }))

  it.effect("a truncated stream is StreamInterrupted with the partial text", () =>
    Effect.gen(function*() {
      const error = yield* streamFailure({ kind: "fault", fault: "truncated-stream", text: "alpha beta gamma delta", afterTokens: 2 })
      assert(error.reason._tag === "StreamInterrupted")
      expect(error.reason.partialText).toBe("alpha beta")
      expect(error.isRetryable).toBe(true)
      expect(error.provider).toBe("openai")
      expect(error.model).toBe("gpt-4o-mini")
    }))

  it.effect("a connection reset mid-stream is StreamInterrupted with the partial text", () =>
    Effect.gen(function*() {
      const error = yield* streamFailure({ kind: "fault", fault: "reset-mid-stream", text: "alpha beta gamma", afterTokens: 1 })
      assert(error.reason._tag === "StreamInterrupted")
      expect(error.reason.partialText).toBe("alpha")
    }))

  it.effect("an in-band error after text is StreamInterrupted with its upstream type", () =>
    Effect.gen(function*() {
      const error = yield* streamFailure({ kind: "fault", fault: "in-band-error", text: "alpha beta gamma", afterTokens: 2 })
      assert(error.reason._tag === "StreamInterrupted")
      expect(error.reason.partialText).toBe("alpha beta")
      expect(error.reason.upstreamType).toBe("server_error")
    }))

  it.effect("an in-band error before any text is a ServerError", () =>
    Effect.gen(function*() {
      const error = yield* streamFailure({ kind: "fault", fault: "in-band-error", afterTokens: 0 })
      expect(error.reason._tag).toBe("ServerError")
    }))

  it.effect("a malformed event after text is StreamInterrupted; before text MalformedResponse", () =>
    Effect.gen(function*() {
      const late = yield* streamFailure({ kind: "fault", fault: "malformed-json", text: "alpha beta gamma", afterTokens: 2 })
      assert(late.reason._tag === "StreamInterrupted")
      expect(late.reason.partialText).toBe("alpha beta")
      const early = yield* streamFailure({ kind: "fault", fault: "malformed-json", afterTokens: 0 })
      expect(early.reason._tag).toBe("MalformedResponse")
    }))

  it.live("interrupting a stream aborts the HTTP request (the server sees the close)", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "synth", text: "a b c d e f g h i j k l m n o p", perTokenDelayMs: 20 })
      const parts = yield* model().stream(request).pipe(Stream.take(3), Stream.runCollect)
      expect(parts.map((p) => p.type)).toEqual(["text-start", "text-delta", "text-delta"])
      yield* Effect.promise(() => server.waitForClosed(2000))
      expect(server.requests[0]?.aborted).toBe(true)
    }))

  it.live("interrupting a stalled call aborts it", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "fault", fault: "stall" })
      const fiber = yield* Effect.forkChild(collectStream(model().stream(request)))
      yield* Effect.promise(async () => {
        while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 5))
      })
      yield* Fiber.interrupt(fiber)
      const exit = yield* Fiber.await(fiber)
      expect(Exit.hasInterrupts(exit)).toBe(true)
      yield* Effect.promise(() => server.waitForClosed(2000))
      expect(server.requests[0]?.aborted).toBe(true)
    }))
})

describe("OpenAI errors", () => {
  const cases: ReadonlyArray<readonly [string, Behavior, string]> = [
    ["401 recorded", { kind: "replay", fixture: "openai/error_401_invalid_api_key.json" }, "Authentication"],
    ["401 Azure", { kind: "replay", fixture: "azure-openai/error_401_invalid_subscription_key.json" }, "Authentication"],
    ["404 recorded", { kind: "replay", fixture: "openai/error_404_model_not_found.json" }, "ModelNotFound"],
    ["400 unsupported parameter", { kind: "replay", fixture: "openai/error_400_unsupported_parameter.json" }, "InvalidRequest"],
    ["429 OpenRouter", { kind: "replay", fixture: "openrouter/error_429_upstream_rate_limited.json" }, "RateLimited"],
    ["500 stub", { kind: "replay", fixture: "openai/handwritten/error_500_STUB.json" }, "ServerError"],
    ["500", { kind: "fault", fault: "server-500" }, "ServerError"],
    ["502", { kind: "fault", fault: "server-502" }, "ServerError"],
    ["529", { kind: "fault", fault: "overloaded-529" }, "Overloaded"],
    ["403", { kind: "json", status: 403, body: { error: { message: "You are not allowed to sample from this model", type: "invalid_request_error" } } }, "PermissionDenied"],
    ["400 context length", {
      kind: "json",
      status: 400,
      body: { error: { message: "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.", type: "invalid_request_error", code: "context_length_exceeded" } }
    }, "ContextLengthExceeded"],
    ["400 content policy", {
      kind: "json",
      status: 400,
      body: { error: { message: "Your request was rejected as a result of our safety system.", type: "invalid_request_error", code: "content_policy_violation" } }
    }, "ContentFiltered"],
    ["429 insufficient quota", {
      kind: "json",
      status: 429,
      body: { error: { message: "You exceeded your current quota, please check your plan and billing details.", type: "insufficient_quota", code: "insufficient_quota" } }
    }, "RateLimited"]
  ]
  for (const [label, behavior, tag] of cases) {
    it.effect.skipIf(!hasFixtures)(`${label} → ${tag}, in generate and stream`, () =>
      Effect.gen(function*() {
        server.enqueue(behavior, behavior)
        const fromGenerate = yield* failureOf(model().generate(request))
        const fromStream = yield* Effect.flip(collectStream(model().stream(request)))
        for (const error of [fromGenerate, fromStream]) {
          expect(error.reason._tag).toBe(tag)
          expect(error.provider).toBe("openai")
          expect(error.model).toBe("gpt-4o-mini")
          expect(error.message.length).toBeLessThan(400)
        }
        expect(server.requests).toHaveLength(2)
      }))
  }

  it.effect("context length carries the limit; quota is not retryable; a plain 429 is", () =>
    Effect.gen(function*() {
      server.enqueue(cases[10]![1], cases[12]![1], { kind: "fault", fault: "rate-limit" })
      const context = yield* failureOf(model().generate(request))
      assert(context.reason._tag === "ContextLengthExceeded")
      expect(context.reason.limit).toBe(128000)
      const quota = yield* failureOf(model().generate(request))
      expect(quota.isRetryable).toBe(false)
      const rate = yield* failureOf(model().generate(request))
      expect(rate.isRetryable).toBe(true)
      expect(rate.retryAfterMs).toBe(1000)
    }))

  it.effect("SDK retries are off: one 500 is one request", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "fault", fault: "server-500" })
      yield* failureOf(model().generate(request))
      expect(server.requests).toHaveLength(1)
    }))

  it.effect("an HTML 502 page becomes a one-line summary", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "fault", fault: "html-502" })
      const error = yield* failureOf(model().generate(request))
      expect(error.reason._tag).toBe("ServerError")
      expect(error.message).not.toMatch(/<html|<body/i)
      expect(error.message).toMatch(/^HTTP 502: HTML page/)
    }))

  it.effect("a malformed JSON body is MalformedResponse; an error object in a 200 is typed", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "fault", fault: "malformed-json" }, { kind: "fault", fault: "in-band-error" })
      expect((yield* failureOf(model().generate(request))).reason._tag).toBe("MalformedResponse")
      expect((yield* failureOf(model().generate(request))).reason._tag).toBe("ServerError")
    }))

  it.effect("a reset before headers is Unavailable", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "fault", fault: "reset-before-headers" })
      const error = yield* failureOf(model().generate(request))
      expect(error.reason._tag).toBe("Unavailable")
      expect(error.isRetryable).toBe(true)
    }))

  it.effect("a port nobody listens on is Unavailable (ECONNREFUSED)", () =>
    Effect.gen(function*() {
      const { unusedPortUrl } = yield* Effect.promise(() => import("@orch/testing"))
      const url = yield* Effect.promise(() => unusedPortUrl())
      const error = yield* failureOf(openAiModel("gpt-4o-mini", { apiKey: "sk-x", baseUrl: `${url}/v1` }).generate(request))
      assert(error.reason._tag === "Unavailable")
      expect(error.reason.cause).toBe("ECONNREFUSED")
    }))

  it.live("the SDK backstop timeout is Timeout", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "fault", fault: "stall" })
      const error = yield* failureOf(openAiModel("gpt-4o-mini", { apiKey: "sk-x", baseUrl: `${server.url}/v1`, timeoutMs: 150 }).generate(request))
      assert(error.reason._tag === "Timeout")
      expect(error.reason.afterMs).toBe(150)
    }))
})

describe("Retry-After header forms", () => {
  it.effect("retry-after-ms wins over retry-after", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "fault", fault: "rate-limit", retryAfterMs: "1500", retryAfter: "30" })
      const error = yield* failureOf(model().generate(request))
      expect(error.reason._tag).toBe("RateLimited")
      expect(error.retryAfterMs).toBe(1500)
    }))

  it.effect.skipIf(!hasFixtures)("retry-after in seconds (the hand-written 429 stub)", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "replay", fixture: "openai/handwritten/error_429_rate_limit_STUB.json" })
      const error = yield* failureOf(model().generate(request))
      expect(error.reason._tag).toBe("RateLimited")
      expect(error.retryAfterMs).toBe(2000)
    }))

  it.effect("retry-after as an HTTP date, relative to the Clock", () =>
    Effect.gen(function*() {
      const now = Date.parse("2026-03-01T12:00:00Z")
      yield* TestClock.setTime(now)
      server.enqueue({ kind: "fault", fault: "rate-limit", retryAfter: new Date(now + 45_000).toUTCString() })
      const error = yield* failureOf(model().generate(request))
      expect(error.retryAfterMs).toBe(45_000)
    }))
})
