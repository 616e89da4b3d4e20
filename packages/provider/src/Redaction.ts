/**
 * Redaction: no API key, bearer token or credential reaches an error, a log, a trace, the ledger or a terminal,
 * whole or in part. This module is the one mechanism every sink calls.
 *
 * - Secrets a process was configured with (API keys, the `user:password` of a base URL, the values of custom headers
 *   such as a proxy token) are registered once where the configuration is read (`registerSecrets`, with
 *   `secretsOfUrl` / `secretsOfHeaders`); `redact` then removes them from any text, also when a server echoes them
 *   back or when only a piece of one (8 characters or more) shows.
 * - Text shaped like a credential (`sk-...`, `Bearer ...`, `api_key=...`, a URL's `user:secret@`) is removed even
 *   when nobody registered it.
 * - Text is always redacted before it is cut to length (`truncate`, `summarizeBody`), so a cut can never leave the
 *   first half of a key behind.
 */

/** What replaces a secret. */
export const redactedMarker = "[REDACTED]"

/** Patterns of secrets that look like keys even when @orch was not told about them. */
const secretPatterns: ReadonlyArray<RegExp> = [
  // Patterns that start with a run of characters start only where such a run starts (the look-behinds): a long run
  // with no match is then scanned once, not once per character (a server's error body is untrusted input).
  /(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:\/\/[^\s/?#@"'<>]*@/gi, // the credentials of a URL: scheme://user:secret@ (handled below)
  /\bsk-(?:ant-|proj-|live-|test-)?[A-Za-z0-9_-]{12,}/g, // OpenAI / Anthropic style
  /\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, // Authorization header values
  /\b(?:api[_-]?key|x-api-key|authorization|access[_-]?token|auth[_-]?token|proxy[_-]?token|secret|password|passwd)["']?\s*[:=]\s*["']?[^\s"',;}&]{6,}/gi, // key=value
  /[?&](?:key|token|sig|signature|password|auth)=[^&\s"'#]{4,}/gi, // credentials in a query string
  /\bAIza[0-9A-Za-z_-]{20,}/g, // Google
  /\bhf_[A-Za-z0-9]{20,}/g, // Hugging Face
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g, // GitHub
  /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g, // JWT
  // A key a service masked when it echoed it (`sk-proj-****abcd`, `sk-...abcd`, `Zq7m****1eUa`): what it left of the
  // key, its first and last characters, is a piece of it too.
  /(?<![A-Za-z0-9_-])(?:sk|pk|rk)[-_][A-Za-z0-9_-]*(?:\*+|\.{2,}|…|•+)[A-Za-z0-9_-]*/gi,
  /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]*[A-Za-z0-9](?:\*{3,}|•{3,})[A-Za-z0-9][A-Za-z0-9_-]*/g
]

/** The shortest secret that is matched at all (shorter values would redact ordinary words). */
const minimumSecretLength = 4
/** A run of this many characters of a known secret is redacted where it stands, so no piece of one shows. */
const pieceLength = 8

/** The secrets this process was configured with (see `registerSecrets`). */
const registered = new Set<string>()

/**
 * Register secrets the process was configured with, so every later `redact` removes them (and any piece of 8
 * characters or more) wherever they appear. Call it where configuration is read: provider configs, base URLs,
 * custom headers. Values shorter than 4 characters are ignored. Registration only ever adds.
 */
export const registerSecrets = (values: Iterable<string | undefined>): void => {
  for (const value of values) {
    if (value === undefined) continue
    for (const form of formsOf(value)) if (form.length >= minimumSecretLength) registered.add(form)
  }
}

/** A secret as typed and as it would appear percent-encoded or decoded in a URL. */
const formsOf = (value: string): ReadonlyArray<string> => {
  const forms = new Set([value.trim()])
  try {
    forms.add(decodeURIComponent(value))
  } catch {
    // not percent-encoded
  }
  forms.add(encodeURIComponent(value))
  return [...forms]
}

/** The names of query parameters whose values are credentials. */
const secretQueryParameter = /^(?:key|api[_-]?key|token|access[_-]?token|auth|sig|signature|password|secret)$/i

/** The secrets a URL carries: the user name and password of `scheme://user:password@host`, and credential query values. */
export const secretsOfUrl = (url: string | undefined): ReadonlyArray<string> => {
  if (url === undefined || !URL.canParse(url)) return []
  const parsed = new URL(url)
  const secrets: Array<string> = []
  if (parsed.username !== "") secrets.push(parsed.username)
  if (parsed.password !== "") secrets.push(parsed.password)
  for (const [name, value] of parsed.searchParams) if (secretQueryParameter.test(name) && value !== "") secrets.push(value)
  return secrets
}

/**
 * The secrets of custom headers: every value (a proxy token, a cookie), and the credential of a `Bearer x` or
 * `Basic x` value on its own.
 */
export const secretsOfHeaders = (headers: Readonly<Record<string, string>> | undefined): ReadonlyArray<string> => {
  if (headers === undefined) return []
  return Object.values(headers).flatMap((value) => {
    const credential = /^\s*(?:Bearer|Basic|Token)\s+(\S+)\s*$/i.exec(value)?.[1]
    return credential !== undefined ? [value, credential] : [value]
  })
}

/** A URL for display: its credentials replaced by `[REDACTED]`, everything else as given. */
export const redactUrl = (url: string): string => redact(url, secretsOfUrl(url))

/** The ranges of `text` covered by a known secret or a piece of one at least `pieceLength` long. */
const secretRanges = (text: string, secrets: ReadonlyArray<string>): Array<[number, number]> => {
  const ranges: Array<[number, number]> = []
  for (const secret of secrets) {
    if (secret.length < minimumSecretLength) continue
    if (secret.length <= pieceLength) {
      for (let at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + 1)) ranges.push([at, at + secret.length])
      continue
    }
    // Every piece of `pieceLength` characters of the secret, looked up at every position of the text.
    const pieces = new Set<string>()
    for (let i = 0; i + pieceLength <= secret.length; i++) pieces.add(secret.slice(i, i + pieceLength))
    for (let at = 0; at + pieceLength <= text.length; at++) {
      if (pieces.has(text.slice(at, at + pieceLength))) ranges.push([at, at + pieceLength])
    }
  }
  return ranges
}

