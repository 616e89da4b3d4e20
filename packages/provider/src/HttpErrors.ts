/**
 * HTTP status and error body → error reason, and Retry-After parsing: what every HTTP backend would otherwise
 * write for itself. Backends pass the status, the headers and the body text they received.
 */
import type { ErrorContext, ErrorReason, ProviderError } from "./ProviderError.ts"
import { providerError } from "./ProviderError.ts"
import { redact, summarizeBody } from "./Redaction.ts"

/** The longest Retry-After @orch honours as given; longer hints are capped to this. */
export const maxRetryAfterMs = 10 * 60 * 1000

/** A header lookup: a `Headers` object, a plain record, or a function. */
export type HeaderSource =
  | { get(name: string): string | null | undefined }
  | Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
  | undefined
  | null

const header = (headers: HeaderSource, name: string): string | undefined => {
  if (!headers) return undefined
  if (typeof (headers as { get?: unknown }).get === "function") {
    const v = (headers as { get(n: string): string | null | undefined }).get(name)
    return v ?? undefined
  }
  const record = headers as Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
  const key = Object.keys(record).find((k) => k.toLowerCase() === name)
  const value = key === undefined ? undefined : record[key]
  return Array.isArray(value) ? value[0] : (value as string | undefined)
}

/**
 * The delay a response asks for, in milliseconds: `retry-after-ms`, then `retry-after` as seconds or as an HTTP
 * date (relative to `nowMs`), then the reset of a rate limit the headers say is used up (`rateLimitResetMs`).
 * Negative, unparseable or absurd values are dropped or capped at `maxRetryAfterMs`.
 */
export const parseRetryAfter = (headers: HeaderSource, nowMs: number): number | undefined => {
  const ms = header(headers, "retry-after-ms")
  if (ms !== undefined && ms.trim() !== "") {
    const n = Number(ms)
    if (Number.isFinite(n) && n >= 0) return Math.min(Math.round(n), maxRetryAfterMs)
  }
  const value = header(headers, "retry-after")?.trim()
  if (value === undefined || value === "") return rateLimitResetMs(headers, nowMs)
  if (/^\d+(\.\d+)?$/.test(value)) return Math.min(Math.round(Number(value) * 1000), maxRetryAfterMs)
  const date = Date.parse(value)
  if (Number.isNaN(date)) return rateLimitResetMs(headers, nowMs)
  return Math.min(Math.max(0, date - nowMs), maxRetryAfterMs)
}

/** The limits whose `remaining` and `reset` headers the services send: OpenAI's and Anthropic's names. */
const rateLimitHeaders: ReadonlyArray<{ readonly remaining: string; readonly reset: string }> = [
  ...["requests", "tokens"].map((kind) => ({ remaining: `x-ratelimit-remaining-${kind}`, reset: `x-ratelimit-reset-${kind}` })),
  ...["requests", "tokens", "input-tokens", "output-tokens"].map((kind) => ({ remaining: `anthropic-ratelimit-${kind}-remaining`, reset: `anthropic-ratelimit-${kind}-reset` }))
]

/**
 * A reset time as a delay from `nowMs`: a duration as OpenAI writes it (`6m0s`, `1.5s`, `20ms`, `1h2m`), plain
 * seconds (Azure), or an RFC 3339 time (Anthropic).
 */
const resetDelayMs = (value: string, nowMs: number): number | undefined => {
  const text = value.trim()
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000
  if (/^(\d+(\.\d+)?(h|ms|m|s))+$/.test(text)) {
    const unitMs: Readonly<Record<string, number>> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 }
    let total = 0
    for (const [, amount, , unit] of text.matchAll(/(\d+(\.\d+)?)(h|ms|m|s)/g)) total += Number(amount) * unitMs[unit!]!
    return total
  }
  const date = /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : Number.NaN
  return Number.isNaN(date) ? undefined : date - nowMs
}

/**
 * When no Retry-After came: the wait until every used-up limit resets. A limit is used up when its `remaining`
 * header reads 0 (OpenAI's `x-ratelimit-remaining-requests` / `x-ratelimit-reset-requests`, Anthropic's
 * `anthropic-ratelimit-tokens-remaining` / `-reset`, ...); the longest of their resets, capped. No used-up limit, no hint.
 */
export const rateLimitResetMs = (headers: HeaderSource, nowMs: number): number | undefined => {
  let longest: number | undefined
  for (const names of rateLimitHeaders) {
    if (header(headers, names.remaining)?.trim() !== "0") continue
    const reset = header(headers, names.reset)
    const delay = reset === undefined ? undefined : resetDelayMs(reset, nowMs)
    if (delay !== undefined && Number.isFinite(delay)) longest = Math.max(longest ?? 0, delay)
  }
  return longest === undefined ? undefined : Math.min(Math.max(0, Math.round(longest)), maxRetryAfterMs)
}

