// The gateway as `curl` sees it: the raw bytes of a streamed chat completion (SSE `data:` lines, the usage chunk,
// `data: [DONE]`, the cost as an HTTP trailer), a whole answer with its x-orch headers, health and metrics.
import { execFile, spawnSync } from "node:child_process"
import { promisify } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { RunningGateway } from "../src/index.ts"
import { startGateway, startUpstreams, type Upstreams } from "./Support.ts"

const run = promisify(execFile)
const hasCurl = spawnSync("curl", ["--version"]).status === 0
if (!hasCurl) {
  if (process.env.CI) throw new Error("curl is not installed: the curl tests must run in CI")
  process.emitWarning("curl is not installed; skipping the curl tests")
}

describe.skipIf(!hasCurl)("curl", () => {
  let upstreams: Upstreams
  let gateway: RunningGateway
  beforeAll(async () => {
    upstreams = await startUpstreams()
    gateway = await startGateway(upstreams)
  })
  afterAll(async () => {
    await gateway?.close()
    await upstreams?.close()
  })

  const curl = async (...args: ReadonlyArray<string>) => (await run("curl", ["-sS", "--max-time", "20", ...args])).stdout

  it("streams SSE data lines ending in [DONE], with the usage chunk and the cost trailer", async () => {
    upstreams.cloud.enqueue({ kind: "synth", text: "red green blue" })
    const body = JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "colours" }], stream: true, stream_options: { include_usage: true } })
    const out = await curl("-N", "-i", "--raw", "-H", "content-type: application/json", "-d", body, `${gateway.url}/v1/chat/completions`)
    expect(out).toMatch(/^HTTP\/1\.1 200/)
    expect(out).toMatch(/content-type: text\/event-stream/i)
    expect(out).toMatch(/x-orch-request-id: [0-9a-f-]{36}/i)
    expect(out).toMatch(/trailer: x-orch-cost-usd/i)
    expect(out).toMatch(/x-orch-cost-usd: 0\.\d+/i)
    const events = [...out.matchAll(/^data: (.*)$/gm)].map((m) => m[1]!)
    expect(events.at(-1)).toBe("[DONE]")
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e) as { choices: Array<{ delta: { content?: string } }>; usage: unknown })
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("red green blue")
    expect(chunks.at(-1)?.usage).toMatchObject({ completion_tokens: 3 })
  })

  it("answers whole with the x-orch headers, and serves health and metrics", async () => {
    const out = await curl("-i", "-H", "content-type: application/json", "-d", JSON.stringify({ model: "orch/local-only", messages: [{ role: "user", content: "hi" }] }), `${gateway.url}/v1/chat/completions`)
    expect(out).toMatch(/^HTTP\/1\.1 200/)
    expect(out).toMatch(/x-orch-cost-usd: 0\r?\n/i)
    expect(out).toMatch(/x-orch-model: ollama\/llama3\.2:1b/i)
    const json = JSON.parse(out.slice(out.indexOf("\r\n\r\n") + 4)) as { orch: { strategy: string } }
    expect(json.orch.strategy).toBe("local_only")
    expect(JSON.parse(await curl(`${gateway.url}/health`))).toMatchObject({ status: "ok" })
    expect(await curl(`${gateway.url}/metrics`)).toMatch(/^orch_gateway_requests_total\{route="\/v1\/chat\/completions",status="200"\} [1-9]/m)
    const refused = await curl("-i", "-d", "not json", `${gateway.url}/v1/chat/completions`)
    expect(refused).toMatch(/^HTTP\/1\.1 400/)
    expect(refused).toContain('"type":"invalid_request_error"')
  })
})
