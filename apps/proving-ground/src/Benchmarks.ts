/**
 * The benchmarks, each measured side by side in one run: @orch against the same model called directly in memory,
 * against the official openai SDK over loopback HTTP (throughput, latency, first token), fallback timing, local
 * versus cloud latency, and (by running the packages' own bench scripts) hedging, race loser close and the
 * embedded model.
 */
import { createOrchestrator, type Orchestrator } from "@orch/core"
import { Effect } from "effect"
import OpenAI from "openai"
import { inMemoryModel, inMemoryProvider } from "./InMemoryModel.ts"
import { measure } from "./Measure.ts"
import { fixed, median, percentile } from "./Statistics.ts"
import { type Backend, canaryKey, closeBackends, orchestratorOver, startBackend } from "./Substrate.ts"

/** A row of figures for the report. */
export type Row = ReadonlyArray<string>

/** A titled table of figures with a note. */
export interface Table {
  readonly title: string
  readonly header: Row
  readonly rows: ReadonlyArray<Row>
  readonly note?: string
}

/** In-process overhead: `complete` through @orch versus the in-memory model's `generate` called directly. */
export const inProcessOverhead = async (rounds: number, calls: number): Promise<Table> => {
  const orchestrator = createOrchestrator({ providers: [inMemoryProvider], deadlineMs: 10_000 })
  const direct = () => Effect.runPromise(inMemoryModel.generate({ prompt: "hello" }))
  const through = () => orchestrator.complete("hello", { model: "memory/echo" })
  await measure(200, 1, direct)
  await measure(200, 1, through)
  const p50: Array<number> = []
  const p99: Array<number> = []
  const directP50: Array<number> = []
  for (let round = 0; round < rounds; round++) {
    const a = await measure(calls, 1, direct)
    const b = await measure(calls, 1, through)
    p50.push((percentile(b.latencies, 50) - percentile(a.latencies, 50)) * 1000)
    p99.push((percentile(b.latencies, 99) - percentile(a.latencies, 99)) * 1000)
    directP50.push(percentile(a.latencies, 50) * 1000)
  }
  await orchestrator.dispose()
  return {
    title: "In-process overhead (complete through @orch vs the in-memory model called directly)",
    header: ["calls × rounds", "direct p50 (µs)", "added p50 (µs)", "added p99 (µs)"],
    rows: [[`${calls} × ${rounds}`, fixed(median(directP50), 1), fixed(median(p50), 0), fixed(median(p99), 0)]],
    note: "Medians over the rounds. The added time includes routing, the strategy, the budget check, the ledger write and the Promise bridge."
  }
}

/** @orch (cloud_only over the openai provider) versus the openai SDK, both against one loopback server. */
export const httpOverhead = async (rounds: number, calls: number): Promise<ReadonlyArray<Table>> => {
  const backend = await startBackend("openai", { keepAlive: true })
  const server = backend.server!
  server.setDefault({ kind: "synth", text: "a short answer from the substrate" })
  const sdk = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: canaryKey, maxRetries: 0 })
  const orchestrator = orchestratorOver([backend], { deadlineMs: 30_000 })
  const messages = [{ role: "user" as const, content: "Say hello" }]
  const direct = () => sdk.chat.completions.create({ model: "gpt-4o-mini", messages })
  const through = () => orchestrator.complete("Say hello", { model: "openai/gpt-4o-mini" })
  const directStream = async () => {
    const start = performance.now()
    const stream = await sdk.chat.completions.create({ model: "gpt-4o-mini", messages, stream: true, stream_options: { include_usage: true } })
    let first = Number.NaN
    for await (const chunk of stream) if (Number.isNaN(first) && (chunk.choices[0]?.delta?.content ?? "") !== "") first = performance.now() - start
    return first
  }
  const throughStream = async () => {
    const start = performance.now()
    let first = Number.NaN
    for await (const delta of orchestrator.stream("Say hello", { model: "openai/gpt-4o-mini" })) if (Number.isNaN(first) && delta !== "") first = performance.now() - start
    return first
  }
  await measure(100, 4, direct)
  await measure(100, 4, through)
  const rows: Array<Row> = []
  const streamRows: Array<Row> = []
  for (const concurrency of [1, 16, 64]) {
    const ratio: Array<number> = []
    const added50: Array<number> = []
    const added99: Array<number> = []
    const ttft50: Array<number> = []
    const ttft99: Array<number> = []
    for (let round = 0; round < rounds; round++) {
      const a = await measure(calls, concurrency, direct)
      const b = await measure(calls, concurrency, through)
      ratio.push((calls / b.wallMs) / (calls / a.wallMs))
      added50.push(percentile(b.latencies, 50) - percentile(a.latencies, 50))
      added99.push(percentile(b.latencies, 99) - percentile(a.latencies, 99))
      const firstDirect: Array<number> = []
      const firstThrough: Array<number> = []
      await measure(Math.ceil(calls / 2), concurrency, async () => { firstDirect.push(await directStream()) })
      await measure(Math.ceil(calls / 2), concurrency, async () => { firstThrough.push(await throughStream()) })
      ttft50.push(percentile(firstThrough, 50) - percentile(firstDirect, 50))
      ttft99.push(percentile(firstThrough, 99) - percentile(firstDirect, 99))
    }
    rows.push([String(concurrency), fixed(median(ratio), 3), fixed(median(added50), 3), fixed(median(added99), 3)])
    streamRows.push([String(concurrency), fixed(median(ttft50), 3), fixed(median(ttft99), 3)])
  }
  await orchestrator.dispose()
  await closeBackends([backend])
  return [
    {
      title: `Over HTTP on loopback: @orch vs the openai SDK directly (${calls} calls per side per round, ${rounds} rounds, medians)`,
      header: ["concurrency", "throughput ratio", "added p50 (ms)", "added p99 (ms)"],
      rows,
      note: "Target: ratio ≥ 0.95 at every concurrency, added p99 < 0.5 ms at 64. The same server (keep-alive) serves both sides."
    },
    {
      title: "Time to first token in streams: @orch vs the openai SDK directly",
      header: ["concurrency", "added TTFT p50 (ms)", "added TTFT p99 (ms)"],
      rows: streamRows,
      note: "Target: first-token overhead < 0.5 ms."
    }
  ]
}

