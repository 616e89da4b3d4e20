/**
 * Scenario: local first, with cloud fallback when Ollama is down. The LOCAL_FIRST strategy tries the local model,
 * sees Ollama refuse the connection, and answers from the cloud; every attempt is in the response.
 *
 * Run: node --conditions=@orch/source apps/demo/src/scenarios/local-first.ts
 */
import { createOrchestrator } from "@orch/core"
import { startSubstrate } from "../LoopbackSubstrate.ts"

const substrate = await startSubstrate({ localDown: true })
const orchestrator = createOrchestrator({ providers: substrate.providers, strategy: "local_first" })
try {
  const response = await orchestrator.complete("Give me a name for a cat", { models: ["ollama/llama3.2:1b", "openai/gpt-4o-mini"] })
  console.log(`answer from ${response.provider}/${response.model}: ${response.text}`)
  for (const attempt of response.attempts) console.log(`  attempt ${attempt.attempt}: ${attempt.provider}/${attempt.model} ${attempt.outcome}${attempt.error !== undefined ? ` (${attempt.error})` : ""}`)
} finally {
  await orchestrator.dispose()
  await substrate.close()
}
