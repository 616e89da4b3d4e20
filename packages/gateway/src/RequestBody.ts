/**
 * Reading a request body with bounds: a declared `content-length` over the limit is refused before a byte is read,
 * a body that grows past it while arriving is cut off (413), a body that has not arrived whole within its time is
 * given up (408), and JSON nested deeper than `maxJsonDepth` is refused (400: deeper values would overflow the stack
 * of whatever walks them later, the providers' serialisers among them). A 413 or 408 closes the connection: the rest
 * of that body is never read; so does a compressed body (415: the gateway reads plain JSON). The result is handed
 * to a callback, once: a request costs its listeners and no promise. A client that asked `Expect: 100-continue` of
 * `serve` is told to continue only here, once its body is about to be read: a request refused first (401, 404,
 * 413 declared, 503 ...) gets its refusal instead of a 100 that would have it send a body only to be refused.
 */
import type http from "node:http"
import { timerMs } from "./Limits.ts"
import { type GatewayError, gatewayError, invalidRequestError } from "./OpenAiError.ts"

/** What reading a body gives: the error to answer with (413, 408, 400), or undefined and the body's JSON. */
export type BodyRead = (error: GatewayError | undefined, json: unknown) => void

/** The deepest nesting of arrays and objects a request may hold (a JSON Schema rarely needs a tenth of it). */
export const maxJsonDepth = 128

const tooLarge = (maxBytes: number): GatewayError => ({
  ...gatewayError(413, "invalid_request_error", "request_too_large", `The request body is larger than ${maxBytes} bytes`),
  closeConnection: true
})

const tooSlow = (ms: number): GatewayError => ({
  ...gatewayError(408, "invalid_request_error", "request_timeout", `The request body did not arrive within ${ms} ms`),
  closeConnection: true
})

const notEncoded = (encoding: string): GatewayError => ({
  ...gatewayError(415, "invalid_request_error", "unsupported_content_encoding", `The request body must not be compressed (content-encoding ${JSON.stringify(encoding.slice(0, 40))}); send plain JSON`),
  closeConnection: true
})

/** The 400 for JSON nested too deeply. */
export const tooDeep = (param: string | null = null): GatewayError =>
  invalidRequestError(`The request nests arrays and objects more than ${maxJsonDepth} levels deep`, param)

/**
 * Whether a JSON value nests arrays and objects more than `max` levels deep. The walk recurses, but never past
 * `max + 1` frames (it stops at the first level too deep), so a value of any depth cannot overflow it.
 */
export const nestedDeeperThan = (value: unknown, max: number = maxJsonDepth): boolean =>
  typeof value === "object" && value !== null && deeper(value, 1, max)

const deeper = (node: object, depth: number, max: number): boolean => {
  if (depth > max) return true
  if (Array.isArray(node)) {
    for (const child of node as ReadonlyArray<unknown>) {
      if (typeof child === "object" && child !== null && deeper(child, depth + 1, max)) return true
    }
    return false
  }
  for (const key in node) {
    const child: unknown = (node as Record<string, unknown>)[key]
    if (typeof child === "object" && child !== null && deeper(child, depth + 1, max)) return true
  }
  return false
}

/**
 * Whether a request refused before its body was read still has body to come: answered with `connection: close`, so
 * that body is never read (a client could otherwise stream one without end to a URL that does not exist).
 */
export const bodyStillArriving = (request: http.IncomingMessage): boolean =>
  !request.complete && (request.headers["transfer-encoding"] !== undefined || Number(request.headers["content-length"] ?? 0) > 0)

// The answers whose client awaits a 100 Continue that has not been sent (`serve` answers `checkContinue` itself).
const awaitingContinue = new WeakSet<http.ServerResponse>()

/** Hold the 100 Continue of a request that asked `Expect: 100-continue` until its body is about to be read. */
export const holdContinue = (response: http.ServerResponse): void => {
  awaitingContinue.add(response)
}

/** Send the 100 Continue held for this answer, if any. */
const sendHeldContinue = (response: http.ServerResponse | undefined): void => {
  if (response !== undefined && awaitingContinue.delete(response) && !response.headersSent && !response.destroyed) response.writeContinue()
}

/** Options of `readJsonBody`. */
export interface BodyBounds {
  /** The largest body in bytes; more is a 413. */
  readonly maxBytes: number
  /** How long the body may take to arrive whole, in ms; past it, a 408 (the client that sends headers, then stalls). */
  readonly timeoutMs: number
  /** The request's answer: its held 100 Continue (see `holdContinue`) is sent once the body is to be read. */
  readonly response?: http.ServerResponse
}

/** Read the body's JSON and call `done` once with it, or with the error to answer with. */
export const readJsonBody = (request: http.IncomingMessage, bounds: BodyBounds, done: BodyRead): void => {
  const { maxBytes, timeoutMs } = bounds
  const encoding = request.headers["content-encoding"]
  if (encoding !== undefined && encoding.trim().toLowerCase() !== "identity") {
    request.resume()
    return done(notEncoded(encoding), undefined)
  }
  const declared = Number(request.headers["content-length"] ?? Number.NaN)
  if (Number.isFinite(declared) && declared > maxBytes) {
    request.resume()
    return done(tooLarge(maxBytes), undefined)
  }
  sendHeldContinue(bounds.response)
  const chunks: Array<Buffer> = []
  let size = 0
  let finished = false
  const timer = setTimeout(() => {
    if (finished) return
    finished = true
    chunks.length = 0
    request.resume()
    done(tooSlow(timeoutMs), undefined)
  }, timerMs(timeoutMs))
  // The connection keeps the process alive while the body may still come; the timer alone does not.
  timer.unref()
  const finish = () => {
    finished = true
    clearTimeout(timer)
  }
  request.on("data", (chunk: Buffer) => {
    if (finished) return
    size += chunk.length
    if (size > maxBytes) {
      finish()
      chunks.length = 0
      request.resume()
      done(tooLarge(maxBytes), undefined)
      return
    }
    chunks.push(chunk)
  })
  request.on("close", () => {
    if (finished) return
    finish()
    done(invalidRequestError("The client closed the request before its body ended"), undefined)
  })
  request.on("error", () => {
    if (finished) return
    finish()
    done(invalidRequestError("The request body could not be read"), undefined)
  })
  request.on("end", () => {
    if (finished) return
    finish()
    // A byte order mark (some Windows clients write one) is not part of the JSON.
    const whole = chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8")
    const text = whole.charCodeAt(0) === 0xfeff ? whole.slice(1) : whole
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      // Only a body that failed to parse is looked at again (a copy of a large body per request is not free).
      return done(invalidRequestError(text.trim() === "" ? "The request body is empty: send a JSON object" : "The request body is not valid JSON"), undefined)
    }
    if (nestedDeeperThan(json)) return done(tooDeep(), undefined)
    done(undefined, json)
  })
}
