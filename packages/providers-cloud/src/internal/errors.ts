/**
 * SDK failures → `ProviderError`, at the package edge. Both official SDKs (openai, @anthropic-ai/sdk) throw the same
 * family of errors: an `APIError` with the HTTP status, headers and parsed body; a connection error; a timeout; a
 * user abort; an in-band stream error (an `APIError` without a status). Messages are short and redacted: the key,
 * the request body and long upstream bodies never reach them.
 */
import * as Anthropic from "@anthropic-ai/sdk"
import * as OpenAi from "openai"
import {
  cancelled,
  errorBodyDetail,
  errorFromHttp,
  isProviderError,
  providerError,
  redact,
  summarizeBody,
  type ErrorContext,
  type ErrorReason,
  type ProviderError,
  type Usage
} from "@orch/provider"

/** What the mapping needs to know about the call that failed. */
export interface FailureScope {
  readonly provider: string
  readonly model: string
  /** Secrets to scrub from every message (the API key). */
  readonly secrets: ReadonlyArray<string>
  /** The SDK's backstop timeout, reported when it fires. */
  readonly timeoutMs: number
  /** Now, from `Clock`, for Retry-After dates. */
  readonly nowMs: number
  /** Whether the call's own abort signal fired (the caller cancelled). */
  readonly aborted: boolean
  /** For streams: the text received so far (defined once the stream has started). */
  readonly partialText?: string
  /** For streams: the usage reported so far. */
  readonly usage?: Usage
}

type SdkApiError = OpenAi.APIError | Anthropic.APIError

const isApiError = (error: unknown): error is SdkApiError =>
  error instanceof OpenAi.APIError || error instanceof Anthropic.APIError

const isUserAbort = (error: unknown): boolean =>
  error instanceof OpenAi.APIUserAbortError ||
  error instanceof Anthropic.APIUserAbortError ||
  (error instanceof Error && error.name === "AbortError")

const isTimeout = (error: unknown): boolean =>
  error instanceof OpenAi.APIConnectionTimeoutError || error instanceof Anthropic.APIConnectionTimeoutError

const isConnectionError = (error: unknown): boolean =>
  error instanceof OpenAi.APIConnectionError || error instanceof Anthropic.APIConnectionError

const contextOf = (scope: FailureScope): ErrorContext => ({ provider: scope.provider, model: scope.model })

/** One short, redacted line for a message. */
const clean = (text: string, scope: FailureScope): string => summarizeBody(text, scope.secrets)

/** The network cause of a connection error, e.g. `ECONNREFUSED`, without addresses or long text. */
const connectionCause = (error: unknown): string | undefined => {
  let current: unknown = error
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === "string" && /^[A-Z_]+$/.test(code)) return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

/** The upstream body as text: the SDKs keep parsed JSON in `error`, and plain text in the message after the status. */
const bodyText = (error: SdkApiError): string => {
  const parsed: unknown = error.error
  if (parsed !== undefined && parsed !== null) return typeof parsed === "string" ? parsed : JSON.stringify(parsed)
  const status = error.status
  const message = error.message
  return status !== undefined && message.startsWith(`${status} `) ? message.slice(`${status} `.length) : message
}

const quotaPattern = /usage limit|spend(ing)? limit|credit balance|billing|insufficient_quota|quota/i
const contextLimitPatterns: ReadonlyArray<RegExp> = [/maximum context length is (\d+)/i, /> ?(\d+) maximum/i, /context window (?:of|is) (\d+)/i]

/**
 * Refinements the shared HTTP table cannot know: Anthropic's spend limit (a 429, or a 400 "credit balance too low")
 * is a quota that waiting will not fix; a context-length error carries the limit when the message states it.
 */
const refine = (reason: ErrorReason, status: number, text: string): ErrorReason => {
  if (reason._tag === "RateLimited" && quotaPattern.test(text)) return { ...reason, quotaExhausted: true }
  if (status === 400 && /credit balance/i.test(text)) return { _tag: "RateLimited", quotaExhausted: true }
  if (reason._tag === "ContextLengthExceeded" && reason.limit === undefined) {
    for (const pattern of contextLimitPatterns) {
      const limit = Number(pattern.exec(text)?.[1])
      if (Number.isFinite(limit) && limit > 0) return { ...reason, limit }
    }
  }
  return reason
}

const fromHttpStatus = (error: SdkApiError, status: number, scope: FailureScope): ProviderError => {
  const body = bodyText(error)
  const base = errorFromHttp({ status, body, headers: error.headers ?? null, model: scope.model, nowMs: scope.nowMs }, contextOf(scope), scope.secrets)
  const detail = errorBodyDetail(body)
  const refined = refine(base.reason, status, `${detail.type ?? ""} ${detail.message ?? body.slice(0, 2000)}`)
  // The contract's reasonFromHttp copies the upstream message into InvalidRequest issues without the known
  // secrets to scrub (it redacts key-shaped text only): scrub them here.
  const reason: ErrorReason = refined._tag === "InvalidRequest" ? { ...refined, issues: refined.issues.map((issue) => redact(issue, scope.secrets)) } : refined
  return reason === base.reason ? base : providerError(reason, base.message, { ...contextOf(scope), status })
}