/** `text` with the given ranges (merged where they touch) replaced by the marker. */
const replaceRanges = (text: string, ranges: Array<[number, number]>): string => {
  if (ranges.length === 0) return text
  ranges.sort((a, b) => a[0] - b[0])
  let out = ""
  let cursor = 0
  let open: [number, number] | undefined
  for (const range of ranges) {
    if (open !== undefined && range[0] <= open[1]) {
      open[1] = Math.max(open[1], range[1])
      continue
    }
    if (open !== undefined) { out += text.slice(cursor, open[0]) + redactedMarker; cursor = open[1] }
    open = [range[0], range[1]]
  }
  if (open !== undefined) { out += text.slice(cursor, open[0]) + redactedMarker; cursor = open[1] }
  return out + text.slice(cursor)
}

/**
 * The text with every registered secret, every given secret (and every piece of 8 characters or more of one) and
 * everything shaped like a credential replaced by `[REDACTED]`. Idempotent.
 */
export const redact = (text: string, secrets: ReadonlyArray<string> = []): string => {
  const known = secrets.length === 0 ? [...registered] : [...registered, ...secrets.flatMap(formsOf)]
  let out = replaceRanges(text, secretRanges(text, known))
  for (const pattern of secretPatterns) {
    out = out.replace(pattern, (match) => {
      const url = /^([a-z][a-z0-9+.-]*:\/\/)[^@]*@$/i.exec(match)
      return url !== null ? `${url[1]}${redactedMarker}@` : redactedMarker
    })
  }
  return out
}

/** Redact, then cut to at most `maxLength` characters (with `…` when cut): never the other way round. */
export const truncate = (text: string, maxLength: number, secrets: ReadonlyArray<string> = []): string => {
  const clean = redact(text, secrets)
  return clean.length > maxLength ? `${clean.slice(0, maxLength)}…` : clean
}

/**
 * A value with every string in it redacted (objects and arrays followed to `depth`): for span attributes, log
 * annotations and ledger rows, whose shape is kept.
 */
export const redactValue = <A>(value: A, secrets: ReadonlyArray<string> = [], depth = 8): A => {
  if (typeof value === "string") return redact(value, secrets) as A
  if (depth <= 0 || typeof value !== "object" || value === null) return value
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secrets, depth - 1)) as A
  const prototype = Object.getPrototypeOf(value)
  if (prototype !== Object.prototype && prototype !== null) return value
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactValue(item, secrets, depth - 1)])) as A
}

/** At most this many characters of an upstream body reach a message. */
export const maxBodySummaryLength = 300

/**
 * One line that says what an upstream body was: its text when short, the title of an HTML page, never more than
 * `maxBodySummaryLength` characters, always redacted first (with `secrets` too), then cut.
 */
export const summarizeBody = (body: string, secrets: ReadonlyArray<string> = []): string => {
  const trimmed = body.trim()
  if (trimmed.length === 0) return ""
  if (/^<(!doctype|html|head|body)/i.test(trimmed) || /<\/html>/i.test(trimmed)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(trimmed)?.[1]?.trim()
    const heading = /<h1[^>]*>([^<]*)<\/h1>/i.exec(trimmed)?.[1]?.trim()
    return truncate(`HTML page${title || heading ? `: ${title || heading}` : ""}`, maxBodySummaryLength, secrets).replace(/…$/, "")
  }
  return truncate(trimmed.replace(/\s+/g, " "), maxBodySummaryLength, secrets)
}
