/**
 * An in-memory LanguageModel and a Provider over it, built from the contract only: no HTTP, no timers. The
 * in-process overhead benchmark calls it directly and through @orch.
 */
import type { CompletionRequest, LanguageModel, Provider, StreamPart } from "@orch/provider"
import { providerError } from "@orch/provider"
import { Effect, Stream } from "effect"

const usage = { inputTokens: 2, outputTokens: 3, estimated: false }

/** A model that answers "in memory answer" at once. */
export const inMemoryModel: LanguageModel = {
  id: "memory/echo",
  provider: "memory",
  name: "echo",
  kind: "local",
  info: { id: "memory/echo", name: "echo", provider: "memory", kind: "local", loaded: true, pricing: { inputPerMillion: 0, outputPerMillion: 0 } },
  generate: (_request: CompletionRequest) =>
    Effect.succeed({ text: "in memory answer", finishReason: "stop", usage, provider: "memory", model: "echo", timings: { totalMs: 0 } }),
  stream: (_request: CompletionRequest) =>
    Stream.make<ReadonlyArray<StreamPart>>(
      { type: "text-start" },
      { type: "text-delta", delta: "in memory answer" },
      { type: "text-end" },
      { type: "finish", finishReason: "stop", usage, provider: "memory", model: "echo", timings: { totalMs: 0 } }
    )
}

/** A local provider with the in-memory model only. */
export const inMemoryProvider: Provider = {
  name: "memory",
  kind: "local",
  isAvailable: Effect.succeed({ available: true }),
  listModels: Effect.succeed([inMemoryModel.info!]),
  model: (id) => id === inMemoryModel.id || id === inMemoryModel.name ? Effect.succeed(inMemoryModel) : Effect.fail(providerError({ _tag: "ModelNotFound", modelId: id }, `no model ${id} in memory`))
}
