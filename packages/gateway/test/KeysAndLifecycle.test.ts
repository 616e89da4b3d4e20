// API keys (a bearer per request, each key's spend its own budget, never shown back), configuration checks, the
// handler mounted in a server of one's own, and the graceful stop (calls in flight finish, new ones are refused).
import http from "node:http"
import OpenAI from "openai"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createGateway, GatewayConfigError, makeKeyRing, parseAliases, parseKeys, serve } from "../src/index.ts"
import { clientOf, generations, startGateway, startUpstreams, type Upstreams } from "./Support.ts"

const teamKey = "sk-gw-team-alpha-7c1d2e3f4a5b"
const poorKey = "sk-gw-team-poor-0a1b2c3d4e5f"

let upstreams: Upstreams
beforeAll(async () => {
  upstreams = await startUpstreams()
})
afterAll(async () => {
  await upstreams?.close()
})

describe("API keys", () => {
  it("asks every call for a known key, and counts each key's spend against its own budget", async () => {
    const gateway = await startGateway(upstreams, { keys: [{ key: teamKey, name: "alpha" }, { key: poorKey, name: "poor", budgetUsd: 0 }] })
    try {
      const none = await fetch(`${gateway.url}/v1/chat/completions`, { method: "POST", body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }) })
      expect(none.status).toBe(401)
      expect(await none.json()).toMatchObject({ error: { type: "invalid_request_error", code: "invalid_api_key" } })
      const wrong = await clientOf(gateway, `${teamKey}x`).models.list().catch((e: unknown) => e)
      expect(wrong).toBeInstanceOf(OpenAI.AuthenticationError)
      expect(JSON.stringify((wrong as InstanceType<typeof OpenAI.APIError>).error)).not.toContain(teamKey)
      const answered = await clientOf(gateway, teamKey).chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] })
      expect(answered.choices[0]?.message.content).toBeTruthy()
      const refused = await clientOf(gateway, poorKey).chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e)
      expect(refused).toBeInstanceOf(OpenAI.RateLimitError)
      expect((refused as InstanceType<typeof OpenAI.RateLimitError>).code).toBe("insufficient_quota")
      // It says what the caller can change.
      expect((refused as Error).message).toMatch(/could cost up to \$[\d.]+ .*a smaller max_tokens reserves less/)
      expect((refused as Error).message).not.toContain(poorKey)
      expect(generations(upstreams.cloud)).toHaveLength(1)
      expect(gateway.gateway.metrics()).not.toContain(teamKey)
    } finally {
      await gateway.close()
      upstreams.cloud.reset()
    }
  })

  it("finds a key whatever its position, and no key that only shares a prefix, case or padding", () => {
    const ring = makeKeyRing([{ key: "sk-first-123456", name: "first" }, { key: teamKey, name: "alpha" }])
    expect(ring.identify(`Bearer ${teamKey}`)).toBe("alpha")
    expect(ring.identify(`bearer  ${teamKey} `)).toBe("alpha")
    expect(ring.identify("Bearer sk-first-123456")).toBe("first")
    expect(ring.identify(`Bearer ${teamKey.slice(0, -1)}`)).toBeUndefined()
    expect(ring.identify(`Bearer ${teamKey.toUpperCase()}`)).toBeUndefined()
    expect(ring.identify(teamKey)).toBeUndefined()
    expect(ring.identify(undefined)).toBeUndefined()
  })

  it("checks the keys file without repeating a key in its messages", () => {
    const checked = parseKeys([{ key: "short", name: "a" }, { key: teamKey, name: "a" }, { key: teamKey, name: "b b", budgetUsd: -1, extra: 1 }])
    expect("problems" in checked).toBe(true)
    const text = "problems" in checked ? checked.problems.join("\n") : ""
    expect(text).toMatch(/at least 8 characters/)
    expect(text).toMatch(/used twice/)
    expect(text).toMatch(/same as an earlier entry/)
    expect(text).toMatch(/budgetUsd/)
    expect(text).not.toContain(teamKey)
    expect(parseKeys({})).toMatchObject({ problems: [expect.stringContaining("JSON array")] })
  })

  it("refuses to listen beyond loopback without keys, and alias budgets next to key budgets", async () => {
    await expect(serve({ host: "0.0.0.0", port: 0, orchestrator: { providers: [] } })).rejects.toBeInstanceOf(GatewayConfigError)
    await expect(createGateway({ orchestrator: { providers: [] }, keys: [{ key: teamKey, name: "alpha" }], aliases: { cheap: { budgetUsd: 1 } } }))
      .rejects.toBeInstanceOf(GatewayConfigError)
    await expect(createGateway({ orchestrator: { providers: [] }, aliases: { "orch/mine": {} } })).rejects.toThrow(/virtual strategy models/)
    const checked = parseAliases({ fast: { strategy: "fastest", models: ["llama3"], budgetUsd: -1, colour: "red" } })
    expect("problems" in checked ? checked.problems : []).toEqual([
      expect.stringContaining('"colour" is not a field'),
      expect.stringContaining('"strategy" must be one of'),
      expect.stringContaining('"models" must be a non-empty list of backend/name ids'),
      expect.stringContaining('"budgetUsd" must be a number >= 0')
    ])
    expect(parseAliases({ fast: { strategy: "Local-First", models: ["ollama/llama3.2"] } })).toEqual({ aliases: { fast: { strategy: "local_first", models: ["ollama/llama3.2"] } } })
  })
})

