/**
 * Anthropic models as `LanguageModel` values: the Messages API through the official client, JSON for `generate`
 * and raw SSE events for `stream` (message_start, content_block_*, ping, message_delta with the final usage,
 * message_stop). System messages become the `system` field; `max_tokens` is always sent.
 */
import type Anthropic from "@anthropic-ai/sdk"
import { Clock, Effect, Redacted, Stream } from "effect"
import {
  optionsFor,
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
import { makeAnthropicClient } from "./AnthropicClient.ts"
import { anthropicDefaultMaxTokens, anthropicNames, type AnthropicOptions } from "./AnthropicConfig.ts"
import { resolveBackend, type BackendSettings } from "./internal/BackendSettings.ts"
import { estimatedUsage } from "./internal/ChatCompletions.ts"
import { fromInBandError, fromSdkError, type FailureScope } from "./internal/errors.ts"
import { cancelledStream, incompleteStream, logFailure, unconfiguredModel, validated } from "./internal/ModelCalls.ts"

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
 * Anthropic's counts as @orch's usage: `input_tokens` excludes cached input, so input is uncached + cache reads +
 * cache writes, and `cachedInputTokens` the cache reads. Undefined until both input and output are known.
 */
const usageOf = (counts: TokenCounts): Usage | undefined => {
  if (counts.uncached === undefined || counts.output === undefined) return undefined
  return {
    inputTokens: counts.uncached + counts.cacheRead + counts.cacheWrite,
    outputTokens: counts.output,
    ...(counts.cacheRead > 0 ? { cachedInputTokens: counts.cacheRead } : {}),
    estimated: false
  }
}

const countsOf = (tokens: AnthropicTokens | null | undefined): TokenCounts => {
  const counts: TokenCounts = { cacheRead: 0, cacheWrite: 0 }
  absorb(counts, tokens)
  return counts
}

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

/** What a stream has received so far. */
interface MessageStreamState {
  readonly text: Array<string>
  readonly counts: TokenCounts
  started: boolean
  stopped: boolean
  firstTokenMs?: number
  finishReason?: FinishReason
  model?: string
  responseId?: string
}

const eventParts = (event: StreamEvent, state: MessageStreamState, elapsedMs: number): ReadonlyArray<StreamPart> => {
  switch (event.type) {
    case "message_start": {
      state.model = event.message.model
      state.responseId = event.message.id
      absorb(state.counts, event.message.usage)
      return []
    }
    case "content_block_delta": {
      const delta = event.delta
      if (delta.type === "text_delta" && delta.text.length > 0) {
        const parts: Array<StreamPart> = []
        if (!state.started) {
          state.started = true
          state.firstTokenMs = elapsedMs
          parts.push({ type: "text-start" })
        }
        state.text.push(delta.text)
        parts.push({ type: "text-delta", delta: delta.text })
        return parts
      }
      if (delta.type === "thinking_delta" && delta.thinking.length > 0) return [{ type: "reasoning-delta", delta: delta.thinking }]
      return []
    }
    case "message_delta": {
      const finish = finishReasonOf(event.delta.stop_reason)
      if (finish !== undefined) state.finishReason = finish
      absorb(state.counts, event.usage)
      return []
    }
    case "message_stop":
      state.stopped = true
      return []
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

/** @internal An Anthropic model on an existing client (the CloudProvider shares one client). */
export const makeAnthropicLanguageModel = (parts: AnthropicModelParts): LanguageModel => {
  const { client, settings, name, defaultMaxTokens } = parts
  const provider = settings.backend
  const secrets = [Redacted.value(settings.apiKey)]
  const scopeAt = (nowMs: number, aborted: boolean): FailureScope => ({ provider, model: name, secrets, timeoutMs: settings.timeoutMs, nowMs, aborted })

  const generate = Effect.fn("AnthropicLanguageModel.generate")(
    function*(input: CompletionRequest): Effect.fn.Return<Completion, ProviderError> {
      const request = yield* validated(input, provider, name)
      const clock = yield* Clock.Clock
      const startMs = clock.currentTimeMillisUnsafe()
      const message = yield* Effect.tryPromise({
        try: (signal) => client.messages.create(messageBody(name, request, defaultMaxTokens), { signal }),
        catch: (error) => fromSdkError(error, scopeAt(clock.currentTimeMillisUnsafe(), false))
      })
      const totalMs = clock.currentTimeMillisUnsafe() - startMs
      if ((message as { type?: unknown } | undefined)?.type === "error") {
        return yield* Effect.fail(fromInBandError(JSON.stringify(message), undefined, scopeAt(clock.currentTimeMillisUnsafe(), false)))
      }
      if (!Array.isArray(message?.content)) {
        return yield* Effect.fail(fromSdkError(new SyntaxError("no content"), scopeAt(clock.currentTimeMillisUnsafe(), false)))
      }
      const text = message.content.flatMap((block) => (block.type === "text" ? [block.text] : [])).join("")
      const reasoning = message.content.flatMap((block) => (block.type === "thinking" ? [block.thinking] : [])).join("")
      return {
        text,
        finishReason: finishReasonOf(message.stop_reason) ?? "other",
        usage: usageOf(countsOf(message.usage)) ?? estimatedUsage(request, text),
        provider,
        model: typeof message.model === "string" && message.model.length > 0 ? message.model : name,
        timings: { firstTokenMs: totalMs, totalMs },
        ...(reasoning.length > 0 ? { reasoning } : {}),
        ...(typeof message.id === "string" ? { responseId: message.id } : {})
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
        const events = yield* Effect.tryPromise({
          try: () => client.messages.create({ ...messageBody(name, request, defaultMaxTokens), stream: true }, { signal }),
          catch: (error) => fromSdkError(error, scopeAt(clock.currentTimeMillisUnsafe(), signal.aborted))
        })
        const state: MessageStreamState = { text: [], counts: { cacheRead: 0, cacheWrite: 0 }, started: false, stopped: false }
        const streamScope = (): FailureScope => {
          const usage = usageOf(state.counts)
          return { ...scopeAt(clock.currentTimeMillisUnsafe(), signal.aborted), partialText: state.text.join(""), ...(usage ? { usage } : {}) }
        }
        const ending = (): Stream.Stream<StreamPart, ProviderError> => {
          if (signal.aborted) return cancelledStream(streamScope())
          if (!state.stopped) return incompleteStream(streamScope(), "The stream ended before message_stop")
          const text = state.text.join("")
          const totalMs = clock.currentTimeMillisUnsafe() - startMs
          const finish: StreamPart = {
            type: "finish",
            finishReason: state.finishReason ?? "other",
            usage: usageOf(state.counts) ?? estimatedUsage(request, text),
            provider,
            model: state.model ?? name,
            timings: { ...(state.firstTokenMs !== undefined ? { firstTokenMs: state.firstTokenMs } : {}), totalMs },
            ...(state.responseId !== undefined ? { responseId: state.responseId } : {})
          }
          return Stream.fromIterable(state.started ? [{ type: "text-end" } as const, finish] : [finish])
        }
        return Stream.fromAsyncIterable(events, (error) => fromSdkError(error, streamScope())).pipe(
          Stream.map((event) => eventParts(event, state, clock.currentTimeMillisUnsafe() - startMs)),
          Stream.flattenIterable,
          Stream.concat(Stream.suspend(ending))
        )
      })
    ).pipe(Stream.tapError(logFailure), Stream.withSpan("AnthropicLanguageModel.stream"))

  return { id: `${provider}/${name}`, provider, name, kind: "cloud", generate, stream, ...(parts.info ? { info: parts.info } : {}) }
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
