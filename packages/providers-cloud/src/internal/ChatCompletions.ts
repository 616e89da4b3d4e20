/**
 * The OpenAI chat-completions wire format as a `LanguageModel`: JSON and SSE through the official `openai` client.
 * Shared by every backend that speaks it (OpenAI itself, Lightning AI, any compatible host behind a base URL).
 * Streams ask for `stream_options.include_usage`, so the last chunk before `[DONE]` has `choices: []` and the usage.
 */
import { Clock, Effect, Redacted, Stream } from "effect"
import type OpenAI from "openai"
import {
  approximateTokenCount,
  optionsFor,
  requestText,
  textMessages,
  type Completion,
  type CompletionRequest,
  type FinishReason,
  type LanguageModel,
  type ModelInfo,
  type ProviderError,
  type StreamPart,
  type Usage
} from "@orch/provider"
import type { BackendSettings } from "./BackendSettings.ts"
import { fromInBandError, fromSdkError, type FailureScope } from "./errors.ts"
import { cancelledStream, incompleteStream, logFailure, validated } from "./ModelCalls.ts"

type ChatBody = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming
type ChatStreamBody = OpenAI.Chat.Completions.ChatCompletionCreateParamsStreaming
type ChatChunk = OpenAI.Chat.Completions.ChatCompletionChunk
type ChatUsage = OpenAI.CompletionUsage

/** One model behind a chat-completions endpoint. */
export interface ChatCompletionsModel {
  readonly client: OpenAI
  readonly settings: BackendSettings
  /** The model's name at the backend. */
  readonly name: string
  /** OpenAI wants `max_completion_tokens` (reasoning models reject `max_tokens`); compatible hosts know `max_tokens`. */
  readonly maxTokensField: "max_completion_tokens" | "max_tokens"
  /** Span names start with this, e.g. `OpenAiLanguageModel`. */
  readonly spanPrefix: string
  readonly info?: ModelInfo
}

/** A chat-completions finish reason in the shared vocabulary. */
export const finishReasonOf = (reason: string | null | undefined): FinishReason | undefined => {
  switch (reason) {
    case null:
    case undefined:
      return undefined
    case "stop":
      return "stop"
    case "length":
      return "length"
    case "content_filter":
      return "content-filter"
    case "tool_calls":
    case "function_call":
      return "tool-calls"
    default:
      return "other"
  }
}

/** The service's usage, with cached-input and reasoning tokens when reported. */
export const usageOf = (usage: ChatUsage | null | undefined): Usage | undefined => {
  if (!usage || typeof usage.prompt_tokens !== "number" || typeof usage.completion_tokens !== "number") return undefined
  const cached = usage.prompt_tokens_details?.cached_tokens
  const reasoning = usage.completion_tokens_details?.reasoning_tokens
  return {
    inputTokens: usage.prompt_tokens,
    outputTokens: usage.completion_tokens,
    ...(typeof cached === "number" && cached > 0 ? { cachedInputTokens: cached } : {}),
    ...(typeof reasoning === "number" && reasoning > 0 ? { reasoningTokens: reasoning } : {}),
    estimated: false
  }
}

/** Counted usage, for services that report none. */
export const estimatedUsage = (request: CompletionRequest, text: string): Usage => ({
  inputTokens: approximateTokenCount(requestText(request)),
  outputTokens: approximateTokenCount(text),
  estimated: true
})

const responseFormatOf = (request: CompletionRequest): ChatBody["response_format"] | undefined => {
  const format = request.responseFormat
  if (format === undefined || format.type === "text") return undefined
  if (format.schema === undefined) return { type: "json_object" }
  return { type: "json_schema", json_schema: { name: format.name ?? "response", schema: format.schema as Record<string, unknown> } }
}

/** The request body: messages, the shared options, then the backend's own `providerOptions`. */
export const chatBody = (model: ChatCompletionsModel, request: CompletionRequest): ChatBody => {
  const responseFormat = responseFormatOf(request)
  const body = {
    model: model.name,
    messages: textMessages(request).map((m) => ({ role: m.role, content: m.content })),
    ...(request.maxTokens !== undefined ? { [model.maxTokensField]: request.maxTokens } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.topP !== undefined ? { top_p: request.topP } : {}),
    ...(request.stop !== undefined && request.stop.length > 0 ? { stop: [...request.stop] } : {}),
    ...(request.seed !== undefined ? { seed: request.seed } : {}),
    ...(responseFormat !== undefined ? { response_format: responseFormat } : {}),
    ...(request.logprobs === true ? { logprobs: true } : {}),
    ...optionsFor(request, model.settings.backend)
  }
  return body as ChatBody
}

const meanLogprobOf = (choice: OpenAI.Chat.Completions.ChatCompletion.Choice): number | undefined => {
  const tokens = choice.logprobs?.content
  if (!tokens || tokens.length === 0) return undefined
  return tokens.reduce((sum, t) => sum + t.logprob, 0) / tokens.length
}

const reasoningOf = (value: unknown): string | undefined => {
  const reasoning = (value as { reasoning_content?: unknown } | null | undefined)?.reasoning_content
  return typeof reasoning === "string" && reasoning.length > 0 ? reasoning : undefined
}

/** What a stream has received so far. */
interface ChatStreamState {
  readonly text: Array<string>
  started: boolean
  firstTokenMs?: number
  finishReason?: FinishReason
  usage?: Usage
  model?: string
  responseId?: string
}

