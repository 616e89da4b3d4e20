// What the gateway adds: the official OpenAI SDK calling the upstream directly vs through the gateway, same
// upstream (the loopback wire server answering as OpenAI, in a process of its own), the gateway in a process of its
// own. Prints added latency p50/p99 at concurrency 1, throughput ratios at concurrency 1, 16 and 64, the streaming
// time to first token added, and the CPU each process spends per call. Ratios come from one run with the targets'
// calls interleaved.
//
// Two reference lines run beside the gateway, over the same upstream: a bare node:http pass-through proxy
// (scripts/reference-proxy-process.ts), the floor of any proxy hop on this machine (a second HTTP server and client
// on the same cores), and a minimal JSON hop (scripts/reference-json-process.ts) that parses the request, posts a
// chat request of its own and writes an OpenAI body from the answer, the floor of any gateway that reads what passes
// through. The gateway's figures read against them say what its routing, strategies, budgets and ledger add.
//
//   node --conditions=@orch/source packages/gateway/bench/overhead.ts [--requests 300] [--rounds 3]
//   node --conditions=@orch/source packages/gateway/bench/overhead.ts --profile [--requests 300] [--rounds 3]
// --profile runs the gateway under the V8 CPU profiler instead, drives rounds x requests x 4 calls through it at
// concurrency 16, and prints where its process spends its CPU per call, layer by layer (bench/ProfileSplit.ts),
// scaled to the CPU per call of a second gateway run without the profiler.
import { type ChildProcess, spawn } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import { createOrchestrator } from "@orch/core"
import { makeCloudProvider } from "@orch/providers-cloud"
import OpenAI from "openai"
import { layers, profileSplit } from "./ProfileSplit.ts"

const { values } = parseArgs({ options: { requests: { type: "string", default: "300" }, rounds: { type: "string", default: "3" }, profile: { type: "boolean", default: false } } })
const requests = Number(values.requests)
const rounds = Number(values.rounds)
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const profileDir = values.profile ? fs.mkdtempSync(path.join(os.tmpdir(), "orch-gateway-profile-")) : undefined

const start = (script: string, args: ReadonlyArray<string> = [], nodeArgs: ReadonlyArray<string> = []): Promise<{ readonly child: ChildProcess; readonly url: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, "--conditions=@orch/source", script, ...args], { cwd: packageDir, stdio: ["ignore", "pipe", "inherit"] })
    let out = ""
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString()
      const match = /^listening (\S+)$/m.exec(out)
      if (match !== null) resolve({ child, url: match[1]! })
    })
    child.once("exit", (code) => reject(new Error(`${script} exited (${code})`)))
  })
const stopped = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once("exit", () => resolve())
    child.kill("SIGTERM")
  })

const upstream = await start("scripts/upstream-process.ts")
const gateway = await start("scripts/gateway-process.ts", [JSON.stringify({ openaiBaseUrl: `${upstream.url}/v1` })],
  profileDir !== undefined ? ["--cpu-prof", "--cpu-prof-interval", "250", "--cpu-prof-dir", profileDir] : [])
const proxy = await start("scripts/reference-proxy-process.ts", [upstream.url])
const jsonHop = await start("scripts/reference-json-process.ts", [upstream.url])

/** CPU time (user + system) a child process has used, in ms, from /proc (Linux). */
const childCpuMs = (child: ChildProcess): number => {
  const fields = fs.readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1]!.split(" ")
  return (Number(fields[11]) + Number(fields[12])) * 1000 / 100
}
const ownCpuMs = (): number => {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1000
}

