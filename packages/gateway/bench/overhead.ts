// What the gateway adds: the official OpenAI SDK calling the upstream directly vs through the gateway, same
// upstream (the loopback wire server answering as OpenAI, in a process of its own), the gateway in a process of its
// own. Prints added latency p50/p99 at concurrency 1, throughput ratios at concurrency 1, 16 and 64, and the
// streaming time to first token added. Ratios come from one run with direct and gateway calls interleaved.
//   node --conditions=@orch/source packages/gateway/bench/overhead.ts [--requests 400] [--rounds 3]
import { type ChildProcess, spawn } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import { createOrchestrator } from "@orch/core"
import { makeCloudProvider } from "@orch/providers-cloud"
import OpenAI from "openai"

const { values } = parseArgs({ options: { requests: { type: "string", default: "400" }, rounds: { type: "string", default: "3" } } })
const requests = Number(values.requests)
const rounds = Number(values.rounds)
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

const start = (script: string, args: ReadonlyArray<string> = []): Promise<{ readonly child: ChildProcess; readonly url: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=@orch/source", script, ...args], { cwd: packageDir, stdio: ["ignore", "pipe", "inherit"] })
    let out = ""
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString()
      const match = /^listening (\S+)$/m.exec(out)
      if (match !== null) resolve({ child, url: match[1]! })
    })
    child.once("exit", (code) => reject(new Error(`${script} exited (${code})`)))
  })

const upstream = await start("scripts/upstream-process.ts")
const gateway = await start("scripts/gateway-process.ts", [JSON.stringify({ openaiBaseUrl: `${upstream.url}/v1` })])

/** CPU time (user + system) a child process has used, in ms, from /proc (Linux). */
const childCpuMs = (child: ChildProcess): number => {
  const fields = fs.readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1]!.split(" ")
  return (Number(fields[11]) + Number(fields[12])) * 1000 / 100
}
const ownCpuMs = (): number => {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1000
}

interface Target { readonly name: string; readonly client: OpenAI; readonly model: string }
const direct: Target = { name: "direct", client: new OpenAI({ baseURL: `${upstream.url}/v1`, apiKey: "sk-bench", maxRetries: 0 }), model: "gpt-4o-mini" }
const viaGateway: Target = { name: "gateway", client: new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "none", maxRetries: 0 }), model: "openai/gpt-4o-mini" }
const messages = [{ role: "user" as const, content: "Say something short." }]
// The orchestrator in this process, over the same upstream: its call alone, without the gateway's HTTP layer.
const orchestrator = createOrchestrator({ providers: [makeCloudProvider({ openai: { apiKey: "sk-bench", baseUrl: `${upstream.url}/v1` } })], cloudRetries: 0 })
const orchestrated: Target = { name: "orchestrator", client: direct.client, model: "openai/gpt-4o-mini" }
const completeOrchestrated = async (): Promise<void> => {
  await orchestrator.complete(messages, { model: orchestrated.model, taskType: "general", maxTokens: 32 })
}

const complete = async (target: Target): Promise<void> => {
  await target.client.chat.completions.create({ model: target.model, messages, max_tokens: 32 })
}
/** Milliseconds to the first content chunk of a streamed call (the stream is read to its end). */
const firstToken = async (target: Target): Promise<number> => {
  const started = performance.now()
  let first = Number.NaN
  const stream = await target.client.chat.completions.create({ model: target.model, messages, max_tokens: 32, stream: true })
  for await (const chunk of stream) {
    if (Number.isNaN(first) && (chunk.choices[0]?.delta.content ?? "") !== "") first = performance.now() - started
  }
  return first
}

/** Each call's latency, one after another. */
const latencies = async (target: Target, count: number, call: (t: Target) => Promise<number | void>): Promise<Array<number>> => {
  const out: Array<number> = []
  for (let i = 0; i < count; i++) {
    const started = performance.now()
    const measured = await call(target)
    out.push(typeof measured === "number" ? measured : performance.now() - started)
  }
  return out
}
/** Calls per second with `concurrency` callers sharing `count` calls. */
const throughput = async (target: Target, count: number, concurrency: number): Promise<number> => {
  let next = 0
  const started = performance.now()
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      next++
      await complete(target)
    }
  }))
  return count / ((performance.now() - started) / 1000)
}

const percentile = (values: ReadonlyArray<number>, p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}
const median = (values: ReadonlyArray<number>): number => percentile(values, 50)

