/**
 * Reading a request body with a bound: a declared `content-length` over the limit is refused before a byte is read,
 * and a body that grows past it while arriving is cut off. Either way the answer is a 413 in OpenAI's shape. The
 * result is handed to a callback, once: a request costs its four listeners and no promise.
 */
import type http from "node:http"
import { type GatewayError, gatewayError, invalidRequestError } from "./OpenAiError.ts"

/** What reading a body gives: the error to answer with (413 too large, 400 not JSON), or undefined and the body's JSON. */
export type BodyRead = (error: GatewayError | undefined, json: unknown) => void

const tooLarge = (maxBytes: number): GatewayError =>
  gatewayError(413, "invalid_request_error", "request_too_large", `The request body is larger than ${maxBytes} bytes`)

/** Read the body's JSON and call `done` once with it, or with the error to answer with. */
export const readJsonBody = (request: http.IncomingMessage, maxBytes: number, done: BodyRead): void => {
  const declared = Number(request.headers["content-length"] ?? Number.NaN)
  if (Number.isFinite(declared) && declared > maxBytes) {
    request.resume()
    return done(tooLarge(maxBytes), undefined)
  }
  const chunks: Array<Buffer> = []
  let size = 0
  let finished = false
  request.on("data", (chunk: Buffer) => {
    if (finished) return
    size += chunk.length
    if (size > maxBytes) {
      finished = true
      chunks.length = 0
      request.resume()
      done(tooLarge(maxBytes), undefined)
      return
    }
    chunks.push(chunk)
  })
  request.on("close", () => {
    if (finished) return
    finished = true
    done(invalidRequestError("The client closed the request before its body ended"), undefined)
  })
  request.on("error", () => {
    if (finished) return
    finished = true
    done(invalidRequestError("The request body could not be read"), undefined)
  })
  request.on("end", () => {
    if (finished) return
    finished = true
    const text = chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8")
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      // Only a body that failed to parse is looked at again (a copy of a large body per request is not free).
      return done(invalidRequestError(text.trim() === "" ? "The request body is empty: send a JSON object" : "The request body is not valid JSON"), undefined)
    }
    done(undefined, json)
  })
}
