/**
 * Mapping of everything an SDK or the network can throw (openai `APIError`s, ollama `ResponseError`s, fetch
 * failures, aborts, JSON syntax errors) to the contract's `ProviderError`, with redacted, bounded messages.
 */
import { errorFromHttp, isProviderError, providerError, redact, type ProviderError } from "@orch/provider"
import { Clock, Effect } from "effect"
import { APIConnectionError, APIConnectionTimeoutError, APIUserAbortError } from "openai"

/** Who was called, for the error's context. */
export interface CallContext {
  readonly provider: string
  readonly model?: string
  /** The current time, for Retry-After dates. */
  readonly nowMs: number
  /** Known secrets (API keys) that must never reach a message. */
  readonly secrets?: ReadonlyArray<string>
}

const networkCodes = new Set([
  "ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "ETIMEDOUT",
  "UND_ERR_SOCKET", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_CLOSED"
])

/**
 * A failure of a request before its response body was read, with the response headers when there was a response
 * (the ollama SDK drops them; Retry-After lives there).
 */
export class RequestFailed {
  readonly error: unknown
  readonly headers: Headers | undefined
  constructor(error: unknown, headers?: Headers) {
    this.error = error
    this.headers = headers
  }
}

const record = (u: unknown): Record<string, unknown> | undefined =>
  typeof u === "object" && u !== null ? (u as Record<string, unknown>) : undefined

/** The network error code of an error or of one of its causes (`ECONNREFUSED`, `UND_ERR_SOCKET`, ...). */
export const networkCode = (error: unknown): string | undefined => {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current !== undefined; depth++) {
    const code = record(current)?.code
    if (typeof code === "string" && networkCodes.has(code)) return code
    const errors = record(current)?.errors
    if (Array.isArray(errors)) {
      const inner = errors.map(networkCode).find((c) => c !== undefined)
      if (inner !== undefined) return inner
    }
    current = record(current)?.cause
  }
  return undefined
}

/** Whether an error is an abort (the caller's signal), not a failure of the service. */
export const isAbort = (error: unknown): boolean => {
  const name = record(error)?.name
  return name === "AbortError" || name === "APIUserAbortError"
}

const messageOf = (error: unknown): string => {
  const message = record(error)?.message
  return typeof message === "string" ? message : String(error)
}

/**
 * The `ProviderError` for anything thrown by a call before a response body was being read: HTTP statuses through
 * the contract's `errorFromHttp`, transport failures as Unavailable, the SDK's backstop timeout as Timeout, bad JSON
 * as MalformedResponse, aborts as Cancelled.
 */
export const toProviderError = (error: unknown, context: CallContext, responseHeaders?: Headers): ProviderError => {
  if (error instanceof RequestFailed) return toProviderError(error.error, context, error.headers)
  if (isProviderError(error)) return error
  const where = { provider: context.provider, ...(context.model !== undefined ? { model: context.model } : {}) }
  const secrets = context.secrets ?? []
  const self = record(error) ?? {}
  const name = typeof self.name === "string" ? self.name : ""
  if (isAbort(error) || error instanceof APIUserAbortError) return providerError({ _tag: "Cancelled" }, "The call was cancelled", where)
  if (error instanceof APIConnectionTimeoutError || name === "APIConnectionTimeoutError") {
    return providerError({ _tag: "Timeout", phase: "total", afterMs: 0 }, "The request timed out (client backstop timeout)", where)
  }
  // openai APIError with an HTTP status (BadRequestError, NotFoundError, RateLimitError, InternalServerError, ...)
  if (typeof self.status === "number" && "headers" in self) {
    const body = self.error === undefined ? messageOf(error) : JSON.stringify({ error: self.error })
    return errorFromHttp({ status: self.status, body, headers: self.headers as Headers | undefined, nowMs: context.nowMs, ...(context.model !== undefined ? { model: context.model } : {}) }, where, secrets)
  }
  // ollama ResponseError: the body's `error` text (or the whole body) and the status
  if (name === "ResponseError" && typeof self.status_code === "number") {
    const text = typeof self.error === "string" ? self.error : messageOf(error)
    const mapped = errorFromHttp({ status: self.status_code, body: JSON.stringify({ error: text }), headers: responseHeaders, nowMs: context.nowMs, ...(context.model !== undefined ? { model: context.model } : {}) }, where, secrets)
    return mapped
  }
  if (error instanceof APIConnectionError || networkCode(error) !== undefined || (name === "TypeError" && /fetch failed|terminated|network/i.test(messageOf(error)))) {
    const code = networkCode(error)
    const cause = redact(code ?? messageOf(error), secrets).slice(0, 200)
    return providerError({ _tag: "Unavailable", cause }, `The service could not be reached (${cause})`, where)
  }
  if (name === "SyntaxError") {
    return providerError({ _tag: "MalformedResponse" }, `The response could not be parsed: ${redact(messageOf(error), secrets).slice(0, 200)}`, where)
  }
  return providerError({ _tag: "MalformedResponse" }, `Unexpected failure: ${redact(messageOf(error), secrets).slice(0, 200)}`, where)
}

/**
 * The `ProviderError` for anything thrown while a response body was streaming: aborts are Cancelled, an HTTP-status
 * error keeps its mapping, everything else (a reset, an in-band error event, a stream that stopped early) is
 * StreamInterrupted carrying the text received so far.
 */
export const toStreamError = (error: unknown, context: CallContext, partialText: string): ProviderError => {
  if (isProviderError(error) || error instanceof RequestFailed) return toProviderError(error, context)
  const mapped = toProviderError(error, context)
  const tag = mapped.reason._tag
  if (tag === "Cancelled") return mapped
  const self = record(error) ?? {}
  const hasStatus = typeof self.status === "number" || typeof self.status_code === "number"
  if (hasStatus && tag !== "MalformedResponse" && tag !== "Unavailable") return mapped
  const upstream = record(self.error)
  const upstreamType = typeof upstream?.type === "string" ? upstream.type : undefined
  return providerError(
    { _tag: "StreamInterrupted", partialText, ...(upstreamType !== undefined ? { upstreamType } : {}) },
    `The stream was interrupted: ${mapped.message}`,
    { provider: context.provider, ...(context.model !== undefined ? { model: context.model } : {}) }
  )
}

/** Fail with the mapped `ProviderError` of whatever an SDK call threw, reading the time from `Clock`. */
export const failWith = (context: Omit<CallContext, "nowMs">) => (error: unknown): Effect.Effect<never, ProviderError> =>
  Effect.flatMap(Clock.currentTimeMillis, (nowMs) => Effect.fail(toProviderError(error, { ...context, nowMs })))

/**
 * The error a service put in the body of a 200 reply (`{"error": ...}`), if any, mapped as a server-side failure of
 * that kind (overloaded, rate limited, ...), else ServerError.
 */
export const inBandError = (body: unknown, context: CallContext): ProviderError | undefined => {
  const error = record(body)?.error
  if (error === undefined || error === null) return undefined
  const text = JSON.stringify({ error })
  const overloaded = /overload|busy|capacity/i.test(text)
  return errorFromHttp({ status: overloaded ? 529 : 500, body: text, nowMs: context.nowMs }, { provider: context.provider, ...(context.model !== undefined ? { model: context.model } : {}) }, context.secrets ?? [])
}
