/**
 * `serve`: a gateway on its own `node:http` server. Without API keys it listens on loopback only. `close` lets calls
 * in flight finish within the grace period, cancels the rest and disposes the orchestrator, then stops listening;
 * meanwhile new requests get 503 (`gateway_stopping`), every answer carries `connection: close` and kept-alive
 * connections are closed as soon as they are idle, so no client sends a request on a connection about to be cut.
 * A request Node's parser refuses is answered in OpenAI's error shape too.
 */
import http from "node:http"
import type { Duplex } from "node:stream"
import { createGateway, type Gateway, GatewayConfigError, type GatewayOptions } from "./Gateway.ts"
import { errorBody, gatewayError } from "./OpenAiError.ts"
import { maxTimerMs, wholeNumberIssue } from "./Limits.ts"
import { holdContinue } from "./RequestBody.ts"

/** Options of `serve`: the gateway's, and where to listen. */
export interface ServeOptions extends GatewayOptions {
  /** Default 127.0.0.1. Any other address needs `keys`. */
  readonly host?: string
  /** Default 8080; 0 picks a free port. */
  readonly port?: number
  /** How long `close` lets calls in flight finish (default 10 s). */
  readonly graceMs?: number
  /** The longest time to receive a whole request, headers and body (default 30 s). */
  readonly requestTimeoutMs?: number
  /**
   * How long an idle kept-alive client connection stays open (default 65 s: longer than the 60 s idle timeout of
   * common load balancers and clients' pools, so a client rarely sends on a connection the server is closing).
   */
  readonly keepAliveTimeoutMs?: number
}

/** A listening gateway. */
export interface RunningGateway {
  /** `http://HOST:PORT`, with the port actually bound. */
  readonly url: string
  readonly host: string
  readonly port: number
  readonly gateway: Gateway
  /** Stop gracefully (see `ServeOptions.graceMs`). Safe to call twice. */
  readonly close: () => Promise<void>
}

/**
 * A request Node's parser refused before the gateway saw it (headers over `maxHeaderSize`, malformed HTTP, too slow):
 * answered in OpenAI's error shape, as every other error, and the connection closed. Nothing of the request is echoed.
 */
const answerClientError = (error: NodeJS.ErrnoException, socket: Duplex) => {
  // Node's own answer in progress on this socket (its internal `_httpMessage`): nothing more can be written there.
  const started = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true
  if (error.code === "ECONNRESET" || !socket.writable || started) return void socket.destroy()
  const refusal = error.code === "HPE_HEADER_OVERFLOW"
    ? gatewayError(431, "invalid_request_error", "request_header_fields_too_large", "The request's headers are too large")
    : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
      ? gatewayError(408, "invalid_request_error", "request_timeout", "The request did not arrive whole in time")
      : gatewayError(400, "invalid_request_error", "malformed_request", "The request is not valid HTTP/1.1")
  const body = errorBody(refusal)
  socket.end(`HTTP/1.1 ${refusal.status} ${http.STATUS_CODES[refusal.status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`)
}

const loopback = (host: string): boolean => host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host)

/** Start a gateway server. Rejects on an invalid configuration or when the address cannot be bound. */
export const serve = async (options: ServeOptions): Promise<RunningGateway> => {
  const issues = [
    options.host !== undefined && (typeof options.host !== "string" || options.host.trim() === "") ? "host must name an address, such as 127.0.0.1" : undefined,
    wholeNumberIssue("port", options.port, 0, 65_535),
    wholeNumberIssue("graceMs", options.graceMs, 0, maxTimerMs),
    wholeNumberIssue("requestTimeoutMs", options.requestTimeoutMs, 1, maxTimerMs),
    wholeNumberIssue("keepAliveTimeoutMs", options.keepAliveTimeoutMs, 0, maxTimerMs)
  ].filter((issue) => issue !== undefined)
  if (issues.length > 0) throw new GatewayConfigError(issues.join("; "))
  const host = options.host ?? "127.0.0.1"
  if (!loopback(host) && (options.keys === undefined || options.keys.length === 0)) {
    throw new GatewayConfigError(`listening on ${host} needs API keys (--keys FILE); without keys the gateway listens on loopback only`)
  }
  const gateway = await createGateway(options)
  const requestTimeout = options.requestTimeoutMs ?? 30_000
  // The answers not yet finished, so that closing can end their connections with them.
  const open = new Set<http.ServerResponse>()
  let stopping = false
  const closeIdle = () => server.closeIdleConnections()
  // One listener for every answer (no closure per request): `this` is the answer that closed.
  function ended(this: http.ServerResponse) {
    open.delete(this)
    if (stopping) setImmediate(closeIdle)
  }
  /** While closing: an answer not begun says `connection: close` (Node then ends the connection after it). */
  const lastOnConnection = (response: http.ServerResponse) => {
    if (!response.headersSent) response.setHeader("connection", "close")
  }
  const handle = (request: http.IncomingMessage, response: http.ServerResponse) => {
    open.add(response)
    response.once("close", ended)
    if (stopping) lastOnConnection(response)
    gateway.handle(request, response)
  }
  // Nagle's algorithm off on every connection (an answer is written once, and must not wait for an ACK).
  const server = http.createServer({
    requestTimeout,
    headersTimeout: Math.min(requestTimeout, 20_000),
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 65_000,
    noDelay: true
  }, handle)
  server.on("clientError", answerClientError)
  // Expect: 100-continue is answered by the gateway, once it reads the body (a request refused first gets only its
  // refusal); Node would otherwise send 100 Continue before the request was even looked at.
  server.on("checkContinue", (request: http.IncomingMessage, response: http.ServerResponse) => {
    holdContinue(response)
    handle(request, response)
  })
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject)
      server.listen(options.port ?? 8080, host, () => {
        server.off("error", reject)
        resolve()
      })
    })
  } catch (error) {
    await gateway.close({ graceMs: 0 })
    throw error
  }
  const address = server.address()
  const port = typeof address === "object" && address !== null ? address.port : options.port ?? 8080
  const shown = host.includes(":") ? `[${host}]` : host
  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= (async () => {
      stopping = true
      for (const response of open) lastOnConnection(response)
      server.closeIdleConnections()
      // Still listening through the grace period: a new request gets OpenAI's 503 (`gateway_stopping`, which clients
      // retry elsewhere) rather than a refused connection; then the server closes with every connection left.
      await gateway.close({ graceMs: options.graceMs ?? 10_000 })
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await stopped
    })()
    return closing
  }
  return { url: `http://${shown}:${port}`, host, port, gateway, close }
}
