/**
 * The kit's lean transport: a JSON `POST` over `node:http` / `node:https` with one keep-alive agent per client, used
 * for chat calls when no custom `fetch` is configured. It does what the `openai` SDK's fetch path does (the same
 * body, the Bearer key, the custom headers, a backstop timeout) at a fraction of its client CPU: no
 * `Request`/`Response`/`Headers` objects, no web streams. A whole call (`post`) gets exactly one outcome through a
 * plain callback, with no `AbortSignal`; cancelling destroys the request, and every later event of the request, its
 * response or its socket is absorbed, so nothing is left unhandled. A streamed call (`open`) settles at the response
 * head and hands over the body as text pieces; its signal destroys the request.
 */
import * as http from "node:http"
import * as https from "node:https"
import { Redacted } from "effect"
import type { OpenAiCompatSettings } from "./OpenAiCompatSettings.ts"
import type { BodyReader } from "./OpenAiCompatSse.ts"

/** How one `POST` ended: a whole response (any status), a transport failure, the backstop timeout, or a body too large. */
export type PostOutcome =
  | {
    readonly _tag: "Response"
    readonly status: number
    /** The response's headers, parsed when first asked for (only a failed response's are read). */
    readonly headers: () => http.IncomingHttpHeaders
    readonly text: string
  }
  | { readonly _tag: "Failure"; readonly error: unknown }
  | { readonly _tag: "TimedOut" }
  | { readonly _tag: "TooLarge"; readonly limitBytes: number }

/**
 * The most a response body may hold (a whole answer, or one streamed event), so a server that never stops sending
 * cannot fill the process's memory before the call's deadline: far above any real completion, logprobs included.
 */
export const maxResponseBytes = 64 * 1024 * 1024

/** The most of an error body that is read: it is only summarised into the error's message and reason. */
export const maxErrorBodyBytes = 1024 * 1024

/** A response whose head has arrived: its status, headers and body. Read it one way only. */
export interface OpenedResponse {
  readonly status: number
  readonly headers: http.IncomingHttpHeaders
  /**
   * The body read as it arrives: the reader's `take` turns each text piece into the events it completes (appended to
   * `out`) and returns what ends the reading, if anything, and its `end` does the same once the body is over; the
   * iterable yields the events of each piece (and of the end) as one array (none yields nothing), then ends with the
   * body, or fails with what the reader returned, a failure of the response, or a body that broke off before its
   * end. Reading pauses while arrays wait unread.
   */
  readonly events: <A>(reader: BodyReader<A>) => AsyncIterable<ReadonlyArray<A>>
  /** The whole body instead, as one text (an error response); a body that breaks off rejects. */
  readonly text: () => Promise<string>
}

/** Arrays read but not yet taken at which the response is paused (its socket is then not read). */
const pauseAt = 8

/**
 * How long the rest of a body is drained once its data has ended (`[DONE]`) before the response does: long enough
 * for the end of the response to follow (the socket then serves the next call), short enough that a proxy holding
 * the stream open keeps no socket for long.
 */
const drainAfterDoneMs = 1_000

/**
 * `OpenedResponse.events` over a response: plain listeners push each piece's events, and `next` takes them, with no
 * async generator and no promise per piece that waits for nothing.
 */
