// The CPU the tracker spends per attempt (reserve before the call, settle after it) on the in-memory ledger, the
// gateway's default: in one synchronous step, against the same tracker going through the store's effects (a copy of
// the in-memory store, which the tracker cannot know answers at once). With no budget, and with three (hard total,
// soft per key and day, hard per task type and month). Prints µs of CPU per attempt (best of 7 rounds) and the ratio,
// and the bytes allocated per attempt in one step (sampled by V8's heap profiler, objects since collected included;
// the loop's own input objects are counted too). CPU figures vary on a loaded machine, allocation hardly does.
// Asserts nothing. Run from the repository root: node --conditions=@orch/source packages/cost-tracker/scripts/tracker-cost.ts
import type { AttemptModel, AttemptSuccess, CompletionRequest } from "@orch/provider"
import { Effect, Layer } from "effect"
import { Session } from "node:inspector/promises"
import { type Budget, CostTracker, type CostTrackerShape, LedgerStore, makeMemoryLedger } from "../src/index.ts"

const model: AttemptModel = { id: "openai/gpt-4o-mini", provider: "openai", name: "gpt-4o-mini", kind: "cloud" }
const request: CompletionRequest = { messages: [{ role: "user", content: "What is the capital of France?" }], maxTokens: 32 }
const event: AttemptSuccess = { _tag: "AttemptSuccess", attemptId: 1, model, role: "primary", latencyMs: 3, usage: { inputTokens: 14, outputTokens: 8, estimated: false } }
const budgets: ReadonlyArray<Budget> = [
  { name: "all", limitUsd: 1e6, period: "total", mode: "hard" },
  { name: "per-key", limitUsd: 1e6, period: "day", mode: "soft", scope: { eachKey: true } },
  { name: "general", limitUsd: 1e6, period: "month", mode: "hard", scope: { taskType: "GENERAL" } }
]
const calls = 50_000

const open = (store: Layer.Layer<LedgerStore>, withBudgets: boolean): CostTrackerShape =>
  Effect.runSync(Effect.provide(Effect.service(CostTracker), CostTracker.layer({ budgets: withBudgets ? budgets : [] }).pipe(Layer.provide(store))))

const attempts = (costs: CostTrackerShape) =>
  Effect.gen(function*() {
    for (let i = 0; i < calls; i++) {
      const held = yield* costs.reserve({ requestId: `r${i}`, attempt: 1, model, request, strategy: "auto", scopeKey: "team-a", taskType: "GENERAL" })
      yield* costs.settle(held, event, { outputText: "Paris" })
    }
  })

/** µs of CPU per attempt, the best of 7 rounds after one to warm up. */
const cost = (costs: CostTrackerShape): number => {
  Effect.runSync(attempts(costs))
  let best = Number.POSITIVE_INFINITY
  for (let round = 0; round < 7; round++) {
    const start = process.cpuUsage()
    Effect.runSync(attempts(costs))
    const used = process.cpuUsage(start)
    best = Math.min(best, (used.user + used.system) / calls)
  }
  return best
}

/** Bytes allocated per attempt, sampled over one round after one to warm up. */
const allocated = async (costs: CostTrackerShape): Promise<number> => {
  Effect.runSync(attempts(costs))
  const session = new Session()
  session.connect()
  await session.post("HeapProfiler.startSampling", { samplingInterval: 128, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true })
  Effect.runSync(attempts(costs))
  const { profile } = await session.post("HeapProfiler.stopSampling")
  session.disconnect()
  let total = 0
  const walk = (node: typeof profile.head): void => {
    total += node.selfSize
    for (const child of node.children) walk(child)
  }
  walk(profile.head)
  return total / calls
}

for (const withBudgets of [false, true]) {
  const atOnce = cost(open(Layer.sync(LedgerStore, () => makeMemoryLedger()), withBudgets))
  const throughEffects = cost(open(Layer.sync(LedgerStore, () => ({ ...makeMemoryLedger() })), withBudgets))
  const bytes = await allocated(open(Layer.sync(LedgerStore, () => makeMemoryLedger()), withBudgets))
  console.log(`${withBudgets ? "three budgets" : "no budget"}: reserve + settle ${atOnce.toFixed(2)} µs CPU in one step, ${throughEffects.toFixed(2)} µs through the store's effects (${(throughEffects / atOnce).toFixed(2)}x); ${bytes.toFixed(0)} bytes allocated per attempt in one step`)
}
