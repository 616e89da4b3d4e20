// The README's custom strategy, run: hedge two local models, then fall back to a cloud vote, under one deadline.
import { assert, describe, it } from "@effect/vitest"
import { type AttemptEvent } from "@orch/provider"
import { scriptedModel } from "@orch/testing"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { fallback, hedge, retry, timeout, vote } from "../src/index.ts"
import { eventsComplete, recordEvents } from "./Events.ts"

describe("a custom strategy", () => {
  it.effect("hedge two local models, then fall back to a cloud vote", () =>
    Effect.gen(function*() {
      const llama = scriptedModel({ id: "ollama/llama3.2", kind: "local", script: [{ fail: "Unavailable", latencyMs: 5 }] })
      const qwen = scriptedModel({ id: "ollama/qwen2.5", kind: "local", script: [{ latencyMs: 60_000 }] })
      const gpt = scriptedModel({ id: "openai/gpt-4o-mini", script: [{ text: "Paris", latencyMs: 300 }] })
      const claude = scriptedModel({ id: "anthropic/claude-haiku", script: [{ text: "paris.", latencyMs: 400 }] })
      const mistral = scriptedModel({ id: "lightning/mistral", script: [{ text: "Lyon", latencyMs: 200 }] })

      const plan = timeout(
        fallback([
          timeout(hedge([llama, qwen], { delayMs: 500 }), { firstTokenMs: 2_000 }),
          vote([retry(gpt), retry(claude), retry(mistral)])
        ]),
        { totalMs: 10_000 }
      )
      const events: Array<AttemptEvent> = []
      const fiber = yield* Effect.forkChild(recordEvents(plan.generate({ prompt: "Capital of France?" }), events))
      yield* TestClock.adjust(2_500)
      const answer = yield* Fiber.join(fiber)
      assert.strictEqual(answer.text, "Paris")
      assert.strictEqual(qwen.calls[0]?.outcome, "interrupted")
      assert.strictEqual(gpt.calls[0]?.startedAtMs, 2_005)
      assert.strictEqual(mistral.calls[0]?.outcome, "success")
      assert.isTrue(eventsComplete(events))
    }))
})
