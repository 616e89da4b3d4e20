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
 * date (relative to `nowMs`). Negative, unparseable or absurd values are dropped or capped at `maxRetryAfterMs`.
 */
export const parseRetryAfter = (headers: HeaderSource, nowMs: number): number | undefined => {
  const ms = header(headers, "retry-after-ms")
  if (ms !== undefined && ms.trim() !== "") {
    const n = Number(ms)
    if (Number.isFinite(n) && n >= 0) return Math.min(Math.round(n), maxRetryAfterMs)
  }
  const value = header(headers, "retry-after")?.trim()
  if (value === undefined || value === "") return undefined
  if (/^\d+(\.\d+)?$/.test(value)) return Math.min(Math.round(Number(value) * 1000), maxRetryAfterMs)
  const date = Date.parse(value)
  if (Number.isNaN(date)) return undefined
  return Math.min(Math.max(0, date - nowMs), maxRetryAfterMs)
}

/** The error message and type inside a JSON error body of any of the known shapes, if it is one. */
export const errorBodyDetail = (body: string): { readonly message?: string; readonly type?: string; readonly code?: string } => {
  try {
    const json: unknown = JSON.parse(body)
    if (typeof json !== "object" || json === null) return {}
    const root = json as Record<string, unknown>
    const inner = (typeof root.error === "object" && root.error !== null ? root.error : root) as Record<string, unknown>
    const message = typeof inner.message === "string" ? inner.message : typeof root.error === "string" ? root.error : typeof root.message === "string" ? root.message : undefined
    const type = typeof inner.type === "string" ? inner.type : undefined
    const code = typeof inner.code === "string" ? inner.code : typeof inner.code === "number" ? String(inner.code) : undefined
    return { ...(message !== undefined ? { message } : {}), ...(type !== undefined ? { type } : {}), ...(code !== undefined ? { code } : {}) }
  } catch {
    return {}
  }
}

const contextLengthPattern = /context[ _-]?(length|window)|maximum context|too many tokens|prompt is too long|token limit|exceeds? the (model'?s? )?(max|context)|input is too long|num_ctx/i
const contentPolicyPattern = /content[ _-]?(policy|filter|management)|safety system|flagged|responsible ai|harmful/i
const quotaPattern = /insufficient_quota|quota|billing|spend(ing)? limit|credit balance|exceeded your current|usage limits?/i
const modelNotFoundPattern = /model.*(not found|does not exist|not_found)|no such model|unknown model|model_not_found|try pulling it/i

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

/**
 * The reason for an HTTP failure: 401 Authentication, 403 PermissionDenied, 404 ModelNotFound, 408 Timeout,
 * 409 ServerError (retryable conflict), 400/413/422 ContextLengthExceeded or ContentFiltered when the body says so
 * (else InvalidRequest), 429 RateLimited (quota errors not retryable), 503 "busy" Overloaded, 5xx ServerError,
 * 529 Overloaded.
 */
export const reasonFromHttp = (failure: HttpFailure): ErrorReason => {
  const { status } = failure
  const detail = errorBodyDetail(failure.body ?? "")
  const text = `${detail.type ?? ""} ${detail.code ?? ""} ${detail.message ?? failure.body?.slice(0, 2000) ?? ""}`
  const retryAfterMs = parseRetryAfter(failure.headers, failure.nowMs)
  const withRetry = <R extends object>(r: R): R & { retryAfterMs?: number } =>
    retryAfterMs === undefined ? r : { ...r, retryAfterMs }
  if (status === 401) return { _tag: "Authentication" }
  if (status === 403) return contentPolicyPattern.test(text) ? { _tag: "ContentFiltered" } : { _tag: "PermissionDenied" }
  if (status === 404) return { _tag: "ModelNotFound", modelId: failure.model ?? "unknown" }
  if (status === 408) return { _tag: "Timeout", phase: "total", afterMs: 0 }
  if (status === 409) return { _tag: "ServerError", status }
  if (status === 429) {
    const quota = quotaPattern.test(text)
    return withRetry({ _tag: "RateLimited" as const, ...(quota ? { quotaExhausted: true } : {}) })
  }
  if (status === 529 || /overloaded/i.test(detail.type ?? "")) return withRetry({ _tag: "Overloaded" as const })
  if (status === 503 && /busy|overload|queue|capacity/i.test(text)) return withRetry({ _tag: "Overloaded" as const })
  if (status >= 500) return { _tag: "ServerError", status }
  if (status === 413 || contextLengthPattern.test(text)) return { _tag: "ContextLengthExceeded" }
  if (contentPolicyPattern.test(text)) return { _tag: "ContentFiltered" }
  if (modelNotFoundPattern.test(text)) return { _tag: "ModelNotFound", modelId: failure.model ?? "unknown" }
  return { _tag: "InvalidRequest", issues: [summarizeBody(detail.message ?? failure.body ?? `HTTP ${status}`, failure.secrets ?? [])] }
}

/** A `ProviderError` for an HTTP failure, with a short redacted message naming the status. */
export const errorFromHttp = (failure: HttpFailure, context: ErrorContext = {}, secrets: ReadonlyArray<string> = []): ProviderError => {
  const reason = reasonFromHttp({ ...failure, secrets: [...(failure.secrets ?? []), ...secrets] })
  const detail = errorBodyDetail(failure.body ?? "")
  const known = [...(failure.secrets ?? []), ...secrets]
  const upstream = summarizeBody(detail.message ?? failure.body ?? "", known)
  const message = redact(`HTTP ${failure.status}${upstream ? `: ${upstream}` : ""}`, known)
  return providerError(reason, message, { ...context, status: failure.status })
}
