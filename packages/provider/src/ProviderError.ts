/**
 * The one error type of @orch: a `ProviderError` with a typed `reason`.
 *
 * Retry and fallback decisions read `reason._tag`, `isRetryable` and `retryAfterMs`, never the text of a message.
 * No reason carries an API key, a request body or an unbounded upstream body: messages are short and redacted.
 */
import { Data } from "effect"
import type { Usage } from "./Completion.ts"
import { redact, redactValue } from "./Redaction.ts"

/**
 * The service could not be reached (connection refused, DNS, socket reset before a response). `component: "ledger"`
 * marks @orch's own cost ledger as the part that failed (no model was asked): not a failure of any model, so it
 * counts against no model's health. A fallback still moves on: a free model (local) needs no budget check.
 */
export interface Unavailable { readonly _tag: "Unavailable"; readonly cause?: string; readonly component?: "ledger" }
/** A deadline passed: total, time to first token, or gap between chunks. */
export interface Timeout { readonly _tag: "Timeout"; readonly phase: "total" | "first-token" | "between-chunks"; readonly afterMs: number }
/** 429. `quotaExhausted` marks a spend or quota limit that waiting will not fix. */
export interface RateLimited { readonly _tag: "RateLimited"; readonly retryAfterMs?: number; readonly quotaExhausted?: boolean }
/** The service is up but shedding load (Anthropic 529, Ollama's 503 "server busy"). */
export interface Overloaded { readonly _tag: "Overloaded"; readonly retryAfterMs?: number }
/** 5xx. */
export interface ServerError { readonly _tag: "ServerError"; readonly status: number }
/** 401: the key is missing, wrong or revoked. */
export interface Authentication { readonly _tag: "Authentication" }
/** 403: the key may not use this model or endpoint. */
export interface PermissionDenied { readonly _tag: "PermissionDenied" }
/** The model does not exist at this provider (or is not pulled, for Ollama). */
export interface ModelNotFound { readonly _tag: "ModelNotFound"; readonly modelId: string }
/** The prompt plus `maxTokens` does not fit the model's context window. */
export interface ContextLengthExceeded { readonly _tag: "ContextLengthExceeded"; readonly limit?: number }
/** The service refused on content policy. */
export interface ContentFiltered { readonly _tag: "ContentFiltered" }
/**
 * The request itself is wrong (validation, an unsupported parameter). `missingCapabilities` is set when no model
 * that could be asked can take what the request needs (`tools`, `images`, `files`, `jsonSchema`).
 */
export interface InvalidRequest { readonly _tag: "InvalidRequest"; readonly issues: ReadonlyArray<string>; readonly missingCapabilities?: ReadonlyArray<string> }
/**
 * The response could not be parsed, or lacked required fields. For a structured answer (`responseFormat: json`) that
 * was not JSON or did not match its schema, `text` is the model's answer and `issues` says where it failed.
 */
export interface MalformedResponse { readonly _tag: "MalformedResponse"; readonly text?: string; readonly issues?: ReadonlyArray<string> }
/** A stream ended without its terminator, or with an in-band error, after some text. */
export interface StreamInterrupted { readonly _tag: "StreamInterrupted"; readonly partialText: string; readonly usage?: Usage; readonly upstreamType?: string }
/** A hard budget would be exceeded by this call's worst case; nothing was sent. */
export interface BudgetExceeded { readonly _tag: "BudgetExceeded"; readonly budget: string; readonly limitUsd: number; readonly spentUsd: number; readonly requestedUsd: number }
/** The caller cancelled (AbortSignal or interruption). Never retried. */
export interface Cancelled { readonly _tag: "Cancelled"; readonly usage?: Usage }
/** Every attempt failed; `errors` holds each one in the order they ended. */
export interface AllAttemptsFailed { readonly _tag: "AllAttemptsFailed"; readonly errors: ReadonlyArray<ProviderError> }

/** Every reason a call can fail. */
export type ErrorReason =
  | Unavailable | Timeout | RateLimited | Overloaded | ServerError | Authentication | PermissionDenied
  | ModelNotFound | ContextLengthExceeded | ContentFiltered | InvalidRequest | MalformedResponse
  | StreamInterrupted | BudgetExceeded | Cancelled | AllAttemptsFailed

/** The tag of every reason. */
export type ErrorReasonTag = ErrorReason["_tag"]

