/**
 * Benchmark of the default classifier: median and p99 microseconds per classification over the held-out prompts
 * (ordinary length), over a sample of the corpus (one line to long pasted logs), and over a 500 KB pasted log
 * (bounded window); and over the held-out prompts again with the signals read (they are worked out on first read). Prints figures only; nothing here asserts a time.
 * Run from the repo root: `node --conditions=@orch/source packages/task-router/bench/classify.ts`
 */
import { readFileSync } from "node:fs"
import { performance } from "node:perf_hooks"
import { classifySync } from "../src/index.ts"

const lines = (path: string, field: string): Array<string> =>
  readFileSync(new URL(path, import.meta.url), "utf8").split("\n").filter((line) => line.trim().length > 0)
    .map((line) => (JSON.parse(line) as Record<string, string>)[field] ?? "")

const measure = (label: string, inputs: ReadonlyArray<string>, rounds: number, explained = false): void => {
  const run = explained ? (input: string) => classifySync(input).signals : classifySync
  for (const input of inputs) run(input) // warm-up (and the one-time decoding of the weights)
  const samples: Array<number> = []
  for (let round = 0; round < rounds; round++) {
    for (const input of inputs) {
      const start = performance.now()
      run(input)
      samples.push((performance.now() - start) * 1000)
    }
  }
  samples.sort((a, b) => a - b)
  const at = (q: number): number => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? 0
  console.log(`${label}: n=${samples.length} median=${at(0.5).toFixed(1)}µs p99=${at(0.99).toFixed(1)}µs`)
}

measure("ordinary prompts (held-out)", lines("../data/heldout.jsonl", "prompt"), 50)
measure("ordinary prompts, signals read (as `orch classify` does)", lines("../data/heldout.jsonl", "prompt"), 50, true)
measure("corpus sample (every 10th)", lines("../corpus/error_diagnosis.jsonl", "text").concat(lines("../corpus/summarization.jsonl", "text")).filter((_, i) => i % 10 === 0), 20)
const log = Array.from({ length: 12_000 }, (_, i) => `INFO worker-${i % 7} processed batch ${i} in 12ms`).join("\n")
measure("500 KB log", [`Why does this job die?\n${log}\nFATAL: OutOfMemoryError`], 50)