describe("numeric options", () => {
  it("refuses limits that would disable a bound or serve nothing, naming the option", async () => {
    const cases: ReadonlyArray<readonly [Record<string, unknown>, RegExp]> = [
      [{ maxBodyBytes: Number.NaN }, /maxBodyBytes must be a whole number from 1 to 1073741824, not NaN/],
      [{ maxBodyBytes: -1 }, /maxBodyBytes/],
      [{ maxConcurrent: 0 }, /maxConcurrent must be a whole number from 1/],
      [{ maxQueued: 1.5 }, /maxQueued/],
      [{ deadlineMs: 3e9 }, /deadlineMs must be a whole number from 1 to 2147483647/],
      [{ deadlineMs: "100" }, /deadlineMs .*not "100"/],
      [{ port: 70_000 }, /port must be a whole number from 0 to 65535/],
      [{ graceMs: -5 }, /graceMs/],
      [{ requestTimeoutMs: 0 }, /requestTimeoutMs/],
      [{ keepAliveTimeoutMs: Number.POSITIVE_INFINITY }, /keepAliveTimeoutMs/],
      [{ host: "" }, /host must name an address/]
    ]
    for (const [extra, message] of cases) {
      const refused = await serve({ port: 0, orchestrator: { providers: [] }, ...extra }).then((running) => running.close(), (error: unknown) => error)
      expect(refused, JSON.stringify(extra)).toBeInstanceOf(GatewayConfigError)
      expect((refused as Error).message).toMatch(message)
    }
  })

  it("a deadline longer than a Node timer takes (from the orchestrator's options) bounds the body read, not fires at once", async () => {
    const warnings: Array<string> = []
    const onWarning = (warning: Error) => warnings.push(warning.name)
    process.on("warning", onWarning)
    const running = await serve({ port: 0, orchestrator: { providers: [], deadlineMs: 3e9 } })
    try {
      // The body comes in two writes: a body timer that fired at once would have answered 408 between them.
      const answer = await new Promise<number>((resolve, reject) => {
        const request = http.request(`${running.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" } }, (response) => {
          response.resume()
          resolve(response.statusCode ?? 0)
        })
        request.on("error", reject)
        request.write('{"model":"orch/auto",')
        setImmediate(() => request.end('"messages":[{"role":"user","content":"hi"}]}'))
      })
      expect(answer).toBe(503)
      await running.close()
    } finally {
      process.off("warning", onWarning)
    }
    expect(warnings).not.toContain("TimeoutOverflowWarning")
    // close with a grace period that is not a number still closes.
    const other = await createGateway({ orchestrator: { providers: [] } })
    await other.close({ graceMs: Number.NaN })
  })
})

describe("lifecycle", () => {
  it("mounts as a request handler in a server of one's own", async () => {
    const gateway = await createGateway({ orchestrator: { providers: [] } })
    const server = http.createServer((request, response) => {
      if (request.url === "/mine") return void response.end("mine")
      gateway.handle(request, response)
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const address = server.address() as { port: number }
    try {
      expect(await (await fetch(`http://127.0.0.1:${address.port}/mine`)).text()).toBe("mine")
      const list = await (await fetch(`http://127.0.0.1:${address.port}/v1/models`)).json() as { data: Array<{ id: string }> }
      expect(list.data.map((m) => m.id)).toContain("orch/auto")
      const none = await fetch(`http://127.0.0.1:${address.port}/v1/chat/completions`, { method: "POST", body: JSON.stringify({ model: "orch/auto", messages: [{ role: "user", content: "hi" }] }) })
      expect(none.status).toBe(503)
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await gateway.close()
    }
  })

  it("stops gracefully: the call in flight finishes, new calls are refused", async () => {
    const gateway = await startGateway(upstreams)
    upstreams.cloud.enqueue({ kind: "synth", text: "slow but whole answer", perTokenDelayMs: 100 })
    const stream = await clientOf(gateway).chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], stream: true })
    const closing = gateway.close()
    const refused = await fetch(`${gateway.url}/v1/chat/completions`, { method: "POST", body: "{}" }).then((r) => r.status, () => "connection refused")
    expect([503, "connection refused"]).toContain(refused)
    let text = ""
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ""
    expect(text).toBe("slow but whole answer")
    await closing
    expect(gateway.gateway.inFlight()).toBe(0)
    upstreams.cloud.reset()
  })
})
