/**
 * A model behind an OpenAI chat-completions endpoint as a `LanguageModel`, built with the contract's
 * `makeLanguageModel`: this module only joins the kit's request mapping, client and response mapping. Cloud
 * endpoints answer `generate` with one JSON body; local servers are called streaming on the wire whatever the
 * caller asked, so that a cancelled call closes the socket while the server writes, and generation stops at once.
 */
import { Effect, Result, type Stream } from "effect"
import { makeLanguageModel, throughStage, type CallBound, type CompletionRequest, type LanguageModel, type ModelInfo, type ProviderError, type ProviderKind, type WireEvent } from "@orch/provider"
import type { OpenAiCompatClient } from "./OpenAiCompatClient.ts"
import type { FailureScope } from "./OpenAiCompatError.ts"
import { chatBody } from "./OpenAiCompatRequest.ts"
import { chunkEventsInto, completionEvents, makeStreamedToolCalls } from "./OpenAiCompatResponse.ts"

/** What one model needs besides its client. */
export interface OpenAiCompatModelOptions {
  /** The model's name in ids (`vllm/<name>`). */
  readonly name: string
  /** The name sent on the wire, when it differs (a llama.cpp server's model path behind a short name), read per call. */
  readonly wireName?: string | (() => string | undefined)
  readonly kind: ProviderKind
  /** Default `max_tokens`; OpenAI wants `max_completion_tokens`. */
  readonly maxTokensField?: "max_completion_tokens" | "max_tokens"
  /** Span names start with this (default `OpenAiCompatLanguageModel`). */
  readonly spanPrefix?: string
  /** Ask for usage in streams (`stream_options.include_usage`); default true. Off for servers that reject it. */
  readonly streamUsage?: boolean
  /** Call `generate` streaming on the wire; default true for local servers, false for cloud endpoints. */
  readonly streamOnWire?: boolean
  /** Split a leading `<think>…</think>` into reasoning; default true. */
  readonly thinkTags?: boolean
  readonly info?: ModelInfo
  /** The model's context window when known now (learned from a listing). */
  readonly contextWindow?: () => number | undefined
}

/** A `LanguageModel` for one model of an endpoint. Makes no call. */
export const makeOpenAiCompatLanguageModel = (client: OpenAiCompatClient, options: OpenAiCompatModelOptions): LanguageModel => {
  const settings = client.settings
  const wireNameOf = (): string => (typeof options.wireName === "function" ? options.wireName() : options.wireName) ?? options.name
  const dialect = { backend: settings.backend, maxTokensField: options.maxTokensField ?? "max_tokens" } as const
  const scopeAt = (nowMs: number): FailureScope => ({ provider: settings.backend, model: options.name, secrets: settings.secrets, timeoutMs: settings.timeoutMs, nowMs })

  const streamWithin = (request: CompletionRequest, bound: CallBound | undefined): Stream.Stream<WireEvent, ProviderError> => {
    const body = {
      ...chatBody(wireNameOf(), request, dialect),
      stream: true as const,
      ...(options.streamUsage === false ? {} : { stream_options: { include_usage: true } })
    }
    // Each chunk's events in a plain loop, a batch of chunks at a time.
    return throughStage(client.chatStream(body, options.name, bound), Effect.clockWith((clock) => {
      const scope = scopeAt(clock.currentTimeMillisUnsafe())
      const streamed = makeStreamedToolCalls()
      return Effect.succeed({
        push: (chunk: unknown, out: Array<WireEvent>): ProviderError | undefined => chunkEventsInto(chunk, scope, out, streamed)
      })
    }))
  }

  const stream = (request: CompletionRequest): Stream.Stream<WireEvent, ProviderError> => streamWithin(request, undefined)
  // The bound on the stream's own timer (readEvents'), on either path: the abort reaches the SDK's fetch too.
  const streamBounded = (request: CompletionRequest, bound: CallBound): Stream.Stream<WireEvent, ProviderError> => streamWithin(request, bound)

  // One effect step on the lean transport: the body is built as the call starts, the answer read as it arrives.
  const generateWith = <A>(request: CompletionRequest, read: (events: ReadonlyArray<WireEvent>) => Result.Result<A, ProviderError>, bound?: CallBound): Effect.Effect<A, ProviderError> =>
    client.chatWith(() => chatBody(wireNameOf(), request, dialect), options.name, (body, receivedAtMs) => {
      const events = completionEvents(body, scopeAt(receivedAtMs))
      return Result.isFailure(events) ? Result.fail(events.failure) : read(events.success)
    }, bound)

  const streamOnWire = options.streamOnWire ?? options.kind === "local"
  return makeLanguageModel({
    provider: settings.backend,
    name: options.name,
    kind: options.kind,
    spanPrefix: options.spanPrefix ?? "OpenAiCompatLanguageModel",
    stream,
    streamBounded,
    ...(streamOnWire ? {} : { generateWith }),
    ...(options.thinkTags !== undefined ? { thinkTags: options.thinkTags } : {}),
    ...(options.info !== undefined ? { info: options.info } : {}),
    ...(options.contextWindow !== undefined ? { contextWindow: options.contextWindow } : {})
  })
}
