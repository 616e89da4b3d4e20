// The cost ledger down (a real redis-server stopped under a gateway with a budget): calls that could spend money are
// refused with 503 `ledger_unavailable`, not blamed on the upstreams ("No upstream could be reached"), and no paid
// upstream is asked (the budget cannot be checked). A free local model still answers (nothing to check against a
// budget), also as the fallback of CLOUD_FIRST, and its attempt is listed: the tracker holds its record and writes it
// once Redis is back, before the next budget check. Once Redis is back the paid models answer again.
import { type RedisServer, redisTestsRun, startRedis } from "@orch/testing"
import { Redis } from "ioredis"
import OpenAI from "openai"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import type { RunningGateway } from "../src/index.ts"
import { clientOf, generations, startGateway, startUpstreams, type Upstreams } from "./Support.ts"

const runs = redisTestsRun("the gateway's ledger outage tests")

const messages = [{ role: "user" as const, content: "hi" }]

describe.skipIf(!runs)("the gateway over a Redis ledger that goes down", () => {
  let redis: RedisServer | undefined
  let upstreams: Upstreams | undefined
  let gateway: RunningGateway | undefined
  let client: OpenAI
  const logged: Array<{ readonly level: string; readonly message: string }> = []

  beforeAll(async () => {
    redis = await startRedis()
    upstreams = await startUpstreams()
    gateway = await startGateway(upstreams, { orchestratorExtra: { ledger: { type: "redis", url: redis.url }, budgetUsd: 100, onLog: (entry) => logged.push(entry) } })
    client = clientOf(gateway)
  })

  afterAll(async () => {
    await gateway?.close()
    await upstreams?.close()
    await redis?.stop()
  })

  const refusal = async (call: () => Promise<unknown>) => {
    try {
      await call()
    } catch (error) {
      return error
    }
    throw new Error("the call was answered")
  }

  it("refuses with 503 ledger_unavailable, asks no upstream, and answers again once Redis is back", async () => {
    // A mounted gateway prints nothing: its log lines go to the orchestrator options' onLog.
    const printed = [vi.spyOn(console, "error"), vi.spyOn(console, "log"), vi.spyOn(console, "warn"), vi.spyOn(process.stderr, "write")]
    const answered = await client.chat.completions.create({ model: "openai/gpt-4o-mini", messages, max_tokens: 16 })
    expect(answered.choices[0]!.message.content).not.toBe("")
    await redis!.halt({ kill: true })
    const asked = () => generations(upstreams!.cloud).length
    const before = asked()

    for (const model of ["openai/gpt-4o-mini", "orch/cloud-only"]) {
      for (const stream of [false, true]) {
        const error = await refusal(async () => {
          const answer = await client.chat.completions.create({ model, messages, max_tokens: 16, stream })
          if (stream) for await (const _ of answer as AsyncIterable<unknown>) { /* drain */ }
        })
        expect(error, `${model} stream=${stream}`).toBeInstanceOf(OpenAI.InternalServerError)
        const apiError = error as InstanceType<typeof OpenAI.APIError>
        expect(apiError.status).toBe(503)
        expect(apiError.code).toBe("ledger_unavailable")
        expect(apiError.message).not.toMatch(/upstream/i)
        expect(apiError.headers?.get("retry-after")).toBe("1")
      }
    }
    expect(asked()).toBe(before)
    for (const model of ["orch/local-first", "orch/cloud-first"]) {
      const local = await client.chat.completions.create({ model, messages, max_tokens: 16 })
      const orch = (local as unknown as { readonly orch: { readonly model: string; readonly attempts: ReadonlyArray<{ readonly model: string; readonly outcome: string }> } }).orch
      expect(orch.model, model).toBe("ollama/llama3.2:1b")
      // The attempt that answered is listed though the ledger could not write its record yet.
      expect(orch.attempts.filter((attempt) => attempt.outcome === "success").map((attempt) => attempt.model), model).toEqual(["llama3.2:1b"])
    }
    expect(asked()).toBe(before)

    await redis!.restart()
    // The ledger's client reconnects on its own schedule: ask until it has (every refusal meanwhile the same).
    for (let i = 0; ; i++) {
      const result = await client.chat.completions.create({ model: "openai/gpt-4o-mini", messages, max_tokens: 16 }).then((answer) => answer, (error: unknown) => error)
      if (!(result instanceof Error)) {
        expect((result as unknown as { readonly orch: { readonly model: string } }).orch.model).toBe("openai/gpt-4o-mini")
        break
      }
      expect((result as InstanceType<typeof OpenAI.APIError>).code).toBe("ledger_unavailable")
      if (i > 600) throw new Error("the gateway never answered after Redis came back")
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    // No record was lost: none is reported unrecorded, and the restarted (empty) Redis holds the two kept while it was
    // down, then the paid call's, in order.
    expect(logged.filter((entry) => entry.message.includes("could not record an attempt"))).toEqual([])
    const reader = new Redis(redis!.url, { lazyConnect: true })
    await reader.connect()
    const records = (await reader.lrange("orch:cost:records", 0, -1)).map((row) => JSON.parse(row) as { readonly provider: string; readonly model: string; readonly outcome: string })
    await reader.quit()
    expect(records.map((record) => `${record.provider}/${record.model} ${record.outcome}`)).toEqual([
      "ollama/llama3.2:1b success", "ollama/llama3.2:1b success", "openai/gpt-4o-mini success"
    ])

    // Down again at shutdown: a record the ledger cannot take is logged, with its count, to onLog when the gateway
    // closes, never dropped silently nor printed.
    await redis!.halt({ kill: true })
    await client.chat.completions.create({ model: "orch/local-first", messages, max_tokens: 16 })
    await gateway!.close()
    const unwritten = logged.filter((entry) => entry.message.includes("before the ledger closed"))
    expect(unwritten.map((entry) => entry.level)).toEqual(["Error"])
    expect(unwritten[0]!.message).toContain("could not write 1 ledger record")
    for (const spy of printed) {
      expect(spy).not.toHaveBeenCalled()
      spy.mockRestore()
    }
  })
})
