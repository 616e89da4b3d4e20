/**
 * The peer benchmark of issue #18: @orch side by side with the raw `openai` SDK (the limit) and the Vercel AI SDK,
 * against one OpenAI-style upstream in a separate process (`PeerUpstream.ts`), at concurrency 1, 16 and 64, in
 * interleaved rounds; then the in-process figures over an in-memory model (added time, per-chunk overhead, heap over
 * 100,000 calls) and the event-loop block of a 1,000-call burst.
 *
 * Run: `node --expose-gc --conditions=@orch/source apps/proving-ground/src/PeerBench.ts [--quick] [--peers |
 * --in-process]` (`PEER_CALLS` and `PEER_ROUNDS` set the calls per client per round and the rounds). It prints
 * markdown tables; every figure is a ratio to the raw SDK or a difference from the model called directly.
 */
import { createOpenAI } from "@ai-sdk/openai"
import { createOrchestrator, type Orchestrator } from "@orch/core"
import type { CompletionRequest, LanguageModel, Provider, StreamPart } from "@orch/provider"
import { makeCloudProvider } from "@orch/providers-cloud"
import { generateText, streamText } from "ai"
import { Effect, Stream } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import * as path from "node:path"
import { monitorEventLoopDelay } from "node:perf_hooks"
import { fileURLToPath } from "node:url"
import OpenAI from "openai"
import { measure } from "./Measure.ts"
import { fixed, median, percentile } from "./Statistics.ts"

const quick = process.argv.includes("--quick")
const say = (line: string) => process.stdout.write(`${line}\n`)
const apiKey = "sk-peer-bench-not-a-secret"
const prompt = "What is the capital of France?"
const modelName = "gpt-4o-mini"

/** Start the upstream in its own process and return its URL and a stopper. */
const startUpstream = (chunks: number): Promise<{ readonly url: string; readonly child: ChildProcess }> =>
  new Promise((resolve, reject) => {
    const file = path.join(path.dirname(fileURLToPath(import.meta.url)), "PeerUpstream.ts")
    const child = spawn(process.execPath, [file, String(chunks)], { stdio: ["ignore", "pipe", "inherit"] })
    let buffered = ""
    child.stdout!.on("data", (piece: Buffer) => {
      buffered += piece.toString("utf8")
      const line = buffered.split("\n")[0]
      if (buffered.includes("\n") && line !== undefined) resolve({ url: line.trim(), child })
    })
    child.on("error", reject)
  })

/** A client under test: one non-streamed call, and one streamed call that returns its time to first text. */
interface Client {
  readonly name: string
  readonly call: () => Promise<unknown>
  readonly stream: () => Promise<number>
  readonly close?: () => Promise<void>
}

const rawClient = (url: string): Client => {
  const sdk = new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0 })
  const messages = [{ role: "user" as const, content: prompt }]
  return {
    name: "raw openai SDK",
    call: () => sdk.chat.completions.create({ model: modelName, messages }),
    stream: async () => {
      const start = performance.now()
      const stream = await sdk.chat.completions.create({ model: modelName, messages, stream: true, stream_options: { include_usage: true } })
      let first = Number.NaN
      for await (const chunk of stream) if (Number.isNaN(first) && (chunk.choices[0]?.delta?.content ?? "") !== "") first = performance.now() - start
      return first
    }
  }
}

const aiSdkClient = (url: string): Client => {
  const provider = createOpenAI({ baseURL: `${url}/v1`, apiKey })
  const model = provider.chat(modelName)
  return {
    name: "Vercel AI SDK",
    call: () => generateText({ model, prompt, maxRetries: 0 }),
    stream: async () => {
      const start = performance.now()
      const result = streamText({ model, prompt, maxRetries: 0 })
      let first = Number.NaN
      for await (const delta of result.textStream) if (Number.isNaN(first) && delta !== "") first = performance.now() - start
      return first
    }
  }
}

