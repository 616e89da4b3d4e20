// API keys at their edges, through `serve` on a loopback port: every `Authorization` header a client may send (none,
// a scheme alone, the scheme in another case, extra spaces, another scheme, a key one character longer or shorter, a
// header of kilobytes, one past Node's header limit) is either the key or OpenAI's 401 (431 past the limit), and no
// answer or metric repeats any part of a key. A key over its budget gets 429 `insufficient_quota` before any upstream
// request, on both endpoints, streamed or not; calls of one key at once, streamed and not, never spend past its budget.
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type RunningGateway } from "../src/index.ts"
import { type Answer, canaryKey, generations, httpExchange, startGateway, startUpstreams, type Upstreams } from "./Support.ts"

const teamKey = "sk-gwR4tY7uI1oP3aS6dF9g"
const spentKey = "sk-gwZ2xC5vB8nM1qW4eR7t"
const burstKey = "sk-gwH3jK6lL9pO2iU5yT8r"
const keys = [teamKey, spentKey, burstKey, canaryKey]

/** gpt-4o-mini's price of one upstream answer reporting 10 input and 500 output tokens, in USD. */
const costPerCall = (10 * 0.15 + 500 * 0.6) / 1_000_000

/** One request with exactly these headers (raw: no client adds, trims or refuses any). */
const send = (url: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> =>
  httpExchange(`${url}${path}`, { method: body === undefined ? "GET" : "POST", headers, ...(body !== undefined ? { body } : {}) })

const chatBody = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], max_tokens: 600, ...extra })

/** The first piece of 5 characters of any key that `text` holds. */
const leakedPart = (text: string): string | undefined => {
  for (const key of keys) {
    for (let i = 0; i + 5 <= key.length; i++) if (text.includes(key.slice(i, i + 5))) return key.slice(i, i + 5)
  }
  return undefined
}

let upstreams: Upstreams
let gateway: RunningGateway
beforeAll(async () => {
  upstreams = await startUpstreams()
  upstreams.cloud.setDefault({ kind: "synth", text: "ok", usage: { inputTokens: 10, outputTokens: 500 } })
  gateway = await startGateway(upstreams, {
    keys: [{ key: teamKey, name: "team" }, { key: spentKey, name: "spent", budgetUsd: 0 }, { key: burstKey, name: "burst", budgetUsd: costPerCall * 5.5 }]
  })
})
afterAll(async () => {
  await gateway?.close()
  await upstreams?.close()
})

describe("the Authorization header", () => {
  const unknown: ReadonlyArray<readonly [string, Record<string, string>]> = [
    ["no header", {}],
    ["the scheme alone", { authorization: "Bearer" }],
    ["the scheme and spaces", { authorization: "Bearer    " }],
    ["another scheme", { authorization: `Basic ${Buffer.from(`user:${teamKey}`).toString("base64")}` }],
    ["the key without a scheme", { authorization: teamKey }],
    ["the key and more", { authorization: `Bearer ${teamKey} ${teamKey}` }],
    ["one character more", { authorization: `Bearer ${teamKey}x` }],
    ["one character less", { authorization: `Bearer ${teamKey.slice(0, -1)}` }],
    ["the key in another case", { authorization: `Bearer ${teamKey.toUpperCase()}` }],
    ["a key of 8 KB", { authorization: `Bearer ${"k".repeat(8_192)}` }],
    ["two keys glued", { authorization: `Bearer ${teamKey}${spentKey}` }],
    ["another header's name", { "x-api-key": teamKey }]
  ]

  it.each(unknown)("%s: 401 in OpenAI's shape, naming no key, on every route that needs one", async (_name, headers) => {
    for (const [path, body] of [["/v1/chat/completions", chatBody()], ["/v1/responses", JSON.stringify({ model: "openai/gpt-4o-mini", input: "hi" })], ["/v1/models", undefined]] as const) {
      const answer = await send(gateway.url, path, { "content-type": "application/json", ...headers }, body)
      expect(answer.status).toBe(401)
      expect(answer.headers["content-type"]).toBe("application/json")
      expect(JSON.parse(answer.body)).toEqual({ error: { message: expect.any(String), type: "invalid_request_error", param: null, code: "invalid_api_key" } })
      expect(leakedPart(answer.body + JSON.stringify(answer.headers))).toBeUndefined()
    }
    expect(generations(upstreams.cloud)).toHaveLength(0)
  })

  const known: ReadonlyArray<readonly [string, string]> = [
    ["Bearer", `Bearer ${teamKey}`],
    ["the scheme in lower case (schemes are case-insensitive)", `bearer ${teamKey}`],
    ["the scheme in upper case", `BEARER ${teamKey}`],
    ["spaces and a tab between", `Bearer \t  ${teamKey}`],
    ["spaces after", `Bearer ${teamKey}   `]
  ]

  it.each(known)("%s: the key", async (_name, authorization) => {
    const answer = await send(gateway.url, "/v1/models", { authorization })
    expect(answer.status).toBe(200)
  })

  it("a header past Node's limit: 431 in OpenAI's shape, and the gateway serves on", async () => {
    const answer = await send(gateway.url, "/v1/models", { authorization: `Bearer ${teamKey}${"k".repeat(20_000)}` })
    expect(answer.status).toBe(431)
    expect(JSON.parse(answer.body)).toEqual({ error: { message: expect.any(String), type: "invalid_request_error", param: null, code: "request_header_fields_too_large" } })
    expect(leakedPart(answer.body)).toBeUndefined()
    expect((await send(gateway.url, "/v1/models", { authorization: `Bearer ${teamKey}` })).status).toBe(200)
  })

  it("no metric names a key or repeats what a client sent as one", () => {
    expect(leakedPart(gateway.gateway.metrics())).toBeUndefined()
    expect(gateway.gateway.metrics()).not.toMatch(/kkkk/)
  })
})

