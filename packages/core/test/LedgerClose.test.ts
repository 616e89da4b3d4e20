// The Promise API over a Redis ledger that is down when it is disposed (a real redis-server stopped): an attempt
// answered meanwhile is still listed, and its record, which the ledger could not take, is logged to onLog when the
// orchestrator is disposed, never printed nor dropped silently.
import { type RedisServer, redisTestsRun, startRedis } from "@orch/testing"
import { afterEach, describe, expect, it } from "vitest"
import { startSubstrate, type Substrate } from "./substrate.ts"

const runs = redisTestsRun("the orchestrator's ledger-close test")

describe.skipIf(!runs)("disposing an orchestrator whose Redis ledger is down", () => {
  let substrate: Substrate | undefined
  let redis: RedisServer | undefined
  afterEach(async () => {
    await substrate?.close()
    await redis?.stop()
  })

  it("lists the attempt, and logs the record it could not write to onLog, printing nothing", async () => {
    redis = await startRedis()
    substrate = await startSubstrate()
    const lines: Array<{ readonly level: string; readonly message: string }> = []
    const orchestrator = substrate.make({ ledger: { type: "redis", url: redis.url }, onLog: (entry) => lines.push(entry) })
    substrate.local.enqueue({ kind: "synth", text: "first" })
    expect((await orchestrator.complete("hi", { model: "ollama/llama3.2:1b" })).attempts).toHaveLength(1)
    await redis.halt({ kill: true })
    substrate.local.enqueue({ kind: "synth", text: "second" })
    const second = await orchestrator.complete("hi", { model: "ollama/llama3.2:1b" })
    expect(second.attempts.map((attempt) => attempt.outcome)).toEqual(["success"])

    const printed: Array<string> = []
    const write = process.stdout.write.bind(process.stdout)
    const writeErr = process.stderr.write.bind(process.stderr)
    const capture = (chunk: unknown) => { printed.push(String(chunk)); return true }
    process.stdout.write = capture as typeof process.stdout.write
    process.stderr.write = capture as typeof process.stderr.write
    try {
      await orchestrator.dispose()
    } finally {
      process.stdout.write = write
      process.stderr.write = writeErr
    }
    expect(printed).toEqual([])
    const unwritten = lines.filter((line) => line.message.includes("before the ledger closed"))
    expect(unwritten.map((line) => line.level)).toEqual(["Error"])
    expect(unwritten[0]!.message).toContain("could not write 1 ledger record")
    expect(lines.filter((line) => line.message.includes("could not record an attempt"))).toEqual([])
  })
})
