/**
 * The settings of one OpenAI-compatible endpoint, in @orch's one config vocabulary (`baseUrl`, `apiKey` as
 * `Redacted`, durations), resolved once: credentials written into the base URL move to an Authorization header
 * and out of every address that is printed; the key and custom header values become the secrets every error is
 * scrubbed of.
 */
import { Duration, Redacted } from "effect"
import { registerSecrets } from "@orch/provider"

/** How to reach one OpenAI-compatible endpoint, as a backend or provider package passes it to the kit. */
export interface OpenAiCompatOptions {
  /** The backend's name: the model id prefix and the ledger's provider column (`openai`, `vllm`, `lmstudio`, ...). */
  readonly backend: string
  /** The API root including `/v1`, e.g. `http://127.0.0.1:8000/v1`. Credentials in it (`http://user:pass@host`) are used, never printed. */
  readonly baseUrl: string
  /** The API key, when the endpoint wants one. */
  readonly apiKey?: Redacted.Redacted<string> | undefined
  /** Extra headers on every request (a proxy's token). Their values are secrets: never printed, scrubbed from echoes. */
  readonly headers?: Readonly<Record<string, string | Redacted.Redacted<string>>> | undefined
  /** The backstop timeout of one call (default 10 minutes); the strategies own the real deadlines. */
  readonly timeout?: Duration.Input | undefined
  /** How long a model listing or availability probe may take (default 3 seconds). */
  readonly probeTimeout?: Duration.Input | undefined
  /** A `fetch` to use instead of the global one (proxies, tests). */
  readonly fetch?: typeof globalThis.fetch | undefined
}

/** Resolved settings of one endpoint. */
export interface OpenAiCompatSettings {
  readonly backend: string
  /** The base URL without credentials, as requests are sent to it. */
  readonly baseUrl: string
  /** The base URL as it may be printed: no credentials, no query. */
  readonly displayUrl: string
  readonly apiKey?: Redacted.Redacted<string>
  /** Headers to send, Authorization from URL credentials included. Values are secrets. */
  readonly headers: Readonly<Record<string, Redacted.Redacted<string>>>
  readonly timeoutMs: number
  readonly probeTimeoutMs: number
  readonly fetch?: typeof globalThis.fetch
  /** Every secret value: the key, header values, URL credentials. Scrubbed from every message. */
  readonly secrets: ReadonlyArray<string>
}

/** The backstop when none is given: long, because deadlines belong to the strategies. */
export const defaultTimeoutMs = 10 * 60 * 1000
/** The listing and probe bound when none is given. */
export const defaultProbeTimeoutMs = 3_000

const millis = (input: Duration.Input | undefined, fallback: number): number => {
  if (input === undefined) return fallback
  const duration = Duration.fromInput(input)
  if (duration._tag !== "Some") return fallback
  const ms = Duration.toMillis(duration.value)
  return Number.isFinite(ms) && ms > 0 ? ms : fallback
}

/** An address with its credentials and query removed, for messages. Unparsable text is not echoed. */
export const displayUrlOf = (url: string): string => {
  if (!URL.canParse(url)) return "(an invalid URL)"
  const parsed = new URL(url)
  parsed.username = ""
  parsed.password = ""
  parsed.search = ""
  parsed.hash = ""
  return parsed.toString().replace(/\/$/, "")
}

/** Resolve options; throws nothing: an invalid base URL is reported by `settingsProblem`. */
export const resolveSettings = (options: OpenAiCompatOptions): OpenAiCompatSettings => {
  const headers: Record<string, Redacted.Redacted<string>> = {}
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    headers[name] = Redacted.isRedacted(value) ? value : Redacted.make(value)
  }
  const secrets: Array<string> = []
  let baseUrl = options.baseUrl.trim()
  if (URL.canParse(baseUrl)) {
    const parsed = new URL(baseUrl)
    if (parsed.username !== "" || parsed.password !== "") {
      const user = decodeURIComponent(parsed.username)
      const password = decodeURIComponent(parsed.password)
      const basic = Buffer.from(`${user}:${password}`).toString("base64")
      if (!Object.keys(headers).some((name) => name.toLowerCase() === "authorization") && options.apiKey === undefined) {
        headers["Authorization"] = Redacted.make(`Basic ${basic}`)
      }
      secrets.push(basic, ...(password.length > 0 ? [password, parsed.password] : []))
      parsed.username = ""
      parsed.password = ""
      baseUrl = parsed.toString().replace(/\/$/, "")
    }
  }
  if (options.apiKey !== undefined) secrets.push(Redacted.value(options.apiKey))
  for (const value of Object.values(headers)) {
    const text = Redacted.value(value)
    secrets.push(text)
    const token = /^(?:Bearer|Basic)\s+(.+)$/i.exec(text)?.[1]
    if (token !== undefined) secrets.push(token)
  }
  // From here on no error, log, span or line of output shows any of them (Redaction's registry).
  registerSecrets(secrets)
  return {
    backend: options.backend,
    baseUrl,
    displayUrl: displayUrlOf(baseUrl),
    ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
    headers,
    timeoutMs: millis(options.timeout, defaultTimeoutMs),
    probeTimeoutMs: millis(options.probeTimeout, defaultProbeTimeoutMs),
    ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
    secrets: secrets.filter((s) => s.length >= 4)
  }
}

/** Why settings cannot be used (an invalid base URL), or undefined. */
export const settingsProblem = (settings: OpenAiCompatSettings): string | undefined =>
  URL.canParse(settings.baseUrl) && /^https?:$/.test(new URL(settings.baseUrl).protocol)
    ? undefined
    : `the base URL of ${settings.backend} is not an http(s) URL`
