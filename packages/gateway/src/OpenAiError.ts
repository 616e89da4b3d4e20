/**
 * Errors in OpenAI's shape (`{ error: { message, type, param, code } }`) with OpenAI's status codes, so the official
 * SDKs raise their typed exceptions: 400 invalid request, 401 unknown key, 404 unknown model or route, 413 body too
 * large, 429 budget exceeded (`insufficient_quota`) or rate limited, 502/503 when the upstreams failed, 504 at the
 * deadline. `ProviderError` reasons map here and nowhere else.
 */
import type { ErrorReason, ProviderError } from "@orch/provider"

/** An error as the gateway answers it: the HTTP status and OpenAI's error object. */
export interface GatewayError {
  readonly status: number
  readonly type: string
  readonly code: string | null
  readonly param: string | null
  readonly message: string
  /** Seconds for a `retry-after` header, when waiting helps. */
  readonly retryAfterSeconds?: number
  /** Answer with `connection: close` (the rest of the request is not read: a body too large or too slow). */
  readonly closeConnection?: boolean
  /**
   * False when the same request cannot succeed on a retry (a budget spent, the upstream refusing the gateway's key):
   * answered with `x-should-retry: false`, which the official SDKs obey instead of retrying a 429 or 5xx.
   */
  readonly retryable?: boolean
  /** The methods a 405's URL takes, for its `allow` header. */
  readonly allow?: string
}

/** A gateway error from its parts. */
export const gatewayError = (status: number, type: string, code: string | null, message: string, param: string | null = null, retryAfterSeconds?: number): GatewayError =>
  ({ status, type, code, param, message, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) })

/** 400: the request is wrong; `param` names the field when one is to blame. */
export const invalidRequestError = (message: string, param: string | null = null): GatewayError =>
  gatewayError(400, "invalid_request_error", null, message, param)

/** 405: the URL exists, the method is not one it takes (`allow` lists those). */
export const methodNotAllowed = (method: string, path: string, allow: string): GatewayError =>
  ({ ...gatewayError(405, "invalid_request_error", "method_not_allowed", `${method.slice(0, 20)} is not allowed on ${path.slice(0, 200)}; use ${allow}`), allow })

/** Whether a value is a `GatewayError` (the readers return one or their result). */
export const isGatewayError = (value: unknown): value is GatewayError =>
  typeof value === "object" && value !== null && !Array.isArray(value) && typeof (value as { status?: unknown }).status === "number" && typeof (value as { type?: unknown }).type === "string"

/** The JSON body of an error response. */
export const errorBody = (error: GatewayError): string =>
  JSON.stringify({ error: { message: error.message, type: error.type, param: error.param, code: error.code } })

const upstream = (status: number, code: string, message: string): GatewayError => gatewayError(status, status === 504 ? "timeout" : "server_error", code, message)

/** The most telling reason among the failures of every attempt (budget, deadline, rate limit, down, else failed). */
const dominant = (errors: ReadonlyArray<ProviderError>): ErrorReason | undefined => {
  const reasons = errors.map((e) => e.reason)
  const all = (tag: ErrorReason["_tag"]) => reasons.length > 0 && reasons.every((r) => r._tag === tag)
  if (reasons.some((r) => r._tag === "BudgetExceeded")) return reasons.find((r) => r._tag === "BudgetExceeded")
  if (reasons.some((r) => r._tag === "Timeout" && r.phase === "total")) return reasons.find((r) => r._tag === "Timeout")
  if (all("RateLimited")) return reasons[0]
  if (all("Unavailable") || all("Overloaded")) return reasons[0]
  return undefined
}

/**
 * The answer for a `ProviderError`. The client's mistakes keep their message; an upstream's failure is described by
 * its reason, never by the upstream's body (which may echo the gateway's upstream key or the prompt).
 */
