/**
 * Scenario: a cascade that escalates on a failed validator. The cheap local model answers first; its answer is not
 * the JSON the validator wants, so the cascade escalates to the cloud model, whose answer passes.
 *
 * Run: node --conditions=@orch/source apps/demo/src/scenarios/cascade.ts
 */
import { createOrchestrator } from "@orch/core"
import { validator } from "@orch/strategies"
import { startSubstrate } from "../LoopbackSubstrate.ts"

const isJson = (text: string): boolean => {
  try {
    return typeof JSON.parse(text) === "object"
  } catch {
    return false
  }
}

const substrate = await startSubstrate({
  localAnswer: () => ({ kind: "synth", text: "Sure! The capital is Paris." }),
  cloudAnswer: () => ({ kind: "synth", text: "{\"capital\":\"Paris\"}" })
})
const orchestrator = createOrchestrator({ providers: substrate.providers })
try {
  const response = await orchestrator.complete("The capital of France, as JSON", {
    strategy: "cascade",
    models: ["ollama/llama3.2:1b", "openai/gpt-4o-mini"],
    scorers: [validator(isJson, "is-json")]
  })
  console.log(`accepted answer from ${response.provider}/${response.model}: ${response.text}`)
  for (const attempt of response.attempts) console.log(`  ${attempt.role}: ${attempt.provider}/${attempt.model} ${attempt.outcome}`)
} finally {
  await orchestrator.dispose()
  await substrate.close()
}
