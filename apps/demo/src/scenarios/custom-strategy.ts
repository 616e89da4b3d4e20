/**
 * Scenario: a custom strategy composed from primitives. Hedge two local models (the second starts if the first has
 * not answered in 100 ms), and if both fail, fall back to a vote of three cloud models. Ollama is down here, so
 * the hedge fails fast and the cloud vote answers. Plans are values over the providers' models.
 *
 * Run: node --conditions=@orch/source apps/demo/src/scenarios/custom-strategy.ts
 */
import { fallback, hedge, vote } from "@orch/strategies"
import { Effect } from "effect"
import { startSubstrate } from "../LoopbackSubstrate.ts"

const substrate = await startSubstrate({
  localDown: true,
  cloudModels: ["gpt-4o-mini", "gpt-4.1-mini", "gpt-4o"],
  cloudAnswer: (model) => ({ kind: "synth", text: model === "gpt-4o" ? "Blue whale." : "The blue whale." })
})
const [local, cloud] = substrate.providers
try {
  const program = Effect.gen(function*() {
    const llama = yield* local!.model("ollama/llama3.2:1b")
    const qwen = yield* local!.model("ollama/qwen2.5:0.5b")
    const clouds = yield* Effect.forEach(["openai/gpt-4o-mini", "openai/gpt-4.1-mini", "openai/gpt-4o"], (id) => cloud!.model(id))
    const plan = fallback([hedge([llama, qwen], { delayMs: 100 }), vote(clouds)])
    console.log(`plan: ${plan.name}`)
    return yield* plan.generate({ prompt: "The largest animal?", maxTokens: 16 })
  })
  const completion = await Effect.runPromise(program)
  console.log(`answer from ${completion.provider}/${completion.model}: ${completion.text}`)
} finally {
  await substrate.close()
}
