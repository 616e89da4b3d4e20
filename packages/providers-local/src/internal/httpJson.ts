/**
 * Plain HTTP for the Ollama native API, with `fetch` (replaceable) and nothing that prints: a JSON call bounded by a
 * timeout, and an NDJSON stream whose every line must parse (an unparsable line is MalformedResponse, never a
 * dropped line). HTTP errors go through the contract's table; transport failures are Unavailable; a cancelled call
 * aborts its own request, and a stream given a caller's bound ends at it. Messages are scrubbed of the endpoint's secrets (header values, URL credentials).
 * What a server may send is bounded: an error body is read up to `errorBodyBytes` (a server that never stops sending
 * one is typed at once, not waited out), a JSON body up to `jsonBodyBytes` and a stream line up to `lineBytes`.
 */
import { Clock, Effect, type Stream } from "effect"
import { cancelled, errorFromHttp, networkCause, providerError, readEvents, redact, throughStage, type CallBound, type ErrorContext, type ProviderError } from "@orch/provider"

/** How to reach a server: where, with which headers, through which fetch, and what must never be printed. */
export interface HttpEndpoint {
  /** The server root without credentials, e.g. `http://127.0.0.1:11434`. */
  readonly baseUrl: string
  readonly headers: Readonly<Record<string, string>>
  readonly fetch: typeof globalThis.fetch
  readonly secrets: ReadonlyArray<string>
  /** The backend name, for errors. */
  readonly backend: string
}

const record = (u: unknown): Record<string, unknown> | undefined => (typeof u === "object" && u !== null ? (u as Record<string, unknown>) : undefined)

/** The most of an error body read: its message is in the first lines, and the rest is never shown. */
export const errorBodyBytes = 64 * 1024
/** The largest JSON body taken (a listing of thousands of models is well under it). */
export const jsonBodyBytes = 8 * 1024 * 1024
/** The longest stream line taken (Ollama's lines are one token, or one tool call). */
export const lineBytes = 8 * 1024 * 1024

/** A body as text, read up to `limit` bytes (the rest is not read: the connection is released). */
const readCapped = async (response: Response, limit: number): Promise<{ readonly text: string; readonly cut: boolean }> => {
  if (response.body === null) return { text: "", cut: false }
  const reader = response.body.getReader()
  const decoder = new TextDecoder()
  let text = ""
  let bytes = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return { text: text + decoder.decode(), cut: false }
    bytes += value.byteLength
    text += decoder.decode(value, { stream: true })
    if (bytes > limit) {
      await reader.cancel().catch(() => undefined)
      return { text, cut: true }
    }
  }
}


const isAbort = (error: unknown): boolean => {
  const name = record(error)?.name
  return name === "AbortError"
}

/** A transport failure as a `ProviderError`. */
const transportError = (error: unknown, endpoint: HttpEndpoint, context: ErrorContext, timeoutMs?: number): ProviderError => {
  if (record(error)?.name === "TimeoutError" && timeoutMs !== undefined) {
    return providerError({ _tag: "Timeout", phase: "total", afterMs: timeoutMs }, `${endpoint.backend} at ${endpoint.baseUrl} did not answer within ${timeoutMs} ms`, context)
  }
  if (isAbort(error)) return cancelled(context)
  const cause = networkCause(error)
  const name = error instanceof Error ? error.name : typeof error
  return providerError(cause !== undefined ? { _tag: "Unavailable", cause } : { _tag: "Unavailable" }, `${endpoint.backend} at ${endpoint.baseUrl} could not be reached or broke off (${redact(cause ?? name, endpoint.secrets).slice(0, 80)})`, context)
}

/** The response of a request, or the mapped error of a failed one (a non-2xx status read through the contract's table). */
const send = (endpoint: HttpEndpoint, path: string, init: { readonly method: string; readonly body?: unknown }, signal: AbortSignal, context: ErrorContext & { readonly model?: string }, nowMs: number): Promise<Response> =>
  endpoint.fetch(`${endpoint.baseUrl}${path}`, {
    method: init.method,
    headers: { ...endpoint.headers, ...(init.body !== undefined ? { "content-type": "application/json" } : {}), accept: "application/json, application/x-ndjson" },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    signal
  }).then(
    async (response) => {
      if (response.ok) return response
      const body = (await readCapped(response, errorBodyBytes).catch(() => ({ text: "" }))).text
      throw errorFromHttp({ status: response.status, body, headers: response.headers, ...(context.model !== undefined ? { model: context.model } : {}), nowMs }, context, endpoint.secrets)
    },
    (error: unknown) => {
      throw transportError(error, endpoint, context)
    }
  )

const asProviderError = (error: unknown, endpoint: HttpEndpoint, context: ErrorContext, timeoutMs?: number): ProviderError =>
  record(error)?._tag === "ProviderError" ? (error as ProviderError) : transportError(error, endpoint, context, timeoutMs)