const orchClient = (name: string, orchestrator: Orchestrator, options: Parameters<Orchestrator["complete"]>[1]): Client => ({
  name,
  call: () => orchestrator.complete(prompt, options),
  stream: async () => {
    const start = performance.now()
    let first = Number.NaN
    for await (const delta of orchestrator.stream(prompt, options)) if (Number.isNaN(first) && delta !== "") first = performance.now() - start
    return first
  },
  close: () => orchestrator.dispose()
})

/** First-token times of `count` streams at a concurrency. */
const measureStreams = async (count: number, concurrency: number, stream: () => Promise<number>): Promise<Array<number>> => {
  const firsts: Array<number> = []
  await measure(count, concurrency, async () => { firsts.push(await stream()) })
  return firsts
}

interface Figures { throughput: Array<number>; p50: Array<number>; p99: Array<number>; ttft50: Array<number>; cpu: Array<number> }

const peers = async (rounds: number, calls: number): Promise<void> => {
  const upstream = await startUpstream(8)
  const cloud = () => makeCloudProvider({ openai: { apiKey, baseUrl: `${upstream.url}/v1` } })
  const clients: ReadonlyArray<Client> = [
    rawClient(upstream.url),
    aiSdkClient(upstream.url),
    orchClient("@orch named model", createOrchestrator({ providers: [cloud()], deadlineMs: 60_000 }), { model: `openai/${modelName}` }),
    orchClient("@orch AUTO", createOrchestrator({ providers: [cloud()], deadlineMs: 60_000 }), {}),
    orchClient("@orch two-model fallback", createOrchestrator({ providers: [cloud()], deadlineMs: 60_000 }), { strategy: "cloud_only", models: [`openai/${modelName}`, "openai/gpt-4.1-mini"] })
  ]
  for (const client of clients) {
    await measure(200, 8, client.call)
    await measureStreams(100, 8, client.stream)
  }
  say(`Upstream: OpenAI-style server in its own process (8 text chunks a stream), keep-alive. ${calls} calls per client per round, ${rounds} rounds interleaved; medians of the rounds. Ratios are to the raw openai SDK (throughput: higher is better; latency, TTFT and CPU: lower is better).`)
  say("")
  for (const concurrency of [1, 16, 64]) {
    const figures = new Map<string, Figures>(clients.map((c) => [c.name, { throughput: [], p50: [], p99: [], ttft50: [], cpu: [] }]))
    for (let round = 0; round < rounds; round++) {
      for (const client of clients) {
        const m = await measure(calls, concurrency, client.call)
        const f = figures.get(client.name)!
        f.throughput.push(calls / m.wallMs * 1000)
        f.p50.push(percentile(m.latencies, 50))
        f.p99.push(percentile(m.latencies, 99))
        f.cpu.push(m.cpuUs / calls)
        f.ttft50.push(percentile(await measureStreams(Math.ceil(calls / 2), concurrency, client.stream), 50))
      }
    }
    const raw = figures.get(clients[0]!.name)!
    const base = { throughput: median(raw.throughput), p50: median(raw.p50), p99: median(raw.p99), ttft50: median(raw.ttft50), cpu: median(raw.cpu) }
    say(`### Concurrency ${concurrency} (raw SDK: ${fixed(base.throughput, 0)} calls/s, p50 ${fixed(base.p50, 3)} ms, p99 ${fixed(base.p99, 3)} ms, TTFT p50 ${fixed(base.ttft50, 3)} ms, CPU ${fixed(base.cpu, 0)} µs/call)`)
    say("")
    say("| client | throughput | p50 | p99 | stream TTFT p50 | TTFT added p50 (ms) | client CPU per call |")
    say("| --- | --- | --- | --- | --- | --- | --- |")
    for (const client of clients) {
      const f = figures.get(client.name)!
      say(`| ${client.name} | ${fixed(median(f.throughput) / base.throughput, 3)} | ${fixed(median(f.p50) / base.p50, 2)} | ${fixed(median(f.p99) / base.p99, 2)} | ${fixed(median(f.ttft50) / base.ttft50, 2)} | ${fixed(median(f.ttft50) - base.ttft50, 3)} | ${fixed(median(f.cpu) / base.cpu, 2)} |`)
    }
    say("")
  }
  say("### A burst of 1,000 concurrent calls: the longest event-loop block (ms, median of rounds)")
  say("")
  say("| client | longest block | vs raw SDK |")
  say("| --- | --- | --- |")
  const blocks = new Map<string, Array<number>>(clients.map((c) => [c.name, []]))
  for (let round = 0; round < rounds; round++) {
    for (const client of clients) {
      const histogram = monitorEventLoopDelay({ resolution: 1 })
      histogram.enable()
      await Promise.all(Array.from({ length: 1000 }, () => client.call()))
      histogram.disable()
      blocks.get(client.name)!.push(histogram.max / 1e6)
    }
  }
  const rawBlock = median(blocks.get(clients[0]!.name)!)
  for (const client of clients) say(`| ${client.name} | ${fixed(median(blocks.get(client.name)!), 1)} | ${fixed(median(blocks.get(client.name)!) / rawBlock, 2)} |`)
  say("")
  for (const client of clients) await client.close?.()
  upstream.child.kill("SIGTERM")
}