/** All reason tags, for validation and exhaustive tables. */
export const errorReasonTags: ReadonlyArray<ErrorReasonTag> = [
  "Unavailable", "Timeout", "RateLimited", "Overloaded", "ServerError", "Authentication", "PermissionDenied",
  "ModelNotFound", "ContextLengthExceeded", "ContentFiltered", "InvalidRequest", "MalformedResponse",
  "StreamInterrupted", "BudgetExceeded", "Cancelled", "AllAttemptsFailed"
]

/**
 * Whether trying the same model again may succeed. Transport failures, timeouts, rate limits (not quota), overload,
 * 5xx, malformed responses and interrupted streams are retryable; everything the caller must change is not.
 */
export const isRetryable = (reason: ErrorReason): boolean => {
  switch (reason._tag) {
    case "Unavailable":
    case "Timeout":
    case "Overloaded":
    case "ServerError":
    case "MalformedResponse":
    case "StreamInterrupted":
      return true
    case "RateLimited":
      return reason.quotaExhausted !== true
    case "AllAttemptsFailed":
      return reason.errors.length > 0 && reason.errors.every((e) => isRetryable(e.reason))
    default:
      return false
  }
}

/** The error of every @orch call. `provider` and `model` say who failed, when known. */
export class ProviderError extends Data.TaggedError("ProviderError")<{
  readonly reason: ErrorReason
  readonly message: string
  readonly provider?: string
  readonly model?: string
  readonly status?: number
  /** The service's own error type, for errors a service reported in its body (`overloaded_error`, `insufficient_quota`). */
  readonly upstreamType?: string
}> {
  /** Whether the same model may succeed when tried again. */
  get isRetryable(): boolean {
    return isRetryable(this.reason)
  }
  /** The delay the service asked for, in milliseconds, when it said one. */
  get retryAfterMs(): number | undefined {
    return this.reason._tag === "RateLimited" || this.reason._tag === "Overloaded" ? this.reason.retryAfterMs : undefined
  }
  override toString(): string {
    const who = [this.provider, this.model].filter(Boolean).join("/")
    return `ProviderError[${this.reason._tag}]${who ? ` ${who}` : ""}: ${this.message}`
  }
}

/** Options shared by the error constructors. */
export interface ErrorContext {
  readonly provider?: string
  readonly model?: string
  readonly status?: number
  readonly upstreamType?: string
}

/**
 * Build a `ProviderError`, dropping undefined context fields (exactOptionalPropertyTypes). The message, every text of
 * the reason and the provider and model names (a caller's model id may be a key pasted in the wrong place) are
 * redacted here (`redact`), so no error of @orch carries a configured secret or a key.
 */
export const providerError = (reason: ErrorReason, message: string, context: ErrorContext = {}): ProviderError =>
  new ProviderError({
    reason: redactValue(reason, [], 2),
    message: redact(message),
    ...(context.provider !== undefined ? { provider: redact(context.provider) } : {}),
    ...(context.model !== undefined ? { model: redact(context.model) } : {}),
    ...(context.status !== undefined ? { status: context.status } : {}),
    ...(context.upstreamType !== undefined ? { upstreamType: context.upstreamType } : {})
  })

/**
 * An InvalidRequest error from one or more validation issues; with `missingCapabilities`, a request this model cannot
 * take and another may (a fallback moves on).
 */
export const invalidRequest = (issues: ReadonlyArray<string>, context: ErrorContext = {}, missingCapabilities?: ReadonlyArray<string>): ProviderError =>
  providerError(
    missingCapabilities !== undefined && missingCapabilities.length > 0 ? { _tag: "InvalidRequest", issues, missingCapabilities } : { _tag: "InvalidRequest", issues },
    `Invalid request: ${issues.join("; ")}`,
    context
  )

/** A Cancelled error, with the usage produced before the cancel when known. */
export const cancelled = (context: ErrorContext = {}, usage?: Usage): ProviderError =>
  providerError(usage ? { _tag: "Cancelled", usage } : { _tag: "Cancelled" }, "The call was cancelled", context)

/** Every attempt failed: the errors in the order they ended, summarised in one line. */
export const allAttemptsFailed = (errors: ReadonlyArray<ProviderError>): ProviderError =>
  providerError(
    { _tag: "AllAttemptsFailed", errors },
    errors.length === 0
      ? "No attempt was made: no model was eligible"
      : `All ${errors.length} attempts failed: ${errors.map((e) => `${e.provider ?? "?"}/${e.model ?? "?"} ${e.reason._tag}`).join(", ")}`
  )

/** Whether an unknown value is a `ProviderError`. */
export const isProviderError = (u: unknown): u is ProviderError =>
  typeof u === "object" && u !== null && (u as { _tag?: unknown })._tag === "ProviderError" && "reason" in u
