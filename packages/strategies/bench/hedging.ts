// Hedging: a model whose latency has a heavy tail (p99 about 20x its median); p99 with hedge-after-p95 versus
// without, and the extra requests the hedges cost. Real time, both measured in this run.
// Run: node --conditions=@orch/source packages/strategies/bench/hedging.ts
// On a loaded machine timer lag swamps a 5 ms model; `--virtual` runs the same calls one at a time on the TestClock
// (latencies exact, the strategy's decisions the same), which measures the strategy rather than the machine.
import { scriptedModel } from "@orch/testing"
import { Effect, Fiber, Layer } from "effect"
import { TestClock } from "effect/testing"
import { hedge, ModelHealth, observedDelay, observeLatency, type Plan } from "../src/index.ts"
import { fixed, percentile } from "./Stats.ts"

const calls = Number(process.env.BENCH_CALLS ?? 3_000)
const concurrency = 8
const tailShare = 0.02
/** Latency in ms: 5 ms, except 2% of calls take 100 ms (a GC pause, a cold cache, a noisy neighbour). */
const draw = () => (Math.random() < tailShare ? 100 : 5)
const replica = (id: string) => scriptedModel({ id, kind: "local", script: () => ({ text: "ok", latencyMs: draw() }) })
const request = { prompt: "hello" }

const virtual = process.argv.includes("--virtual")

const measureReal = (plan: Plan) =>
  Effect.forEach(Array.from({ length: calls }), () =>
    Effect.gen(function*() {
      const start = performance.now()
      yield* plan.generate(request)
      return performance.now() - start
    }), { concurrency })

const measureVirtual = (plan: Plan) =>
  Effect.forEach(Array.from({ length: calls }), () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(plan.generate(request))
      let elapsed = 0
      while (fiber.pollUnsafe() === undefined) {
        yield* TestClock.adjust(1)
        elapsed++
      }
      yield* Fiber.join(fiber)
      return elapsed
    }))

const measure = virtual ? measureVirtual : measureReal

const program = Effect.gen(function*() {
  const primary = replica("local/primary")
  const backup = replica("local/backup")
  const observed = yield* observeLatency(primary)
  // Warm the latency samples with direct calls, measured as the "without hedging" figures.
  const direct = yield* measure(observed)
  const primaryCallsBefore = primary.calls.length
  const hedged = hedge([observed, backup], { delayMs: yield* observedDelay("local/primary", { fallbackMs: 10 }) })
  const withHedge = yield* measure(hedged)
  const health = yield* ModelHealth
  const p95 = yield* health.percentile("local/primary", 0.95)
  const extra = backup.calls.length / (primary.calls.length - primaryCallsBefore)
  const row = (name: string, samples: ReadonlyArray<number>) =>
    console.log(`${name.padEnd(28)} median ${fixed(percentile(samples, 0.5))} ms  p95 ${fixed(percentile(samples, 0.95))} ms  p99 ${fixed(percentile(samples, 0.99))} ms  p99/median ${fixed(percentile(samples, 0.99) / percentile(samples, 0.5), 1)}`)
  console.log(`hedging (${virtual ? "virtual clock, 1 ms steps, one call at a time" : `real time, concurrency ${concurrency}`}): ${calls} calls each, ${tailShare * 100}% of calls take 100 ms instead of 5 ms; hedge delay = observed p95 = ${fixed(p95 ?? Number.NaN)} ms`)
  row("without hedge (direct)", direct)
  row("hedge after p95", withHedge)
  console.log(`p99 cut: ${fixed(percentile(direct, 0.99) / percentile(withHedge, 0.99), 1)}x   extra requests: ${fixed(extra * 100, 1)}%`)
}).pipe(Effect.provide(ModelHealth.layer), Effect.provide(virtual ? TestClock.layer() : Layer.empty))

Effect.runPromise(program)
