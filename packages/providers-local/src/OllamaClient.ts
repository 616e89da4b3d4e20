/**
 * The Ollama client: the native API over plain `fetch` (replaceable), so that nothing prints to the console and no
 * line of a stream is dropped (the `ollama` package warns on a bad line and skips it). `/api/chat` is always called
 * streaming on the wire, so a cancelled call closes the socket while Ollama generates and the generation stops.
 * The host may carry credentials (`http://user:pass@host`): they go into an Authorization header, and the address
 * that is printed has none. Custom headers (a reverse proxy's token) are secrets too, and so is the cloud API key,
 * sent to ollama.com only.
 */
import type { Effect, Stream } from "effect";
import { Duration, Redacted } from "effect"
import { type CallBound, type ProviderError, registerSecrets } from "@orch/provider"
import { callJson, streamNdjson, type HttpEndpoint } from "./internal/httpJson.ts"
import { defaultOllamaHost, type OllamaConfig } from "./OllamaConfig.ts"

/** The calls the Ollama backend makes, each failing with a typed `ProviderError`. */
export interface OllamaClient {
  /** The server address as it may be printed (no credentials). */
  readonly host: string
  /** Values that must never be printed: header values and URL credentials. */
  readonly secrets: ReadonlyArray<string>
  /**
   * `POST /api/chat`, streamed: each NDJSON line parsed. With a `bound` (epoch ms on the real clock) the stream ends
   * by itself at `bound.atMs` with `bound.error()`, its request aborted, whatever it waits for.
   */
  readonly chat: (body: Readonly<Record<string, unknown>>, model: string, bound?: CallBound) => Stream.Stream<unknown, ProviderError>
  /** `GET /api/tags`: the models pulled on the server (bounded by the probe timeout). */
  readonly list: Effect.Effect<unknown, ProviderError>
  /** `GET /api/ps`: the models loaded in memory now (bounded). */
  readonly ps: Effect.Effect<unknown, ProviderError>
  /** `POST /api/show`: a model's details, its context length among them (bounded). */
  readonly show: (model: string) => Effect.Effect<unknown, ProviderError>
}

/**
 * `OLLAMA_HOST` read as Ollama itself reads it (`envconfig.Host`, `ConnectableHost`): a bare `host` or `host:port`
 * is http with the default port 11434, `:port` is the loopback, an explicit `http://` or `https://` without a port
 * is that scheme's port (80, 443: a reverse proxy), a bare `ollama.com` is `https://ollama.com`, and an unspecified
 * bind address (`0.0.0.0`, `[::]`) is the loopback. Credentials and a path are kept.
 */
export const normalizeOllamaHost = (host: string): string => {
  const trimmed = host.trim().replace(/\/+$/, "")
  if (trimmed === "") return defaultOllamaHost
  if (trimmed.toLowerCase() === "ollama.com") return "https://ollama.com"
  const parts = /^(?:([a-z][a-z0-9+.-]*):\/\/)?([^@/]*@)?([^/]*)(.*)$/i.exec(trimmed)
  const scheme = parts?.[1]
  const hostPort = parts?.[3] ?? ""
  const withScheme = `${scheme ?? "http"}://${parts?.[2] ?? ""}${hostPort.startsWith(":") ? `127.0.0.1${hostPort}` : hostPort}${parts?.[4] ?? ""}`
  if (!URL.canParse(withScheme)) return withScheme
  const url = new URL(withScheme)
  const explicitPort = /^(?:\[[^\]]*\]|[^:]*):\d+$/.test(hostPort)
  if (!explicitPort && scheme === undefined) url.port = "11434"
  if (url.hostname === "0.0.0.0") url.hostname = "127.0.0.1"
  if (url.hostname === "[::]") url.hostname = "[::1]"
  return url.toString().replace(/\/+$/, "")
}

/** The endpoint of a config: the address without credentials, the headers (Authorization from credentials), the secrets. */
export const ollamaEndpoint = (config: OllamaConfig, backend: string): HttpEndpoint => {
  const headers: Record<string, string> = {}
  const secrets: Array<string> = []
  for (const [name, value] of Object.entries(config.headers ?? {})) {
    const text = Redacted.isRedacted(value) ? Redacted.value(value) : value
    headers[name] = text
    secrets.push(text)
    const token = /^(?:Bearer|Basic)\s+(.+)$/i.exec(text)?.[1]
    if (token !== undefined) secrets.push(token)
  }
  let baseUrl = normalizeOllamaHost(config.host ?? defaultOllamaHost)
  if (URL.canParse(baseUrl)) {
    const url = new URL(baseUrl)
    if (url.username !== "" || url.password !== "") {
      const basic = Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString("base64")
      if (!Object.keys(headers).some((name) => name.toLowerCase() === "authorization")) headers["Authorization"] = `Basic ${basic}`
      secrets.push(basic, decodeURIComponent(url.password), url.password)
      url.username = ""
      url.password = ""
      baseUrl = url.toString().replace(/\/+$/, "")
    }
  }
  // The key goes to ollama.com over https only: an explicit `http://ollama.com` would send it in the clear.
  if (config.apiKey !== undefined && isOllamaCloudHost(baseUrl) && new URL(baseUrl).protocol === "https:" && !Object.keys(headers).some((name) => name.toLowerCase() === "authorization")) {
    const key = Redacted.value(config.apiKey)
    headers["Authorization"] = `Bearer ${key}`
    secrets.push(key)
  }
  return { baseUrl, headers, fetch: config.fetch ?? globalThis.fetch, secrets: secrets.filter((s) => s.length >= 4), backend }
}

/** Whether an address is Ollama's cloud (`ollama.com`), where every model runs off the machine and a key is needed. */
export const isOllamaCloudHost = (baseUrl: string): boolean =>
  URL.canParse(baseUrl) && /(?:^|\.)ollama\.com$/i.test(new URL(baseUrl).hostname)

/** Build the client for a config. Makes no call. */
export const makeOllamaClient = (config: OllamaConfig, backend = config.name ?? "ollama"): OllamaClient => {
  const endpoint = ollamaEndpoint(config, backend)
  // From here on no error, log, span or line of output shows the credentials or header values (Redaction's registry).
  registerSecrets(endpoint.secrets)
  const probeMs = Duration.toMillis(config.probeTimeout ?? "3 seconds")
  const backstopMs = Duration.toMillis(config.timeout ?? "10 minutes")
  const context = { provider: backend }
  return {
    host: endpoint.baseUrl,
    secrets: endpoint.secrets,
    chat: (body, model, bound) => streamNdjson(endpoint, "/api/chat", { ...body, stream: true }, { ...context, model }, backstopMs, bound),
    list: callJson(endpoint, "/api/tags", { method: "GET" }, context, probeMs),
    ps: callJson(endpoint, "/api/ps", { method: "GET" }, context, probeMs),
    show: (model) => callJson(endpoint, "/api/show", { method: "POST", body: { model } }, { ...context, model }, probeMs)
  }
}