/** What an error body says: its message, type and code, and a context size it states (llama.cpp's `n_ctx`). */
export interface ErrorBodyDetail {
  readonly message?: string
  readonly type?: string
  readonly code?: string
  /** A numeric status the body states (`code: 400` of vLLM and gateways, `status`), when it is an HTTP status. */
  readonly status?: number
  /** The context window the body states (llama.cpp `n_ctx`). */
  readonly contextSize?: number
}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)
const httpStatus = (u: unknown): number | undefined => {
  const n = typeof u === "number" ? u : typeof u === "string" && /^\d{3}$/.test(u) ? Number(u) : undefined
  return n !== undefined && Number.isInteger(n) && n >= 400 && n <= 599 ? n : undefined
}

/** The detail of a parsed error value of any known shape: `{error:{…}}`, `{error:"…"}`, flat `{message, type, code}`. */
export const errorValueDetail = (value: unknown): ErrorBodyDetail => {
  if (typeof value === "string") return value.trim() === "" ? {} : { message: value }
  if (!isRecord(value)) return {}
  const inner = isRecord(value.error) ? value.error : value
  const message = typeof inner.message === "string" ? inner.message
    : typeof value.error === "string" ? value.error
    : typeof value.message === "string" ? value.message
    : typeof value.detail === "string" ? value.detail
    : undefined
  const type = typeof inner.type === "string" ? inner.type : undefined
  const code = typeof inner.code === "string" ? inner.code : typeof inner.code === "number" ? String(inner.code) : undefined
  const status = httpStatus(inner.code) ?? httpStatus(inner.status) ?? httpStatus(value.code) ?? httpStatus(value.status)
  const contextSize = typeof inner.n_ctx === "number" && inner.n_ctx > 0 ? inner.n_ctx : undefined
  return {
    ...(message !== undefined ? { message } : {}),
    ...(type !== undefined ? { type } : {}),
    ...(code !== undefined ? { code } : {}),
    ...(status !== undefined ? { status } : {}),
    ...(contextSize !== undefined ? { contextSize } : {})
  }
}

/** The error message and type inside a JSON error body of any of the known shapes, if it is one. */
export const errorBodyDetail = (body: string): ErrorBodyDetail => {
  try {
    return errorValueDetail(JSON.parse(body) as unknown)
  } catch {
    return {}
  }
}

