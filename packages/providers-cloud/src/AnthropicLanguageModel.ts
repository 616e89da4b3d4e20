/**
 * Anthropic models as `LanguageModel` values: the Messages API through the official client, JSON for `generate`
 * and raw SSE events for `stream` (message_start, content_block_*, ping, message_delta with the final usage,
 * message_stop). System messages become the `system` field; `max_tokens` is always sent.
 */
import type Anthropic from "@anthropic-ai/sdk"
import { Clock, Effect, Stream } from "effect"
import {
  makeLanguageModel,
  optionsFor,
  providerError,
  textMessages,
  type CompletionRequest,
  type FinishReason,
  type LanguageModel,
  type ModelInfo,
  type ProviderError,
  type ReportedUsage,
  type WireEvent
} from "@orch/provider"
import { Redacted } from "effect"
import { makeAnthropicClient } from "./AnthropicClient.ts"
import { anthropicDefaultMaxTokens, anthropicNames, type AnthropicOptions } from "./AnthropicConfig.ts"
import { resolveBackend, type BackendSettings } from "./internal/BackendSettings.ts"
import { fromInBandError, fromSdkError, type FailureScope } from "./internal/errors.ts"
import { unconfiguredModel } from "./internal/ModelCalls.ts"

type MessageBody = Anthropic.Messages.MessageCreateParamsNonStreaming
type StreamEvent = Anthropic.Messages.RawMessageStreamEvent

/** An Anthropic stop reason in the shared vocabulary. */
const finishReasonOf = (reason: string | null | undefined): FinishReason | undefined => {
  switch (reason) {
    case null:
    case undefined:
      return undefined
    case "end_turn":
    case "stop_sequence":
      return "stop"
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length"
    case "tool_use":
      return "tool-calls"
    case "refusal":
      return "content-filter"
    default:
      return "other"
  }
}

/** Token counts as Anthropic reports them; any field may be missing or null in a delta. */
interface AnthropicTokens {
  readonly input_tokens?: number | null
  readonly output_tokens?: number | null
  readonly cache_read_input_tokens?: number | null
  readonly cache_creation_input_tokens?: number | null
}

const count = (value: number | null | undefined): number | undefined => (typeof value === "number" && value >= 0 ? value : undefined)

/** Anthropic's running token counts: each event may update some of them (null leaves a count as it was). */
interface TokenCounts {
  uncached?: number | undefined
  output?: number | undefined
  cacheRead: number
  cacheWrite: number
}

const absorb = (counts: TokenCounts, tokens: AnthropicTokens | null | undefined): void => {
  if (!tokens) return
  counts.uncached = count(tokens.input_tokens) ?? counts.uncached
  counts.output = count(tokens.output_tokens) ?? counts.output
  counts.cacheRead = count(tokens.cache_read_input_tokens) ?? counts.cacheRead
  counts.cacheWrite = count(tokens.cache_creation_input_tokens) ?? counts.cacheWrite
}

/**
 * Anthropic's counts as reported usage: `input_tokens` excludes cached input, so input is uncached + cache reads +
 * cache writes, `cachedInputTokens` the cache reads, `cacheWriteInputTokens` the cache writes.
 */
const reportedOf = (counts: TokenCounts): ReportedUsage => ({
  inputTokens: counts.uncached === undefined ? undefined : counts.uncached + counts.cacheRead + counts.cacheWrite,
  outputTokens: counts.output,
  cachedInputTokens: counts.cacheRead,
  cacheWriteInputTokens: counts.cacheWrite
})

/** The request body: system prompt from the system messages, alternating turns, `max_tokens` always set. */
const messageBody = (name: string, request: CompletionRequest, defaultMaxTokens: number): MessageBody => {
  const all = textMessages(request)
  const system = all.filter((m) => m.role === "system").map((m) => m.content).join("\n\n")
  const turns: Array<{ role: "user" | "assistant"; content: string }> = []
  for (const message of all) {
    if (message.role === "system") continue
    const last = turns[turns.length - 1]
    if (last !== undefined && last.role === message.role) last.content = `${last.content}\n\n${message.content}`
    else turns.push({ role: message.role, content: message.content })
  }
  const body = {
    model: name,
    max_tokens: request.maxTokens ?? defaultMaxTokens,
    messages: turns,
    ...(system.length > 0 ? { system } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.topP !== undefined ? { top_p: request.topP } : {}),
    ...(request.stop !== undefined && request.stop.length > 0 ? { stop_sequences: [...request.stop] } : {}),
    ...optionsFor(request, "anthropic")
  }
  return body as MessageBody
}

/** The events of one streamed event; `counts` carries the running token counts of the answer. */
const eventEvents = (event: StreamEvent, counts: TokenCounts): ReadonlyArray<WireEvent> => {
  switch (event.type) {
    case "message_start":
      absorb(counts, event.message.usage)
      return [{ _tag: "start", model: event.message.model, responseId: event.message.id, usage: reportedOf(counts) }]
    case "content_block_delta": {
      const delta = event.delta
      if (delta.type === "text_delta") return [{ _tag: "text", text: delta.text }]
      if (delta.type === "thinking_delta") return [{ _tag: "reasoning", text: delta.thinking }]
      return []
    }
    case "message_delta": {
      absorb(counts, event.usage)
      const finishReason = finishReasonOf(event.delta.stop_reason)
      return [{ _tag: "metadata", usage: reportedOf(counts), ...(finishReason !== undefined ? { finishReason } : {}) }]
    }
    case "message_stop":
      return [{ _tag: "finish" }]
    default:
      return []
  }
}

