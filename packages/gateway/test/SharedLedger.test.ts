// Stateless gateways: two gateway processes over one real redis-server ledger share each key's budget exactly. A
// key spending through both admits the same calls as a key spending through one, and once it is spent both refuse
// it with OpenAI's 429 insufficient_quota; concurrent calls through both never spend past the limit.
import { type ChildProcess, spawn } from "node:child_process"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { type RedisServer, redisTestsRun, startRedis, startWireServer, type WireServer } from "@orch/testing"
import OpenAI from "openai"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const hasRedis = redisTestsRun("the shared-ledger gateway tests")

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const keys = [
  { key: "sk-gw-team-a-0f9e8d7c6b5a", name: "team-a", budgetUsd: 0.003 },
  { key: "sk-gw-team-b-1a2b3c4d5e6f", name: "team-b", budgetUsd: 0.003 },
  { key: "sk-gw-team-c-9a8b7c6d5e4f", name: "team-c", budgetUsd: 0.003 }
]

/** Start a process and resolve with it once its stdout has a line matching `ready`. */
const startProcess = (command: string, args: ReadonlyArray<string>, ready: RegExp, cwd?: string): Promise<{ readonly child: ChildProcess; readonly match: RegExpExecArray }> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    let errors = ""
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString()
      const match = ready.exec(output)
      if (match !== null) resolve({ child, match })
    })
    child.stderr?.on("data", (chunk: Buffer) => { errors += chunk.toString() })
    child.once("exit", (code) => reject(new Error(`${command} exited (${code}) before it was ready: ${output}${errors}`)))
  })

const stopProcess = async (child: ChildProcess | undefined) => {
  if (child === undefined || child.exitCode !== null) return
  const exited = new Promise((resolve) => child.once("exit", resolve))
  child.kill("SIGTERM")
  await exited
}

describe.skipIf(!hasRedis)("two gateway processes on one Redis ledger", () => {
  let redis: RedisServer | undefined
  let gateways: Array<ChildProcess> = []
  let urls: Array<string> = []
  let upstream: WireServer

  beforeAll(async () => {
    redis = await startRedis()
    // Every call reports 10 input and 500 output tokens: $0.0003015 at gpt-4o-mini's price.
    upstream = await startWireServer({ models: ["gpt-4o-mini"], keepAlive: true, defaultBehavior: { kind: "synth", text: "ok", usage: { inputTokens: 10, outputTokens: 500 } } })
    const options = JSON.stringify({ openaiBaseUrl: `${upstream.url}/v1`, redisUrl: redis.url, redisPrefix: "gw:", keys })
    const started = await Promise.all([0, 1].map(() =>
      startProcess(process.execPath, ["--conditions=@orch/source", "scripts/gateway-process.ts", options], /^listening (http:\/\/\S+)$/m, packageDir)))
    gateways = started.map((s) => s.child)
    urls = started.map((s) => s.match[1]!)
  })

  afterAll(async () => {
    for (const child of gateways) await stopProcess(child)
    await redis?.stop()
    await upstream?.close()
  })

  const call = async (url: string, key: string): Promise<{ readonly ok: true; readonly costUsd: number } | { readonly ok: false; readonly error: unknown }> => {
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: key, maxRetries: 0, timeout: 20_000 })
    try {
      const { response } = await client.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], max_tokens: 1000 }).withResponse()
      return { ok: true, costUsd: Number(response.headers.get("x-orch-cost-usd")) }
    } catch (error) {
      return { ok: false, error }
    }
  }

  /** Calls one after another (alternating over the urls) until the first refusal; the costs of those answered. */
  const spendUntilRefused = async (targets: ReadonlyArray<string>, key: string) => {
    const costs: Array<number> = []
    for (let i = 0; i < 50; i++) {
      const result = await call(targets[i % targets.length]!, key)
      if (!result.ok) return { costs, refusal: result.error }
      costs.push(result.costUsd)
    }
    throw new Error("the budget never refused a call")
  }

  it("admits exactly the calls one gateway would, and then both refuse with insufficient_quota", async () => {
    const single = await spendUntilRefused([urls[0]!], keys[1]!.key)
    const shared = await spendUntilRefused(urls, keys[0]!.key)
    expect(single.costs.length).toBeGreaterThan(2)
    expect(shared.costs.length).toBe(single.costs.length)
    expect(shared.refusal).toBeInstanceOf(OpenAI.RateLimitError)
    expect((shared.refusal as InstanceType<typeof OpenAI.RateLimitError>).code).toBe("insufficient_quota")
    expect((shared.refusal as InstanceType<typeof OpenAI.RateLimitError>).type).toBe("insufficient_quota")
    for (const url of urls) {
      const again = await call(url, keys[0]!.key)
      expect(again.ok).toBe(false)
    }
    const spent = shared.costs.reduce((sum, cost) => sum + cost, 0)
    expect(spent).toBeLessThanOrEqual(keys[0]!.budgetUsd)
    expect(spent).toBeCloseTo(shared.costs.length * 0.0003015, 10)
  })

  it("never spends past a key's budget when both gateways take its calls at once", async () => {
    const results = await Promise.all(Array.from({ length: 24 }, (_, i) => call(urls[i % 2]!, keys[2]!.key)))
    const answered = results.flatMap((r) => (r.ok ? [r.costUsd] : []))
    const refused = results.filter((r) => !r.ok)
    expect(answered.length).toBeGreaterThan(0)
    expect(refused.length).toBeGreaterThan(0)
    expect(refused.every((r) => !r.ok && r.error instanceof OpenAI.RateLimitError)).toBe(true)
    expect(answered.reduce((sum, cost) => sum + cost, 0)).toBeLessThanOrEqual(keys[2]!.budgetUsd)
  })
})
