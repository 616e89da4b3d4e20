/**
 * Scenario: a budget that stops a burst. A hard budget of $0.003 in total; ten calls to gpt-4o-mini go out at
 * once, each costing about $0.00075 (1000 tokens in, 1000 out). The cost tracker reserves each call's worst case
 * before it is sent, so the burst stops at the limit instead of overspending: the rest fail with BudgetExceeded.
 *
 * Run: node --conditions=@orch/source apps/demo/src/scenarios/budget.ts
 */
import { createOrchestrator, isOrchestratorError } from "@orch/core"
import { startSubstrate } from "../LoopbackSubstrate.ts"

const substrate = await startSubstrate({
  cloudAnswer: () => ({ kind: "synth", text: "ok", usage: { inputTokens: 1000, outputTokens: 1000 } })
})
const orchestrator = createOrchestrator({ providers: substrate.providers, budgetUsd: 0.003 })
try {
  const burst = await Promise.allSettled(Array.from({ length: 10 }, (_, i) =>
    orchestrator.complete(`request ${i}`, { model: "openai/gpt-4o-mini", maxTokens: 1000 })))
  const answered = burst.filter((result) => result.status === "fulfilled")
  const stopped = burst.filter((result) => result.status === "rejected" && isOrchestratorError(result.reason) && result.reason.reason._tag === "BudgetExceeded")
  const spent = answered.reduce((sum, result) => sum + result.value.costUsd, 0)
  console.log(`burst of 10: ${answered.length} answered, ${stopped.length} stopped by the budget; spent $${spent.toFixed(5)} of $0.003`)
  console.log(`the stand-in saw ${substrate.cloud.requests.filter((r) => r.path === "/v1/chat/completions").length} generation requests`)
} finally {
  await orchestrator.dispose()
  await substrate.close()
}
