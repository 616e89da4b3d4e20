// The orchestrator's added cost: `complete` through @orch (AUTO: classification, routing, budget reservation and
// settlement, in-memory ledger, spans) versus the same provider model called directly, against the same loopback
// server, side by side in one run. Also: the cost of tracing with no exporter (spans on versus off), in-process.
// Run: node --conditions=@orch/source packages/core/bench/orchestrator.ts [requests per round] [rounds]
import type { Completion, LanguageModel, StreamPart } from "@orch/provider"
import { makeLocalProvider } from "@orch/providers-local"
import { startWireServer } from "@orch/testing"
import { Effect, Stream } from "effect"
import { createOrchestrator, ModelOrchestrator } from "../src/index.ts"

const perRound = Number(process.argv[2] ?? 2_000)
const rounds = Number(process.argv[3] ?? 3)
const percentile = (sorted: ReadonlyArray<number>, p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN
const median = (xs: ReadonlyArray<number>) => percentile([...xs].sort((a, b) => a - b), 0.5)

/** Run `total` calls at `concurrency`; throughput in calls/s and the sorted latencies in ms. */
const load = async (total: number, concurrency: number, call: () => Promise<unknown>) => {
  const latencies: Array<number> = []
  let next = 0
  const started = performance.now()
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      next++
      const t = performance.now()
      await call()
      latencies.push(performance.now() - t)
    }
  }))
  const seconds = (performance.now() - started) / 1000
  return { throughput: total / seconds, latencies: latencies.sort((a, b) => a - b) }
}

const server = await startWireServer({ models: ["llama3.2:1b"], loadedModels: ["llama3.2:1b"], keepAlive: true })
server.setDefault({ kind: "synth", text: "four short words here", usage: { inputTokens: 12, outputTokens: 4 } })
const provider = await Effect.runPromise(makeLocalProvider({ ollama: { host: server.url } }))
const direct = await Effect.runPromise(provider.model("ollama/llama3.2:1b"))
const orchestrator = createOrchestrator({ providers: [provider], deadlineMs: 30_000, budgetUsd: 1_000 })
const prompt = "Summarize the following meeting notes in two sentences: the team agreed to ship on Friday."
const callDirect = () => Effect.runPromise(direct.generate({ prompt }))
const callOrch = () => orchestrator.complete(prompt)
// Warm up both paths (JIT, connection setup, the catalog cache).
await load(300, 8, callDirect)
await load(300, 8, callOrch)

console.log(`@orch core benchmark: ${perRound} requests a round, ${rounds} rounds, medians of rounds; loopback Ollama wire server`)
console.log("concurrency | direct req/s | @orch req/s | ratio | direct p50/p99 ms | @orch p50/p99 ms | added p50/p99 ms")
for (const concurrency of [1, 64]) {
  const rows: Array<{ ratio: number; dThr: number; oThr: number; d50: number; d99: number; o50: number; o99: number }> = []
  for (let round = 0; round < rounds; round++) {
    const d = await load(perRound, concurrency, callDirect)
    const o = await load(perRound, concurrency, callOrch)
    rows.push({ ratio: o.throughput / d.throughput, dThr: d.throughput, oThr: o.throughput, d50: percentile(d.latencies, 0.5), d99: percentile(d.latencies, 0.99), o50: percentile(o.latencies, 0.5), o99: percentile(o.latencies, 0.99) })
  }
  const m = (key: keyof (typeof rows)[number]) => median(rows.map((r) => r[key]))
  console.log(`${String(concurrency).padStart(11)} | ${m("dThr").toFixed(0).padStart(12)} | ${m("oThr").toFixed(0).padStart(11)} | ${m("ratio").toFixed(3)} | ${m("d50").toFixed(2)} / ${m("d99").toFixed(2)} | ${m("o50").toFixed(2)} / ${m("o99").toFixed(2)} | ${(m("o50") - m("d50")).toFixed(2)} / ${(m("o99") - m("d99")).toFixed(2)}`)
}
await orchestrator.dispose()
await server.close()

// Tracing with no exporter: the same in-memory call through the orchestrator with spans on and off.
const completion: Completion = { text: "ok", finishReason: "stop", usage: { inputTokens: 1, outputTokens: 1, estimated: false }, provider: "memory", model: "m", timings: { totalMs: 0 } }
const parts: ReadonlyArray<StreamPart> = [{ type: "text-start" }, { type: "text-delta", delta: "ok" }, { type: "text-end" }, { type: "finish", finishReason: "stop", usage: completion.usage, provider: "memory", model: "m", timings: { totalMs: 0 } }]
const memory: LanguageModel = { id: "memory/m", provider: "memory", name: "m", kind: "local", generate: () => Effect.succeed(completion), stream: () => Stream.fromIterable(parts) }
const memoryProvider = { name: "memory", kind: "local" as const, isAvailable: Effect.succeed({ available: true }), listModels: Effect.succeed([{ id: "memory/m", name: "m", provider: "memory", kind: "local" as const }]), model: () => Effect.succeed(memory) }
const calls = 20_000
const inProcess = (tracer: boolean) => Effect.gen(function*() {
  const o = yield* ModelOrchestrator
  const samples: Array<number> = []
  for (let i = 0; i < calls; i++) {
    const t = performance.now()
    yield* (tracer ? o.complete("hello", { taskType: "general" }) : Effect.withTracerEnabled(o.complete("hello", { taskType: "general" }), false))
    samples.push(performance.now() - t)
  }
  samples.sort((a, b) => a - b)
  const t = performance.now()
  for (let i = 0; i < calls; i++) yield* memory.generate({ prompt: "hello" })
  const directUs = ((performance.now() - t) / calls) * 1000
  return { p50: percentile(samples, 0.5) * 1000, p99: percentile(samples, 0.99) * 1000, directUs }
}).pipe(Effect.provide(ModelOrchestrator.layer({ providers: [memoryProvider] })))
const on: Array<{ p50: number; p99: number; directUs: number }> = []
const off: Array<{ p50: number; p99: number; directUs: number }> = []
for (let round = 0; round < rounds; round++) {
  on.push(await Effect.runPromise(inProcess(true)))
  off.push(await Effect.runPromise(inProcess(false)))
}
console.log(`in-process, ${calls} calls x ${rounds} rounds (medians): direct model ${median(on.map((r) => r.directUs)).toFixed(2)} µs/call`)
console.log(`  @orch with spans (no exporter): p50 ${median(on.map((r) => r.p50)).toFixed(1)} µs, p99 ${median(on.map((r) => r.p99)).toFixed(1)} µs`)
console.log(`  @orch with tracing disabled:    p50 ${median(off.map((r) => r.p50)).toFixed(1)} µs, p99 ${median(off.map((r) => r.p99)).toFixed(1)} µs`)
