/**
 * Live calls, only when a key is set (OPENAI_API_KEY, ANTHROPIC_API_KEY, LIGHTNING_API_KEY): one cheap completion
 * and one stream per backend, with the usage the service reports. Skipped with a message otherwise.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { collectStream } from "@orch/provider"
import { cloudProviderFromConfig } from "../src/index.ts"

const liveModels = [
  { key: "OPENAI_API_KEY", id: process.env.ORCH_LIVE_OPENAI_MODEL ?? "openai/gpt-4o-mini" },
  { key: "ANTHROPIC_API_KEY", id: process.env.ORCH_LIVE_ANTHROPIC_MODEL ?? "anthropic/claude-3-5-haiku-latest" },
  { key: "LIGHTNING_API_KEY", id: process.env.ORCH_LIVE_LIGHTNING_MODEL ?? "lightning/openai/gpt-4o-mini" }
]

describe("live", () => {
  for (const { key, id } of liveModels) {
    const enabled = (process.env[key] ?? "").trim() !== ""
    if (!enabled) process.emitWarning(`live test of ${id} skipped: set ${key} to run it`)
    it.live.skipIf(!enabled)(`${id}: one completion and one stream, with the service's usage`, () =>
      Effect.gen(function*() {
        const provider = yield* cloudProviderFromConfig()
        const model = yield* provider.model(id)
        const request = { prompt: "Reply with the single word: ok", maxTokens: 16, temperature: 0 }
        const completion = yield* model.generate(request)
        expect(completion.text.toLowerCase()).toContain("ok")
        expect(completion.usage.estimated).toBe(false)
        expect(completion.usage.inputTokens).toBeGreaterThan(0)
        const streamed = yield* collectStream(model.stream(request))
        expect(streamed.text.length).toBeGreaterThan(0)
        expect(streamed.usage.estimated).toBe(false)
      }), 60_000)
  }
})
