/**
 * An Ollama model as the contract's `LanguageModel` value: `/api/chat` as JSON for `generate`, as NDJSON for
 * `stream`. A 404 "model not found" is ModelNotFound with the `ollama pull` hint, a 503 "server busy" is Overloaded,
 * an `{"error": ...}` line inside a stream or a stream without `done: true` fails the stream.
 */
import {
  providerError, requestText, textMessages, validateRequest,
  type Completion, type CompletionRequest, type FinishReason, type LanguageModel, type ModelInfo, type ProviderError
} from "@orch/provider"
import type { ChatRequest, ChatResponse } from "ollama"
import { Clock, Effect, Stream } from "effect"
import { inBandError, toProviderError, toStreamError } from "./internal/errors.ts"
import { assembleStream, usageOf, type BackendEvent } from "./internal/streamAssembly.ts"
import type { OllamaClient } from "./OllamaClient.ts"

/** Ollama's `done_reason` in the contract's vocabulary. */
export const ollamaFinishReason = (doneReason: string | undefined): FinishReason => {
  switch (doneReason) {
    case "stop":
    case undefined:
    case "":
      return "stop"
    case "length":
      return "length"
    default:
      return "other"
  }
}

/** The Ollama chat body for a request: messages, sampling options, format, and `providerOptions.ollama` merged last. */
export const ollamaChatRequest = (model: string, request: CompletionRequest, keepAlive: string | number | undefined): ChatRequest => {
  const own = request.providerOptions?.["ollama"] ?? {}
  const ownOptions = typeof own["options"] === "object" && own["options"] !== null ? (own["options"] as Record<string, unknown>) : {}
  const options = {
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.topP !== undefined ? { top_p: request.topP } : {}),
    ...(request.seed !== undefined ? { seed: request.seed } : {}),
    ...(request.maxTokens !== undefined ? { num_predict: request.maxTokens } : {}),
    ...(request.stop !== undefined ? { stop: [...request.stop] } : {}),
    ...ownOptions
  }
  const format = request.responseFormat?.type === "json" ? (request.responseFormat.schema ?? "json") : undefined
  const { options: _ignored, ...rest } = own
  return {
    model,
    messages: textMessages(request).map((m) => ({ role: m.role, content: m.content })),
    ...(Object.keys(options).length > 0 ? { options } : {}),
    ...(format !== undefined ? { format: format as string | object } : {}),
    ...(keepAlive !== undefined ? { keep_alive: keepAlive } : {}),
    ...rest
  }
}

const reportedUsage = (response: Partial<ChatResponse>) => ({ inputTokens: response.prompt_eval_count, outputTokens: response.eval_count })

/** What the Ollama model needs besides its client. */
export interface OllamaModelSetup {
  /** The backend name (`ollama`). */
  readonly backend: string
  readonly keepAlive?: string | number
  readonly info?: ModelInfo
}

/** The `LanguageModel` value for one Ollama model. Makes no call. */
export const makeOllamaLanguageModel = (client: OllamaClient, name: string, setup: OllamaModelSetup): LanguageModel => {
  const context = { provider: setup.backend, model: name }
  const withHint = (error: ProviderError): ProviderError =>
    error.reason._tag === "ModelNotFound"
      ? providerError({ _tag: "ModelNotFound", modelId: name }, `Model '${name}' is not on the Ollama server at ${client.host}: run \`ollama pull ${name}\``, { ...context, ...(error.status !== undefined ? { status: error.status } : {}) })
      : error
  const mapFailure = (error: unknown) =>
    Effect.flatMap(Clock.currentTimeMillis, (nowMs) => Effect.fail(withHint(toProviderError(error, { ...context, nowMs }))))

  const generate = Effect.fn("OllamaLanguageModel.generate")(function*(input: CompletionRequest): Effect.fn.Return<Completion, ProviderError> {
    const request = yield* validateRequest(input)
    const startMs = yield* Clock.currentTimeMillis
    const response = yield* client.chat(ollamaChatRequest(name, request, setup.keepAlive)).pipe(Effect.catch(mapFailure))
    const endMs = yield* Clock.currentTimeMillis
    const totalMs = endMs - startMs
    const upstream = inBandError(response, { ...context, nowMs: endMs })
    if (upstream !== undefined) return yield* Effect.fail(upstream)
    if (typeof response !== "object" || response === null || typeof response.message?.content !== "string") {
      return yield* Effect.fail(providerError({ _tag: "MalformedResponse" }, "The Ollama response has no message content", context))
    }
    if (response.done === false) {
      return yield* Effect.fail(providerError({ _tag: "MalformedResponse" }, "The Ollama response is not done", context))
    }
    const text = response.message.content
    const thinking = response.message.thinking
    return {
      text,
      finishReason: ollamaFinishReason(response.done_reason),
      usage: usageOf(reportedUsage(response), requestText(request), text),
      provider: setup.backend,
      model: response.model || name,
      timings: { firstTokenMs: totalMs, totalMs },
      ...(thinking ? { reasoning: thinking } : {})
    }
  })

  const stream = (input: CompletionRequest) =>
    Stream.unwrap(Effect.map(validateRequest(input), (request) => {
      const events = client.chatStream({ ...ollamaChatRequest(name, request, setup.keepAlive), stream: true }).pipe(
        Stream.map((part): ReadonlyArray<BackendEvent> => {
          const events: Array<BackendEvent> = []
          if (part.message?.thinking) events.push({ _tag: "reasoning", text: part.message.thinking })
          if (part.message?.content) events.push({ _tag: "text", text: part.message.content })
          if (part.done === true) {
            events.push({ _tag: "end", finishReason: ollamaFinishReason(part.done_reason), usage: reportedUsage(part), model: part.model })
          }
          return events
        }),
        Stream.flattenIterable
      )
      return assembleStream(events, {
        provider: setup.backend,
        model: name,
        requestText: requestText(request),
        onError: (error, partialText, nowMs) => withHint(toStreamError(error, { ...context, nowMs }, partialText))
      })
    }))

  return {
    id: `${setup.backend}/${name}`,
    provider: setup.backend,
    name,
    kind: "local",
    generate,
    stream,
    ...(setup.info !== undefined ? { info: setup.info } : {})
  }
}