const contextLengthPattern = /context[ _-]?(length|window|size)|maximum context|maximum model length|too many tokens|prompt is too long|token limit|exceeds? the (model'?s? )?(max|context|available context)|input is too long|num_ctx|exceed_context_size/i
const contentPolicyPattern = /content[ _-]?(policy|filter|management)|safety system|flagged|responsible ai|harmful/i
// `quota` as a word: Azure's plain rate limits link to ".../oai/quotaincrease", which is no quota error.
const quotaPattern = /insufficient_quota|\bquota\b|billing|spend(ing)? limit|credit balance|exceeded your current|usage limits?/i
const tooLargeForLimitPattern = /request too large for .* per min|must be reduced in order to run/i
// LM Studio answers a server with no model loaded (and JIT loading off) with a 400: no model here can answer.
const modelNotFoundPattern = /model.*(not found|does not exist|not_found)|no such model|unknown model|model_not_found|try pulling it|no models? loaded/i
const contextLimitPatterns: ReadonlyArray<RegExp> = [
  /maximum context length is (\d+)/i,
  /maximum model length of (\d+)/i,
  /context length \((\d+) tokens?\)/i,
  /context (?:window|length|size) (?:of|is) (\d+)/i,
  /> ?(\d+) maximum/i,
  /available context size \((\d+) tokens?\)/i,
  /n_ctx(?:_slot)?\s*[=:]\s*(\d+)/i,
  /exceed the configured limit of (\d+) tokens/i
]

/** The context window an error states, from the body's `n_ctx` or the message ("maximum context length is N"). */
export const contextLimitOf = (detail: ErrorBodyDetail, text: string): number | undefined => {
  if (detail.contextSize !== undefined) return detail.contextSize
  for (const pattern of contextLimitPatterns) {
    const limit = Number(pattern.exec(text)?.[1])
    if (Number.isSafeInteger(limit) && limit > 0) return limit
  }
  return undefined
}

/** The input a backend gives when an HTTP call failed with a status. */
export interface HttpFailure {
  readonly status: number
  readonly body?: string
  readonly headers?: HeaderSource
  /** The model the call was for, for ModelNotFound. */
  readonly model?: string
  readonly nowMs: number
  /** Secrets the caller knows (API keys) that must not reach the reason, even when the body echoes them. */
  readonly secrets?: ReadonlyArray<string>
}

/** One short line of upstream text: secrets replaced first, then cut to length (never a cut secret). */
const cleanLine = (text: string, secrets: ReadonlyArray<string>): string => redact(summarizeBody(redact(text, secrets)), secrets)

/**
 * The reason for an HTTP failure: 401 Authentication, 403 PermissionDenied, 404 ModelNotFound, 408 Timeout,
 * 402 RateLimited with quotaExhausted (Payment Required: Anthropic's `billing_error`, a proxy's credits used up),
 * 409 ServerError (retryable conflict), 400/413/422 ContextLengthExceeded (with the limit the body states) or
 * ContentFiltered when the body says so (else InvalidRequest, with `missingCapabilities` when the model says it cannot
 * take the request's tools or images, also as llama.cpp's 500), 429 RateLimited (quota errors and a request larger
 * than the per-minute budget not retryable), a spend limit worded as a 400 ("credit balance") quota, 503 "busy"
 * Overloaded, 5xx ServerError, 529 Overloaded.
 */
export const reasonFromHttp = (failure: HttpFailure): ErrorReason => reasonOf(failure.status, errorBodyDetail(failure.body ?? ""), failure)

const reasonOf = (status: number, detail: ErrorBodyDetail, failure: Omit<HttpFailure, "status">): ErrorReason => {
  const text = `${detail.type ?? ""} ${detail.code ?? ""} ${detail.message ?? failure.body?.slice(0, 2000) ?? ""}`
  const retryAfterMs = parseRetryAfter(failure.headers, failure.nowMs)
  const withRetry = <R extends object>(r: R): R & { retryAfterMs?: number } =>
    retryAfterMs === undefined ? r : { ...r, retryAfterMs }
  if (status === 401) return { _tag: "Authentication" }
  // 402 Payment Required (OpenRouter: "insufficient credits"): a spent balance, which another provider can answer past.
  if (status === 402) return { _tag: "RateLimited", quotaExhausted: true }
  if (status === 403) return contentPolicyPattern.test(text) ? { _tag: "ContentFiltered" } : { _tag: "PermissionDenied" }
  if (status === 404) return { _tag: "ModelNotFound", modelId: failure.model ?? "unknown" }
  if (status === 408) return { _tag: "Timeout", phase: "total", afterMs: 0 }
  if (status === 409) return { _tag: "ServerError", status }
  if (status === 429) {
    // A request larger than the whole per-minute budget (OpenAI's "Request too large ... must be reduced") fails
    // again after any wait: like a used-up quota, it is not for the same model again.
    const quota = quotaPattern.test(text) || tooLargeForLimitPattern.test(text)
    return withRetry({ _tag: "RateLimited" as const, ...(quota ? { quotaExhausted: true } : {}) })
  }
  if (status === 529 || /overloaded/i.test(detail.type ?? "")) return withRetry({ _tag: "Overloaded" as const })
  if (status === 503 && /busy|overload|queue|capacity/i.test(text)) return withRetry({ _tag: "Overloaded" as const })
  if (status >= 500) {
    // llama.cpp answers an image sent to a server without its projector with a 500 ("image input is not supported"):
    // the same server refuses it every time, another model can take it.
    const missing = status === 500 ? missingCapabilitiesOf(text) : []
    if (missing.length > 0) return { _tag: "InvalidRequest", issues: [cleanLine(detail.message ?? failure.body ?? `HTTP ${status}`, failure.secrets ?? [])], missingCapabilities: missing }
    return { _tag: "ServerError", status }
  }
  if (status === 413 || contextLengthPattern.test(text)) {
    const limit = contextLimitOf(detail, text)
    return limit === undefined ? { _tag: "ContextLengthExceeded" } : { _tag: "ContextLengthExceeded", limit }
  }
  if (contentPolicyPattern.test(text)) return { _tag: "ContentFiltered" }
  if (/credit balance|insufficient_quota/i.test(text)) return { _tag: "RateLimited", quotaExhausted: true }
  if (modelNotFoundPattern.test(text)) return { _tag: "ModelNotFound", modelId: failure.model ?? "unknown" }
  const issues = [cleanLine(detail.message ?? failure.body ?? `HTTP ${status}`, failure.secrets ?? [])]
  const missing = missingCapabilitiesOf(text)
  return missing.length > 0 ? { _tag: "InvalidRequest", issues, missingCapabilities: missing } : { _tag: "InvalidRequest", issues }
}

/**
 * What a model says it cannot take, by the wording of its refusal: a request another model can answer (a fallback
 * moves on past `missingCapabilities`). Ollama's "… does not support tools" / "does not support chat" (an embedding
 * model), vLLM's `"auto" tool choice requires --enable-auto-tool-choice`, llama.cpp's "image input is not supported"
 * (no mmproj), vLLM's "… is not a multimodal model", OpenAI's "image_url is only supported by certain models".
 */
const capabilityRefusals: ReadonlyArray<readonly [capability: string, pattern: RegExp]> = [
  ["tools", /does not support (?:tools|function calling|tool (?:use|calling))|tools? (?:are|is) not supported|tool choice requires --enable-auto-tool-choice/i],
  ["images", /does not support (?:images?|image input|vision|multimodal)|image input is not supported|is not a multimodal model|image_url is only supported by certain models/i],
  ["chat", /does not support chat\b/i]
]

const missingCapabilitiesOf = (text: string): ReadonlyArray<string> =>
  capabilityRefusals.filter(([, pattern]) => pattern.test(text)).map(([capability]) => capability)

/** A `ProviderError` for an HTTP failure, with a short redacted message naming the status. */
export const errorFromHttp = (failure: HttpFailure, context: ErrorContext = {}, secrets: ReadonlyArray<string> = []): ProviderError => {
  const allSecrets = [...(failure.secrets ?? []), ...secrets]
  const reason = reasonFromHttp({ ...failure, secrets: allSecrets })
  const detail = errorBodyDetail(failure.body ?? "")
  const upstream = cleanLine(detail.message ?? failure.body ?? "", allSecrets)
  const message = `HTTP ${failure.status}${upstream ? `: ${upstream}` : ""}`
  return providerError(reason, message, { ...context, status: failure.status })
}

/** Error `type` and `code` strings of the services, and the HTTP status each stands for. */
const statusOfType: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  badrequesterror: 400,
  bad_request: 400,
  exceed_context_size_error: 400,
  context_length_exceeded: 400,
  string_above_max_length: 400,
  invalid_prompt: 400,
  authentication_error: 401,
  invalid_api_key: 401,
  unauthorized: 401,
  permission_error: 403,
  permission_denied: 403,
  forbidden: 403,
  not_found_error: 404,
  notfounderror: 404,
  model_not_found: 404,
  not_found: 404,
  rate_limit_error: 429,
  rate_limit_exceeded: 429,
  ratelimiterror: 429,
  requests: 429,
  tokens: 429,
  insufficient_quota: 429,
  billing_error: 402,
  overloaded_error: 529,
  overloaded: 529,
  service_unavailable: 503,
  unavailable_error: 503,
  timeout_error: 408,
  api_error: 500,
  server_error: 500,
  internal_server_error: 500,
  internalservererror: 500
}