export const fromProviderError = (error: ProviderError): GatewayError => {
  const reason = error.reason
  // An error with an HTTP status came from an upstream's answer: its message quotes the upstream's body, which may
  // hold the gateway's upstream key (masked by the upstream as `sk-ab****wxyz`, which no redaction can undo).
  const fromUpstream = error.status !== undefined
  const upstreamName = error.provider !== undefined ? ` (${error.provider})` : ""
  switch (reason._tag) {
    case "InvalidRequest":
      return invalidRequestError(fromUpstream ? `The upstream${upstreamName} refused the request as invalid (HTTP ${error.status})` : error.message)
    case "ContextLengthExceeded":
      return gatewayError(400, "invalid_request_error", "context_length_exceeded", fromUpstream
        ? `The messages are longer than the model's context window${reason.limit !== undefined ? ` (${reason.limit} tokens)` : ""}`
        : error.message, "messages")
    case "ContentFiltered":
      return gatewayError(400, "invalid_request_error", "content_filter", "The upstream refused the request on content policy", null)
    case "ModelNotFound":
      return reason.modelId === "any"
        ? upstream(503, "no_model_available", error.message)
        : gatewayError(404, "invalid_request_error", "model_not_found", fromUpstream
          ? `The upstream${upstreamName} has no model ${JSON.stringify(reason.modelId.slice(0, 200))}`
          : error.message, "model")
    case "BudgetExceeded":
      // What the caller can change: the reservation is the most the call's output limit could cost (a default limit
      // when the request sets none), so a smaller max_tokens may fit what is left.
      return { ...gatewayError(429, "insufficient_quota", "insufficient_quota", `Budget "${reason.budget}" would be exceeded: limit $${reason.limitUsd}, spent $${roundUsd(reason.spentUsd)}, this call could cost up to $${roundUsd(reason.requestedUsd)} (its prompt and its max_tokens of output, or a default limit when it sets none; a smaller max_tokens reserves less)`), retryable: false }
    case "RateLimited":
      return reason.quotaExhausted === true
        ? { ...gatewayError(429, "insufficient_quota", "insufficient_quota", "The upstream's quota is exhausted"), retryable: false }
        : gatewayError(429, "requests", "rate_limit_exceeded", "The upstream is rate limiting", null, retrySeconds(reason.retryAfterMs))
    case "Timeout":
      return upstream(504, "timeout", `The call did not finish within its deadline (${reason.phase}, ${reason.afterMs} ms)`)
    case "Unavailable":
      // The cost ledger (Redis, SQLite) failed: no upstream was asked, and none is to blame.
      if (reason.component === "ledger") return { ...upstream(503, "ledger_unavailable", "The cost ledger could not be reached, so the call could not be accounted for; retry shortly"), retryAfterSeconds: 1 }
      return upstream(503, "upstream_unavailable", `No upstream could be reached${error.provider !== undefined ? ` (${error.provider})` : ""}`)
    case "Overloaded":
      return { ...upstream(503, "upstream_overloaded", "The upstream is overloaded"), ...(reason.retryAfterMs !== undefined ? { retryAfterSeconds: retrySeconds(reason.retryAfterMs)! } : {}) }
    case "Cancelled":
      return gatewayError(499, "cancelled", "cancelled", "The client closed the request")
    case "AllAttemptsFailed": {
      const main = dominant(reason.errors)
      if (main !== undefined) {
        const first = reason.errors.find((e: ProviderError) => e.reason === main)
        if (first !== undefined) return fromProviderError(first)
      }
      return upstream(502, "upstream_failed", `Every upstream attempt failed: ${reason.errors.map((e: ProviderError) => `${e.provider ?? "?"}/${e.model ?? "?"} ${e.reason._tag}`).join(", ").slice(0, 400)}`)
    }
    case "Authentication":
    case "PermissionDenied":
      return { ...upstream(502, "upstream_auth", `The upstream refused the gateway's credentials${error.provider !== undefined ? ` (${error.provider})` : ""}`), retryable: false }
    case "ServerError":
      return upstream(502, "upstream_error", `The upstream failed with status ${reason.status}`)
    case "MalformedResponse":
      return upstream(502, "upstream_malformed", "The upstream's response could not be read")
    case "StreamInterrupted":
      return upstream(502, "upstream_interrupted", "The upstream's stream broke off")
  }
}

const roundUsd = (usd: number): string => usd.toFixed(6).replace(/0+$/, "").replace(/\.$/, "")

const retrySeconds = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : Math.max(1, Math.ceil(ms / 1000)))
