/**
 * Reading a request body with a bound: a declared `content-length` over the limit is refused before a byte is read,
 * and a body that grows past it while arriving is cut off. Either way the answer is a 413 in OpenAI's shape.
 */
import type http from "node:http"
import { type GatewayError, gatewayError, invalidRequestError } from "./OpenAiError.ts"

/** The body's JSON, or the error to answer with (413 too large, 400 not JSON). */
export const readJsonBody = (request: http.IncomingMessage, maxBytes: number): Promise<{ readonly json: unknown } | GatewayError> =>
  new Promise((resolve) => {
    const tooLarge = (): GatewayError => gatewayError(413, "invalid_request_error", "request_too_large", `The request body is larger than ${maxBytes} bytes`)
    const declared = Number(request.headers["content-length"] ?? Number.NaN)
    if (Number.isFinite(declared) && declared > maxBytes) {
      request.resume()
      return resolve(tooLarge())
    }
    const chunks: Array<Buffer> = []
    let size = 0
    let done = false
    request.on("data", (chunk: Buffer) => {
      if (done) return
      size += chunk.length
      if (size > maxBytes) {
        done = true
        chunks.length = 0
        request.resume()
        resolve(tooLarge())
        return
      }
      chunks.push(chunk)
    })
    request.on("close", () => {
      if (done) return
      done = true
      resolve(invalidRequestError("The client closed the request before its body ended"))
    })
    request.on("error", () => {
      if (done) return
      done = true
      resolve(invalidRequestError("The request body could not be read"))
    })
    request.on("end", () => {
      if (done) return
      done = true
      const text = chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8")
      try {
        resolve({ json: JSON.parse(text) as unknown })
      } catch {
        // Only a body that failed to parse is looked at again (a copy of a large body per request is not free).
        resolve(invalidRequestError(text.trim() === "" ? "The request body is empty: send a JSON object" : "The request body is not valid JSON"))
      }
    })
  })
