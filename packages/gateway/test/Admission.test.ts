// A call's life through the gateway's slots: waiting in line then served, refused past the line, a client gone
// before its body ended (counted 499, its slot freed), and every request counted out of "in flight" at its end.
import http from "node:http"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { clientOf, eventually, startGateway, startUpstreams, type Upstreams } from "./Support.ts"

let upstreams: Upstreams

beforeAll(async () => {
  upstreams = await startUpstreams()
})
afterAll(async () => {
  await upstreams?.close()
})

const chat = (url: string) =>
  fetch(`${url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }) })

describe("admission", () => {
  it("a call waiting in line is served once a slot frees; past the line the answer is 503; none stays in flight", async () => {
    const narrow = await startGateway(upstreams, { maxConcurrent: 1, maxQueued: 1 })
    try {
      upstreams.cloud.enqueue({ kind: "synth", text: "a b c d", perTokenDelayMs: 100 }, { kind: "synth", text: "second" })
      const first = await clientOf(narrow).chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], stream: true })
      const waiting = chat(narrow.url)
      await eventually(() => narrow.gateway.inFlight() === 2)
      const refused = await chat(narrow.url)
      expect(refused.status).toBe(503)
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("gateway_overloaded")
      let text = ""
      for await (const chunk of first) text += chunk.choices[0]?.delta.content ?? ""
      expect(text).toBe("a b c d")
      const served = await waiting
      expect(served.status).toBe(200)
      expect(((await served.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content).toBe("second")
      await eventually(() => narrow.gateway.inFlight() === 0)
      const metrics = narrow.gateway.metrics()
      expect(metrics).toContain('orch_gateway_requests_total{route="/v1/chat/completions",status="200"} 2\n')
      expect(metrics).toContain('orch_gateway_requests_total{route="/v1/chat/completions",status="503"} 1\n')
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
