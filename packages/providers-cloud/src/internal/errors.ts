/**
 * Anthropic SDK failures → `ProviderError`, at the package edge (the OpenAI wire has its own mapper in the kit).
 * The SDK throws an `APIError` with the HTTP status, headers and parsed body; a connection error; a timeout; a user
 * abort; an in-band stream error (`event: error`, an `APIError` without a status). Statuses and in-band errors go
 * through the contract's one table. Messages are short and scrubbed of the key before they are cut.
 */
import * as Anthropic from "@anthropic-ai/sdk"
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
  type ProviderError
} from "@orch/provider"

export type { FailureScope }

const contextOf = (scope: FailureScope): ErrorContext => ({ provider: scope.provider, model: scope.model })


/** The upstream body as text: the SDK keeps parsed JSON in `error`, and plain text in the message after the status. */
const bodyText = (error: Anthropic.APIError): string => {
  const parsed: unknown = error.error
  if (parsed !== undefined && parsed !== null) return typeof parsed === "string" ? parsed : JSON.stringify(parsed)
  const status = error.status
  const message = error.message
  return status !== undefined && message.startsWith(`${status} `) ? message.slice(`${status} `.length) : message
}

/** An error Anthropic reported inside a 200 response (`event: error`, or an error body where a message was expected). */
export const fromInBandError = (error: unknown, scope: FailureScope): ProviderError =>
  errorFromInBand({ error, model: scope.model, nowMs: scope.nowMs, secrets: scope.secrets }, contextOf(scope))

/** Map anything the Anthropic SDK threw to a `ProviderError` (see the module comment). */
export const fromSdkError = (error: unknown, scope: FailureScope): ProviderError => {
  if (isProviderError(error)) return error
  if (error instanceof Anthropic.APIUserAbortError || (error instanceof Error && error.name === "AbortError")) return cancelled(contextOf(scope))
  if (error instanceof Anthropic.APIConnectionTimeoutError) {
    return providerError({ _tag: "Timeout", phase: "total", afterMs: scope.timeoutMs }, `No complete answer within the SDK timeout of ${scope.timeoutMs} ms`, contextOf(scope))
  }
  if (error instanceof Anthropic.APIError && !(error instanceof Anthropic.APIConnectionError)) {
    if (error.status === undefined) return fromInBandError(error.error ?? { error: { message: error.message } }, scope)
    return errorFromHttp({ status: error.status, body: bodyText(error), headers: error.headers ?? null, model: scope.model, nowMs: scope.nowMs }, contextOf(scope), scope.secrets)
  }
  if (error instanceof SyntaxError) return providerError({ _tag: "MalformedResponse" }, "The service sent data that is not valid JSON", contextOf(scope))
  const cause = networkCause(error)
  const name = error instanceof Error ? error.name : typeof error
  return providerError(cause ? { _tag: "Unavailable", cause } : { _tag: "Unavailable" }, `The service could not be reached or broke off (${redact(cause ?? name, scope.secrets).slice(0, 80)})`, contextOf(scope))
}