/** From a local server's failure to the cloud model's answer: the time added beyond the failure itself. */
export const fallbackTiming = async (calls: number): Promise<Table> => {
  const rows: Array<Row> = []
  const firstTokenMs = 200
  const cases: ReadonlyArray<{ name: string; refused?: boolean; local?: Parameters<NonNullable<Backend["server"]>["setDefault"]>[0]; failureMs: number }> = [
    { name: "refused", refused: true, failureMs: 0 },
    { name: "503", local: { kind: "fault", fault: "server-503" }, failureMs: 0 },
    { name: "first-token deadline missed", local: { kind: "synth", text: "too late", firstTokenDelayMs: 10_000 }, failureMs: firstTokenMs }
  ]
  for (const scenario of cases) {
    const local = await startBackend("ollama", { refused: scenario.refused ?? false })
    const cloud = await startBackend("openai")
    if (scenario.local !== undefined) local.server?.setDefault(scenario.local)
    cloud.server?.setDefault({ kind: "synth", text: "cloud answer" })
    const orchestrator: Orchestrator = orchestratorOver([local, cloud], { deadlineMs: 30_000, localFirstTokenMs: firstTokenMs })
    const cloudOnly: Orchestrator = orchestratorOver([cloud], { deadlineMs: 30_000 })
    await cloudOnly.complete("Say hello", { strategy: "cloud_only" })
    await orchestrator.complete("Say hello", { strategy: "local_first" })
    const baseline: Array<number> = []
    const fallback: Array<number> = []
    const localFailure: Array<number> = []
    for (let i = 0; i < calls; i++) {
      const startA = performance.now()
      await cloudOnly.complete("Say hello", { strategy: "cloud_only" })
      baseline.push(performance.now() - startA)
      const startB = performance.now()
      const response = await orchestrator.complete("Say hello", { strategy: "local_first" })
      fallback.push(performance.now() - startB)
      localFailure.push(response.attempts[0]?.latencyMs ?? 0)
    }
    await orchestrator.dispose()
    await cloudOnly.dispose()
    await closeBackends([local, cloud])
    rows.push([scenario.name, fixed(median(localFailure), 2), fixed(median(baseline), 2), fixed(median(fallback), 2), fixed(median(fallback) - median(baseline) - median(localFailure), 2)])
  }
  return {
    title: `Fallback timing: local_first with the local server failing, to the cloud model's answer (${calls} calls each, medians)`,
    header: ["local failure", "local attempt (ms, as @orch records it)", "cloud alone (ms)", "local_first total (ms)", "added beyond failure + cloud (ms)"],
    rows,
    note: `The first-token deadline was ${firstTokenMs} ms (localFirstTokenMs).`
  }
}

/** Local versus cloud latency as @orch reports them (attempt latency and first token) for the same prompt. */
export const localVersusCloud = async (calls: number): Promise<Table> => {
  const local = await startBackend("ollama")
  const cloud = await startBackend("openai")
  // The recorded timings: Ollama's first token after ~30 ms, ~12 ms per token; the cloud's after ~350 ms, ~8 ms per token.
  local.server?.setDefault({ kind: "synth", text: "The capital of France is Paris.", firstTokenDelayMs: 30, perTokenDelayMs: 12 })
  cloud.server?.setDefault({ kind: "synth", text: "The capital of France is Paris.", firstTokenDelayMs: 350, perTokenDelayMs: 8 })
  const orchestrator = orchestratorOver([local, cloud], { deadlineMs: 30_000 })
  const rows: Array<Row> = []
  for (const strategy of ["local_only", "cloud_only"]) {
    const latency: Array<number> = []
    const first: Array<number> = []
    for (let i = 0; i < calls; i++) {
      const stream = orchestrator.stream("What is the capital of France?", { strategy })
      for await (const _ of stream) { /* drain */ }
      const response = await stream.response
      latency.push(response.latencyMs)
      first.push(response.firstTokenMs ?? Number.NaN)
    }
    rows.push([strategy, fixed(median(first), 1), fixed(median(latency), 1)])
  }
  await orchestrator.dispose()
  await closeBackends([local, cloud])
  return {
    title: `Local vs cloud latency as @orch reports them (${calls} streamed calls each, medians)`,
    header: ["strategy", "first token (ms)", "latency (ms)"],
    rows,
    note: "Substrate pacing: local first token 30 ms then 12 ms/token; cloud first token 350 ms then 8 ms/token (typical of the recordings in fixtures/wire)."
  }
}
