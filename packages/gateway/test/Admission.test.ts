// A call's life through the gateway's slots: waiting in line then served, refused past the line, a client gone
// before its body ended (counted 499, its slot freed), and every request counted out of "in flight" at its end.
import http from "node:http"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { eventually, startGateway, startUpstreams, type Upstreams } from "./Support.ts"

let upstreams: Upstreams

beforeAll(async () => {
  upstreams = await startUpstreams()
})
afterAll(async () => {
  await upstreams?.close()
})

const chat = (url: string, signal?: AbortSignal) =>
  fetch(`${url}/v1/chat/completions`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
    ...(signal !== undefined ? { signal } : {})
  })

describe("admission", () => {
  it("a call waiting in line is served once a slot frees; past the line the answer is 503; none stays in flight", async () => {
    const narrow = await startGateway(upstreams, { maxConcurrent: 1, maxQueued: 1 })
    try {
      // The first call holds the only slot until its client leaves (its upstream never answers): no timing involved.
      upstreams.cloud.enqueue({ kind: "fault", fault: "stall" }, { kind: "synth", text: "second" })
      const leaving = new AbortController()
      const sent = upstreams.cloud.requests.length
      const first = chat(narrow.url, leaving.signal).catch((error: unknown) => error)
      // Held upstream (the stall taken from the queue), not merely admitted.
      await eventually(() => upstreams.cloud.requests.slice(sent).some((request) => request.path === "/v1/chat/completions"))
      const waiting = chat(narrow.url)
      await eventually(() => narrow.gateway.inFlight() === 2)
      const refused = await chat(narrow.url)
      expect(refused.status).toBe(503)
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("gateway_overloaded")
      leaving.abort()
      expect(await first).toBeInstanceOf(Error)
      const served = await waiting
      expect(served.status).toBe(200)
      expect(((await served.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content).toBe("second")
      await eventually(() => narrow.gateway.inFlight() === 0)
      const metrics = narrow.gateway.metrics()
      expect(metrics).toContain('orch_gateway_requests_total{route="/v1/chat/completions",status="200"} 1\n')
      expect(metrics).toContain('orch_gateway_requests_total{route="/v1/chat/completions",status="503"} 1\n')
      expect(metrics).toContain('orch_gateway_requests_total{route="/v1/chat/completions",status="499"} 1\n')
    } finally {
      await narrow.close()
    }
  })

  it("a client gone before its body ended is counted 499, and its slot serves the next call", async () => {
    const narrow = await startGateway(upstreams, { maxConcurrent: 1, maxQueued: 0 })
    try {
      const request = http.request(`${narrow.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", "content-length": "200" } })
      request.on("error", () => undefined)
      request.write('{"model":"openai/gpt-4o-mini",')
      await eventually(() => narrow.gateway.inFlight() === 1)
      request.destroy()
      await eventually(() => narrow.gateway.inFlight() === 0)
      expect(narrow.gateway.metrics()).toContain('orch_gateway_requests_total{route="/v1/chat/completions",status="499"} 1\n')
      upstreams.cloud.enqueue({ kind: "synth", text: "next" })
      const next = await chat(narrow.url)
      expect(next.status).toBe(200)
    } finally {
      await narrow.close()
    }
  })
})
