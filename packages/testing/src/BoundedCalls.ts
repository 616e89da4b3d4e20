/**
 * Testing a call that keeps a caller's bound on its own timer (`streamBounded`, `generateBounded`) on the real clock:
 * bounds that count how many times their error was made, a stream read to its parts and its end, a server that never
 * answers and tells when the client let go, and a watch on the far-future timers a call sets and clears. No helper
 * reads how long anything took: a test asserts which error came and what the server saw.
 */
import { type CallBound, type ErrorContext, providerError, type ProviderError, type StreamPart } from "@orch/provider"
import { Effect, type Result, Stream } from "effect"
import * as net from "node:net"
import { settleWithin } from "./ModelCalls.ts"
import type { RecordedRequest, WireServer } from "./WireServer.ts"

/** A bound far in the future (about six weeks): it never fires in a test, so its timer must be cleared. */
export const farBoundMs = 3_600_000_000

/** The shortest delay `watchTimers` counts by default: a far bound's timer (Node's longest delay, about 24.8 days). */
export const farTimerMs = 2_000_000_000

/** How long a bounded call may take before the test fails it as a hang (the bounds under test are far shorter). */
export const boundedSettleMs = 10_000

/** A bound and how many times its error was made (the contract: exactly once when it fires, never otherwise). */
export interface CountedBound extends CallBound {
  readonly made: () => number
}

/** The bounds of one model: the error a bound of `ms` ends a call with, and a bound `ms` from now. */
export interface Bounds {
  readonly boundError: (ms: number) => ProviderError
  readonly boundIn: (ms: number) => CountedBound
}

/**
 * The bounds of the model `context` names: `boundError(ms)` is a total-phase `Timeout` saying the deadline of `ms`
 * passed; `boundIn(ms)` is a bound `ms` from now (on the real clock, as `CallBound.atMs` is) that makes that error
 * and counts how many times it did. A negative `ms` is a bound already past.
 */
export const boundsFor = (context: ErrorContext): Bounds => {
  const boundError = (ms: number): ProviderError =>
    providerError({ _tag: "Timeout", phase: "total", afterMs: ms }, `The call's deadline of ${ms} ms passed`, context)
  const boundIn = (ms: number): CountedBound => {
    let made = 0
    return {
      atMs: Date.now() + ms,
      error: () => {
        made++
        return boundError(ms)
      },
      made: () => made
    }
  }
  return { boundError, boundIn }
}

/** The parts a stream sent, their text joined, and how it ended. */
export interface StreamRead {
  readonly parts: ReadonlyArray<StreamPart>
  readonly text: string
  readonly result: Result.Result<void, ProviderError>
}

/** Read `stream` to its end, keeping every part; a hang past `ms` fails the test. */
export const readStream = async (stream: Stream.Stream<StreamPart, ProviderError>, ms = boundedSettleMs): Promise<StreamRead> => {
  const parts: Array<StreamPart> = []
  const result = await settleWithin(Stream.runForEach(stream, (part) => Effect.sync(() => void parts.push(part))), ms)
  const text = parts.flatMap((part) => (part.type === "text-delta" ? [part.delta] : [])).join("")
  return { parts, text, result }
}

/** The connections a silent server saw: those that carried a request, and how many of those were closed. */
export interface SilentCounts {
  readonly requested: number
  readonly closed: number
}

/** A server that accepts connections and never sends a byte. */
export interface SilentServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string
  /** The connections so far. */
  readonly counts: () => SilentCounts
  /** Resolves once every connection that carried a request has been closed by the client. */
  readonly allClosed: () => Promise<void>
  /** Destroys every connection and stops listening. */
  readonly close: () => Promise<void>
}

/**
 * Start a server on an ephemeral loopback port that accepts every connection and never sends a byte (no status
 * line, no headers), counting the connections that carried a request and how many of those were closed. (undici may
 * open a spare connection after an aborted one, which carries nothing: it is not counted.)
 */
export const startSilentServer = async (): Promise<SilentServer> => {
  const sockets = new Set<net.Socket>()
  let requested = 0
  let closed = 0
  const server = net.createServer((socket) => {
    sockets.add(socket)
    let carried = false
    socket.once("data", () => {
      carried = true
      requested++
    })
    socket.on("close", () => {
      if (carried) closed++
      sockets.delete(socket)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    counts: () => ({ requested, closed }),
    allClosed: async () => {
      while (closed < requested) await new Promise((resolve) => setImmediate(resolve))
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}

/** What `watchTimers` saw: the value `run` gave, the far-future timers set, and those of them never cleared. */
export interface WatchedTimers<A> {
  readonly value: A
  readonly set: ReadonlyArray<unknown>
  readonly pending: ReadonlyArray<unknown>
}

/**
 * Run `run`, recording the timers set meanwhile with a delay of at least `minMs` and whether each was cleared.
 * `globalThis.setTimeout` and `clearTimeout` are swapped for recording ones while `run` runs (the timers still
 * work) and restored when it ends, whether it resolved or threw. Timers set by anything else running meanwhile are
 * recorded too: keep `minMs` far above any delay but the bound's.
 */
export const watchTimers = async <A>(run: () => Promise<A>, minMs = farTimerMs): Promise<WatchedTimers<A>> => {
  const set = new Set<unknown>()
  const cleared = new Set<unknown>()
  const realSet = globalThis.setTimeout
  const realClear = globalThis.clearTimeout
  globalThis.setTimeout = ((fn: (...args: Array<unknown>) => void, ms?: number, ...args: Array<unknown>) => {
    const handle = realSet(fn, ms, ...args)
    if ((ms ?? 0) >= minMs) set.add(handle)
    return handle
  }) as typeof setTimeout
  globalThis.clearTimeout = ((handle: Parameters<typeof clearTimeout>[0]) => {
    cleared.add(handle)
    realClear(handle)
  }) as typeof clearTimeout
  try {
    const value = await run()
    return { value, set: [...set], pending: [...set].filter((handle) => !cleared.has(handle)) }
  } finally {
    globalThis.setTimeout = realSet
    globalThis.clearTimeout = realClear
  }
}

/**
 * Once `server` has no connection left open, the requests it saw that the client did not hang up on. After a call
 * that a short timer of its own ended (a bound, a backstop, a deadline) against a server that never finishes, this
 * is empty. On a loaded machine the timer may fire before the request is even sent: the server then saw none, and
 * nothing was left running either. A test that also needs the request to have arrived waits for it first.
 */
export const requestsNotCutOff = async (server: WireServer): Promise<ReadonlyArray<RecordedRequest>> => {
  await server.waitForClosed()
  return server.requests.filter((request) => !request.aborted)
}
