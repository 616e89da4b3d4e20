// The orchestrator over a real model: node-llama-cpp with the tiny stories260K GGUF from shared/, through the
// real LocalProvider. The Effect API and the Promise API give the same answer.
import { makeLocalProvider } from "@orch/providers-local"
import { requireShared, tinyChatModelPath } from "@orch/testing"
import { Effect, Stream } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createOrchestrator, ModelOrchestrator, type Orchestrator, type OrchestratorOptions } from "../src/index.ts"

const haveModel = requireShared("models", "stories260K-chatml.gguf")

describe.skipIf(!haveModel)("the embedded model through the orchestrator", () => {
  // An orchestrator owns the providers it is given (dispose releases the model), so each gets its own.
  const makeOptions = async (): Promise<OrchestratorOptions> => {
    const local = await Effect.runPromise(makeLocalProvider({ llamaCpp: { model: tinyChatModelPath(), threads: 1 } }))
    return { providers: [local], deadlineMs: 30_000 }
  }
  let orchestrator: Orchestrator
  beforeAll(async () => {
    orchestrator = createOrchestrator(await makeOptions())
  })
  afterAll(async () => {
    await orchestrator?.dispose()
  })

  it("completes with greedy decoding, locally and for free", async () => {
    const response = await orchestrator.complete("Once upon a time", { temperature: 0, maxTokens: 24, strategy: "local_only" })
    expect(response.provider).toBe("llamacpp")
    expect(response.text.length).toBeGreaterThan(0)
    expect(response.usage.outputTokens).toBeGreaterThan(0)
    expect(response.usage.outputTokens).toBeLessThanOrEqual(24)
    expect(response.costUsd).toBe(0)
    expect(response.attempts).toHaveLength(1)
  })

  it("gives the same answer through the Effect API and the Promise API, and streams the same text", async () => {
    const request = { temperature: 0, maxTokens: 16, strategy: "local_only" } as const
    const viaPromise = await orchestrator.complete("Lily went to the park", request)
    const viaEffect = await Effect.runPromise(
      Effect.flatMap(ModelOrchestrator, (o) => o.complete("Lily went to the park", request)).pipe(
        Effect.provide(ModelOrchestrator.layer(await makeOptions()))
      )
    )
    expect(viaEffect.text).toBe(viaPromise.text)
    const deltas: Array<string> = []
    const stream = orchestrator.stream("Lily went to the park", request)
    for await (const delta of stream) deltas.push(delta)
    expect(deltas.join("")).toBe(viaPromise.text)
    expect((await stream.response).text).toBe(viaPromise.text)
    const parts = await Effect.runPromise(
      Effect.flatMap(ModelOrchestrator, (o) => Stream.runCollect(o.stream("Lily went to the park", request))).pipe(
        Effect.provide(ModelOrchestrator.layer(await makeOptions()))
      )
    )
    expect(parts.at(-1)?.type).toBe("response")
  })
})