const eventsOf = <A>(res: http.IncomingMessage, reader: BodyReader<A>): AsyncIterable<ReadonlyArray<A>> => {
  const queue: Array<ReadonlyArray<A>> = []
  let failure: { readonly error: unknown } | undefined
  let ended = false
  let waiting: { readonly resolve: (result: IteratorResult<ReadonlyArray<A>>) => void; readonly reject: (error: unknown) => void } | undefined
  /** Hand the waiting `next` what there is now: an array, the failure, the end, or nothing yet. */
  const answer = (): void => {
    const waiter = waiting
    if (waiter === undefined) return
    if (queue.length > 0) {
      waiting = undefined
      waiter.resolve({ done: false, value: queue.shift()! })
    } else if (failure !== undefined) {
      waiting = undefined
      waiter.reject(failure.error)
    } else if (ended) {
      waiting = undefined
      waiter.resolve({ done: true, value: undefined })
    }
  }
  const fail = (error: unknown): void => {
    if (failure !== undefined || ended) return
    failure = { error }
    answer()
  }
  // The data ended before the body (a proxy may hold the stream open after `[DONE]`): the events are over now, and
  // the rest of the body is drained, for a while, so that the socket can still serve the next call.
  const endAtSentinel = (): void => {
    ended = true
    if (res.complete) return
    const timer = setTimeout(() => res.destroy(), drainAfterDoneMs)
    timer.unref()
    res.once("close", () => clearTimeout(timer))
    res.resume()
  }
  res.on("data", (piece: string) => {
    if (failure !== undefined || ended) return
    const out: Array<A> = []
    let error: unknown
    try {
      error = reader.take(piece, out)
    } catch (thrown) {
      error = thrown
    }
    if (out.length > 0) queue.push(out)
    if (error !== undefined) failure = { error }
    else if (reader.finished()) endAtSentinel()
    answer()
    // Paused only while arrays wait that no `next` has taken.
    if (failure === undefined && !ended && queue.length >= pauseAt) res.pause()
  })
  res.on("end", () => {
    if (ended) return
    if (failure === undefined) {
      const out: Array<A> = []
      let error: unknown
      try {
        error = reader.end(out)
      } catch (thrown) {
        error = thrown
      }
      if (out.length > 0) queue.push(out)
      if (error !== undefined) failure = { error }
    }
    ended = true
    answer()
  })
  res.on("error", fail)
  res.on("close", () => fail(brokenOff()))
  const next = (): Promise<IteratorResult<ReadonlyArray<A>>> => {
    if (queue.length > 0) {
      const value = queue.shift()!
      if (queue.length < pauseAt && res.isPaused() && failure === undefined) res.resume()
      return Promise.resolve({ done: false, value })
    }
    if (failure !== undefined) return Promise.reject(failure.error)
    if (ended) return Promise.resolve({ done: true, value: undefined })
    if (res.isPaused()) res.resume()
    return new Promise((resolve, reject) => {
      waiting = { resolve, reject }
    })
  }
  return {
    [Symbol.asyncIterator]: () => ({
      next,
      // A reader that stops early: nothing more is read (the caller's signal destroys the request).
      return: () => {
        if (!ended && failure === undefined) failure = { error: brokenOff() }
        res.destroy()
        return Promise.resolve({ done: true, value: undefined })
      }
    })
  }
}

/** JSON `POST`s to one endpoint path over a keep-alive agent. */
export interface JsonTransport {
  /**
   * Send `body` (JSON text); `done` is called exactly once. `timeoutMs` (default: the backstop timeout) ends the call
   * with `TimedOut`. Returns the cancel function (destroys the request).
   */
  readonly post: (body: string, done: (outcome: PostOutcome) => void, timeoutMs?: number) => () => void
  /**
   * Send `body` and settle at the response head, for a body read as it arrives (a stream). `signal` destroys the
   * request at any point; a failure before the head rejects with the transport's error.
   */
  readonly open: (body: string, signal: AbortSignal) => Promise<OpenedResponse>
}

/** A body's chunks as text; the usual small answer is one chunk, decoded without a copy. */
const textOf = (chunks: ReadonlyArray<Buffer>): string =>
  chunks.length === 1 ? (chunks[0] as Buffer).toString("utf8") : Buffer.concat(chunks).toString("utf8")

/** The error of a response that broke off before its end. */
const brokenOff = (): Error => Object.assign(new Error("The response broke off before its end"), { code: "ECONNRESET" })

/**
 * The transport for `POST <baseUrl><path>`, or undefined when the settings name a custom `fetch` (which keeps the
 * SDK path) or a base URL that is not http(s).
 */