const chunkParts = (chunk: ChatChunk, state: ChatStreamState, elapsedMs: number): ReadonlyArray<StreamPart> => {
  const parts: Array<StreamPart> = []
  if (typeof chunk.id === "string" && chunk.id.length > 0) state.responseId = chunk.id
  if (typeof chunk.model === "string" && chunk.model.length > 0) state.model = chunk.model
  const usage = usageOf(chunk.usage)
  if (usage) state.usage = usage
  for (const choice of chunk.choices ?? []) {
    if (choice.index !== 0) continue
    const reasoning = reasoningOf(choice.delta)
    if (reasoning !== undefined) parts.push({ type: "reasoning-delta", delta: reasoning })
    const delta = choice.delta?.content
    if (typeof delta === "string" && delta.length > 0) {
      if (!state.started) {
        state.started = true
        state.firstTokenMs = elapsedMs
        parts.push({ type: "text-start" })
      }
      state.text.push(delta)
      parts.push({ type: "text-delta", delta })
    }
    const finish = finishReasonOf(choice.finish_reason)
    if (finish !== undefined) state.finishReason = finish
  }
  return parts
}

/** A `LanguageModel` for one model behind a chat-completions endpoint. */
export const makeChatCompletionsModel = (model: ChatCompletionsModel): LanguageModel => {
  const { client, settings, name } = model
  const provider = settings.backend
  const secrets = [Redacted.value(settings.apiKey)]
  const scopeAt = (nowMs: number, aborted: boolean): FailureScope => ({ provider, model: name, secrets, timeoutMs: settings.timeoutMs, nowMs, aborted })

  const generate = Effect.fn(`${model.spanPrefix}.generate`)(
    function*(input: CompletionRequest): Effect.fn.Return<Completion, ProviderError> {
      const request = yield* validated(input, provider, name)
      const clock = yield* Clock.Clock
      const startMs = clock.currentTimeMillisUnsafe()
      const response = yield* Effect.tryPromise({
        try: (signal) => client.chat.completions.create(chatBody(model, request), { signal }),
        catch: (error) => fromSdkError(error, scopeAt(clock.currentTimeMillisUnsafe(), false))
      })
      const totalMs = clock.currentTimeMillisUnsafe() - startMs
      const inBand = (response as { error?: unknown } | undefined)?.error
      if (inBand !== undefined && inBand !== null) {
        return yield* Effect.fail(fromInBandError(JSON.stringify({ error: inBand }), undefined, scopeAt(clock.currentTimeMillisUnsafe(), false)))
      }
      const choice = response?.choices?.[0]
      if (choice === undefined) {
        return yield* Effect.fail(fromSdkError(new SyntaxError("no choices"), scopeAt(clock.currentTimeMillisUnsafe(), false)))
      }
      const text = choice.message?.content ?? ""
      const reasoning = reasoningOf(choice.message)
      const meanLogprob = meanLogprobOf(choice)
      return {
        text,
        finishReason: finishReasonOf(choice.finish_reason) ?? "other",
        usage: usageOf(response.usage) ?? estimatedUsage(request, text),
        provider,
        model: typeof response.model === "string" && response.model.length > 0 ? response.model : name,
        timings: { firstTokenMs: totalMs, totalMs },
        ...(reasoning !== undefined ? { reasoning } : {}),
        ...(meanLogprob !== undefined ? { meanLogprob } : {}),
        ...(typeof response.id === "string" ? { responseId: response.id } : {})
      }
    },
    Effect.tapError(logFailure)
  )

  const stream = (input: CompletionRequest): Stream.Stream<StreamPart, ProviderError> =>
    Stream.unwrap(
      Effect.gen(function*() {
        const request = yield* validated(input, provider, name)
        const clock = yield* Clock.Clock
        const signal = yield* Effect.abortSignal
        const startMs = clock.currentTimeMillisUnsafe()
        const body: ChatStreamBody = { ...chatBody(model, request), stream: true, stream_options: { include_usage: true } }
        const chunks = yield* Effect.tryPromise({
          try: () => client.chat.completions.create(body, { signal }),
          catch: (error) => fromSdkError(error, scopeAt(clock.currentTimeMillisUnsafe(), signal.aborted))
        })
        const state: ChatStreamState = { text: [], started: false }
        const streamScope = (): FailureScope => ({
          ...scopeAt(clock.currentTimeMillisUnsafe(), signal.aborted),
          partialText: state.text.join(""),
          ...(state.usage ? { usage: state.usage } : {})
        })
        const ending = (): Stream.Stream<StreamPart, ProviderError> => {
          if (signal.aborted) return cancelledStream(streamScope())
          if (state.finishReason === undefined) return incompleteStream(streamScope(), "The stream ended before the model finished (no finish_reason)")
          const text = state.text.join("")
          const totalMs = clock.currentTimeMillisUnsafe() - startMs
          const finish: StreamPart = {
            type: "finish",
            finishReason: state.finishReason,
            usage: state.usage ?? estimatedUsage(request, text),
            provider,
            model: state.model ?? name,
            timings: { ...(state.firstTokenMs !== undefined ? { firstTokenMs: state.firstTokenMs } : {}), totalMs },
            ...(state.responseId !== undefined ? { responseId: state.responseId } : {})
          }
          return Stream.fromIterable(state.started ? [{ type: "text-end" } as const, finish] : [finish])
        }
        return Stream.fromAsyncIterable(chunks, (error) => fromSdkError(error, streamScope())).pipe(
          Stream.map((chunk) => chunkParts(chunk, state, clock.currentTimeMillisUnsafe() - startMs)),
          Stream.flattenIterable,
          Stream.concat(Stream.suspend(ending))
        )
      })
    ).pipe(Stream.tapError(logFailure), Stream.withSpan(`${model.spanPrefix}.stream`))

  return {
    id: `${provider}/${name}`,
    provider,
    name,
    kind: "cloud",
    generate,
    stream,
    ...(model.info ? { info: model.info } : {})
  }
}
