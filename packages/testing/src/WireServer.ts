/**
 * The loopback wire server: an HTTP server on 127.0.0.1 that answers as OpenAI-compatible servers, Anthropic and
 * Ollama do (synthesised or replayed from recordings), with faults chosen per request, and records every request
 * (auth masked) and what became of its connection. Point an official SDK at `url` and test real client code.
 */
import http from "node:http"
import type net from "node:net"
import { Effect } from "effect"
import type { Scope } from "effect"
import { assertBehavior, describeBehavior, selectedByRequest } from "./Behavior.ts"
import type { Behavior, BehaviorSource } from "./Behavior.ts"
import { planReply, problemReply } from "./Reply.ts"
import type { Reply } from "./Reply.ts"
import { routeOf } from "./WireFormats.ts"

export { faults, isFault } from "./Behavior.ts"
export type { Behavior, FaultBehavior, Fault, JsonBehavior, RawBehavior, ReplayBehavior, SynthBehavior } from "./Behavior.ts"
export type { SplitOptions } from "./Chunking.ts"
export { splitBytes } from "./Chunking.ts"
export { fixturePath, loadFixture } from "./Fixtures.ts"
export type { Fixture } from "./Fixtures.ts"
export { countTokens, defaultText, tokenize } from "./WireFormats.ts"

/** One request as the server received it. */
export interface RecordedRequest {
  /** 1, 2, ... in arrival order (restarts after `reset()`). */
  readonly id: number
  readonly method: string
  /** Path with query string, as sent. */
  readonly path: string
  /** Lower-cased header names; `authorization`, `x-api-key`, `api-key` (and proxy/cookie headers) read "[MASKED]". */
  readonly headers: Readonly<Record<string, string>>
  /** Parsed JSON when the body is JSON, else the text ("" when empty). */
  readonly body: unknown
  readonly rawAuthorization?: never
  /** `performance.now()` when the request body had been read. */
  readonly receivedAtMs: number
  /** True when the client closed the connection before the response finished (server-made resets do not count). */
  aborted: boolean
  abortedAtMs?: number
  /** When the server was done with the response: completed, or reset/ended by a fault. */
  finishedAtMs?: number
  /** Which behaviour served it: "synth", "replay:<fixture>", "fault:<fault>", "json:<status>", "list", "invalid-selection", "unknown-route". */
  readonly behavior: string
}

/** Options of `startWireServer`. */
export interface WireServerOptions {
  /** The behaviour of generation requests that select none and find the queue empty (default: synth). */
  readonly defaultBehavior?: BehaviorSource<RecordedRequest>
  /** Model names the list routes report (GET /api/tags, /v1/models). Default: two small models. */
  readonly models?: ReadonlyArray<string>
  /** Models /api/ps reports as loaded. Default: the first of `models`. */
  readonly loadedModels?: ReadonlyArray<string>
  /** Keep connections alive between requests (default false: `connection: close`, so connection counts settle). */
  readonly keepAlive?: boolean
  /**
   * With `keepAlive`: how long an idle connection stays open (default 1000 ms). undici (Node's fetch) reuses a
   * connection only when the server's keep-alive hint exceeds its 2 s threshold, so benchmarks that want reuse set more.
   */
  readonly keepAliveTimeoutMs?: number
}

/** A running wire server; see `startWireServer`. */
export interface WireServer {
  /** "http://127.0.0.1:<port>". OpenAI SDK: `url + "/v1"`; Anthropic and Ollama: `url`. */
  readonly url: string
  readonly port: number
  /** Every request, in arrival order. */
  readonly requests: ReadonlyArray<RecordedRequest>
  /** Behaviours used FIFO by the next generation requests that carry no header or model selection. */
  enqueue(...behaviors: ReadonlyArray<Behavior>): void
  /** Behaviours used FIFO by the next requests to this path (any route, lists included); checked before `enqueue`'s. */
  enqueueFor(path: string, ...behaviors: ReadonlyArray<Behavior>): void
  /** The behaviour of generation requests that select none and find the queues empty. */
  setDefault(behavior: BehaviorSource<RecordedRequest>): void
  /** Replaces the model lists the list routes report. */
  setModels(models: ReadonlyArray<string>, loadedModels?: ReadonlyArray<string>): void
  /** Clears the queues, the default and the recorded requests (ids restart at 1). */
  reset(): void
  /** Sockets currently open. */
  openConnections(): number
  /** Resolves when every socket is closed; rejects after `timeoutMs` (default 2000) saying how many are still open. */
  waitForClosed(timeoutMs?: number): Promise<void>
  /** Destroys every socket, cancels every timer and closes the server. Idempotent. */
  close(): Promise<void>
}

