import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Stream } from "effect"
import { TestClock } from "effect/testing"
import { providerError, type CompletionRequest, type LanguageModel } from "@orch/provider"
import { classifySync, classifyWithTiers, parseModelAnswer, TaskType, type EmbeddingTier } from "../src/index.ts"

// "hmm" says nothing about the task: the default answers with low confidence, below the threshold these tests set.
const unsure = "hmm"
const threshold = 0.9

/** A model value whose answer, delay and failure are scripted per test (the contract's service seam). */
const scriptedModel = (answer: Effect.Effect<string, ReturnType<typeof providerError>>, calls: Array<CompletionRequest>): LanguageModel => ({
  id: "fake/classifier", provider: "fake", name: "classifier", kind: "local",
  generate: (request) => {
    calls.push(request)
    return Effect.map(answer, (text) => ({
      text, finishReason: "stop" as const, usage: { inputTokens: 1, outputTokens: 1, estimated: false },
      provider: "fake", model: "classifier", timings: { totalMs: 1 }
    }))
  },
  stream: () => Stream.fail(providerError({ _tag: "Unavailable" }, "not used"))
})

/** Embeddings as bag-of-keywords vectors: a deterministic stand-in for an embedding endpoint. */
const keywords = ["quarterly", "invoice", "poem", "rain"]
const vector = (text: string) => keywords.map((word) => (text.toLowerCase().includes(word) ? 1 : 0))
const workingEmbed: EmbeddingTier["embed"] = (texts) => Effect.succeed(texts.map(vector))
const examples = [
  { text: "quarterly invoice totals", taskType: TaskType.DATA_INTERPRETATION },
  { text: "a poem about rain", taskType: TaskType.GENERAL }
]

describe("optional tiers", () => {
  it("the default is unsure about the test prompt", () => {
    expect(classifySync(unsure).confidence).toBeLessThan(threshold)
  })

  it.effect("an LLM tier's valid answer is used when the default is unsure", () =>
    Effect.gen(function*() {
      const calls: Array<CompletionRequest> = []
      const result = yield* classifyWithTiers(unsure, { threshold, llm: { model: scriptedModel(Effect.succeed("Reasoning"), calls) } })
      expect(result.taskType).toBe(TaskType.REASONING)
      expect(result.classifiedBy).toBe("llm")
      expect(calls).toHaveLength(1)
      expect(calls[0]?.messages?.[1]?.content).toBe(unsure)
    }))

  it.effect("the tiers are not consulted when the default is confident", () =>
    Effect.gen(function*() {
      const calls: Array<CompletionRequest> = []
      const prompt = "Summarize this article in three bullet points: the city opened a new library."
      const result = yield* classifyWithTiers(prompt, { llm: { model: scriptedModel(Effect.succeed("general"), calls) } })
      expect(result.taskType).toBe(TaskType.SUMMARIZATION)
      expect(calls).toHaveLength(0)
    }))

  it.effect("a failing LLM tier leaves the default's answer", () =>
    Effect.gen(function*() {
      const failing = scriptedModel(Effect.fail(providerError({ _tag: "Unavailable" }, "connection refused")), [])
      const result = yield* classifyWithTiers(unsure, { threshold, llm: { model: failing } })
      expect(result).toEqual(classifySync(unsure))
    }))

  it.effect("an LLM answer that names no task type is rejected", () =>
    Effect.gen(function*() {
      const result = yield* classifyWithTiers(unsure, { threshold, llm: { model: scriptedModel(Effect.succeed("I think it is poetry"), []) } })
      expect(result).toEqual(classifySync(unsure))
    }))

  it.effect("a slow LLM tier times out and the default stands", () =>
    Effect.gen(function*() {
      const slow = scriptedModel(Effect.as(Effect.sleep("1 minute"), "reasoning"), [])
      const fiber = yield* Effect.forkChild(classifyWithTiers(unsure, { threshold, llm: { model: slow, timeout: "2 seconds" } }))
      yield* TestClock.adjust("3 seconds")
      const result = yield* Fiber.join(fiber)
      expect(result.classifiedBy).toBe("signals")
      expect(result.taskType).toBe(TaskType.GENERAL)
    }))

  it.effect("an embedding tier picks the nearest labelled example", () =>
    Effect.gen(function*() {
      // The default answers this fragment general with some confidence; a threshold above it consults the tier.
      const prompt = "and the quarterly invoice?"
      expect(classifySync(prompt).confidence).toBeLessThan(0.95)
      const result = yield* classifyWithTiers(prompt, { threshold: 0.95, embedding: { embed: workingEmbed, examples } })
      expect(result.taskType).toBe(TaskType.DATA_INTERPRETATION)
      expect(result.classifiedBy).toBe("embedding")
    }))

  it.effect("a failing or slow embedding tier falls back to the default", () =>
    Effect.gen(function*() {
      const failing: EmbeddingTier["embed"] = () => Effect.fail(providerError({ _tag: "ServerError", status: 500 }, "boom"))
      const prompt = "and the quarterly invoice?"
      const failed = yield* classifyWithTiers(prompt, { threshold: 0.95, embedding: { embed: failing, examples } })
      expect(failed).toEqual(classifySync(prompt))
      const slow: EmbeddingTier["embed"] = (texts) => Effect.as(Effect.sleep("10 seconds"), texts.map(vector))
      const fiber = yield* Effect.forkChild(classifyWithTiers(prompt, { threshold: 0.95, embedding: { embed: slow, examples, timeout: "1 second" } }))
      yield* TestClock.adjust("2 seconds")
      expect(yield* Fiber.join(fiber)).toEqual(classifySync(prompt))
    }))

  it("validates model answers", () => {
    expect(parseModelAnswer("CODE_REVIEW")).toBe(TaskType.CODE_REVIEW)
    expect(parseModelAnswer("The answer: error diagnosis.")).toBe(TaskType.ERROR_DIAGNOSIS)
    expect(parseModelAnswer("banana")).toBeUndefined()
  })
})