/** The status an error body stands for: its numeric code, its type or code string, or what its message says. */
const inBandStatus = (detail: ErrorBodyDetail): number => {
  if (detail.status !== undefined) return detail.status
  for (const key of [detail.code, detail.type]) {
    const status = key === undefined ? undefined : statusOfType[key.toLowerCase()]
    if (status !== undefined) return status
  }
  const text = `${detail.type ?? ""} ${detail.code ?? ""} ${detail.message ?? ""}`
  if (quotaPattern.test(text) || /rate limit/i.test(text)) return 429
  if (/overload|busy|capacity/i.test(text)) return 529
  if (contextLengthPattern.test(text) || contentPolicyPattern.test(text)) return 400
  if (modelNotFoundPattern.test(text)) return 404
  return 500
}

/** An error a service reported inside a 200 response (a JSON body, an SSE event, an NDJSON line). */
export interface InBandFailure {
  /** The parsed error value: the whole event (`{"error":{…}}`, a flat `{"object":"error",…}`) or the error field. */
  readonly error: unknown
  readonly headers?: HeaderSource
  readonly model?: string
  readonly nowMs: number
  readonly secrets?: ReadonlyArray<string>
}

/**
 * A `ProviderError` for an error inside a 200 response, through the same table as HTTP errors: a numeric `code` is
 * the status, else the `type` or `code` string names one, else the message's wording does (unknown: a 500). Whether
 * it arrived before or after visible text is for `makeLanguageModel` to decide.
 */
export const errorFromInBand = (failure: InBandFailure, context: ErrorContext = {}): ProviderError => {
  const detail = errorValueDetail(failure.error)
  const status = inBandStatus(detail)
  const secrets = failure.secrets ?? []
  const body = typeof failure.error === "string" ? failure.error : JSON.stringify(failure.error) ?? ""
  const reason = reasonOf(status, detail, { body, headers: failure.headers, ...(failure.model !== undefined ? { model: failure.model } : {}), nowMs: failure.nowMs, secrets })
  const upstream = cleanLine(detail.message ?? body, secrets)
  const label = detail.type ?? detail.code
  const upstreamType = label === undefined ? undefined : cleanLine(label, secrets).slice(0, 80)
  return providerError(reason, `The service reported an error in its answer${upstreamType ? ` (${upstreamType})` : ""}${upstream ? `: ${upstream}` : ""}`, {
    ...context,
    ...(upstreamType ? { upstreamType } : {})
  })
}