/** A JSON call bounded by `timeoutMs`: the parsed body, or a typed error. A body that is not JSON is MalformedResponse. */
export const callJson = (endpoint: HttpEndpoint, path: string, init: { readonly method: string; readonly body?: unknown }, context: ErrorContext & { readonly model?: string }, timeoutMs: number): Effect.Effect<unknown, ProviderError> =>
  Effect.gen(function*() {
    const nowMs = yield* Clock.currentTimeMillis
    const { text, cut } = yield* Effect.tryPromise({
      try: (signal) => send(endpoint, path, init, signal, context, nowMs).then((response) => readCapped(response, jsonBodyBytes)),
      catch: (error) => asProviderError(error, endpoint, context, timeoutMs)
    })
    if (cut) return yield* Effect.fail(providerError({ _tag: "MalformedResponse" }, `${endpoint.backend} sent a body larger than ${jsonBodyBytes} bytes`, context))
    return yield* Effect.try({
      try: () => JSON.parse(text) as unknown,
      catch: () => providerError({ _tag: "MalformedResponse" }, `${endpoint.backend} sent a body that is not JSON`, context)
    })
  }).pipe(Effect.timeoutOrElse({
    duration: timeoutMs,
    orElse: () => Effect.fail(providerError({ _tag: "Timeout", phase: "total", afterMs: timeoutMs }, `${endpoint.backend} at ${endpoint.baseUrl} did not answer within ${timeoutMs} ms`, context))
  }))

/**
 * The lines of a body, decoded as UTF-8 across chunk boundaries; a line longer than `lineBytes` is MalformedResponse.
 * A line still open is kept as its pieces and joined once, when its end arrives: only each new piece is searched for
 * a line end, so a long line costs time in proportion to its length.
 */
async function* lines(body: ReadableStream<Uint8Array>, tooLong: () => ProviderError): AsyncGenerator<string> {
  const decoder = new TextDecoder()
  let pending: Array<string> = []
  let pendingChars = 0
  for await (const chunk of body) {
    const piece = decoder.decode(chunk, { stream: true })
    if (piece.indexOf("\n") === -1) {
      pending.push(piece)
      pendingChars += piece.length
    } else {
      const text = pending.length === 0 ? piece : pending.join("") + piece
      let start = 0
      for (let at = text.indexOf("\n"); at >= 0; at = text.indexOf("\n", start)) {
        const line = text.slice(start, at).trim()
        start = at + 1
        if (line.length > 0) yield line
      }
      const rest = text.slice(start)
      pending = rest.length === 0 ? [] : [rest]
      pendingChars = rest.length
    }
    // Counted in characters (each one byte or more).
    if (pendingChars > lineBytes) throw tooLong()
  }
  const last = (pending.join("") + decoder.decode()).trim()
  if (last.length > 0) yield last
}

/**
 * A streamed call: each NDJSON line parsed. An unparsable line fails the stream with MalformedResponse; the request
 * is aborted when the stream closes early (a cancelled call stops the server's generation). The lines are read ahead
 * in batches and parsed in the read loop (`readEvents`); the backstop bounds the wait for the response to begin and,
 * once it has, for each next line. With a `bound` (epoch ms on the real clock) the stream ends by itself at
 * `bound.atMs` with `bound.error()`, whatever it waits for, its request aborted: the reader's one plain timer, cleared
 * when the stream ends, fails or is interrupted.
 */
export const streamNdjson = (
  endpoint: HttpEndpoint,
  path: string,
  body: unknown,
  context: ErrorContext & { readonly model?: string },
  backstopMs: number,
  bound?: CallBound
): Stream.Stream<unknown, ProviderError> =>
  throughStage(
    readEvents<string, ProviderError>({
      bound: bound === undefined ? undefined : { atMs: bound.atMs, onBound: bound.error },
      open: (signal, nowMs) =>
        send(endpoint, path, { method: "POST", body }, signal, context, nowMs).then((response) => {
          if (response.body === null) throw providerError({ _tag: "MalformedResponse" }, `${endpoint.backend} sent an empty body`, context)
          return lines(response.body, () => providerError({ _tag: "MalformedResponse" }, `${endpoint.backend} sent a stream line longer than ${lineBytes} bytes`, context))
        }),
      onError: (error) => asProviderError(error, endpoint, context),
      opening: {
        millis: backstopMs,
        onTimeout: () => providerError({ _tag: "Timeout", phase: "total", afterMs: backstopMs }, `${endpoint.backend} did not answer within the backstop timeout of ${backstopMs} ms`, context)
      },
      idle: {
        millis: backstopMs,
        onIdle: () => providerError({ _tag: "Timeout", phase: "between-chunks", afterMs: backstopMs }, `${endpoint.backend} sent nothing within the backstop timeout of ${backstopMs} ms`, context)
      }
    }),
    Effect.succeed({
      push: (line: string, out: Array<unknown>): ProviderError | undefined => {
        let parsed: unknown
        try {
          parsed = JSON.parse(line)
        } catch {
          return providerError({ _tag: "MalformedResponse" }, `${endpoint.backend} sent a stream line that is not JSON`, context)
        }
        out.push(parsed)
        return undefined
      }
    })
  )
