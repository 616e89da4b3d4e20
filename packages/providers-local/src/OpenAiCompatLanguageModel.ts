/**
 * A model of an OpenAI-compatible server (vLLM, llama.cpp server, LM Studio, Ollama `/v1`) as the contract's
 * `LanguageModel` value: chat completions as JSON for `generate`, as SSE with `stream_options.include_usage` for
 * `stream`. vLLM's extra fields parse (`stop_reason`, `reasoning_content`, `chat-<hex>` ids). The SDK's stream
 * iterator can end silently on a truncated stream, so a stream counts as finished only once a finish reason arrived.
 */
import {
  providerError, requestText, textMessages, validateRequest,
  type Completion, type CompletionRequest, type FinishReason, type LanguageModel, type ModelInfo, type ProviderError
} from "@orch/provider"
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParamsNonStreaming } from "openai/resources/chat/completions"
import { Clock, Effect, Stream } from "effect"
import { failWith, inBandError, toStreamError } from "./internal/errors.ts"
import { assembleStream, usageOf, type BackendEvent, type ReportedUsage } from "./internal/streamAssembly.ts"
import type { OpenAiCompatClient } from "./OpenAiCompatClient.ts"

/** An OpenAI `finish_reason` in the contract's vocabulary. */
export const openAiFinishReason = (reason: string | null | undefined): FinishReason => {
  switch (reason) {
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

/** The chat completion body for a request; `providerOptions[backend]` is merged last (e.g. vLLM's `top_k`). */
export const openAiChatBody = (model: string, request: CompletionRequest, backend: string): ChatCompletionCreateParamsNonStreaming => {
  const format = request.responseFormat
  return {
    model,
    messages: textMessages(request).map((m) => ({ role: m.role, content: m.content })),
    ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.topP !== undefined ? { top_p: request.topP } : {}),
    ...(request.seed !== undefined ? { seed: request.seed } : {}),
    ...(request.stop !== undefined ? { stop: [...request.stop] } : {}),
    ...(request.logprobs === true ? { logprobs: true } : {}),
    ...(format?.type === "json"
      ? {
        response_format: format.schema !== undefined
          ? { type: "json_schema" as const, json_schema: { name: format.name ?? "response", schema: format.schema as Record<string, unknown> } }
          : { type: "json_object" as const }
      }
      : {}),
    ...(request.providerOptions?.[backend] ?? {})
  }
}

type UsageLike = ChatCompletion["usage"] | null | undefined

const reportedUsage = (usage: UsageLike): ReportedUsage | undefined =>
  usage == null
    ? undefined
    : {
      inputTokens: usage.prompt_tokens,
      outputTokens: usage.completion_tokens,
      cachedInputTokens: usage.prompt_tokens_details?.cached_tokens ?? undefined,
      reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? undefined
    }

/** vLLM and DeepSeek-style servers put hidden reasoning in `reasoning_content` (some in `reasoning`). */
const reasoningOf = (message: unknown): string | undefined => {
  const fields = message as { readonly reasoning_content?: unknown; readonly reasoning?: unknown } | null | undefined
  const value = fields?.reasoning_content ?? fields?.reasoning
  return typeof value === "string" && value.length > 0 ? value : undefined
}

/** What the model needs besides its client. */
export interface OpenAiCompatModelSetup {
  /** The backend name (`vllm`, `lmstudio`, ...). */
  readonly backend: string
  /** Ask for usage in streams; default true. */
  readonly streamUsage?: boolean
  readonly info?: ModelInfo
}

/** The `LanguageModel` value for one model of an OpenAI-compatible server. Makes no call. */
export const makeOpenAiCompatLanguageModel = (client: OpenAiCompatClient, name: string, setup: OpenAiCompatModelSetup): LanguageModel => {
  const context = { provider: setup.backend, model: name, secrets: client.secrets }

  const generate = Effect.fn("OpenAiCompatLanguageModel.generate")(function*(input: CompletionRequest): Effect.fn.Return<Completion, ProviderError> {
    const request = yield* validateRequest(input)
    const startMs = yield* Clock.currentTimeMillis
    const response = yield* client.chat(openAiChatBody(name, request, setup.backend)).pipe(Effect.catch(failWith(context)))
    const endMs = yield* Clock.currentTimeMillis
    const totalMs = endMs - startMs
    const upstream = inBandError(response, { ...context, nowMs: endMs })
    if (upstream !== undefined) return yield* Effect.fail(upstream)
    const choice = typeof response === "object" && response !== null && Array.isArray(response.choices) ? response.choices[0] : undefined
    if (choice === undefined || typeof choice.message !== "object" || choice.message === null) {
      return yield* Effect.fail(providerError({ _tag: "MalformedResponse" }, "The chat completion has no choices", context))
    }
    const text = choice.message.content ?? ""
    const reasoning = reasoningOf(choice.message)
    const logprobs = choice.logprobs?.content
    const meanLogprob = logprobs && logprobs.length > 0 ? logprobs.reduce((sum, t) => sum + t.logprob, 0) / logprobs.length : undefined
    return {
      text,
      finishReason: openAiFinishReason(choice.finish_reason),
      usage: usageOf(reportedUsage(response.usage), requestText(request), text),
      provider: setup.backend,
      model: response.model || name,
      timings: { firstTokenMs: totalMs, totalMs },
      ...(reasoning !== undefined ? { reasoning } : {}),
      ...(meanLogprob !== undefined ? { meanLogprob } : {}),
      ...(typeof response.id === "string" && response.id !== "" ? { responseId: response.id } : {})
    }
  })

  const toEvents = (chunk: ChatCompletionChunk): ReadonlyArray<BackendEvent> => {
    const events: Array<BackendEvent> = []
    const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined
    const reasoning = reasoningOf(choice?.delta)
    if (reasoning !== undefined) events.push({ _tag: "reasoning", text: reasoning })
    const content = choice?.delta?.content
    if (typeof content === "string" && content.length > 0) events.push({ _tag: "text", text: content })
    const usage = reportedUsage(chunk.usage)
    const finish = choice?.finish_reason
    if (finish != null || usage !== undefined) {
      events.push({
        _tag: "end",
        ...(finish != null ? { finishReason: openAiFinishReason(finish) } : {}),
        usage,
        model: chunk.model,
        responseId: chunk.id
      })
    }
    return events
  }

  const stream = (input: CompletionRequest) =>
    Stream.unwrap(Effect.map(validateRequest(input), (request) => {
      const body = {
        ...openAiChatBody(name, request, setup.backend),
        stream: true as const,
        ...(setup.streamUsage === false ? {} : { stream_options: { include_usage: true } })
      }
      const events = client.chatStream(body).pipe(Stream.map(toEvents), Stream.flattenIterable)
      return assembleStream(events, {
        provider: setup.backend,
        model: name,
        requestText: requestText(request),
        onError: (error, partialText, nowMs) => toStreamError(error, { ...context, nowMs }, partialText)
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