export const makeJsonTransport = (settings: OpenAiCompatSettings, path: string): JsonTransport | undefined => {
  if (settings.fetch !== undefined || !URL.canParse(settings.baseUrl)) return undefined
  const url = new URL(settings.baseUrl)
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined
  const secure = url.protocol === "https:"
  const agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true })
  const request = secure ? https.request : http.request
  // As the SDK sends them: the Bearer key (a placeholder without one), then the custom headers, which win by name.
  const fixed: Record<string, string> = {
    accept: "application/json",
    "content-type": "application/json",
    "user-agent": "@orch/openai-compat",
    authorization: `Bearer ${settings.apiKey !== undefined ? Redacted.value(settings.apiKey) : "not-needed"}`
  }
  for (const [name, value] of Object.entries(settings.headers)) fixed[name.toLowerCase()] = Redacted.value(value)
  const options: https.RequestOptions = {
    protocol: url.protocol,
    hostname: url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname,
    port: url.port === "" ? (secure ? 443 : 80) : Number(url.port),
    path: `${url.pathname.replace(/\/$/, "")}${path}${url.search}`,
    method: "POST",
    agent
  }
  const postOptions: https.RequestOptions = { ...options, headers: fixed }
  // A longer delay overflows Node's timer (which then fires at once, with a warning on stderr).
  const timeoutMs = Math.min(settings.timeoutMs, 2 ** 31 - 1)

  const post = (body: string, done: (outcome: PostOutcome) => void, callTimeoutMs: number = timeoutMs): () => void => {
    let settled = false
    // Every event below arrives after this function has returned, so `timer` and `req` are set by then.
    const finish = (outcome: PostOutcome): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      done(outcome)
    }
    // The same options every call: Node copies what it keeps, and sets Content-Length itself from the body `end` sends.
    const req = request(postOptions, (res) => {
      const chunks: Array<Buffer> = []
      let ended = false
      let bytes = 0
      res.on("data", (chunk: Buffer) => {
        bytes += chunk.length
        if (bytes <= maxResponseBytes) chunks.push(chunk)
        else {
          finish({ _tag: "TooLarge", limitBytes: maxResponseBytes })
          req.destroy()
        }
      })
      res.on("end", () => {
        ended = true
        finish({ _tag: "Response", status: res.statusCode ?? 0, headers: () => res.headers, text: textOf(chunks) })
      })
      res.on("error", (error) => finish({ _tag: "Failure", error }))
      res.on("close", () => {
        if (!ended) finish({ _tag: "Failure", error: brokenOff() })
      })
    })
    // Stays attached for the request's life: an error after the outcome (a cancelled request's hang-up) is absorbed.
    req.on("error", (error) => finish({ _tag: "Failure", error }))
    const timer = setTimeout(() => {
      finish({ _tag: "TimedOut" })
      req.destroy()
    }, Math.max(0, Math.min(callTimeoutMs, timeoutMs)))
    req.end(body)
    return () => {
      settled = true
      clearTimeout(timer)
      req.destroy()
    }
  }
  const open = (body: string, signal: AbortSignal): Promise<OpenedResponse> =>
    new Promise((resolve, reject) => {
      const req = request({ ...options, headers: { ...fixed, accept: "text/event-stream", "content-length": Buffer.byteLength(body) } }, (res) => {
        res.setEncoding("utf8")
        // Errors while the body is read reach its reader through the iteration; this one keeps them handled.
        res.on("error", () => undefined)
        // An error body is read up to its first MiB (it is only summarised); the rest is not waited for.
        const text = (): Promise<string> =>
          new Promise((done, fail) => {
            let all = ""
            res.on("data", (piece: string) => {
              all += piece
              if (all.length < maxErrorBodyBytes) return
              done(all.slice(0, maxErrorBodyBytes))
              req.destroy()
            })
            res.on("end", () => done(all))
            res.on("error", fail)
            res.on("close", () => fail(brokenOff()))
          })
        resolve({ status: res.statusCode ?? 0, headers: res.headers, events: (reader) => eventsOf(res, reader), text })
      })
      // Stays attached for the request's life: after the head (or an abort) a rejection is a no-op.
      req.on("error", reject)
      if (signal.aborted) req.destroy()
      else signal.addEventListener("abort", () => req.destroy(), { once: true })
      req.end(body)
    })
  return { post, open }
}
