// Overhead: 100k calls of an in-memory model, directly and through strategies; the added time per call.
// Run: node --conditions=@orch/source packages/strategies/bench/overhead.ts
import type { Completion, LanguageModel } from "@orch/provider"
import { Effect, Stream } from "effect"
import { fallback, type Plan, retry, timeout } from "../src/index.ts"
import { fixed, percentile } from "./Stats.ts"

const calls = Number(process.env.BENCH_CALLS ?? 100_000)
const completion: Completion = { text: "ok", finishReason: "stop", usage: { inputTokens: 1, outputTokens: 1, estimated: false }, provider: "memory", model: "m", timings: { totalMs: 0 } }
const model: LanguageModel = {
  id: "memory/m", provider: "memory", name: "m", kind: "local",
  generate: () => Effect.succeed(completion),
  stream: () => Stream.empty
}
const request = { prompt: "hello" }

const measure = (generate: LanguageModel["generate"]) =>
  Effect.gen(function*() {
    const samples = new Float64Array(calls)
    for (let i = 0; i < calls; i++) {
      const start = performance.now()
      yield* generate(request)
      samples[i] = performance.now() - start
    }
    return Array.from(samples)
  })

const subjects: ReadonlyArray<readonly [string, Plan | LanguageModel]> = [
  ["direct model.generate", model],
  ["fallback([model])", fallback([model])],
  ["timeout(retry(fallback([model, model])), total 30 s)", timeout(retry(fallback([model, model])), { totalMs: 30_000 })]
]

const program = Effect.gen(function*() {
  yield* measure(model.generate)
  const results: Array<{ name: string; median: number; p99: number }> = []
  for (const [name, subject] of subjects) {
    const samples = yield* measure(subject.generate)
    results.push({ name, median: percentile(samples, 0.5) * 1000, p99: percentile(samples, 0.99) * 1000 })
  }
  const direct = results[0]!
  console.log(`overhead: ${calls} calls each, Node ${process.version}`)
  for (const r of results) {
    console.log(`${r.name.padEnd(56)} median ${fixed(r.median)} µs  p99 ${fixed(r.p99)} µs  added median ${fixed(r.median - direct.median)} µs  added p99 ${fixed(r.p99 - direct.p99)} µs  (${fixed(r.median / direct.median, 1)}x direct median)`)
  }
})

Effect.runPromise(program)
