import { describe, expect, it } from "@effect/vitest"
import fs from "node:fs"
import path from "node:path"
import { errorFromHttp, errorFromInBand, maxRetryAfterMs, parseRetryAfter, reasonFromHttp } from "../src/index.ts"

// The recorded bodies live in shared/ beside the checkout (or ORCH_SHARED_DIR). CI must have them.
const sharedDir = process.env.ORCH_SHARED_DIR ?? path.resolve(import.meta.dirname, "../../../../shared")
const wireDir = path.join(sharedDir, "fixtures/wire")
const haveFixtures = fs.existsSync(wireDir)
if (!haveFixtures && process.env.CI) throw new Error(`Recorded fixtures missing at ${wireDir} (set ORCH_SHARED_DIR)`)
const describeFixtures = haveFixtures ? describe : describe.skip
if (!haveFixtures) console.warn(`skipping recorded-body tests: ${wireDir} not found (set ORCH_SHARED_DIR)`)

const recorded = (file: string) => {
  const body = fs.readFileSync(path.join(wireDir, file), "utf8")
  const meta = JSON.parse(fs.readFileSync(path.join(wireDir, file.replace(/\.(json|sse|ndjson)$/, ".meta.json")), "utf8"))
  return { body, status: meta.status as number, headers: (meta.headers ?? undefined) as Record<string, string> | undefined }
}

describeFixtures("reasonFromHttp on recorded error bodies", () => {
  const cases: ReadonlyArray<[string, string]> = [
    ["openai/error_401_invalid_api_key.json", "Authentication"],
    ["openai/error_404_model_not_found.json", "ModelNotFound"],
    ["openai/error_404_model_not_found_2024.json", "ModelNotFound"],
    ["openai/error_400_unsupported_parameter.json", "InvalidRequest"],
    ["openai/handwritten/error_429_rate_limit_STUB.json", "RateLimited"],
    ["openai/handwritten/error_500_STUB.json", "ServerError"],
    ["anthropic/error_529_overloaded.json", "Overloaded"],
    ["anthropic/error_404_not_found_model.json", "ModelNotFound"],
    ["anthropic/error_400_invalid_request.json", "InvalidRequest"],
    ["ollama/error_404_model_not_found.json", "ModelNotFound"],
    ["openrouter/error_429_upstream_rate_limited.json", "RateLimited"],
    ["azure-openai/error_401_invalid_subscription_key.json", "Authentication"]
  ]
  for (const [file, tag] of cases) {
    it(`${file} → ${tag}`, () => {
      const { body, status, headers } = recorded(file)
      const reason = reasonFromHttp({ status, body, headers, model: "m", nowMs: 0 })
      expect(reason._tag).toBe(tag)
    })
  }

  it("keeps the key out of the message of a 401 that echoes it", () => {
    const { body, status } = recorded("openai/error_401_invalid_api_key.json")
    const planted = body.replace("sk-.", "sk-canary-1234567890abcdefXYZ.")
    const error = errorFromHttp({ status, body: planted, nowMs: 0 }, { provider: "openai", model: "gpt-4o" }, ["sk-canary-1234567890abcdefXYZ"])
    expect(error.message).not.toContain("canary")
    expect(error.message).toContain("HTTP 401")
    expect(error.reason._tag).toBe("Authentication")
    expect(error.isRetryable).toBe(false)
  })
})

