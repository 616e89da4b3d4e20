// `serve`'s close, as a client sees it: while calls are in flight it still listens, and a new request gets OpenAI's
// 503 `gateway_stopping` with `connection: close` (not a refused connection); a call that finishes within the grace
// period is answered whole and closes its connection; one the upstream never answers is cut at the end of the grace
// period with a 503 (or that error as the last event of a begun stream, chat or Responses); close then resolves with every connection gone.
import http from "node:http"
import type { Behavior } from "@orch/testing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Answer, httpExchange, startGateway, startUpstreams, type Upstreams } from "./Support.ts"

/** POST a chat request; resolves with the whole answer once it ends. `onHead` sees the response as soon as it begins. */
const post = (url: string, body: Record<string, unknown>, onHead?: (response: http.IncomingMessage) => void): Promise<Answer> =>
  httpExchange(`${url}/v1/chat/completions`, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], ...body }), ...(onHead !== undefined ? { onHead } : {})
  })

const stoppingBody = { error: { message: "The gateway is stopping", type: "server_error", param: null, code: "gateway_stopping" } }

/** Resolves when the wire server's next generation request arrives; it gets `behavior`. */
const arrival = (upstreams: Upstreams, behavior: Behavior): Promise<void> =>
  new Promise((resolve) => upstreams.cloud.setDefault(() => {
    resolve()
    return behavior
  }))

let upstreams: Upstreams
beforeAll(async () => {
  upstreams = await startUpstreams()
})
afterAll(async () => {
  await upstreams?.close()
})

describe("serve's close", () => {
  it("answers new requests 503 while a call finishes within the grace period, then closes", async () => {
    const gateway = await startGateway(upstreams, { graceMs: 600_000 })
    // The upstream answers once the test has seen the 503s (no timer: however slow the machine).
    let answerNow: () => void = () => undefined
    const reached = arrival(upstreams, { kind: "synth", text: "whole answer", holdUntil: new Promise<void>((resolve) => { answerNow = resolve }) })
    const inFlight = post(gateway.url, {})
    await reached
    const closing = gateway.close()
    const refused = await post(gateway.url, {})
    expect(refused.status).toBe(503)
    expect(refused.headers.connection).toBe("close")
    expect(JSON.parse(refused.body)).toEqual(stoppingBody)
    const health = await new Promise<number>((resolve) => http.get(`${gateway.url}/health`, { agent: false }, (r) => { r.resume(); resolve(r.statusCode ?? 0) }))
    expect(health).toBe(503)
    answerNow()
    const answered = await inFlight
    expect(answered.status).toBe(200)
    expect(JSON.parse(answered.body)).toMatchObject({ choices: [{ message: { content: "whole answer" } }] })
    expect(answered.headers.connection).toBe("close")
    await closing
    await expect(post(gateway.url, {})).rejects.toThrow()
    upstreams.cloud.reset()
  })

  it("cuts what the upstream never finishes at the end of the grace period: 503 before any text, an error event after", async () => {
    const gateway = await startGateway(upstreams, { graceMs: 50 })
    const silent = arrival(upstreams, { kind: "fault", fault: "stall" })
    const never = post(gateway.url, {})
    await silent
    upstreams.cloud.setDefault({ kind: "raw", body: `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini", choices: [{ index: 0, delta: { role: "assistant", content: "first" }, finish_reason: null }] })}\n\n`, stallAfter: true })
    let begun: () => void = () => undefined
    const streamBegun = new Promise<void>((resolve) => { begun = resolve })
    const streamed = post(gateway.url, { stream: true }, (response) => response.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("first")) begun()
    }))
    await streamBegun
    await gateway.close()
    const cut = await never
    expect(cut.status).toBe(503)
    expect(JSON.parse(cut.body)).toEqual(stoppingBody)
    const stream = await streamed
    expect(stream.status).toBe(200)
    expect(stream.body).toMatch(/"content":"first"/)
    expect(stream.body.endsWith(`data: ${JSON.stringify(stoppingBody)}\n\n`)).toBe(true)
    expect(gateway.gateway.metrics()).toMatch(/orch_gateway_errors_total\{route="\/v1\/chat\/completions",type="server_error"\} 2\n/)
    upstreams.cloud.reset()
  })

  it("ends a begun Responses stream cut at the end of the grace period with an error event", async () => {
    const gateway = await startGateway(upstreams, { graceMs: 50 })
    upstreams.cloud.setDefault({ kind: "raw", body: `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini", choices: [{ index: 0, delta: { role: "assistant", content: "first" }, finish_reason: null }] })}\n\n`, stallAfter: true })
    const answer = new Promise<Answer>((resolve, reject) => {
      const request = http.request(`${gateway.url}/v1/responses`, { method: "POST", agent: false, headers: { "content-type": "application/json" } }, (response) => {
        let text = ""
        response.setEncoding("utf8")
        response.on("data", (chunk: string) => {
          text += chunk
          if (text.includes("first")) void gateway.close()
        })
        response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }))
        response.on("error", reject)
      })
      request.on("error", reject)
      request.end(JSON.stringify({ model: "openai/gpt-4o-mini", input: "hi", stream: true }))
    })
    const streamed = await answer
    expect(streamed.status).toBe(200)
    expect(streamed.body).toMatch(/"delta":"first"/)
    expect(streamed.body).toMatch(/event: error\ndata: \{[^\n]*"code":"gateway_stopping"[^\n]*\}\n\n$/)
    await gateway.close()
    upstreams.cloud.reset()
  })
})
