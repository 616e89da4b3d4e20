// Two `orch serve` processes on one real redis-server (the config file's `redisUrl`), one keys file: a key's budget is
// shared exactly. A burst of its calls through both at once, streamed and not, never spends past it, and no upstream
// request is sent for a refused call; calls after the burst are admitted until the budget holds no room for one more,
// and the total answered is what one gateway alone admits from a fresh budget.
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { type RedisServer, redisTestsRun, startRedis, startWireServer, type WireServer } from "@orch/testing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { orchSandbox } from "./OrchProcess.ts"
import { exchange, type Exchange, type Served, startServe } from "./ServeProcess.ts"

const hasRedis = redisTestsRun("the shared-ledger serve tests")

const sandbox = orchSandbox("orch-serve-redis-")
const upstreamKey = "sk-rdA1sD4fG7hJ0kL3zX6c"
/** gpt-4o-mini's price of one answer reporting 10 input and 500 output tokens, in USD. */
const costPerCall = (10 * 0.15 + 500 * 0.6) / 1_000_000
const keys = [
  { key: "sk-rdQ2wE5rT8yU1iO4pA7s", name: "shared", budgetUsd: costPerCall * 5.5 },
  { key: "sk-rdZ9xC6vB3nM0qW2eR5t", name: "alone", budgetUsd: costPerCall * 5.5 }
]

describe.skipIf(!hasRedis)("two orch serve processes on one Redis ledger", () => {
  let redis: RedisServer | undefined
  let upstream: WireServer
  let served: Array<Served> = []
  let dir = ""

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "orch-serve-redis-data-"))
    redis = await startRedis()
    upstream = await startWireServer({ models: ["gpt-4o-mini"], keepAlive: true, defaultBehavior: { kind: "synth", text: "ok", usage: { inputTokens: 10, outputTokens: 500 } } })
    const config = path.join(dir, "serve.json")
    fs.writeFileSync(config, JSON.stringify({ redisUrl: redis.url }))
    const keysFile = path.join(dir, "keys.json")
    fs.writeFileSync(keysFile, JSON.stringify(keys))
    const env = { ...sandbox.env(), OPENAI_API_KEY: upstreamKey, OPENAI_BASE_URL: `${upstream.url}/v1` }
    served = await Promise.all([0, 1].map(() => startServe(["--port", "0", "--config", config, "--keys", keysFile], env)))
  })

  afterAll(async () => {
    for (const one of served) {
      one.child.kill("SIGTERM")
      await one.exited
    }
    await redis?.stop()
    await upstream?.close()
    if (dir !== "") fs.rmSync(dir, { recursive: true, force: true })
  })

  const call = (url: string, key: string, stream: boolean): Promise<Exchange | { readonly error: string }> =>
    exchange(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], max_tokens: 600, stream })
    })

  const generations = () => upstream.requests.filter((r) => r.path === "/v1/chat/completions").length

  /** Calls one after another, alternating over `urls` and streamed or not, until the first refusal; how many were answered. */
  const untilRefused = async (urls: ReadonlyArray<string>, key: string): Promise<number> => {
    for (let i = 0; i < 20; i++) {
      const answer = await call(urls[i % urls.length]!, key, i % 2 === 0)
      if (!("status" in answer) || answer.status !== 200) {
        expect(answer).toMatchObject({ status: 429 })
        expect(JSON.parse((answer as Exchange).body)).toMatchObject({ error: { type: "insufficient_quota", code: "insufficient_quota" } })
        return i
      }
    }
    throw new Error("the budget never refused a call")
  }

  it("shares a key's budget exactly under a burst through both, streamed and not", async () => {
    const urls = served.map((one) => one.url)
    const alone = await untilRefused([urls[0]!], keys[1]!.key)
    expect(alone).toBeGreaterThan(2)

    upstream.reset()
    upstream.setDefault({ kind: "synth", text: "ok", usage: { inputTokens: 10, outputTokens: 500 } })
    const burst = await Promise.all(Array.from({ length: 16 }, (_, i) => call(urls[i % 2]!, keys[0]!.key, i % 4 < 2)))
    const answered = burst.filter((a) => "status" in a && a.status === 200).length
    for (const answer of burst.filter((a) => !("status" in a) || a.status !== 200)) {
      expect(answer).toMatchObject({ status: 429 })
      expect(JSON.parse((answer as Exchange).body)).toMatchObject({ error: { code: "insufficient_quota" } })
    }
    expect(answered).toBeGreaterThan(0)
    expect(generations()).toBe(answered)
    expect(generations() * costPerCall).toBeLessThanOrEqual(keys[0]!.budgetUsd)

    const after = await untilRefused(urls, keys[0]!.key)
    expect(answered + after).toBe(alone)
    expect(generations()).toBe(alone)
    for (const url of urls) expect(await call(url, keys[0]!.key, true)).toMatchObject({ status: 429 })
    expect(generations()).toBe(alone)
  })
})
