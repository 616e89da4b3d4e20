/**
 * The planned reply to one request: the head (status and headers, or none), the body pieces with the pause before
 * each, and how the exchange ends (cleanly, reset, stalled, half-closed). Built from a behaviour and the request;
 * the server only carries it out.
 */
import type { Behavior, FaultBehavior, SynthBehavior } from "./Behavior.ts"
import { splitBytes } from "./Chunking.ts"
import type { SplitOptions } from "./Chunking.ts"
import { contentTypeOfFixture, loadFixture } from "./Fixtures.ts"
import {
  completionBody,
  contentTypeOf,
  countPromptTokens,
  countTokens,
  defaultFinishReason,
  defaultText,
  dialectHeaders,
  errorReply,
  htmlBadGateway,
  inBandErrorEvent,
  listBody,
  malformedEvent,
  requestedModel,
  streamEvents,
  tokenize,
  wantsStream,
  wantsUsage
} from "./WireFormats.ts"
import type { Dialect, ErrorKind, Exchange, Route } from "./WireFormats.ts"

/** One write of the body, after a pause. */
export interface ReplyPiece {
  readonly chunk: Uint8Array
  readonly delayMs: number
  /** Sent only once this has settled too (see `SynthBehavior.holdUntil`). */
  readonly after?: Promise<unknown>
}

/** How the exchange ends after the last piece. */
export type ReplyEnding =
  | "end" // response completed cleanly
  | "reset" // socket reset (RST) by the server
  | "half-close" // socket ended (FIN) while the response is incomplete
  | "stall" // nothing more until the client gives up or the server closes

/** The planned reply. */
export interface Reply {
  readonly head: { readonly status: number; readonly headers: Readonly<Record<string, string>> } | undefined
  readonly pieces: ReadonlyArray<ReplyPiece>
  readonly ending: ReplyEnding
}

/** What a reply is planned from. */
export interface ReplyContext {
  readonly route: Route
  readonly id: number
  readonly body: unknown
  readonly models: ReadonlyArray<string>
  readonly loadedModels: ReadonlyArray<string>
}

const encoder = new TextEncoder()
const bytes = (text: string): Uint8Array => encoder.encode(text)

const piecesOf = (
  events: ReadonlyArray<{ readonly text: string; readonly delayMs: number; readonly after?: Promise<unknown> | undefined }>,
  split: SplitOptions | undefined
): ReadonlyArray<ReplyPiece> => {
  const piece = (chunk: Uint8Array, delayMs: number, after: Promise<unknown> | undefined): ReplyPiece => (after === undefined ? { chunk, delayMs } : { chunk, delayMs, after })
  if (split === undefined) return events.map((event) => piece(bytes(event.text), event.delayMs, event.after))
  return events.flatMap((event) =>
    splitBytes(bytes(event.text), split).map((chunk, index) => index === 0 ? piece(chunk, event.delayMs, event.after) : piece(chunk, 0, undefined))
  )
}

const jsonReply = (status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): Reply => {
  const chunk = bytes(JSON.stringify(body))
  return {
    head: { status, headers: { "content-type": "application/json", "content-length": String(chunk.length), ...headers } },
    pieces: [{ chunk, delayMs: 0 }],
    ending: "end"
  }
}

/** The dialect used for error bodies of a route (list routes answer like the service they belong to). */
const dialectOfRoute = (route: Route): Dialect =>
  route._tag === "Generate" ? route.dialect : route.list === "openai-models" || route.list === "llamacpp-props" || route.list === "lmstudio-models" ? "openai" : "ollama-chat"

const exchangeOf = (
  context: ReplyContext,
  dialect: Dialect,
  behavior: Pick<SynthBehavior, "text" | "tokens" | "usage" | "model" | "finishReason">
): Exchange => {
  const text = behavior.tokens !== undefined ? behavior.tokens.join("") : behavior.text ?? defaultText
  return {
    dialect,
    id: context.id,
    model: behavior.model ?? requestedModel(context.body),
    stream: context.route._tag === "Generate" && wantsStream(dialect, context.body),
    includeUsage: wantsUsage(context.body),
    text,
    tokens: behavior.tokens ?? tokenize(text),
    inputTokens: behavior.usage?.inputTokens ?? countPromptTokens(context.body),
    outputTokens: behavior.usage?.outputTokens ?? countTokens(text),
    finishReason: behavior.finishReason ?? defaultFinishReason(dialect)
  }
}

const streamHead = (exchange: Exchange) => ({
  status: 200,
  headers: { "content-type": contentTypeOf(exchange.dialect, true), "cache-control": "no-cache", ...dialectHeaders(exchange.dialect, exchange.id) }
})

