/**
 * The embedded llama.cpp model as the contract's `LanguageModel` value: chat messages rendered with the model's own
 * chat template, streamed token by token, usage from the engine's real token counts, cancellation that stops the
 * generation at once. `generate` skips the stream machinery (the same engine call, no per-token parts).
 */
import {
  hasFiles, hasImages, invalidRequest, makeLanguageModel, textMessages,
  type CompletionRequest, type ModelCapabilities, type FinishReason, type LanguageModel, type ModelInfo, type ProviderError, type WireEvent
} from "@orch/provider"
import { Cause, Effect, Queue, Stream } from "effect"
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

/**
 * What the embedded engine takes: text, and JSON constrained by a schema (node-llama-cpp's JSON-schema grammar).
 * Tools, images and files it does not take. Reasoning depends on the GGUF model, so it is left unknown.
 */
export const llamaCapabilities: ModelCapabilities = { tools: false, images: false, files: false, jsonSchema: true }

/**
 * The generation for a request: every message but the last user message is history; a JSON `responseFormat`
 * becomes a grammar. A request that needs tools, images or files is refused before the engine runs (it would
 * otherwise answer as if they were not there).
 */
export const llamaGeneration = (request: CompletionRequest): Effect.Effect<LlamaGeneration, ProviderError> => {
  const unsupported: ReadonlyArray<readonly [capability: string, what: string]> = [
    ...((request.tools?.length ?? 0) > 0 && request.toolChoice !== "none" ? [["tools", "tools (the embedded engine cannot call tools)"] as const] : []),
    ...(hasImages(request) ? [["images", "images (the embedded engine reads text only)"] as const] : []),
    ...(hasFiles(request) ? [["files", "files (the embedded engine reads text only)"] as const] : [])
  ]
  if (unsupported.length > 0) {
    // What the engine cannot take, another model may: `missingCapabilities` lets a fallback move on.
    const issues = unsupported.map(([, what]) => `unsupported: ${what}`)
    return Effect.fail(invalidRequest(issues, {}, unsupported.map(([capability]) => capability)))
  }
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
    ...(request.stop !== undefined ? { stop: request.stop } : {}),
    ...(request.responseFormat?.type === "json"
      ? { json: request.responseFormat.schema !== undefined ? { schema: request.responseFormat.schema } : {} }
      : {})
  })
}

/** What the model needs besides its engine. */
export interface LlamaCppModelSetup {
  /** The backend name (`llamacpp`). */
  readonly backend: string
  readonly info?: ModelInfo
  /** The context size per sequence, once the model is loaded. */
  readonly contextWindow?: () => number | undefined
}

/** The `LanguageModel` value of the embedded engine's model, built with `makeLanguageModel`. Makes no call (the model loads on first use). */
export const makeLlamaCppLanguageModel = (client: LlamaCppClient, setup: LlamaCppModelSetup): LanguageModel => {
  const finishOf = (result: { readonly stopReason: string; readonly inputTokens: number; readonly outputTokens: number }): WireEvent =>
    ({ _tag: "finish", finishReason: llamaFinishReason(result.stopReason), usage: { inputTokens: result.inputTokens, outputTokens: result.outputTokens } })

  const stream = (request: CompletionRequest): Stream.Stream<WireEvent, ProviderError> =>
    Stream.unwrap(Effect.map(llamaGeneration(request), (generation) =>
      Stream.callback<WireEvent, ProviderError>((queue) =>
        client.generate(generation, (text) => { Queue.offerUnsafe(queue, { _tag: "text", text }) }).pipe(
          Effect.tap((result) => Effect.sync(() => {
            Queue.offerUnsafe(queue, finishOf(result))
            Queue.endUnsafe(queue)
          })),
          Effect.catch((error) => Effect.sync(() => Queue.failCauseUnsafe(queue, Cause.fail(error))))
        ))))

  // `generate` skips the per-token queue: the same engine call, the text at the end.
  const generate = (request: CompletionRequest): Effect.Effect<ReadonlyArray<WireEvent>, ProviderError> =>
    Effect.flatMap(llamaGeneration(request), (generation) =>
      Effect.map(client.generate(generation, () => {}), (result): ReadonlyArray<WireEvent> => [{ _tag: "text", text: result.text }, finishOf(result)]))

  return makeLanguageModel({
    provider: setup.backend,
    name: client.modelName,
    kind: "local",
    spanPrefix: "LlamaCppLanguageModel",
    stream,
    generate,
    ...(setup.info !== undefined ? { info: setup.info } : {}),
    ...(setup.contextWindow !== undefined ? { contextWindow: setup.contextWindow } : {})
  })
}
