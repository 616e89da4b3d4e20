/**
 * What every adapter's error mapper needs to know of the call that failed, and the network cause of a transport
 * failure, shared so each SDK's mapper (the OpenAI-wire kit, Anthropic, plain fetch) only maps its own error classes.
 */

/** The call that failed, as an error mapper sees it. */
export interface FailureScope {
  readonly provider: string
  readonly model: string
  /** Secrets to scrub from every message (the key, header values, URL credentials). */
  readonly secrets: ReadonlyArray<string>
  /** The client's backstop timeout, reported when it fires. */
  readonly timeoutMs: number
  /** Now, from `Clock`, for Retry-After dates. */
  readonly nowMs: number
}

const record = (u: unknown): Record<string, unknown> | undefined => (typeof u === "object" && u !== null ? (u as Record<string, unknown>) : undefined)

/**
 * The network cause of a failed request (`ECONNREFUSED`, `UND_ERR_SOCKET`, ...), found through `cause` chains and
 * aggregate `errors`, without addresses or long text; undefined when there is none.
 */
export const networkCause = (error: unknown): string | undefined => {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    const code = record(current)?.code
    if (typeof code === "string" && /^[A-Z_]{3,}$/.test(code)) return code
    const errors = record(current)?.errors
    if (Array.isArray(errors)) {
      const inner = errors.map(networkCause).find((c) => c !== undefined)
      if (inner !== undefined) return inner
    }
    current = record(current)?.cause
  }
  return undefined
}