/** The reason an in-band stream error (`event: error`, or an `error` object in a chunk) stands for, by its type. */
const reasonFromErrorType = (type: string | undefined, scope: FailureScope): ErrorReason => {
  switch (type) {
    case "overloaded_error":
      return { _tag: "Overloaded" }
    case "rate_limit_error":
    case "rate_limit_exceeded":
      return { _tag: "RateLimited" }
    case "api_error":
    case "server_error":
    case "internal_server_error":
      return { _tag: "ServerError", status: 500 }
    case "authentication_error":
      return { _tag: "Authentication" }
    case "permission_error":
      return { _tag: "PermissionDenied" }
    case "not_found_error":
      return { _tag: "ModelNotFound", modelId: scope.model }
    case "invalid_request_error":
      return { _tag: "InvalidRequest", issues: ["the service rejected the request mid-stream"] }
    default:
      return { _tag: "StreamInterrupted", partialText: scope.partialText ?? "", ...(scope.usage ? { usage: scope.usage } : {}), ...(type ? { upstreamType: type } : {}) }
  }
}

/**
 * An error the service reported inside a 200 response: an `event: error` or an `error` chunk in a stream, or an
 * error object where a completion was expected. Before any text it is the reason its type names; after some text
 * it is StreamInterrupted with the text so far and the upstream type.
 */
export const fromInBandError = (body: string, sdkType: string | undefined, scope: FailureScope): ProviderError => {
  const detail = errorBodyDetail(body)
  const type = detail.type ?? sdkType
  const summary = clean(detail.message ?? "", scope)
  const message = `The service reported an error in a 200 response${type ? ` (${type})` : ""}${summary ? `: ${summary}` : ""}`
  if (scope.partialText !== undefined && scope.partialText.length > 0) {
    return providerError(
      { _tag: "StreamInterrupted", partialText: scope.partialText, ...(scope.usage ? { usage: scope.usage } : {}), ...(type ? { upstreamType: type } : {}) },
      message,
      contextOf(scope)
    )
  }
  return providerError(reasonFromErrorType(type, scope), message, contextOf(scope))
}

/** A stream that broke after it started: StreamInterrupted with the text and usage so far. */
export const streamInterrupted = (scope: FailureScope, message: string, upstreamType?: string): ProviderError =>
  providerError(
    {
      _tag: "StreamInterrupted",
      partialText: scope.partialText ?? "",
      ...(scope.usage ? { usage: scope.usage } : {}),
      ...(upstreamType ? { upstreamType } : {})
    },
    message,
    contextOf(scope)
  )

/**
 * Map anything an SDK call threw to a `ProviderError`: a user abort is Cancelled, an SDK timeout is Timeout, a
 * connection error is Unavailable, an HTTP status goes through the contract's table, an in-band stream error
 * becomes the reason its type names (or StreamInterrupted once text has arrived), unparseable data is
 * MalformedResponse, and a body that broke off mid-stream is StreamInterrupted.
 */
export const fromSdkError = (error: unknown, scope: FailureScope): ProviderError => {
  if (isProviderError(error)) return error
  if (scope.aborted || isUserAbort(error)) return cancelled(contextOf(scope), scope.usage)
  if (isTimeout(error)) {
    return providerError({ _tag: "Timeout", phase: "total", afterMs: scope.timeoutMs }, `No complete answer within the SDK timeout of ${scope.timeoutMs} ms`, contextOf(scope))
  }
  const streaming = scope.partialText !== undefined
  if (isConnectionError(error)) {
    if (streaming) return streamInterrupted(scope, "The connection broke during the stream")
    const cause = connectionCause(error)
    return providerError(cause ? { _tag: "Unavailable", cause } : { _tag: "Unavailable" }, `Could not reach the service${cause ? ` (${cause})` : ""}`, contextOf(scope))
  }
  if (isApiError(error)) {
    return error.status === undefined
      ? fromInBandError(bodyText(error), typeof error.type === "string" ? error.type : undefined, scope)
      : fromHttpStatus(error, error.status, scope)
  }
  if (error instanceof SyntaxError) {
    return streaming && (scope.partialText ?? "").length > 0
      ? streamInterrupted(scope, "The stream sent data that is not valid JSON", "malformed")
      : providerError({ _tag: "MalformedResponse" }, "The service sent a response that is not valid JSON", contextOf(scope))
  }
  if (streaming) return streamInterrupted(scope, "The stream broke off before it finished")
  const cause = connectionCause(error)
  const name = error instanceof Error ? error.name : typeof error
  return providerError(cause ? { _tag: "Unavailable", cause } : { _tag: "Unavailable" }, `The call failed before an answer (${clean(cause ?? name, scope)})`, contextOf(scope))
}
