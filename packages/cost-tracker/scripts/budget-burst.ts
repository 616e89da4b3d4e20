// A budget stopping a burst: 1,000 concurrent calls to gpt-4o-mini against a hard budget that allows 100 of them.
// Each call reserves its worst case before it is "sent" (a simulated 50 ms call), then settles to its real cost.
// Run from the repository root: node --conditions=@orch/source packages/cost-tracker/scripts/budget-burst.ts
import { Effect } from "effect"
import { CostTracker } from "../src/index.ts"

const model = { id: "openai/gpt-4o-mini", provider: "openai", name: "gpt-4o-mini", kind: "cloud" as const }
const request = { prompt: "hello there", maxTokens: 1000 }

const program = Effect.gen(function*() {
  const costs = yield* CostTracker
  const worst = yield* costs.estimateWorstCase(model, request)
  let sent = 0
  const call = (index: number) => Effect.gen(function*() {
    const reservation = yield* costs.reserve({ requestId: `burst-${index}`, attempt: 1, model, request })
    sent++
    yield* Effect.sleep("50 millis")
    const usage = { inputTokens: worst.inputTokens, outputTokens: 1000, estimated: false }
    yield* costs.settle(reservation, { _tag: "AttemptSuccess", attemptId: index, model, role: "primary", latencyMs: 50, usage })
    return "sent"
  }).pipe(Effect.catchTag("ProviderError", (error) => Effect.succeed(error.reason._tag)))
  const outcomes = yield* Effect.forEach(Array.from({ length: 1000 }, (_, index) => index), call, { concurrency: "unbounded" })
  const [status] = yield* costs.budgetStatus()
  const summary = yield* costs.summary()
  console.log(`worst case per call:   $${worst.costUsd} (${worst.inputTokens} input + ${worst.outputTokens} output tokens)`)
  console.log(`budget:                $${status?.limitUsd} hard, total`)
  console.log(`calls attempted:       ${outcomes.length}`)
  console.log(`calls sent:            ${sent}`)
  console.log(`refused unsent:        ${outcomes.filter((outcome) => outcome === "BudgetExceeded").length} (BudgetExceeded)`)
  console.log(`spent:                 $${status?.spentUsd} (reserved now: $${status?.reservedUsd})`)
  console.log(`ledger records:        ${summary.totals.attempts}, sum $${summary.totals.costUsd}`)
  console.log(`within budget:         ${(status?.spentUsd ?? Infinity) <= (status?.limitUsd ?? 0)}`)
})

Effect.runPromise(program.pipe(Effect.provide(CostTracker.layerMemory({
  budgets: [{ name: "burst", limitUsd: 0.061, period: "total", mode: "hard" }]
}))))
