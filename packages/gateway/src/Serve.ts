/**
 * `serve`: a gateway on its own `node:http` server. Without API keys it listens on loopback only; `close` stops
 * accepting, lets calls in flight finish within the grace period, cancels the rest and disposes the orchestrator.
 */
import http from "node:http"
import { createGateway, type Gateway, GatewayConfigError, type GatewayOptions } from "./Gateway.ts"

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

const loopback = (host: string): boolean => host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host)

/** Start a gateway server. Rejects on an invalid configuration or when the address cannot be bound. */
export const serve = async (options: ServeOptions): Promise<RunningGateway> => {
  const host = options.host ?? "127.0.0.1"
  if (!loopback(host) && (options.keys === undefined || options.keys.length === 0)) {
    throw new GatewayConfigError(`listening on ${host} needs API keys (--keys FILE); without keys the gateway listens on loopback only`)
  }
  const gateway = await createGateway(options)
  const requestTimeout = options.requestTimeoutMs ?? 30_000
  // Nagle's algorithm off on every connection (an answer is written once, and must not wait for an ACK).
  const server = http.createServer({
    requestTimeout,
    headersTimeout: Math.min(requestTimeout, 20_000),
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 65_000,
    noDelay: true
  }, gateway.handle)
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
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeIdleConnections()
      await gateway.close({ graceMs: options.graceMs ?? 10_000 })
      server.closeAllConnections()
      await stopped
    })()
    return closing
  }
  return { url: `http://${shown}:${port}`, host, port, gateway, close }
}