/** An in-memory model that streams `chunks` text deltas at once. */
const chunkyModel = (chunks: number): LanguageModel => {
  const usage = { inputTokens: 2, outputTokens: chunks, estimated: false }
  const parts: ReadonlyArray<StreamPart> = [
    { type: "text-start" },
    ...Array.from({ length: chunks }, (_, i): StreamPart => ({ type: "text-delta", delta: `w${i} ` })),
    { type: "text-end" },
    { type: "finish", finishReason: "stop", usage, provider: "memory", model: `chunks${chunks}`, timings: { totalMs: 0 } }
  ]
  const name = `chunks${chunks}`
  return {
    id: `memory/${name}`, provider: "memory", name, kind: "local",
    info: { id: `memory/${name}`, name, provider: "memory", kind: "local", loaded: true, pricing: { inputPerMillion: 0, outputPerMillion: 0 } },
    generate: (_request: CompletionRequest) =>
      Effect.succeed({ text: "in memory answer", finishReason: "stop", usage, provider: "memory", model: name, timings: { totalMs: 0 } }),
    stream: (_request: CompletionRequest) => Stream.fromIterable(parts)
  }
}

const memoryProvider = (models: ReadonlyArray<LanguageModel>): Provider => ({
  name: "memory",
  kind: "local",
  isAvailable: Effect.succeed({ available: true }),
  listModels: Effect.succeed(models.map((m) => m.info!)),
  model: (id) => {
    const found = models.find((m) => m.id === id)
    return found !== undefined ? Effect.succeed(found) : Effect.die(new Error(`no model ${id}`))
  }
})

const timeStreams = async (count: number, run: () => Promise<void>): Promise<number> => {
  const start = performance.now()
  for (let i = 0; i < count; i++) await run()
  return (performance.now() - start) / count
}

