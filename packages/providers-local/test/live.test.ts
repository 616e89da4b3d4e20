// Live checks against a real Ollama or vLLM server, so a user can verify a setup: run only when the server at
// OLLAMA_HOST (default http://127.0.0.1:11434) or VLLM_BASE_URL (default http://127.0.0.1:8000/v1) answers, skipped
// with a message otherwise. The same assertions as the recorded-traffic tests, on the real thing.
import { collectStream, type Provider } from "@orch/provider"
import { Effect, Stream } from "effect"
import { describe, expect, it } from "vitest"
import { makeOllamaProvider, makeOpenAiCompatProvider } from "../src/index.ts"

const ollamaHost = process.env.OLLAMA_HOST ?? "http://127.0.0.1:11434"
const vllmBaseUrl = process.env.VLLM_BASE_URL ?? "http://127.0.0.1:8000/v1"

const backends: ReadonlyArray<{ readonly name: string; readonly where: string; readonly make: () => Effect.Effect<Provider, unknown> }> = [
  { name: "Ollama", where: ollamaHost, make: () => makeOllamaProvider({ host: ollamaHost }) },
  { name: "vLLM", where: vllmBaseUrl, make: () => makeOpenAiCompatProvider({ baseUrl: vllmBaseUrl }) }
]

for (const backend of backends) {
  const provider = await Effect.runPromise(backend.make())
  const availability = await Effect.runPromise(provider.isAvailable)
  const models = availability.available ? await Effect.runPromise(Effect.orElseSucceed(provider.listModels, () => [])) : []
  const first = models[0]
  if (first === undefined) console.warn(`skipping live ${backend.name} tests: no server with a model at ${backend.where} (${availability.reason ?? "no models"})`)
  describe.skipIf(first === undefined)(`live ${backend.name} at ${backend.where}`, () => {
    it("completes and streams the same way the recordings do", async () => {
      const model = await Effect.runPromise(provider.model(first!.id))
      const completion = await Effect.runPromise(model.generate({ prompt: "Say hello in one word.", maxTokens: 16, temperature: 0 }))
      expect(completion.text.length).toBeGreaterThan(0)
      expect(completion.usage.outputTokens).toBeGreaterThan(0)
      const streamed = await Effect.runPromise(collectStream(model.stream({ prompt: "Say hello in one word.", maxTokens: 16, temperature: 0 })))
      expect(streamed.text.length).toBeGreaterThan(0)
      const firstTwo = await Effect.runPromise(Stream.runCollect(Stream.take(model.stream({ prompt: "Count to twenty.", maxTokens: 64 }), 2)))
      expect(firstTwo.length).toBe(2)
    }, 120_000)
  })
}