describe("reasonFromHttp by status and body", () => {
  const at = (status: number, body = "", headers?: Record<string, string>) => reasonFromHttp({ status, body, nowMs: 0, ...(headers ? { headers } : {}) })
  it("maps the statuses", () => {
    expect(at(403)._tag).toBe("PermissionDenied")
    expect(at(408)._tag).toBe("Timeout")
    expect(at(409)._tag).toBe("ServerError")
    expect(at(502)._tag).toBe("ServerError")
    expect(at(503)._tag).toBe("ServerError")
    expect(at(503, '{"error":"server busy, please try again. maximum pending requests exceeded"}')._tag).toBe("Overloaded")
    expect(at(529)._tag).toBe("Overloaded")
    expect(at(413)._tag).toBe("ContextLengthExceeded")
  })
  it("reads a context-length 400 and a content-policy 400", () => {
    expect(at(400, JSON.stringify({ error: { message: "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.", code: "context_length_exceeded" } }))._tag).toBe("ContextLengthExceeded")
    expect(at(400, JSON.stringify({ type: "error", error: { type: "invalid_request_error", message: "prompt is too long: 210000 tokens > 200000 maximum" } }))._tag).toBe("ContextLengthExceeded")
    expect(at(400, JSON.stringify({ error: { message: "Your request was rejected as a result of our safety system.", code: "content_policy_violation" } }))._tag).toBe("ContentFiltered")
  })
  it("a model's refusal of what it cannot take names the capability (a fallback moves on); other 400s do not", () => {
    // Each body in the shape its server sends (Ollama's plain error string, vLLM's flat error, llama.cpp's, OpenAI's).
    expect(at(400, JSON.stringify({ error: "registry.ollama.ai/library/gemma:2b does not support tools" }))).toMatchObject({ _tag: "InvalidRequest", missingCapabilities: ["tools"] })
    expect(at(400, JSON.stringify({ error: "\"nomic-embed-text:latest\" does not support chat" }))).toMatchObject({ _tag: "InvalidRequest", missingCapabilities: ["chat"] })
    expect(at(400, JSON.stringify({ object: "error", message: "\"auto\" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set", type: "BadRequestError", param: null, code: 400 }))).toMatchObject({ _tag: "InvalidRequest", missingCapabilities: ["tools"] })
    // llama.cpp sends it as a 500: not retried on the same server, which refuses it every time.
    expect(at(500, JSON.stringify({ error: { code: 500, message: "image input is not supported - hint: if this is unexpected, you may need to provide the mmproj", type: "server_error" } }))).toMatchObject({ _tag: "InvalidRequest", missingCapabilities: ["images"] })
    expect(at(500, JSON.stringify({ error: { code: 500, message: "failed to decode", type: "server_error" } }))._tag).toBe("ServerError")
    expect(at(400, JSON.stringify({ error: { code: 400, message: "image input is not supported - hint: if this is unexpected, you may need to provide the mmproj", type: "invalid_request_error" } }))).toMatchObject({ _tag: "InvalidRequest", missingCapabilities: ["images"] })
    expect(at(400, JSON.stringify({ error: { message: "Invalid content type. image_url is only supported by certain models.", type: "invalid_request_error", param: "messages.[0].content.[1].type", code: null } }))).toMatchObject({ _tag: "InvalidRequest", missingCapabilities: ["images"] })
    const plain = at(400, JSON.stringify({ error: { message: "temperature must be between 0 and 2", type: "invalid_request_error" } }))
    expect(plain._tag).toBe("InvalidRequest")
    expect(plain).not.toHaveProperty("missingCapabilities")
  })
  it("treats quota and spend-limit 429s as not retryable, rate limits as retryable with their delay", () => {
    const quota = at(429, JSON.stringify({ error: { message: "You exceeded your current quota", type: "insufficient_quota" } }))
    expect(quota).toEqual({ _tag: "RateLimited", quotaExhausted: true })
    const spend = errorFromHttp({ status: 429, body: JSON.stringify({ type: "error", error: { type: "rate_limit_error", message: "You have reached your specified API usage limits (spend limit)." } }), nowMs: 0 })
    expect(spend.isRetryable).toBe(false)
    const limited = errorFromHttp({ status: 429, body: "{}", headers: { "retry-after-ms": "1500" }, nowMs: 0 })
    expect(limited.isRetryable).toBe(true)
    expect(limited.retryAfterMs).toBe(1500)
  })
  it("summarises an HTML error page in one line", () => {
    const html = `<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>${"x".repeat(50_000)}</body></html>`
    const error = errorFromHttp({ status: 502, body: html, nowMs: 0 })
    expect(error.reason._tag).toBe("ServerError")
    expect(error.message).toBe("HTTP 502: HTML page: 502 Bad Gateway")
  })
  it("keeps a known secret out of an InvalidRequest reason whose body echoes it", () => {
    const body = JSON.stringify({ error: { message: "Bad header value: my-own-format-key-77" } })
    const error = errorFromHttp({ status: 400, body, nowMs: 0 }, {}, ["my-own-format-key-77"])
    expect(JSON.stringify(error.reason)).not.toContain("my-own-format-key-77")
    expect(error.message).not.toContain("my-own-format-key-77")
  })
  it("reads Anthropic's usage-limit and credit wording as quota", () => {
    expect(at(429, JSON.stringify({ type: "error", error: { type: "rate_limit_error", message: "You have reached your specified API usage limits." } }))).toEqual({ _tag: "RateLimited", quotaExhausted: true })
  })
  it("bounds an unbounded body", () => {
    const error = errorFromHttp({ status: 400, body: "y".repeat(100_000), nowMs: 0 })
    expect(error.message.length).toBeLessThan(400)
  })
})