const defaultModels: ReadonlyArray<string> = ["llama3.2:1b", "qwen2.5:0.5b"]
const maskedHeaders = new Set(["authorization", "x-api-key", "api-key", "proxy-authorization", "cookie"])

/** Headers with lower-cased names, secrets masked. */
const recordHeaders = (headers: http.IncomingHttpHeaders): Record<string, string> => {
  const recorded: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    recorded[name.toLowerCase()] = maskedHeaders.has(name.toLowerCase())
      ? "[MASKED]"
      : Array.isArray(value) ? value.join(", ") : value
  }
  return recorded
}

const parseBody = (text: string, contentType: string | undefined): unknown => {
  if (text === "") return ""
  if (contentType?.includes("json") || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text)
    } catch {
      return text
    }
  }
  return text
}

/** Resolves true once `promise` settles, or false as soon as the request is aborted. */
const settled = (promise: Promise<unknown>, signal: AbortSignal): Promise<boolean> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve(false)
    const onAbort = () => resolve(false)
    signal.addEventListener("abort", onAbort, { once: true })
    const done = () => {
      signal.removeEventListener("abort", onAbort)
      resolve(!signal.aborted)
    }
    promise.then(done, done)
  })

/** Waits `ms` (or one turn of the event loop for 0); false when the signal aborted first. The timer never outlives it. */
const pause = (ms: number, signal: AbortSignal): Promise<boolean> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve(false)
    const onAbort = () => {
      if (ms > 0) clearTimeout(timer)
      else clearImmediate(immediate)
      resolve(false)
    }
    const done = () => {
      signal.removeEventListener("abort", onAbort)
      resolve(!signal.aborted)
    }
    const timer = ms > 0 ? setTimeout(done, ms) : undefined
    const immediate = ms > 0 ? undefined : setImmediate(done)
    signal.addEventListener("abort", onAbort, { once: true })
  })

/** Waits until the signal aborts (a stall). */
const untilAborted = (signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve()
    signal.addEventListener("abort", () => resolve(), { once: true })
  })

/**
 * Starts a wire server on 127.0.0.1 and an ephemeral port.
 *
 * Each request's behaviour, first match wins: header `x-orch-behavior` (a JSON Behavior) or `x-orch-fault: <Fault>`;
 * a body model `fault:<Fault>` or `replay:<fixture>`; the path's queue (`enqueueFor`); for generation routes the
 * general queue (`enqueue`), then the default; else a synthesised answer (lists for the list routes).
 * Always `close()` it (e.g. in `afterEach`/`afterAll`).
 */