interface Target { readonly name: string; readonly client: OpenAI; readonly model: string; readonly hop?: ChildProcess }
const direct: Target = { name: "direct", client: new OpenAI({ baseURL: `${upstream.url}/v1`, apiKey: "sk-bench", maxRetries: 0 }), model: "gpt-4o-mini" }
const viaProxy: Target = { name: "proxy", client: new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "sk-bench", maxRetries: 0 }), model: "gpt-4o-mini", hop: proxy.child }
const viaJson: Target = { name: "json", client: new OpenAI({ baseURL: `${jsonHop.url}/v1`, apiKey: "sk-bench", maxRetries: 0 }), model: "openai/gpt-4o-mini", hop: jsonHop.child }
const viaGateway: Target = { name: "gateway", client: new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "none", maxRetries: 0 }), model: "openai/gpt-4o-mini", hop: gateway.child }
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
const fmt = (ms: number) => `${ms.toFixed(3)} ms`

interface CpuPerCall { readonly client: number; readonly hop: number; readonly upstream: number; readonly total: number }
/**
 * CPU per call of each process at concurrency 16, which scheduling noise changes less than wall-clock time: the
 * targets take turns in `blocks` blocks of `calls` calls each (/proc counts in 10 ms ticks, so blocks are long).
 */
const cpuPerCall = async (targets: ReadonlyArray<Target>, calls: number, blocks: number): Promise<Array<CpuPerCall>> => {
  const sums = targets.map(() => ({ client: 0, hop: 0, upstream: 0 }))
  for (let block = 0; block < blocks; block++) {
    for (const [i, target] of targets.entries()) {
      const before = { client: ownCpuMs(), hop: target.hop !== undefined ? childCpuMs(target.hop) : 0, upstream: childCpuMs(upstream.child) }
      await throughput(target, calls, 16)
      sums[i]!.client += ownCpuMs() - before.client
      sums[i]!.hop += target.hop !== undefined ? childCpuMs(target.hop) - before.hop : 0
      sums[i]!.upstream += childCpuMs(upstream.child) - before.upstream
    }
  }
  return sums.map((sum) => {
    const n = calls * blocks
    return { client: sum.client / n, hop: sum.hop / n, upstream: sum.upstream / n, total: (sum.client + sum.hop + sum.upstream) / n }
  })
}