/** The resolved pieces of one Anthropic model. */
interface AnthropicModelParts {
  readonly client: Anthropic
  readonly settings: BackendSettings
  readonly name: string
  readonly defaultMaxTokens: number
  readonly info?: ModelInfo
}

/**
 * @internal An Anthropic model on an existing client (the CloudProvider shares one client). Calls go through the
 * client's plain `post`, which sends the same request as `messages.create` without the SDK's console warnings
 * (it warns on every call to a model it considers deprecated): a library prints nothing.
 */
export const makeAnthropicLanguageModel = (parts: AnthropicModelParts): LanguageModel => {
  const { client, settings, name, defaultMaxTokens } = parts
  const provider = settings.backend
  const secrets = [Redacted.value(settings.apiKey)]
  const scopeAt = (nowMs: number): FailureScope => ({ provider, model: name, secrets, timeoutMs: settings.timeoutMs, nowMs })

  const generate = (request: CompletionRequest): Effect.Effect<ReadonlyArray<WireEvent>, ProviderError> =>
    Effect.gen(function*() {
      const nowMs = yield* Clock.currentTimeMillis
      const message: unknown = yield* Effect.tryPromise({
        try: (signal) => client.post("/v1/messages", { body: messageBody(name, request, defaultMaxTokens), signal, timeout: settings.timeoutMs }),
        catch: (error) => fromSdkError(error, scopeAt(nowMs))
      })
      const body = message as Anthropic.Messages.Message | { readonly type?: unknown } | null | undefined
      if (typeof body !== "object" || body === null) return yield* Effect.fail(providerError({ _tag: "MalformedResponse" }, "The response is not a message", { provider, model: name }))
      if (body.type === "error") return yield* Effect.fail(fromInBandError(body, scopeAt(nowMs)))
      const done = body as Anthropic.Messages.Message
      if (!Array.isArray(done.content)) return yield* Effect.fail(providerError({ _tag: "MalformedResponse" }, "The message has no content", { provider, model: name }))
      const counts: TokenCounts = { cacheRead: 0, cacheWrite: 0 }
      absorb(counts, done.usage)
      const finishReason = finishReasonOf(done.stop_reason) ?? "other"
      return [
        { _tag: "metadata", model: done.model, responseId: done.id },
        ...done.content.flatMap((block): ReadonlyArray<WireEvent> =>
          block.type === "text" ? [{ _tag: "text", text: block.text }] : block.type === "thinking" ? [{ _tag: "reasoning", text: block.thinking }] : []),
        { _tag: "finish", finishReason, usage: reportedOf(counts) }
      ]
    })

  const stream = (request: CompletionRequest): Stream.Stream<WireEvent, ProviderError> =>
    Stream.unwrap(Effect.gen(function*() {
      const nowMs = yield* Clock.currentTimeMillis
      const signal = yield* Effect.abortSignal
      const events = yield* Effect.tryPromise({
        try: () => client.post("/v1/messages", { body: { ...messageBody(name, request, defaultMaxTokens), stream: true }, stream: true, signal, timeout: settings.timeoutMs }) as unknown as Promise<AsyncIterable<StreamEvent>>,
        catch: (error) => fromSdkError(error, scopeAt(nowMs))
      })
      const counts: TokenCounts = { cacheRead: 0, cacheWrite: 0 }
      return Stream.fromAsyncIterable(events, (error) => fromSdkError(error, scopeAt(nowMs))).pipe(
        Stream.map((event) => eventEvents(event, counts)),
        Stream.flattenIterable
      )
    }))

  return makeLanguageModel({
    provider,
    name,
    kind: "cloud",
    spanPrefix: "AnthropicLanguageModel",
    thinkTags: false,
    stream,
    generate,
    ...(parts.info ? { info: parts.info } : {})
  })
}

/**
 * An Anthropic model, e.g. `anthropicModel("claude-3-5-haiku-latest", { apiKey })`. Without a key its calls fail
 * at once with Authentication ("set ANTHROPIC_API_KEY") and make no request.
 */
export const anthropicModel = (name: string, options: AnthropicOptions = {}): LanguageModel => {
  const state = resolveBackend(anthropicNames, options)
  if (!state.configured) return unconfiguredModel(state.backend, name, state.reason)
  return makeAnthropicLanguageModel({
    client: makeAnthropicClient(state.settings),
    settings: state.settings,
    name,
    defaultMaxTokens: validMaxTokens(options.defaultMaxTokens)
  })
}

/** @internal The default `max_tokens`: the option when it is a positive integer, else 1024. */
export const validMaxTokens = (value: number | undefined): number =>
  value !== undefined && Number.isInteger(value) && value > 0 ? value : anthropicDefaultMaxTokens