describe("a key's budget", () => {
  const requests: ReadonlyArray<readonly [string, string, string]> = [
    ["chat", "/v1/chat/completions", chatBody()],
    ["chat, streamed", "/v1/chat/completions", chatBody({ stream: true })],
    ["responses", "/v1/responses", JSON.stringify({ model: "openai/gpt-4o-mini", input: "hi", max_output_tokens: 600 })],
    ["responses, streamed", "/v1/responses", JSON.stringify({ model: "openai/gpt-4o-mini", input: "hi", max_output_tokens: 600, stream: true })],
    ["a strategy model", "/v1/chat/completions", chatBody({ model: "orch/cloud-only" })]
  ]

  it.each(requests)("spent: %s is refused 429 insufficient_quota before any upstream request", async (_name, path, body) => {
    upstreams.cloud.reset()
    upstreams.cloud.setDefault({ kind: "synth", text: "ok", usage: { inputTokens: 10, outputTokens: 500 } })
    const answer = await send(gateway.url, path, { "content-type": "application/json", authorization: `Bearer ${spentKey}` }, body)
    expect(answer.status).toBe(429)
    expect(JSON.parse(answer.body)).toMatchObject({ error: { type: "insufficient_quota", code: "insufficient_quota" } })
    expect(leakedPart(answer.body)).toBeUndefined()
    expect(generations(upstreams.cloud)).toHaveLength(0)
  })

  it("calls of one key at once, on both endpoints, streamed and not, never spend past its budget", async () => {
    upstreams.cloud.reset()
    upstreams.cloud.setDefault({ kind: "synth", text: "ok", usage: { inputTokens: 10, outputTokens: 500 } })
    // Both endpoints, streamed and not, in turn.
    const answers = await Promise.all(Array.from({ length: 16 }, (_, i) => {
      const [path, body] = requests[i % 4]!.slice(1) as [string, string]
      return send(gateway.url, path, { "content-type": "application/json", authorization: `Bearer ${burstKey}` }, body)
    }))
    const answered = answers.filter((a) => a.status === 200)
    const refused = answers.filter((a) => a.status !== 200)
    expect(answered.length).toBeGreaterThan(0)
    expect(refused.length).toBeGreaterThan(0)
    for (const answer of refused) expect(JSON.parse(answer.body)).toMatchObject({ error: { code: "insufficient_quota" } })
    // Every upstream request was one answered call: nothing was sent for a refused one, nothing past the budget.
    expect(generations(upstreams.cloud)).toHaveLength(answered.length)
    expect(generations(upstreams.cloud).length * costPerCall).toBeLessThanOrEqual(5.5 * costPerCall)
  })
})