const measure = async (): Promise<Array<string>> => {
  // Latency and time to first token: the targets' calls alternate one by one, so the machine's load (other
  // processes share these 2 cores) falls on all alike. Throughput: blocks alternate, and each round gives a ratio.
  // The JSON hop answers whole calls only (no streaming), so it has no time to first token.
  const targets = [direct, viaProxy, viaJson, viaGateway]
  const streamed = [direct, viaProxy, viaGateway]
  const samples = { direct: [] as Array<number>, proxy: [] as Array<number>, json: [] as Array<number>, gateway: [] as Array<number>, orchestrator: [] as Array<number> }
  const ttft = { direct: [] as Array<number>, proxy: [] as Array<number>, gateway: [] as Array<number> }
  const rates: Record<number, { direct: Array<number>; proxy: Array<number>; json: Array<number>; gateway: Array<number> }> = {}
  const ratios: Record<number, { proxy: Array<number>; json: Array<number>; gateway: Array<number>; gatewayToProxy: Array<number> }> = {}
  for (const c of [1, 16, 64]) {
    rates[c] = { direct: [], proxy: [], json: [], gateway: [] }
    ratios[c] = { proxy: [], json: [], gateway: [], gatewayToProxy: [] }
  }
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < requests; i++) {
      for (const target of targets) samples[target.name as keyof typeof samples].push(...await latencies(target, 1, complete))
      samples.orchestrator.push(...await latencies(orchestrated, 1, completeOrchestrated))
    }
    for (let i = 0; i < Math.ceil(requests / 2); i++) {
      for (const target of streamed) ttft[target.name as keyof typeof ttft].push(...await latencies(target, 1, firstToken))
    }
    for (const c of [1, 16, 64]) {
      // At least 32 calls per caller, so a block is not mostly its ramp up and down. The order of the blocks turns
      // each round, so no target always runs first, or right after the same other one.
      const calls = Math.max(requests, 32 * c)
      const rate = new Map<Target, number>()
      for (let k = 0; k < targets.length; k++) {
        const target = targets[(k + round) % targets.length]!
        rate.set(target, await throughput(target, calls, c))
      }
      const d = rate.get(direct)!
      const p = rate.get(viaProxy)!
      const j = rate.get(viaJson)!
      const g = rate.get(viaGateway)!
      rates[c]!.direct.push(d)
      rates[c]!.proxy.push(p)
      rates[c]!.json.push(j)
      rates[c]!.gateway.push(g)
      ratios[c]!.proxy.push(p / d)
      ratios[c]!.json.push(j / d)
      ratios[c]!.gateway.push(g / d)
      ratios[c]!.gatewayToProxy.push(g / p)
    }
  }
  const [cpuDirect, cpuProxy, cpuJson, cpuGateway] = await cpuPerCall([direct, viaProxy, viaJson, viaGateway], requests * 2, rounds)
  const cpu = { direct: cpuDirect!, proxy: cpuProxy!, json: cpuJson!, gateway: cpuGateway! }
  const p50 = (values: ReadonlyArray<number>) => percentile(values, 50)
  const p99 = (values: ReadonlyArray<number>) => percentile(values, 99)
  return [
    `gateway overhead: ${rounds} rounds x ${requests} calls per measurement (throughput blocks at least 32 calls per caller, their order turned each round), direct, reference proxy, reference JSON hop and gateway interleaved call by call (latency) or block by block (throughput); client, proxy, gateway and upstream are separate processes on this machine`,
    `latency c=1      direct p50 ${fmt(p50(samples.direct))} p99 ${fmt(p99(samples.direct))} | reference proxy p50 ${fmt(p50(samples.proxy))} p99 ${fmt(p99(samples.proxy))} | reference JSON hop p50 ${fmt(p50(samples.json))} p99 ${fmt(p99(samples.json))} | gateway p50 ${fmt(p50(samples.gateway))} p99 ${fmt(p99(samples.gateway))}`,
    `added latency    reference proxy p50 ${fmt(p50(samples.proxy) - p50(samples.direct))} p99 ${fmt(p99(samples.proxy) - p99(samples.direct))} | reference JSON hop p50 ${fmt(p50(samples.json) - p50(samples.direct))} p99 ${fmt(p99(samples.json) - p99(samples.direct))} | gateway p50 ${fmt(p50(samples.gateway) - p50(samples.direct))} p99 ${fmt(p99(samples.gateway) - p99(samples.direct))}   (target: gateway p50 under 0.5 ms)`,
    `of the gateway's, the orchestrator call (in-process, same upstream, p50 ${fmt(p50(samples.orchestrator))}) adds ${fmt(p50(samples.orchestrator) - p50(samples.direct))} and the gateway's HTTP hop ${fmt(p50(samples.gateway) - p50(samples.orchestrator))}`,
    `streaming TTFT   direct p50 ${fmt(p50(ttft.direct))} | reference proxy p50 ${fmt(p50(ttft.proxy))} (added ${fmt(p50(ttft.proxy) - p50(ttft.direct))}) | gateway p50 ${fmt(p50(ttft.gateway))} | gateway added p50 ${fmt(p50(ttft.gateway) - p50(ttft.direct))} p99 ${fmt(p99(ttft.gateway) - p99(ttft.direct))}`,
    ...[1, 16, 64].map((c) =>
      `throughput c=${String(c).padEnd(2)}  direct ${median(rates[c]!.direct).toFixed(0)} calls/s | reference proxy ${median(rates[c]!.proxy).toFixed(0)} calls/s, ${median(ratios[c]!.proxy).toFixed(2)}x | reference JSON hop ${median(rates[c]!.json).toFixed(0)} calls/s, ${median(ratios[c]!.json).toFixed(2)}x | gateway ${median(rates[c]!.gateway).toFixed(0)} calls/s, ${median(ratios[c]!.gateway).toFixed(2)}x direct, ${median(ratios[c]!.gatewayToProxy).toFixed(2)}x the proxy (medians of ${rounds} rounds)${c === 64 ? "   (target: at least 0.80x direct)" : ""}`),
    `CPU per call (c=16, ${rounds} blocks of ${requests * 2} calls each): direct client ${fmt(cpu.direct.client)} + upstream ${fmt(cpu.direct.upstream)} = ${fmt(cpu.direct.total)}`,
    `  through the reference proxy: client ${fmt(cpu.proxy.client)} + proxy ${fmt(cpu.proxy.hop)} + upstream ${fmt(cpu.proxy.upstream)} = ${fmt(cpu.proxy.total)}, CPU-bound throughput ${(cpu.direct.total / cpu.proxy.total).toFixed(2)}x direct`,
    `  through the reference JSON hop: client ${fmt(cpu.json.client)} + hop ${fmt(cpu.json.hop)} + upstream ${fmt(cpu.json.upstream)} = ${fmt(cpu.json.total)}, CPU-bound throughput ${(cpu.direct.total / cpu.json.total).toFixed(2)}x direct`,
    `  through the gateway:         client ${fmt(cpu.gateway.client)} + gateway ${fmt(cpu.gateway.hop)} + upstream ${fmt(cpu.gateway.upstream)} = ${fmt(cpu.gateway.total)}, CPU-bound throughput ${(cpu.direct.total / cpu.gateway.total).toFixed(2)}x direct, ${(cpu.proxy.total / cpu.gateway.total).toFixed(2)}x the proxy`,
    `load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} on ${os.availableParallelism()} cores`
  ]
}

