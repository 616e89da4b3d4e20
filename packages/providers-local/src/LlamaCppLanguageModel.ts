/**
 * The embedded llama.cpp model as the contract's `LanguageModel` value: chat messages rendered with the model's own
 * chat template, streamed token by token, usage from the engine's real token counts, cancellation that stops the
 * generation at once. `generate` skips the stream machinery (the same engine call, no per-token parts).
 */
import {
  invalidRequest, requestText, textMessages, validateRequest,
  type Completion, type CompletionRequest, type FinishReason, type LanguageModel, type ModelInfo, type ProviderError, type StreamPart
} from "@orch/provider"
import { Cause, Clock, Effect, Queue, Stream } from "effect"
import { assembleStream, type BackendEvent } from "./internal/streamAssembly.ts"
import type { LlamaCppClient, LlamaGeneration } from "./LlamaCppClient.ts"

/** node-llama-cpp's stop reason in the contract's vocabulary. */
export const llamaFinishReason = (stopReason: string): FinishReason => {
  switch (stopReason) {
    case "eogToken":
    case "stopGenerationTrigger":
    case "customStopTrigger":
      return "stop"
    case "maxTokens":
      return "length"
    case "functionCalls":
      return "tool-calls"
    default:
      return "other"
  }
}

/** The generation for a request: every message but the last user message is history. */
export const llamaGeneration = (request: CompletionRequest): Effect.Effect<LlamaGeneration, ProviderError> => {
  const messages = textMessages(request)
  const last = messages[messages.length - 1]
  if (last === undefined || last.role !== "user") {
    return Effect.fail(invalidRequest(["the embedded engine answers a user message: the last message must be from the user"]))
  }
  return Effect.succeed({
    history: messages.slice(0, -1),
    prompt: last.content,
    ...(request.maxTokens !== undefined ? { maxTokens: request.maxTokens } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.topP !== undefined ? { topP: request.topP } : {}),
    ...(request.seed !== undefined ? { seed: request.seed } : {}),
    ...(request.stop !== undefined ? { stop: request.stop } : {})
  })
}

/** What the model needs besides its engine. */
export interface LlamaCppModelSetup {
  /** The backend name (`llamacpp`). */
  readonly backend: string
  readonly info?: ModelInfo
}

/** The `LanguageModel` value of the embedded engine's model. Makes no call (the model loads on first use). */
export const makeLlamaCppLanguageModel = (client: LlamaCppClient, setup: LlamaCppModelSetup): LanguageModel => {
  const name = client.modelName

  const stream = (input: CompletionRequest): Stream.Stream<StreamPart, ProviderError> =>
    Stream.unwrap(Effect.gen(function*() {
      const request = yield* validateRequest(input)
      const generation = yield* llamaGeneration(request)
      const events = Stream.callback<BackendEvent, ProviderError>((queue) =>
        client.generate(generation, (text) => { Queue.offerUnsafe(queue, { _tag: "text", text }) }).pipe(
          Effect.tap((result) => Effect.sync(() => {
            Queue.offerUnsafe(queue, {
              _tag: "end",
              finishReason: llamaFinishReason(result.stopReason),
              usage: { inputTokens: result.inputTokens, outputTokens: result.outputTokens }
            })
            Queue.endUnsafe(queue)
          })),
          Effect.catch((error) => Effect.sync(() => Queue.failCauseUnsafe(queue, Cause.fail(error))))
        ))
      return assembleStream(events, {
        provider: setup.backend,
        model: name,
        requestText: requestText(request),
        onError: (error) => error as ProviderError
      })
    }))

  return {
    id: `${setup.backend}/${name}`,
    provider: setup.backend,
    name,
    kind: "local",
    generate: Effect.fn("LlamaCppLanguageModel.generate")(function*(input: CompletionRequest): Effect.fn.Return<Completion, ProviderError> {
      const request = yield* validateRequest(input)
      const generation = yield* llamaGeneration(request)
      const clock = yield* Clock.Clock
      const startMs = clock.currentTimeMillisUnsafe()
      let firstTextMs: number | undefined
      const result = yield* client.generate(generation, () => { firstTextMs ??= clock.currentTimeMillisUnsafe() })
      const totalMs = clock.currentTimeMillisUnsafe() - startMs
      return {
        text: result.text,
        finishReason: llamaFinishReason(result.stopReason),
        usage: { inputTokens: result.inputTokens, outputTokens: result.outputTokens, estimated: false },
        provider: setup.backend,
        model: name,
        timings: { firstTokenMs: firstTextMs === undefined ? totalMs : firstTextMs - startMs, totalMs }
      }
    }),
    stream,
    ...(setup.info !== undefined ? { info: setup.info } : {})
  }
}
