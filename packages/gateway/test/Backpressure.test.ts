// Backpressure end to end: a client that stops reading a stream stops the model. The gateway writes until the socket
// cannot take more, then waits for it to drain instead of pulling more from the orchestrator, so a scripted model
// (answering as fast as it is pulled) is left mid-answer; when the client reads again, every token arrives.
import http from "node:http"
import { scriptedModel, scriptedProvider } from "@orch/testing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createGateway, type Gateway } from "../src/index.ts"

// Long tokens (2 kB each, 16 MB in all), so the kernel's socket buffers (a few MB on loopback) fill long before the
// end while the model makes few parts.
const tokens = 8_000
const word = "w".repeat(2_000)
const model = scriptedModel({ id: "openai/gpt-4o-mini", kind: "cloud", script: [{ text: `${word} `.repeat(tokens) }] })

let gateway: Gateway
let server: http.Server
let url = ""
let served: http.ServerResponse | undefined

/** Waits for a state, one event-loop turn at a time (I/O runs between turns); no timers. */
const until = async (check: () => boolean): Promise<void> => {
  for (let turn = 0; turn < 1_000_000 && !check(); turn++) await new Promise((resolve) => setImmediate(resolve))
  if (!check()) throw new Error("the state was never reached")
}

beforeAll(async () => {
  gateway = await createGateway({ orchestrator: { providers: [scriptedProvider("openai", "cloud", [model])], deadlineMs: 60_000 } })
  server = http.createServer((request, response) => {
    served = response
    gateway.handle(request, response)
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  await gateway.close({ graceMs: 0 })
})

describe("backpressure", () => {
  it("a client that stops reading pauses the model; reading again gets the whole answer", async () => {
    let received = ""
    const done = new Promise<void>((resolve, reject) => {
      const request = http.request(`${url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" } }, (response) => {
        response.pause()
        response.setEncoding("utf8")
        response.on("data", (chunk: string) => { received += chunk })
        response.on("end", resolve)
        response.on("error", reject)
        paused.resolve(response)
      })
      request.on("error", reject)
      request.end(JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "go" }], stream: true }))
    })
    const paused = Promise.withResolvers<http.IncomingMessage>()
    const response = await paused.promise
    // The gateway's socket is full: it waits for a drain and pulls nothing more.
    await until(() => served?.writableNeedDrain === true)
    const call = model.calls[0]!
    const emitted = call.tokensEmitted
    for (let turn = 0; turn < 200; turn++) await new Promise((resolve) => setImmediate(resolve))
    expect(call.tokensEmitted).toBeLessThanOrEqual(emitted + 16)
    expect(call.tokensEmitted).toBeLessThan(tokens - 1_000)
    response.resume()
    await done
    const deltas = [...received.matchAll(/"delta":\{"content":"w{2000} "\}/g)].length
    expect(deltas).toBe(tokens)
    expect(received.trimEnd().endsWith("data: [DONE]")).toBe(true)
    expect(call.tokensEmitted).toBe(tokens)
  })
})