/**
 * The profile mode: the profiled gateway's samples split by layer, applied to the CPU per call at c=16 of a second
 * gateway without the profiler (whose sampling costs the profiled one about half again), beside the proxy's.
 */
const profileLines = async (): Promise<Array<string>> => {
  const calls = rounds * 2 * requests * 2
  const plain = await start("scripts/gateway-process.ts", [JSON.stringify({ openaiBaseUrl: `${upstream.url}/v1` })])
  const viaPlainGateway: Target = { ...viaGateway, name: "gateway without the profiler", client: new OpenAI({ baseURL: `${plain.url}/v1`, apiKey: "none", maxRetries: 0 }), hop: plain.child }
  await latencies(viaPlainGateway, 100, complete)
  const [proxyCpu, gatewayCpu, profiledCpu] = (await cpuPerCall([viaProxy, viaPlainGateway, viaGateway], requests * 2, rounds * 2)) as [CpuPerCall, CpuPerCall, CpuPerCall]
  await Promise.all([stopped(gateway.child), stopped(plain.child)])
  const file = fs.readdirSync(profileDir!).find((name) => name.endsWith(".cpuprofile"))
  if (file === undefined) throw new Error(`no CPU profile was written to ${profileDir}`)
  const split = profileSplit(path.join(profileDir!, file))
  const sampled = layers.reduce((sum, layer) => sum + split[layer], 0)
  return [
    `gateway CPU profile: ${calls} calls at c=16 through the gateway, sampled every 250 µs; profile ${path.join(profileDir!, file)}`,
    `CPU per call: gateway process ${fmt(gatewayCpu.hop)} (${fmt(profiledCpu.hop)} under the profiler) | reference proxy process ${fmt(proxyCpu.hop)}`,
    ...layers.map((layer) => `  ${layer.padEnd(40)} ${(100 * split[layer] / sampled).toFixed(1).padStart(5)}%  ~${fmt(gatewayCpu.hop * split[layer] / sampled)} per call`),
    `load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} on ${os.availableParallelism()} cores`
  ]
}

try {
  // Warm-up: connections, JIT, the gateway's model catalog and tokenizer.
  for (const target of [direct, viaProxy, viaJson, viaGateway]) await latencies(target, 100, complete)
  await latencies(orchestrated, 100, completeOrchestrated)
  const lines = profileDir !== undefined ? await profileLines() : await measure()
  process.stdout.write(`${lines.join("\n")}\n`)
} finally {
  await orchestrator.dispose()
  await Promise.all([stopped(gateway.child), stopped(proxy.child), stopped(jsonHop.child), stopped(upstream.child)])
}
