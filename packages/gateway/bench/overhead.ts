// What the gateway adds: the official OpenAI SDK calling the upstream directly vs through the gateway, same
// upstream (the loopback wire server answering as OpenAI, in a process of its own), the gateway in a process of its
// own. Prints added latency p50/p99 at concurrency 1, throughput ratios at concurrency 1, 16 and 64, and the
// streaming time to first token added. Ratios come from one run with direct and gateway rounds interleaved.
//   node --conditions=@orch/source packages/gateway/bench/overhead.ts [--requests 400] [--rounds 3]
import { type ChildProcess, spawn } from "node:child_process"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
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

interface Target { readonly name: string; readonly client: OpenAI; readonly model: string }
const direct: Target = { name: "direct", client: new OpenAI({ baseURL: `${upstream.url}/v1`, apiKey: "sk-bench", maxRetries: 0 }), model: "gpt-4o-mini" }
const viaGateway: Target = { name: "gateway", client: new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "none", maxRetries: 0 }), model: "openai/gpt-4o-mini" }
const messages = [{ role: "user" as const, content: "Say something short." }]

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

  const samples = { direct: [] as Array<number>, gateway: [] as Array<number>, ttftDirect: [] as Array<number>, ttftGateway: [] as Array<number> }
  const rates: Record<number, { direct: Array<number>; gateway: Array<number> }> = { 1: { direct: [], gateway: [] }, 16: { direct: [], gateway: [] }, 64: { direct: [], gateway: [] } }
  for (let round = 0; round < rounds; round++) {
    samples.direct.push(...await latencies(direct, requests, complete))
    samples.gateway.push(...await latencies(viaGateway, requests, complete))
    samples.ttftDirect.push(...await latencies(direct, Math.ceil(requests / 2), firstToken))
    samples.ttftGateway.push(...await latencies(viaGateway, Math.ceil(requests / 2), firstToken))
    for (const concurrency of [1, 16, 64]) {
      rates[concurrency]!.direct.push(await throughput(direct, requests, concurrency))
      rates[concurrency]!.gateway.push(await throughput(viaGateway, requests, concurrency))
    }
  }
  const fmt = (ms: number) => `${ms.toFixed(3)} ms`
  const lines = [
    `gateway overhead: ${rounds} rounds x ${requests} calls per measurement, direct and gateway interleaved; client, gateway and upstream are separate processes on this machine`,
    `latency c=1   direct p50 ${fmt(percentile(samples.direct, 50))} p99 ${fmt(percentile(samples.direct, 99))} | gateway p50 ${fmt(percentile(samples.gateway, 50))} p99 ${fmt(percentile(samples.gateway, 99))}`,
    `added latency p50 ${fmt(percentile(samples.gateway, 50) - percentile(samples.direct, 50))}   p99 ${fmt(percentile(samples.gateway, 99) - percentile(samples.direct, 99))}   (target: p50 under 0.5 ms)`,
    `streaming TTFT direct p50 ${fmt(percentile(samples.ttftDirect, 50))} | gateway p50 ${fmt(percentile(samples.ttftGateway, 50))} | added p50 ${fmt(percentile(samples.ttftGateway, 50) - percentile(samples.ttftDirect, 50))} p99 ${fmt(percentile(samples.ttftGateway, 99) - percentile(samples.ttftDirect, 99))}`,
    ...[1, 16, 64].map((c) => {
      const d = median(rates[c]!.direct)
      const g = median(rates[c]!.gateway)
      return `throughput c=${String(c).padEnd(2)} direct ${d.toFixed(0)} calls/s | gateway ${g.toFixed(0)} calls/s | ratio ${(g / d).toFixed(2)}x${c === 64 ? "   (target: at least 0.80x)" : ""}`
    })
  ]
  process.stdout.write(`${lines.join("\n")}\n`)
} finally {
  gateway.child.kill("SIGTERM")
  upstream.child.kill("SIGTERM")
}
