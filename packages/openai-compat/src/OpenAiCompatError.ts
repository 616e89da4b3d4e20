/**
 * The one error mapper of the OpenAI chat wire: whatever the `openai` client throws, or a body says, as a
 * `ProviderError`. HTTP statuses and in-band errors (an `error` object in a 200 body or SSE event, vLLM's flat
 * `{"object":"error"}`) go through the contract's one table; transport failures are Unavailable, the backstop is
 * Timeout, a user abort is Cancelled, unparsable data is MalformedResponse. Messages are short and scrubbed of every
 * secret of the endpoint (key, header values, URL credentials) before they are cut.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai"
import {
  cancelled,
  errorFromHttp,
  errorFromInBand,
  isProviderError,
  networkCause,
  providerError,
  redact,
  type ErrorContext,
  type FailureScope,
  type HeaderSource,
  type ProviderError
} from "@orch/provider"

/** What the mapping needs to know of the call that failed (the contract's `FailureScope`). */
export type { FailureScope }

const contextOf = (scope: FailureScope): ErrorContext => ({ provider: scope.provider, model: scope.model })

const record = (u: unknown): Record<string, unknown> | undefined => (typeof u === "object" && u !== null ? (u as Record<string, unknown>) : undefined)

/** The network cause of an error (the contract's `networkCause`). */
export { networkCause }

const isAbort = (error: unknown): boolean => error instanceof APIUserAbortError || record(error)?.name === "AbortError"

/** The body of an `APIError` as text: the client keeps parsed JSON in `error`, plain text in the message. */
const bodyOf = (error: APIError): string => {
  const parsed: unknown = error.error
  if (parsed !== undefined && parsed !== null) return typeof parsed === "string" ? parsed : JSON.stringify({ error: parsed })
  const message = error.message
  return error.status !== undefined && message.startsWith(`${error.status} `) ? message.slice(`${error.status} `.length) : message
}

/**
 * An HTTP failure status with its headers (Retry-After) and body text, through the contract's table: the one mapping
 * of a failed response, whichever transport read it.
 */
export const errorFromStatus = (status: number, headers: HeaderSource, body: string, scope: FailureScope): ProviderError =>
  errorFromHttp({ status, body, headers, model: scope.model, nowMs: scope.nowMs }, contextOf(scope), scope.secrets)

/** An error a service put in a 200 body or event, through the contract's table. */
export const inBandError = (error: unknown, scope: FailureScope): ProviderError =>
  errorFromInBand({ error, model: scope.model, nowMs: scope.nowMs, secrets: scope.secrets }, contextOf(scope))

/** The error object inside a 200 body or chunk, if it carries one: `{"error":{…}}` or vLLM's flat `{"object":"error",…}`. */
export const inBandErrorOf = (body: unknown): unknown => {
  const value = record(body)
  if (value === undefined) return undefined
  if (value.error !== undefined && value.error !== null) return value
  if (value.object === "error") return value
  return undefined
}

/** Map anything the `openai` client threw to a `ProviderError` (see the module comment). */
export const errorFromSdk = (error: unknown, scope: FailureScope): ProviderError => {
  if (isProviderError(error)) return error
  if (isAbort(error)) return cancelled(contextOf(scope))
  if (error instanceof APIConnectionTimeoutError) {
    return providerError({ _tag: "Timeout", phase: "total", afterMs: scope.timeoutMs }, `No answer within the backstop timeout of ${scope.timeoutMs} ms`, contextOf(scope))
  }
  if (error instanceof APIError && !(error instanceof APIConnectionError)) {
    if (error.status === undefined) return inBandError(error.error ?? { error: { message: error.message } }, scope)
    return errorFromStatus(error.status, error.headers ?? null, bodyOf(error), scope)
  }
  if (error instanceof SyntaxError) {
    return providerError({ _tag: "MalformedResponse" }, "The service sent data that is not valid JSON", contextOf(scope))
  }
  const cause = networkCause(error)
  const name = error instanceof Error ? error.name : typeof error
  const detail = redact(cause ?? name, scope.secrets).slice(0, 80)
  return providerError(cause !== undefined ? { _tag: "Unavailable", cause } : { _tag: "Unavailable" }, `The service could not be reached or broke off (${detail})`, contextOf(scope))
}
