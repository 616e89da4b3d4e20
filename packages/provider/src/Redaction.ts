/**
 * Redaction: no API key, bearer token or credential reaches an error, a log, a trace or the ledger.
 */

/** Patterns of secrets that look like keys even when @orch was not told about them. */
const secretPatterns: ReadonlyArray<RegExp> = [
  /\bsk-(?:ant-|proj-|live-|test-)?[A-Za-z0-9_-]{12,}/g, // OpenAI / Anthropic style
  /\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, // Authorization header values
  /\b(?:api[_-]?key|x-api-key|authorization|access[_-]?token|secret)["']?\s*[:=]\s*["']?[^\s"',;}]{6,}/gi, // key=value
  /\bAIza[0-9A-Za-z_-]{20,}/g, // Google
  /\bhf_[A-Za-z0-9]{20,}/g, // Hugging Face
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g, // GitHub
  /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g // JWT
]

/** The text with every known secret and everything shaped like a key replaced by `[REDACTED]`. */
export const redact = (text: string, secrets: ReadonlyArray<string> = []): string => {
  let out = text
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join("[REDACTED]")
  }
  for (const pattern of secretPatterns) out = out.replace(pattern, "[REDACTED]")
  return out
}

/** At most this many characters of an upstream body reach a message. */
export const maxBodySummaryLength = 300

/**
 * One line that says what an upstream body was: its text when short, the title of an HTML page, never more than
 * `maxBodySummaryLength` characters, always redacted.
 */
export const summarizeBody = (body: string): string => {
  const trimmed = body.trim()
  if (trimmed.length === 0) return ""
  if (/^<(!doctype|html|head|body)/i.test(trimmed) || /<\/html>/i.test(trimmed)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(trimmed)?.[1]?.trim()
    const heading = /<h1[^>]*>([^<]*)<\/h1>/i.exec(trimmed)?.[1]?.trim()
    return redact(`HTML page${title || heading ? `: ${title || heading}` : ""}`.slice(0, maxBodySummaryLength))
  }
  const oneLine = trimmed.replace(/\s+/g, " ")
  const short = oneLine.length > maxBodySummaryLength ? `${oneLine.slice(0, maxBodySummaryLength)}…` : oneLine
  return redact(short)
}