describe("parseRetryAfter", () => {
  it("reads retry-after-ms first, then seconds, then an HTTP date", () => {
    expect(parseRetryAfter({ "retry-after-ms": "250", "retry-after": "9" }, 0)).toBe(250)
    expect(parseRetryAfter({ "Retry-After": "2" }, 0)).toBe(2000)
    expect(parseRetryAfter({ "retry-after": "1.5" }, 0)).toBe(1500)
    const now = Date.parse("Wed, 25 Nov 2026 16:00:00 GMT")
    expect(parseRetryAfter({ "retry-after": "Wed, 25 Nov 2026 16:00:30 GMT" }, now)).toBe(30_000)
    expect(parseRetryAfter(new Headers({ "retry-after": "3" }), 0)).toBe(3000)
  })
  it("drops nonsense and caps absurd values", () => {
    expect(parseRetryAfter({ "retry-after": "soon" }, 0)).toBeUndefined()
    expect(parseRetryAfter({ "retry-after-ms": "-5" }, 0)).toBeUndefined()
    expect(parseRetryAfter({ "retry-after": "99999999" }, 0)).toBe(maxRetryAfterMs)
    expect(parseRetryAfter({ "retry-after": "Wed, 25 Nov 2020 16:00:30 GMT" }, Date.parse("Wed, 25 Nov 2026 16:00:00 GMT"))).toBe(0)
    expect(parseRetryAfter(undefined, 0)).toBeUndefined()
  })
})

describe("context overflow from local servers carries the limit", () => {
  it("llama.cpp server: HTTP 400 exceed_context_size_error with n_ctx (both wordings)", () => {
    const current = JSON.stringify({ error: { code: 400, message: "request (4476 tokens) exceeds the available context size (4096 tokens)", type: "exceed_context_size_error", n_prompt_tokens: 4476, n_ctx: 4096 } })
    expect(reasonFromHttp({ status: 400, body: current, nowMs: 0 })).toEqual({ _tag: "ContextLengthExceeded", limit: 4096 })
    const older = JSON.stringify({ error: { code: 400, message: "the request exceeds the available context size, try increasing it", type: "exceed_context_size_error", n_prompt_tokens: 9000, n_ctx: 8192 } })
    expect(reasonFromHttp({ status: 400, body: older, nowMs: 0 })).toEqual({ _tag: "ContextLengthExceeded", limit: 8192 })
  })
  it("vLLM: flat and wrapped error shapes, both message wordings", () => {
    const flat = JSON.stringify({ object: "error", message: "This model's maximum context length is 2048 tokens. However, you requested 2100 tokens (100 in the messages, 2000 in the completion). Please reduce the length of the messages or completion.", type: "BadRequestError", param: null, code: 400 })
    expect(reasonFromHttp({ status: 400, body: flat, nowMs: 0 })).toEqual({ _tag: "ContextLengthExceeded", limit: 2048 })
    const wrapped = JSON.stringify({ error: { message: "'max_tokens' or 'max_completion_tokens' is too large: 2000. This model's maximum context length is 4096 tokens and your request has 2500 input tokens (2000 > 4096 - 2500).", type: "BadRequestError", param: null, code: 400 } })
    expect(reasonFromHttp({ status: 400, body: wrapped, nowMs: 0 })).toEqual({ _tag: "ContextLengthExceeded", limit: 4096 })
  })
})

