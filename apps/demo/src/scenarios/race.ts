/**
 * Scenario: a race between two models. Both start at once; the first to answer wins and the other is cancelled
 * (its HTTP request aborted). The stand-in makes llama3.2 slow and qwen2.5 fast.
 *
 * Run: node --conditions=@orch/source apps/demo/src/scenarios/race.ts
 */
import { createOrchestrator } from "@orch/core"
import { startSubstrate } from "../LoopbackSubstrate.ts"

const substrate = await startSubstrate({
  localAnswer: (model) => ({ kind: "synth", text: `${model} says hello`, firstTokenDelayMs: model.startsWith("llama") ? 800 : 20 })
})
const orchestrator = createOrchestrator({ providers: substrate.providers })
try {
  const response = await orchestrator.ensemble("Say hello", { mode: "parallel", models: ["ollama/llama3.2:1b", "ollama/qwen2.5:0.5b"] })
  console.log(`winner: ${response.provider}/${response.model}: ${response.text}`)
  for (const member of response.members) console.log(`  ${member.provider}/${member.model}: ${member.outcome} after ${member.latencyMs} ms`)
} finally {
  await orchestrator.dispose()
  await substrate.close()
}
