// A plan that answers whole (vote, cascade) streams its completion: collected again, the stream must give back the
// same completion, reasoning, log-probabilities and signatures included (they were dropped: a streamed cascade lost
// the answer's reasoning, and a consumer of the stream its log-probabilities).
import { assert, describe, it } from "@effect/vitest"
import { type Completion, completionOfParts } from "@orch/provider"
import { scriptedModel } from "@orch/testing"
import { Effect, Result, Stream } from "effect"
import { cascade, streamOfCompletion } from "../src/index.ts"

const full: Completion = {
  text: "Paris.",
  finishReason: "stop",
  usage: { inputTokens: 12, outputTokens: 3, estimated: false },
  provider: "anthropic",
  model: "claude-sonnet-4-5",
  timings: { firstTokenMs: 40, totalMs: 90 },
  reasoning: "The capital of France is Paris.",
  meanLogprob: -0.25,
  logprobs: [{ token: "Paris", logprob: -0.1 }, { token: ".", logprob: -0.4 }],
  responseId: "msg_01",
  toolCalls: [{ id: "toolu_1", name: "lookup", arguments: { city: "Paris" } }],
  object: { city: "Paris" },
  reasoningSignature: "sig-abc",
  redactedReasoning: ["opaque-1", "opaque-2"]
}

describe("streamOfCompletion", () => {
  it.effect("collected again, gives back every field of the completion", () =>
    Effect.gen(function*() {
      const parts = yield* Stream.runCollect(streamOfCompletion(Effect.succeed(full)))
      const again = completionOfParts(Array.from(parts))
      assert.isTrue(Result.isSuccess(again))
      if (Result.isSuccess(again)) assert.deepStrictEqual(again.success, full)
    }))

  it.effect("a plain completion streams no reasoning part", () =>
    Effect.gen(function*() {
      const plain: Completion = { text: "Hi", finishReason: "stop", usage: { inputTokens: 1, outputTokens: 1, estimated: false }, provider: "ollama", model: "m", timings: { totalMs: 1 } }
      const parts = Array.from(yield* Stream.runCollect(streamOfCompletion(Effect.succeed(plain))))
      assert.deepStrictEqual(parts.map((p) => p.type), ["text-start", "text-delta", "text-end", "finish"])
    }))

  it.effect("a streamed cascade keeps the answer's mean log-probability", () =>
    Effect.gen(function*() {
      const sure = scriptedModel({ id: "local/sure", script: [{ text: "42", logprob: -0.05 }] })
      const parts = Array.from(yield* Stream.runCollect(cascade([sure]).stream({ prompt: "6 x 7?" })))
      const finish = parts.find((p) => p.type === "finish")
      assert.strictEqual(finish?.type === "finish" ? finish.meanLogprob : undefined, -0.05)
    }))
})