/** The normal reply of a synthesised exchange, with pacing. */
const synthReply = (context: ReplyContext, behavior: SynthBehavior): Reply => {
  if (context.route._tag === "List") return jsonReply(200, listBody(context.route.list, context.models, context.loadedModels))
  const exchange = exchangeOf(context, context.route.dialect, behavior)
  const firstDelay = behavior.firstTokenDelayMs ?? 0
  const tokenDelay = behavior.perTokenDelayMs ?? 0
  if (!exchange.stream) {
    const chunk = bytes(JSON.stringify(completionBody(exchange)))
    const delayMs = firstDelay + tokenDelay * Math.max(0, exchange.tokens.length - 1)
    return {
      head: {
        status: 200,
        headers: { "content-type": "application/json", "content-length": String(chunk.length), ...dialectHeaders(exchange.dialect, exchange.id) }
      },
      pieces: (behavior.split === undefined
        ? [{ chunk, delayMs }]
        : splitBytes(chunk, behavior.split).map((piece, index) => ({ chunk: piece, delayMs: index === 0 ? delayMs : 0 })))
        .map((piece, index) => (index === 0 && behavior.holdUntil !== undefined ? { ...piece, after: behavior.holdUntil } : piece)),
      ending: "end"
    }
  }
  const events = streamEvents(exchange)
  return {
    head: streamHead(exchange),
    pieces: piecesOf([
      ...events.opening.map((text) => ({ text, delayMs: 0 })),
      ...events.tokens.map((text, index) => ({ text, delayMs: index === 0 ? firstDelay : tokenDelay, after: index === 0 ? behavior.holdUntil : undefined })),
      ...[...events.closing, ...events.terminal].map((text, index) => ({ text, delayMs: 0, after: index === 0 && events.tokens.length === 0 ? behavior.holdUntil : undefined }))
    ], behavior.split),
    ending: "end"
  }
}

// Hop-by-hop and encoding headers of a recording do not describe the replayed body.
const droppedReplayHeaders = new Set(["connection", "content-length", "transfer-encoding", "content-encoding", "keep-alive", "set-cookie"])

const replayReply = (behavior: Extract<Behavior, { kind: "replay" }>): Reply => {
  const fixture = loadFixture(behavior.fixture)
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(fixture.headers ?? {})) {
    if (!droppedReplayHeaders.has(name.toLowerCase())) headers[name.toLowerCase()] = value
  }
  headers["content-type"] ??= contentTypeOfFixture(behavior.fixture)
  const delayMs = behavior.delayBetweenChunksMs ?? 0
  const body = bytes(fixture.body)
  const pieces = behavior.split !== undefined
    ? splitBytes(body, behavior.split)
    : delayMs > 0
    ? (fixture.body.match(/[^\n]*\n\n?|[^\n]+$/g) ?? [fixture.body]).map(bytes)
    : [body]
  return {
    head: { status: behavior.status ?? fixture.status, headers },
    pieces: pieces.map((chunk, index) => ({ chunk, delayMs: index === 0 ? 0 : delayMs })),
    ending: "end"
  }
}

const errorKindOf: Partial<Record<FaultBehavior["fault"], ErrorKind>> = {
  "rate-limit": "rate-limit",
  "server-500": "server-500",
  "server-502": "server-502",
  "server-503": "server-503",
  "overloaded-529": "overloaded",
  "ollama-busy-503": "busy"
}