const inProcess = async (rounds: number, calls: number): Promise<void> => {
  const one = chunkyModel(1)
  const many = chunkyModel(1000)
  const orchestrator = createOrchestrator({ providers: [memoryProvider([one, many])], deadlineMs: 60_000 })
  const direct = () => Effect.runPromise(one.generate({ prompt }))
  const through = () => orchestrator.complete(prompt, { model: one.id })
  await measure(2000, 1, direct)
  await measure(2000, 1, through)
  const added50: Array<number> = []
  const added99: Array<number> = []
  for (let round = 0; round < rounds; round++) {
    const a = await measure(calls, 1, direct)
    const b = await measure(calls, 1, through)
    added50.push((percentile(b.latencies, 50) - percentile(a.latencies, 50)) * 1000)
    added99.push((percentile(b.latencies, 99) - percentile(a.latencies, 99)) * 1000)
  }
  say("### In-process: `complete` with a named in-memory model vs the model's `generate` run directly")
  say("")
  say(`| calls × rounds | added p50 (µs) | added p99 (µs) |`)
  say("| --- | --- | --- |")
  say(`| ${calls} × ${rounds} | ${fixed(median(added50), 1)} | ${fixed(median(added99), 1)} |`)
  say("")

  const directStream = (model: LanguageModel) => async () => { for await (const _ of Stream.toAsyncIterable(model.stream({ prompt }))) { /* consume */ } }
  const orchStream = (model: LanguageModel) => async () => { for await (const _ of orchestrator.stream(prompt, { model: model.id })) { /* consume */ } }
  const perChunk: Array<number> = []
  const perChunkDirect: Array<number> = []
  const streamCalls = quick ? 20 : 60
  await timeStreams(20, orchStream(many))
  await timeStreams(20, directStream(many))
  for (let round = 0; round < rounds; round++) {
    const d1 = await timeStreams(streamCalls * 10, directStream(one))
    const dn = await timeStreams(streamCalls, directStream(many))
    const o1 = await timeStreams(streamCalls * 10, orchStream(one))
    const on = await timeStreams(streamCalls, orchStream(many))
    const direct = (dn - d1) / 999
    perChunkDirect.push(direct * 1000)
    perChunk.push(((on - o1) / 999 - direct) * 1000)
  }
  say("### Per-chunk overhead: a 1,000-chunk in-memory stream through `stream` vs the model's stream iterated directly")
  say("")
  say("| direct per chunk (µs) | added per chunk by @orch (µs) |")
  say("| --- | --- |")
  say(`| ${fixed(median(perChunkDirect), 2)} | ${fixed(median(perChunk), 2)} |`)
  say("")

  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) {
    say("Heap: run with `node --expose-gc` for the heap figure.")
  } else {
    const total = quick ? 20_000 : 100_000
    for (let i = 0; i < 10_000; i++) await through()
    gc()
    const before = process.memoryUsage().heapUsed
    const marks: Array<string> = []
    for (let i = 1; i <= total; i++) {
      await through()
      if (i % (total / 4) === 0) {
        gc()
        marks.push(`${fixed((process.memoryUsage().heapUsed - before) / 1_048_576, 1)} MB after ${i}`)
      }
    }
    gc()
    const growth = process.memoryUsage().heapUsed - before
    say(`### Heap over ${total.toLocaleString("en")} calls (in-memory model, in-memory ledger, after 10,000 warm-up calls)`)
    say("")
    say(`Growth ${fixed(growth / 1_048_576, 1)} MB, ${fixed(growth / total, 0)} bytes per call (${marks.join(", ")}).`)
    say("")
  }
  await orchestrator.dispose()
}

const main = async () => {
  const knobs = ["PEER_CALLS", "PEER_ROUNDS"].flatMap((k) => (process.env[k] !== undefined ? [`${k}=${process.env[k]} `] : [])).join("")
  say(`Node ${process.version}, ${process.platform}/${process.arch}; command: \`${knobs}node --expose-gc --conditions=@orch/source apps/proving-ground/src/PeerBench.ts${process.argv.slice(2).map((a) => ` ${a}`).join("")}\``)
  say("")
  const only = process.argv.find((a) => a === "--peers" || a === "--in-process")
  const rounds = Number(process.env["PEER_ROUNDS"] ?? (quick ? 2 : 3))
  const calls = Number(process.env["PEER_CALLS"] ?? (quick ? 300 : 1000))
  if (only !== "--in-process") await peers(rounds, calls)
  if (only !== "--peers") await inProcess(quick ? 3 : 5, quick ? 2000 : 5000)
}

await main()