describe("errors inside a 200 go through the same table", () => {
  const inBand = (error: unknown) => errorFromInBand({ error, nowMs: 0, model: "m" }, { provider: "p", model: "m" })
  it("OpenAI insufficient_quota is a quota, not retried", () => {
    const error = inBand({ error: { message: "You exceeded your current quota, please check your plan and billing details.", type: "insufficient_quota", param: null, code: "insufficient_quota" } })
    expect(error.reason).toEqual({ _tag: "RateLimited", quotaExhausted: true })
    expect(error.isRetryable).toBe(false)
  })
  it("a gateway's numeric code is the status", () => {
    expect(inBand({ error: { message: "Provider returned error", code: 400 } }).reason._tag).toBe("InvalidRequest")
    expect(inBand({ error: { message: "Rate limit exceeded: free-models-per-min", code: 429 } }).reason._tag).toBe("RateLimited")
    expect(inBand({ error: { message: "Internal error", code: 502 } }).reason).toEqual({ _tag: "ServerError", status: 502 })
  })
  it("vLLM's flat in-band context overflow carries the limit", () => {
    const error = inBand({ object: "error", message: "This model's maximum context length is 2048 tokens. However, you requested 4000 tokens.", type: "BadRequestError", param: null, code: 400 })
    expect(error.reason).toEqual({ _tag: "ContextLengthExceeded", limit: 2048 })
  })
  it("Anthropic error events by type", () => {
    expect(inBand({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } }).reason._tag).toBe("Overloaded")
    expect(inBand({ type: "error", error: { type: "api_error", message: "Internal server error" } }).reason._tag).toBe("ServerError")
    expect(inBand({ type: "error", error: { type: "invalid_request_error", message: "prompt is too long: 210000 tokens > 200000 maximum" } }).reason).toEqual({ _tag: "ContextLengthExceeded", limit: 200000 })
  })
  it("an Ollama NDJSON error line is read by its words", () => {
    expect(inBand({ error: "an error was encountered while running the model: unexpected EOF" }).reason._tag).toBe("ServerError")
    expect(inBand({ error: "model \"llama9\" not found, try pulling it first" }).reason._tag).toBe("ModelNotFound")
    expect(inBand({ error: "server busy, please try again.  maximum pending requests exceeded" }).reason._tag).toBe("Overloaded")
  })
  it("redacts a secret before cutting the message, so no part of it survives", () => {
    const key = "zq-custom-key-0123456789abcdefghijklmnopqrstuv"
    const message = `${"x".repeat(290)} ${key}`
    const error = inBand({ error: { message, type: "invalid_request_error" } })
    const withSecret = errorFromInBand({ error: { message, type: "invalid_request_error" }, nowMs: 0, secrets: [key] })
    expect(JSON.stringify(withSecret.reason)).not.toContain(key.slice(0, 8))
    expect(withSecret.message).not.toContain(key.slice(0, 8))
    expect(error.message.length).toBeLessThan(400)
    const http = errorFromHttp({ status: 400, body: JSON.stringify({ error: { message } }), nowMs: 0 }, {}, [key])
    expect(http.message).not.toContain(key.slice(0, 8))
    expect(JSON.stringify(http.reason)).not.toContain(key.slice(0, 8))
  })
})