try {
  // Warm-up: connections, JIT, the gateway's model catalog and tokenizer.
  for (const target of [direct, viaGateway]) await latencies(target, 100, complete)
  await latencies(orchestrated, 100, completeOrchestrated)

  // Latency and time to first token: direct and gateway calls alternate one by one, so the machine's load (other
  // processes share these 2 cores) falls on both alike. Throughput: blocks alternate, and each pair gives a ratio.
  const samples = { direct: [] as Array<number>, gateway: [] as Array<number>, orchestrator: [] as Array<number>, ttftDirect: [] as Array<number>, ttftGateway: [] as Array<number> }
  const ratios: Record<number, Array<number>> = { 1: [], 16: [], 64: [] }
  const rates: Record<number, { direct: Array<number>; gateway: Array<number> }> = { 1: { direct: [], gateway: [] }, 16: { direct: [], gateway: [] }, 64: { direct: [], gateway: [] } }
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < requests; i++) {
      samples.direct.push(...await latencies(direct, 1, complete))
      samples.gateway.push(...await latencies(viaGateway, 1, complete))
      samples.orchestrator.push(...await latencies(orchestrated, 1, completeOrchestrated))
    }
    for (let i = 0; i < Math.ceil(requests / 2); i++) {
      samples.ttftDirect.push(...await latencies(direct, 1, firstToken))
      samples.ttftGateway.push(...await latencies(viaGateway, 1, firstToken))
    }
    for (const concurrency of [1, 16, 64]) {
      const d = await throughput(direct, requests, concurrency)
      const g = await throughput(viaGateway, requests, concurrency)
      rates[concurrency]!.direct.push(d)
      rates[concurrency]!.gateway.push(g)
      ratios[concurrency]!.push(g / d)
    }
  }
  // CPU per call of each process, which scheduling noise does not change: what a call costs the machine directly and
  // through the gateway. On 2 shared cores, throughput at saturation goes as the inverse of the total.
  const cpuPerCall = async (target: Target): Promise<{ readonly client: number; readonly gateway: number; readonly upstream: number }> => {
    const before = { client: ownCpuMs(), gateway: childCpuMs(gateway.child), upstream: childCpuMs(upstream.child) }
    await throughput(target, requests * 2, 16)
    const calls = requests * 2
    return {
      client: (ownCpuMs() - before.client) / calls,
      gateway: (childCpuMs(gateway.child) - before.gateway) / calls,
      upstream: (childCpuMs(upstream.child) - before.upstream) / calls
    }
  }
  const cpuDirect = await cpuPerCall(direct)
  const cpuGateway = await cpuPerCall(viaGateway)
  const totalDirect = cpuDirect.client + cpuDirect.upstream
  const totalGateway = cpuGateway.client + cpuGateway.gateway + cpuGateway.upstream
  const fmt = (ms: number) => `${ms.toFixed(3)} ms`
  const lines = [
    `gateway overhead: ${rounds} rounds x ${requests} calls per measurement, direct and gateway interleaved call by call (latency) or block by block (throughput); client, gateway and upstream are separate processes on this machine`,
    `latency c=1   direct p50 ${fmt(percentile(samples.direct, 50))} p99 ${fmt(percentile(samples.direct, 99))} | gateway p50 ${fmt(percentile(samples.gateway, 50))} p99 ${fmt(percentile(samples.gateway, 99))}`,
    `added latency p50 ${fmt(percentile(samples.gateway, 50) - percentile(samples.direct, 50))}   p99 ${fmt(percentile(samples.gateway, 99) - percentile(samples.direct, 99))}   (target: p50 under 0.5 ms)`,
    `of which the orchestrator call (in-process, same upstream, p50 ${fmt(percentile(samples.orchestrator, 50))}) adds ${fmt(percentile(samples.orchestrator, 50) - percentile(samples.direct, 50))} and the gateway's HTTP layer ${fmt(percentile(samples.gateway, 50) - percentile(samples.orchestrator, 50))}`,
    `streaming TTFT direct p50 ${fmt(percentile(samples.ttftDirect, 50))} | gateway p50 ${fmt(percentile(samples.ttftGateway, 50))} | added p50 ${fmt(percentile(samples.ttftGateway, 50) - percentile(samples.ttftDirect, 50))} p99 ${fmt(percentile(samples.ttftGateway, 99) - percentile(samples.ttftDirect, 99))}`,
    ...[1, 16, 64].map((c) => {
      const d = median(rates[c]!.direct)
      const g = median(rates[c]!.gateway)
      return `throughput c=${String(c).padEnd(2)} direct ${d.toFixed(0)} calls/s | gateway ${g.toFixed(0)} calls/s | ratio ${median(ratios[c]!).toFixed(2)}x (median of ${rounds} paired blocks)${c === 64 ? "   (target: at least 0.80x)" : ""}`
    }),
    `CPU per call (c=16): direct client ${fmt(cpuDirect.client)} + upstream ${fmt(cpuDirect.upstream)} = ${fmt(totalDirect)} | through the gateway: client ${fmt(cpuGateway.client)} + gateway ${fmt(cpuGateway.gateway)} + upstream ${fmt(cpuGateway.upstream)} = ${fmt(totalGateway)} | CPU-bound throughput ratio ${(totalDirect / totalGateway).toFixed(2)}x`,
    `load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} on ${os.availableParallelism()} cores`
  ]
  process.stdout.write(`${lines.join("\n")}\n`)
} finally {
  await orchestrator.dispose()
  gateway.child.kill("SIGTERM")
  upstream.child.kill("SIGTERM")
}
