/**
 * Scenario: AUTO routing. The task router classifies each prompt: a code prompt goes to the cloud (CLOUD_FIRST,
 * openai/gpt-4o), a summary stays local (LOCAL_FIRST, ollama); the response says why.
 *
 * Run: node --conditions=@orch/source apps/demo/src/scenarios/auto-routing.ts
 */
import { createOrchestrator } from "@orch/core"
import { startSubstrate } from "../LoopbackSubstrate.ts"

const substrate = await startSubstrate({ cloudModels: ["gpt-4o", "gpt-4o-mini"] })
const orchestrator = createOrchestrator({ providers: substrate.providers })
const prompts = [
  "Write a TypeScript function that parses an ISO date and returns the weekday.",
  "Summarize this article in three sentences: The city council met on Tuesday to discuss the new park. Residents asked for more trees and benches, and the council agreed to a budget."
]
try {
  for (const prompt of prompts) {
    const response = await orchestrator.complete(prompt)
    console.log(`${JSON.stringify(prompt.slice(0, 50))}...`)
    console.log(`  task ${response.taskType} (${response.taskConfidence.toFixed(2)}), strategy ${response.strategy}, answered by ${response.provider}/${response.model}`)
    console.log(`  ${response.routing.reason}`)
  }
} finally {
  await orchestrator.dispose()
  await substrate.close()
}
