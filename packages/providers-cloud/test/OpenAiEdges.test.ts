/**
 * OpenAI and Azure OpenAI rate-limit shapes the recordings do not hold, against the loopback wire server: a 429 with
 * no Retry-After whose only hint is `x-ratelimit-reset-*` (a Go duration such as `6m0s`, as OpenAI documents at
 * platform.openai.com/docs/guides/rate-limits), and Azure's plain token-rate 429, whose message links to
 * `aka.ms/oai/quotaincrease` and is still a limit that waiting fixes; a 429 for a request larger than the whole
 * per-minute budget, which no wait fixes; GPT-5's context error wording and its limit. Generate and stream alike.
 */
import { assert, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { collectStream, type CompletionRequest, type ProviderError } from "@orch/provider"
import { startWireServer, type Behavior, type WireServer } from "@orch/testing"
import { afterAll, beforeAll, beforeEach } from "vitest"
import { openAiModel } from "../src/index.ts"

const request: CompletionRequest = { prompt: "Say hello", maxTokens: 32 }

let server: WireServer
beforeAll(async () => {
  server = await startWireServer()
})
afterAll(() => server.close())
beforeEach(() => server.reset())

const model = () => openAiModel("gpt-4o-mini", { apiKey: "sk-test-openai-edge-0000000", baseUrl: `${server.url}/v1` })

/** The same failure from `generate` and from `stream`. */
const bothFailures = (behavior: Behavior) =>
  Effect.gen(function*() {
    server.enqueue(behavior, behavior)
    const fromGenerate = yield* Effect.flip(model().generate(request))
    const fromStream = yield* Effect.flip(collectStream(model().stream(request)))
    return [fromGenerate, fromStream] as ReadonlyArray<ProviderError>
  })

const rateLimited = (headers: Record<string, string>): Behavior => ({
  kind: "json",
  status: 429,
  headers,
  body: { error: { message: "Rate limit reached for gpt-4o-mini in organization org-x on requests per day (RPD): Limit 10000, Used 10000, Requested 1.", type: "requests", param: null, code: "rate_limit_exceeded" } }
})

describe("OpenAI 429 without Retry-After", () => {
  it.effect("waits for the used-up limit's x-ratelimit-reset (6m0s), not the one with room left", () =>
    Effect.gen(function*() {
      const errors = yield* bothFailures(rateLimited({
        "x-ratelimit-limit-requests": "10000",
        "x-ratelimit-remaining-requests": "0",
        "x-ratelimit-reset-requests": "6m0s",
        "x-ratelimit-limit-tokens": "200000",
        "x-ratelimit-remaining-tokens": "199990",
        "x-ratelimit-reset-tokens": "3ms"
      }))
      for (const error of errors) {
        assert(error.reason._tag === "RateLimited")
        expect(error.isRetryable).toBe(true)
        expect(error.retryAfterMs).toBe(360_000)
      }
    }))

  it.effect("with both limits used up, the later reset; fractional seconds and milliseconds are read", () =>
    Effect.gen(function*() {
      const errors = yield* bothFailures(rateLimited({
        "x-ratelimit-remaining-requests": "0",
        "x-ratelimit-reset-requests": "1.5s",
        "x-ratelimit-remaining-tokens": "0",
        "x-ratelimit-reset-tokens": "1m2.25s"
      }))
      for (const error of errors) expect(error.retryAfterMs).toBe(62_250)
    }))

  it.effect("no limit used up and no Retry-After: no hint is made up", () =>
    Effect.gen(function*() {
      const errors = yield* bothFailures(rateLimited({ "x-ratelimit-remaining-requests": "12", "x-ratelimit-reset-requests": "6m0s" }))
      for (const error of errors) {
        expect(error.reason._tag).toBe("RateLimited")
        expect(error.retryAfterMs).toBeUndefined()
      }
    }))
})

describe("Azure OpenAI's token-rate 429", () => {
  it.effect("linking to quotaincrease is still a retryable rate limit with its retry-after", () =>
    Effect.gen(function*() {
      const errors = yield* bothFailures({
        kind: "json",
        status: 429,
        headers: { "retry-after": "9" },
        body: {
          error: {
            code: "429",
            message: "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 9 seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit."
          }
        }
      })
      for (const error of errors) {
        expect(error.reason).toEqual({ _tag: "RateLimited", retryAfterMs: 9000 })
        expect(error.isRetryable).toBe(true)
      }
    }))
})

describe("OpenAI limits no wait fixes", () => {
  it.effect("a request larger than the per-minute token budget (429 'Request too large') is not retried on the same model", () =>
    Effect.gen(function*() {
      const errors = yield* bothFailures({
        kind: "json",
        status: 429,
        headers: { "x-ratelimit-limit-tokens": "30000", "x-ratelimit-remaining-tokens": "30000" },
        body: { error: { message: "Request too large for gpt-4o in organization org-x on tokens per min (TPM): Limit 30000, Requested 30601. The input or output tokens must be reduced in order to run successfully. Visit https://platform.openai.com/account/rate-limits to learn more.", type: "tokens", param: null, code: "rate_limit_exceeded" } }
      })
      for (const error of errors) {
        expect(error.reason).toEqual({ _tag: "RateLimited", quotaExhausted: true })
        expect(error.isRetryable).toBe(false)
      }
    }))

  it.effect("GPT-5's context error ('exceed the configured limit of N tokens') carries its limit", () =>
    Effect.gen(function*() {
      const errors = yield* bothFailures({
        kind: "json",
        status: 400,
        body: { error: { message: "Input tokens exceed the configured limit of 272000 tokens. Your messages resulted in 300125 tokens. Please reduce the length of the messages.", type: "invalid_request_error", param: "messages", code: "context_length_exceeded" } }
      })
      for (const error of errors) expect(error.reason).toEqual({ _tag: "ContextLengthExceeded", limit: 272000 })
    }))
})

describe("OpenAI options that raise the price", () => {
  it.effect("service_tier \"priority\" (billed at twice the standard rates) is refused before sending; \"flex\" is sent", () =>
    Effect.gen(function*() {
      const refused = yield* Effect.flip(model().generate({ ...request, providerOptions: { openai: { service_tier: "priority" } } }))
      assert(refused.reason._tag === "InvalidRequest")
      expect(refused.reason.issues.join(" ")).toContain("service_tier")
      const streamed = yield* Effect.flip(collectStream(model().stream({ ...request, providerOptions: { openai: { service_tier: "priority" } } })))
      expect(streamed.reason._tag).toBe("InvalidRequest")
      expect(server.requests).toHaveLength(0)
      server.enqueue({ kind: "synth", text: "ok" })
      yield* model().generate({ ...request, providerOptions: { openai: { service_tier: "flex" } } })
      expect(server.requests[0]?.body).toMatchObject({ service_tier: "flex" })
    }))
})

describe("Azure OpenAI's filtered answer", () => {
  it.effect("a choice that carries only its content-filter results and finish reason (no message) is a content-filter finish", () =>
    Effect.gen(function*() {
      server.enqueue({
        kind: "json",
        status: 200,
        body: {
          id: "chatcmpl-az", object: "chat.completion", model: "gpt-4o",
          prompt_filter_results: [{ prompt_index: 0, content_filter_results: { violence: { filtered: false, severity: "safe" } } }],
          choices: [{ index: 0, finish_reason: "content_filter", content_filter_results: { violence: { filtered: true, severity: "high" } } }],
          usage: { prompt_tokens: 15, completion_tokens: 0, total_tokens: 15 }
        }
      })
      const completion = yield* model().generate(request)
      expect(completion.finishReason).toBe("content-filter")
      expect(completion.text).toBe("")
      expect(completion.usage).toEqual({ inputTokens: 15, outputTokens: 0, estimated: false })
    }))
})