const faultReply = (context: ReplyContext, behavior: FaultBehavior): Reply => {
  const dialect = dialectOfRoute(context.route)
  const exchange = exchangeOf(context, dialect, behavior.text === undefined ? {} : { text: behavior.text })
  const afterTokens = Math.max(0, Math.min(exchange.tokens.length, behavior.afterTokens ?? 2))
  const events = streamEvents(exchange)
  const normal = synthReply(context, behavior.text === undefined ? { kind: "synth" } : { kind: "synth", text: behavior.text })
  const fullJson = bytes(
    JSON.stringify(context.route._tag === "List"
      ? listBody(context.route.list, context.models, context.loadedModels)
      : completionBody(exchange))
  )
  const partialStream = (tail: ReadonlyArray<string>, ending: Reply["ending"]): Reply => ({
    head: streamHead(exchange),
    pieces: piecesOf(
      [...events.opening, ...events.tokens.slice(0, afterTokens), ...tail].map((text) => ({ text, delayMs: 0 })),
      undefined
    ),
    ending
  })
  const partialJson = (ending: Reply["ending"]): Reply => ({
    head: { status: 200, headers: { "content-type": "application/json", "content-length": String(fullJson.length) } },
    pieces: [{ chunk: fullJson.subarray(0, Math.floor(fullJson.length / 2)), delayMs: 0 }],
    ending
  })
  const errorKind = errorKindOf[behavior.fault]
  if (errorKind !== undefined) {
    const error = errorReply(dialect, errorKind, context.id)
    const headers: Record<string, string> = { ...(context.route._tag === "Generate" ? dialectHeaders(dialect, context.id) : {}) }
    if (behavior.fault === "rate-limit") {
      if (behavior.retryAfter !== undefined) headers["retry-after"] = behavior.retryAfter
      if (behavior.retryAfterMs !== undefined) headers["retry-after-ms"] = behavior.retryAfterMs
      if (behavior.retryAfter === undefined && behavior.retryAfterMs === undefined) headers["retry-after"] = "1"
    }
    return jsonReply(error.status, error.body, headers)
  }
  switch (behavior.fault) {
    case "reset-before-headers":
      return { head: undefined, pieces: [], ending: "reset" }
    case "stall":
      return exchange.stream && behavior.beforeHead !== true ? { head: streamHead(exchange), pieces: [], ending: "stall" } : { head: undefined, pieces: [], ending: "stall" }
    case "slow-drip": {
      // At least 1 ms, so every byte really leaves in its own write after a pause.
      const delayMs = Math.max(1, behavior.delayMs ?? 2)
      const whole = normal.pieces.flatMap((piece) => Array.from(piece.chunk))
      return { ...normal, pieces: whole.map((byte) => ({ chunk: Uint8Array.of(byte), delayMs })) }
    }
    case "html-502": {
      const chunk = bytes(htmlBadGateway)
      return {
        head: { status: 502, headers: { "content-type": "text/html", "content-length": String(chunk.length), server: "cloudflare" } },
        pieces: [{ chunk, delayMs: 0 }],
        ending: "end"
      }
    }
    case "malformed-json": {
      if (!exchange.stream) {
        return { ...partialJson("end"), head: { status: 200, headers: { "content-type": "application/json" } } }
      }
      const next = events.tokens[afterTokens] ?? events.closing[0] ?? events.terminal[0] ?? events.tokens[0] ?? ""
      return partialStream([malformedEvent(dialect, next)], "end")
    }
    case "truncated-stream":
      return exchange.stream ? partialStream([], "end") : partialJson("half-close")
    case "reset-mid-stream":
      return exchange.stream ? partialStream([], "reset") : partialJson("reset")
    case "in-band-error": {
      if (!exchange.stream) {
        const error = errorReply(dialect, dialect === "anthropic" ? "overloaded" : "server-500", context.id)
        return jsonReply(200, error.body)
      }
      return partialStream([inBandErrorEvent(dialect)], "end")
    }
    case "duplicate-done":
      if (!exchange.stream) return normal
      return { ...normal, pieces: [...normal.pieces, ...piecesOf(events.terminal.map((text) => ({ text, delayMs: 0 })), undefined)] }
    default:
      return normal
  }
}

/** Plans the reply of a behaviour. A replay of a missing recording answers 500 with the reason, so the test says why. */
export const planReply = (context: ReplyContext, behavior: Behavior): Reply => {
  switch (behavior.kind) {
    case "synth":
      return synthReply(context, behavior)
    case "json":
      return jsonReply(behavior.status, behavior.body, behavior.headers)
    case "raw": {
      const body = bytes(behavior.body)
      const contentType = behavior.contentType ?? (/^\s*(data|event):/.test(behavior.body) ? "text/event-stream; charset=utf-8" : "application/json")
      return {
        head: { status: behavior.status ?? 200, headers: { "content-type": contentType, ...(behavior.headers ?? {}) } },
        pieces: (behavior.split === undefined ? [body] : splitBytes(body, behavior.split)).map((chunk) => ({ chunk, delayMs: 0 })),
        ending: behavior.stallAfter === true ? "stall" : behavior.ending ?? "end"
      }
    }
    case "fault":
      return faultReply(context, behavior)
    case "replay":
      try {
        return replayReply(behavior)
      } catch (error) {
        return jsonReply(500, { error: { message: `wire server: ${error instanceof Error ? error.message : String(error)}`, type: "wire_server_error" } })
      }
  }
}

/** A reply for a request the server cannot honour (bad selection header, unknown route). */
export const problemReply = (status: number, message: string): Reply =>
  jsonReply(status, { error: { message, type: "invalid_request_error", param: null, code: null } })
