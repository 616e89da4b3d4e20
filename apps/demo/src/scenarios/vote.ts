/**
 * Scenario: a vote of three. Three models answer the same question; two say Paris, one says Lyon; the majority
 * answer wins and the agreement says how sure the ensemble is.
 *
 * Run: node --conditions=@orch/source apps/demo/src/scenarios/vote.ts
 */
import { createOrchestrator } from "@orch/core"
import { startSubstrate } from "../LoopbackSubstrate.ts"

const substrate = await startSubstrate({
  localModels: ["llama3.2:1b", "qwen2.5:0.5b", "phi3:mini"],
  localAnswer: (model) => ({ kind: "synth", text: model.startsWith("phi3") ? "Lyon" : "Paris" })
})
const orchestrator = createOrchestrator({ providers: substrate.providers })
try {
  const response = await orchestrator.ensemble("What is the capital of France? One word.", {
    mode: "vote",
    models: ["ollama/llama3.2:1b", "ollama/qwen2.5:0.5b", "ollama/phi3:mini"]
  })
  for (const member of response.members) console.log(`  ${member.model}: ${member.text ?? member.outcome}`)
  console.log(`vote: ${response.text} (agreement ${(response.agreement * 100).toFixed(0)}%)`)
} finally {
  await orchestrator.dispose()
  await substrate.close()
}
