/**
 * The Ollama client: the official `ollama` SDK with one AbortSignal per call. The SDK has no per-request signal,
 * so each call gets its own SDK instance over a `fetch` that joins the call's signal to the SDK's own: cancelling
 * one call aborts that call's HTTP request only.
 */
import { registerSecrets, secretsOfHeaders, secretsOfUrl } from "@orch/provider"
import { Ollama, type ChatRequest, type ChatResponse, type ListResponse } from "ollama"
import { Effect, Stream } from "effect"
import { RequestFailed } from "./internal/errors.ts"
import { defaultOllamaHost, type OllamaConfig } from "./OllamaConfig.ts"

/** The calls the Ollama backend makes. Failures are the SDK's raw errors; callers map them. */
export interface OllamaClient {
  /** The server address. */
  readonly host: string
  /** `POST /api/chat` without streaming. */
  readonly chat: (request: ChatRequest) => Effect.Effect<ChatResponse, unknown>
  /** `POST /api/chat` streaming NDJSON; the request is aborted when the stream's scope closes. */
  readonly chatStream: (request: ChatRequest) => Stream.Stream<ChatResponse, unknown>
  /** `GET /api/tags`: the models pulled on the server. */
  readonly list: Effect.Effect<ListResponse, unknown>
  /** `GET /api/ps`: the models loaded in memory now. */
  readonly ps: Effect.Effect<ListResponse, unknown>
}

/** A `fetch` that also aborts when `signal` does, and keeps the last response's headers (for Retry-After). */
const fetchWithSignal = (base: typeof fetch, signal: AbortSignal, seen: { headers?: Headers }): typeof fetch =>
  (input, init) =>
    base(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal }).then((response) => {
      seen.headers = response.headers
      return response
    })

/** One SDK call with its own signal; failures carry the response headers when a response came. */
const callWith = <A>(sdk: (signal: AbortSignal, seen: { headers?: Headers }) => Promise<A>, signal?: AbortSignal): Effect.Effect<A, RequestFailed> => {
  const seen: { headers?: Headers } = {}
  return signal === undefined
    ? Effect.tryPromise({ try: (own) => sdk(own, seen), catch: (error) => new RequestFailed(error, seen.headers) })
    : Effect.tryPromise({ try: () => sdk(signal, seen), catch: (error) => new RequestFailed(error, seen.headers) })
}

/** Build the client for a config. Makes no call. */
export const makeOllamaClient = (config: OllamaConfig): OllamaClient => {
  const host = config.host ?? defaultOllamaHost
  // The credentials of the address and the custom headers' values (a proxy token) are secrets from here on.
  registerSecrets([...secretsOfUrl(host), ...secretsOfHeaders(config.headers)])
  const base = config.fetch ?? globalThis.fetch
  const sdk = (signal: AbortSignal, seen: { headers?: Headers }): Ollama =>
    new Ollama({ host, fetch: fetchWithSignal(base, signal, seen), ...(config.headers ? { headers: { ...config.headers } } : {}) })
  return {
    host,
    chat: (request) => callWith((signal, seen) => sdk(signal, seen).chat({ ...request, stream: false })),
    chatStream: (request) =>
      Stream.unwrap(Effect.gen(function*() {
        const signal = yield* Effect.abortSignal
        const iterator = yield* callWith((own, seen) => sdk(own, seen).chat({ ...request, stream: true }), signal)
        return Stream.fromAsyncIterable(iterator, (error) => error)
      })),
    list: callWith((signal, seen) => sdk(signal, seen).list()),
    ps: callWith((signal, seen) => sdk(signal, seen).ps())
  }
}