export const startWireServer = async (options: WireServerOptions = {}): Promise<WireServer> => {
  const requests: Array<RecordedRequest> = []
  const queue: Array<Behavior> = []
  const pathQueues = new Map<string, Array<Behavior>>()
  const sockets = new Set<net.Socket>()
  const inFlight = new Set<AbortController>()
  const closeWaiters = new Set<() => void>()
  let defaultBehavior: BehaviorSource<RecordedRequest> | undefined = options.defaultBehavior === undefined
    ? undefined
    : typeof options.defaultBehavior === "function" ? options.defaultBehavior : assertBehavior(options.defaultBehavior)
  let models = options.models ?? defaultModels
  let loadedModels = options.loadedModels ?? models.slice(0, 1)
  let nextId = 1
  let closing: Promise<void> | undefined

  const settleCloseWaiters = () => {
    if (sockets.size > 0) return
    for (const waiter of [...closeWaiters]) waiter()
  }

  const chooseBehavior = (
    recorded: Omit<RecordedRequest, "behavior">,
    isGeneration: boolean
  ): { readonly behavior: Behavior } | { readonly problem: string } | undefined => {
    const selected = selectedByRequest(recorded.headers, recorded.body)
    if (selected !== undefined) return selected
    const pathname = recorded.path.split("?")[0] ?? recorded.path
    const fromPath = pathQueues.get(pathname)?.shift()
    if (fromPath !== undefined) return { behavior: fromPath }
    if (!isGeneration) return undefined
    const fromQueue = queue.shift()
    if (fromQueue !== undefined) return { behavior: fromQueue }
    if (defaultBehavior === undefined) return undefined
    if (typeof defaultBehavior !== "function") return { behavior: defaultBehavior }
    try {
      return { behavior: assertBehavior(defaultBehavior({ ...recorded, behavior: "default" })) }
    } catch (error) {
      return { problem: `the default behaviour function failed: ${error instanceof Error ? error.message : String(error)}` }
    }
  }

  const transmit = async (
    request: http.IncomingMessage,
    response: http.ServerResponse,
    reply: Reply,
    record: RecordedRequest,
    signal: AbortSignal,
    markServerEnded: () => void
  ): Promise<void> => {
    const socket = request.socket
    if (reply.head !== undefined) {
      const headers = options.keepAlive === true ? reply.head.headers : { ...reply.head.headers, connection: "close" }
      response.writeHead(reply.head.status, headers)
      response.flushHeaders()
    }
    // Each write is its own HTTP chunk, and clients see chunk boundaries even when TCP coalesces them, so pieces
    // without a delay go out back to back.
    for (const piece of reply.pieces) {
      if (piece.after !== undefined && !(await settled(piece.after, signal))) return
      if (piece.delayMs > 0 && !(await pause(piece.delayMs, signal))) return
      if (response.destroyed || signal.aborted) return
      response.write(piece.chunk)
    }
    // Give the last write a turn to leave before a reset or half-close.
    if (reply.ending !== "end" && reply.ending !== "stall" && !(await pause(0, signal))) return
    switch (reply.ending) {
      case "end":
        response.end()
        return
      case "reset":
        markServerEnded()
        record.finishedAtMs = performance.now()
        socket.resetAndDestroy()
        return
      case "half-close":
        markServerEnded()
        record.finishedAtMs = performance.now()
        socket.end()
        return
      case "stall":
        await untilAborted(signal)
        return
    }
  }

  const handle = (request: http.IncomingMessage, response: http.ServerResponse, text: string) => {
    const method = request.method ?? "GET"
    const path = request.url ?? "/"
    const headers = recordHeaders(request.headers)
    const base = {
      id: nextId++,
      method,
      path,
      headers,
      body: parseBody(text, request.headers["content-type"]),
      receivedAtMs: performance.now(),
      aborted: false
    }
    const route = routeOf(method, path)
    const choice = chooseBehavior(base, route?._tag === "Generate")
    const reply = route === undefined
      ? problemReply(404, `wire server: no route for ${method} ${path.split("?")[0]}`)
      : choice !== undefined && "problem" in choice
      ? problemReply(400, `wire server: ${choice.problem}`)
      : planReply(
        { route, id: base.id, body: base.body, models, loadedModels },
        choice?.behavior ?? { kind: "synth" }
      )
    const label = route === undefined
      ? "unknown-route"
      : choice !== undefined && "problem" in choice
      ? "invalid-selection"
      : choice === undefined && route._tag === "List"
      ? "list"
      : describeBehavior(choice?.behavior ?? { kind: "synth" })
    const record: RecordedRequest = { ...base, behavior: label }
    requests.push(record)

    const controller = new AbortController()
    inFlight.add(controller)
    let serverEnded = false
    response.on("finish", () => {
      record.finishedAtMs ??= performance.now()
    })
    response.on("close", () => {
      if (!response.writableFinished && !serverEnded && closing === undefined) {
        record.aborted = true
        record.abortedAtMs = performance.now()
      }
      controller.abort()
      inFlight.delete(controller)
    })
    transmit(request, response, reply, record, controller.signal, () => {
      serverEnded = true
    }).catch(() => {
      // A write on a socket the client already closed: the close handler has recorded it.
      if (!response.destroyed) response.destroy()
    })
  }

  const server = http.createServer((request, response) => {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("error", () => response.destroy())
    request.on("end", () => handle(request, response, Buffer.concat(chunks).toString("utf8")))
  })
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 1_000
  server.on("connection", (socket) => {
    sockets.add(socket)
    socket.on("error", () => {
      // Client resets are part of the tests; the request record says what happened.
    })
    socket.on("close", () => {
      sockets.delete(socket)
      settleCloseWaiters()
    })
  })
  server.on("clientError", (_error, socket) => socket.destroy())

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject)
      resolve()
    })
  })
  const address = server.address()
  if (address === null || typeof address === "string") throw new Error("wire server: no TCP address after listen")
  const port = address.port

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get requests() {
      return requests.slice()
    },
    enqueue: (...behaviors) => {
      queue.push(...behaviors.map(assertBehavior))
    },
    enqueueFor: (path, ...behaviors) => {
      const checked = behaviors.map(assertBehavior)
      pathQueues.set(path, [...(pathQueues.get(path) ?? []), ...checked])
    },
    setDefault: (behavior) => {
      defaultBehavior = typeof behavior === "function" ? behavior : assertBehavior(behavior)
    },
    setModels: (nextModels, nextLoaded) => {
      models = nextModels
      loadedModels = nextLoaded ?? nextModels.slice(0, 1)
    },
    reset: () => {
      queue.length = 0
      pathQueues.clear()
      defaultBehavior = undefined
      requests.length = 0
      nextId = 1
    },
    openConnections: () => sockets.size,
    waitForClosed: (timeoutMs = 2_000) =>
      new Promise<void>((resolve, reject) => {
        if (sockets.size === 0) return resolve()
        const waiter = () => {
          clearTimeout(timer)
          closeWaiters.delete(waiter)
          resolve()
        }
        const timer = setTimeout(() => {
          closeWaiters.delete(waiter)
          reject(new Error(`wire server: ${sockets.size} connection(s) still open after ${timeoutMs} ms`))
        }, timeoutMs)
        closeWaiters.add(waiter)
      }),
    close: () => {
      closing ??= (async () => {
        for (const controller of inFlight) controller.abort()
        inFlight.clear()
        const socketsClosed = new Promise<void>((resolve) => {
          if (sockets.size === 0) return resolve()
          const waiter = () => {
            closeWaiters.delete(waiter)
            resolve()
          }
          closeWaiters.add(waiter)
        })
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()))
        for (const socket of sockets) socket.destroy()
        server.closeAllConnections()
        // Resolves once every socket has emitted `close`, so openConnections() is 0 afterwards.
        await Promise.all([serverClosed, socketsClosed])
      })()
      return closing
    }
  }
}

/**
 * A wire server for the current scope (closed when the scope closes), for `it.effect`/`it.scoped` tests.
 */
export const wireServerScoped = (options: WireServerOptions = {}): Effect.Effect<WireServer, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(() => startWireServer(options)),
    (server) => Effect.promise(() => server.close())
  )

/** A URL on which nothing listens (connection refused), for "provider down" tests. */
export const unusedPortUrl = async (): Promise<string> => {
  const probe = http.createServer()
  await new Promise<void>((resolve, reject) => {
    probe.once("error", reject)
    probe.listen(0, "127.0.0.1", () => resolve())
  })
  const address = probe.address()
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  if (address === null || typeof address === "string") throw new Error("unusedPortUrl: no TCP address")
  return `http://127.0.0.1:${address.port}`
}
