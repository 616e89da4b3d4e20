/**
 * `makeLanguageModel`: the one place that does what every backend would otherwise repeat, as Effect's
 * `LanguageModel.make` does. A backend supplies only its wire mapping (a request in, `WireEvent`s out, its own
 * failures mapped to `ProviderError`); this module validates the request once, refuses a request that cannot fit a
 * known context window before anything is sent, times the call with `Clock`, names the spans, splits a leading
 * `<think>` block into reasoning, turns refusals into a `content-filter` finish with their text, assembles the
 * contract's stream parts, carries log-probabilities, checks the terminator, estimates usage the service did not
 * report, and decides what an error after visible text means (StreamInterrupted, with the text so far).
 */
import { Clock, Effect, Stream } from "effect"
import { collectStream } from "./Collect.ts"
import {
  approximateTokenCount,
  meanOfLogprobs,
  type Completion,
  type FinishReason,
  type TokenLogprob,
  type Usage
} from "./Completion.ts"
import type { LanguageModel, ModelInfo, ProviderKind } from "./Model.ts"
import { invalidRequest, providerError, type ProviderError } from "./ProviderError.ts"
import { requestFor } from "./History.ts"
import { requestText, validateRequest, type CompletionRequest, type ToolCall } from "./Request.ts"
import type { StreamPart } from "./StreamPart.ts"
import { readToolArguments } from "./StructuredOutput.ts"
import { makeThinkSplitter } from "./ThinkTags.ts"

/** Token counts as a service reports them; any may be missing, and none is trusted until checked. */
export interface ReportedUsage {
  readonly inputTokens?: number | null | undefined
  readonly outputTokens?: number | null | undefined
  readonly cachedInputTokens?: number | null | undefined
  readonly cacheWriteInputTokens?: number | null | undefined
  readonly reasoningTokens?: number | null | undefined
}

/** What a response says about itself: the model that served it, its id, usage, a finish reason seen early. */
interface WireMetadata {
  readonly model?: string | undefined
  readonly responseId?: string | undefined
  readonly usage?: ReportedUsage | undefined
  /** A finish reason that arrived before the terminator (Anthropic's `message_delta`). */
  readonly finishReason?: FinishReason | undefined
}

/**
 * One event of a backend's answer, in wire order.
 * - `start`: a message begins (Anthropic `message_start`); a second one in the same answer fails the call.
 * - `text`, `reasoning`: pieces of the answer and of hidden reasoning.
 * - `refusal`: the model refused (OpenAI `refusal`); its text is the answer's text and the finish is `content-filter`.
 * - `logprobs`: the log-probabilities of some output tokens.
 * - `metadata`: model, response id, usage, an early finish reason.
 * - `tool-call-delta`: a piece of a streamed tool call (OpenAI's `delta.tool_calls`, Anthropic's `input_json_delta`),
 *   by `index`; its arguments are JSON text cut anywhere, parsed once the answer is complete.
 * - `tool-call`: a complete tool call with parsed arguments (a JSON body, Ollama's lines).
 * - `finish`: the terminator; without one the answer is incomplete.
 */
export type WireEvent =
  | ({ readonly _tag: "start" } & WireMetadata)
  | { readonly _tag: "text"; readonly text: string }
  | { readonly _tag: "reasoning"; readonly text: string }
  | { readonly _tag: "refusal"; readonly text: string }
  | { readonly _tag: "logprobs"; readonly values: ReadonlyArray<TokenLogprob> }
  | ({ readonly _tag: "metadata" } & WireMetadata)
  | { readonly _tag: "tool-call-delta"; readonly index: number; readonly id?: string | undefined; readonly name?: string | undefined; readonly argumentsDelta: string }
  | { readonly _tag: "tool-call"; readonly id?: string | undefined; readonly name: string; readonly arguments: Readonly<Record<string, unknown>> }
  | ({ readonly _tag: "finish" } & WireMetadata)

/** What a backend supplies: its names and its wire mapping. */
export interface WireModel {
  /** The backend's name: the model id prefix and the ledger's provider column. */
  readonly provider: string
  /** The model's name at the backend. */
  readonly name: string
  readonly kind: ProviderKind
  readonly info?: ModelInfo
  /** Span names are `<spanPrefix>.generate` and `<spanPrefix>.stream`, e.g. `OpenAiLanguageModel`. */
  readonly spanPrefix: string
  /** The model's context window in tokens when known now (it may be learned from a listing after the model was made). */
  readonly contextWindow?: () => number | undefined
  /** Split a leading `<think>…</think>` into reasoning (default true). */
  readonly thinkTags?: boolean
  /**
   * The answer as a stream of events, for a validated request. Failures are the backend's, already mapped to
   * `ProviderError` as if no text had arrived; interruption must abort the request.
   */
  readonly stream: (request: CompletionRequest) => Stream.Stream<WireEvent, ProviderError>
  /**
   * The answer of a non-streamed call, as the same events. Without it `generate` consumes `stream`: local servers
   * are called streaming on the wire, so that a cancelled call stops the generation at once.
   */
  readonly generate?: (request: CompletionRequest) => Effect.Effect<ReadonlyArray<WireEvent>, ProviderError>
}

const isCount = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n) && n >= 0

/**
 * The usage of a call: the service's counts when it gave both input and output as whole non-negative numbers, else
 * an estimate from the texts, flagged `estimated`.
 */
export const usageOf = (reported: ReportedUsage | undefined, request: string, output: string): Usage => {
  const input = reported?.inputTokens
  const outputTokens = reported?.outputTokens
  const extras = {
    ...(isCount(reported?.cachedInputTokens) && reported.cachedInputTokens > 0 ? { cachedInputTokens: reported.cachedInputTokens } : {}),
    ...(isCount(reported?.cacheWriteInputTokens) && reported.cacheWriteInputTokens > 0 ? { cacheWriteInputTokens: reported.cacheWriteInputTokens } : {}),
    ...(isCount(reported?.reasoningTokens) && reported.reasoningTokens > 0 ? { reasoningTokens: reported.reasoningTokens } : {})
  }
  if (isCount(input) && isCount(outputTokens)) return { inputTokens: input, outputTokens, ...extras, estimated: false }
  return {
    inputTokens: isCount(input) ? input : approximateTokenCount(request),
    outputTokens: isCount(outputTokens) ? outputTokens : approximateTokenCount(output),
    ...extras,
    estimated: true
  }
}

/**
 * The fewest tokens a text can be (generously below any tokenizer's count: six characters a token), so the
 * context-window check refuses only what certainly cannot fit.
 */
export const minimumTokenCount = (text: string): number => Math.ceil(text.length / 6)

/** ContextLengthExceeded before sending, when the window is known and the prompt plus `maxTokens` cannot fit it. */
const checkContextWindow = (model: WireModel, request: CompletionRequest): ProviderError | undefined => {
  const window = model.contextWindow?.() ?? model.info?.contextWindow
  if (window === undefined || !Number.isFinite(window) || window <= 0) return undefined
  const needed = minimumTokenCount(requestText(request)) + (request.maxTokens ?? 0)
  if (needed <= window) return undefined
  return providerError(
    { _tag: "ContextLengthExceeded", limit: window },
    `The request needs at least ${needed} tokens (prompt and maxTokens) but ${model.provider}/${model.name} has a context window of ${window}; nothing was sent`,
    { provider: model.provider, model: model.name }
  )
}

/** The request checked, with the model named in an InvalidRequest. */
const validated = (model: WireModel, input: CompletionRequest): Effect.Effect<CompletionRequest, ProviderError> =>
  validateRequest(input).pipe(
    Effect.mapError((error) =>
      error.reason._tag === "InvalidRequest" ? invalidRequest(error.reason.issues, { provider: model.provider, model: model.name }) : error
    ),
    Effect.flatMap((valid) => {
      // A history written by another backend, made acceptable to this one (tool-call ids, foreign reasoning).
      const request = requestFor(model.provider, valid)
      const tooLong = checkContextWindow(model, request)
      return tooLong === undefined ? Effect.succeed(request) : Effect.fail(tooLong)
    })
  )

/** What the assembler has seen of one answer. */
interface AnswerState {
  readonly text: Array<string>
  started: boolean
  messageStarted: boolean
  firstTokenMs?: number
  finished: boolean
  finishReason?: FinishReason
  refused: boolean
  usage?: ReportedUsage
  model?: string
  responseId?: string
  readonly logprobs: Array<TokenLogprob>
  /** Streamed tool calls by index: id, name and the argument text so far. */
  readonly pendingCalls: Map<number, { id?: string; name?: string; text: string }>
  /** Complete tool calls, in order. */
  readonly toolCalls: Array<ToolCall>
}

const absorb = (state: AnswerState, metadata: WireMetadata): void => {
  if (metadata.model !== undefined && metadata.model !== "") state.model = metadata.model
  if (metadata.responseId !== undefined && metadata.responseId !== "") state.responseId = metadata.responseId
  if (metadata.usage !== undefined) state.usage = { ...state.usage, ...withoutUndefined(metadata.usage) }
  if (metadata.finishReason !== undefined) state.finishReason = metadata.finishReason
}

const withoutUndefined = (usage: ReportedUsage): ReportedUsage =>
  Object.fromEntries(Object.entries(usage).filter(([, v]) => v !== undefined && v !== null)) as ReportedUsage

/**
 * An error after visible text: the caller has seen part of an answer, so whatever the service said, the answer is
 * interrupted (StreamInterrupted with the text so far). Cancellation and deadlines keep their own reasons.
 */
const afterText = (error: ProviderError, state: AnswerState, usage: Usage | undefined): ProviderError => {
  if (!state.started) return error
  const tag = error.reason._tag
  if (tag === "Cancelled" || tag === "Timeout") return error
  if (tag === "StreamInterrupted" && error.reason.partialText.length > 0) return error
  return providerError(
    {
      _tag: "StreamInterrupted",
      partialText: state.text.join(""),
      ...(usage !== undefined ? { usage } : {}),
      upstreamType: error.upstreamType ?? (tag === "StreamInterrupted" ? (error.reason.upstreamType ?? tag) : tag)
    },
    `The answer broke off after some text: ${error.message}`,
    { ...(error.provider !== undefined ? { provider: error.provider } : {}), ...(error.model !== undefined ? { model: error.model } : {}), ...(error.status !== undefined ? { status: error.status } : {}) }
  )
}

/** Log a failed call at debug level; the error's text is short and redacted by construction. */
const logFailure = (error: ProviderError): Effect.Effect<void> =>
  Effect.logDebug(`model call failed: ${error.toString()}`).pipe(
    Effect.annotateLogs({ provider: error.provider ?? "", model: error.model ?? "", reason: error.reason._tag })
  )

/** Assemble a backend's events into the contract's parts (see the module comment). */
const assemble = (model: WireModel, request: CompletionRequest, events: Stream.Stream<WireEvent, ProviderError>): Stream.Stream<StreamPart, ProviderError> =>
  Stream.unwrap(Effect.gen(function*() {
    const clock = yield* Clock.Clock
    const startMs = clock.currentTimeMillisUnsafe()
    const prompt = requestText(request)
    const splitter = model.thinkTags === false ? undefined : makeThinkSplitter()
    const state: AnswerState = { text: [], started: false, messageStarted: false, finished: false, refused: false, logprobs: [], pendingCalls: new Map(), toolCalls: [] }
    const callId = (index: number): string => `call_${state.responseId ?? "orch"}_${index}`.replace(/[^a-zA-Z0-9_-]/g, "_").slice(-40)
    const completeCall = (call: { readonly id?: string | undefined; readonly name: string; readonly arguments: Readonly<Record<string, unknown>> }): StreamPart => {
      const done: ToolCall = { id: call.id !== undefined && call.id !== "" ? call.id : callId(state.toolCalls.length), name: call.name, arguments: call.arguments }
      state.toolCalls.push(done)
      return { type: "tool-call", ...done }
    }
    /** The streamed calls, parsed: each a `tool-call` part, or MalformedResponse when its arguments are not a JSON object. */
    const flushCalls = (): Effect.Effect<ReadonlyArray<StreamPart>, ProviderError> => {
      const parts: Array<StreamPart> = []
      for (const [index, pending] of [...state.pendingCalls.entries()].sort(([a], [b]) => a - b)) {
        const parsed = readToolArguments(pending.text)
        if (!parsed.ok || pending.name === undefined || pending.name === "") {
          state.pendingCalls.clear()
          return Effect.fail(providerError(
            { _tag: "MalformedResponse" },
            `The tool call ${pending.name ?? `#${index}`} is not complete: ${parsed.ok ? "it has no name" : parsed.issue}`,
            context
          ))
        }
        parts.push(completeCall({ ...(pending.id !== undefined ? { id: pending.id } : {}), name: pending.name, arguments: parsed.value }))
      }
      state.pendingCalls.clear()
      return Effect.succeed(parts)
    }
    const context = { provider: model.provider, model: model.name }

    const textParts = (text: string): Array<StreamPart> => {
      if (text.length === 0) return []
      const parts: Array<StreamPart> = []
      if (!state.started) {
        state.started = true
        state.firstTokenMs = clock.currentTimeMillisUnsafe() - startMs
        parts.push({ type: "text-start" })
      }
      state.text.push(text)
      parts.push({ type: "text-delta", delta: text })
      return parts
    }
    const answerParts = (text: string): Array<StreamPart> => {
      if (splitter === undefined) return textParts(text)
      return splitter.push(text).flatMap((piece) => piece.kind === "text" ? textParts(piece.text) : [{ type: "reasoning-delta" as const, delta: piece.text }])
    }
    const flushSplitter = (): Array<StreamPart> =>
      splitter === undefined ? [] : splitter.end().flatMap((piece) => piece.kind === "text" ? textParts(piece.text) : [{ type: "reasoning-delta" as const, delta: piece.text }])

    const onEvent = (event: WireEvent): Effect.Effect<ReadonlyArray<StreamPart>, ProviderError> => {
      switch (event._tag) {
        case "start":
          if (state.messageStarted) {
            return Effect.fail(providerError(
              { _tag: "MalformedResponse" },
              "A second message began inside the answer (a proxy spliced two responses into one stream)",
              context
            ))
          }
          state.messageStarted = true
          absorb(state, event)
          return Effect.succeed([])
        case "text":
          return Effect.succeed(answerParts(event.text))
        case "reasoning":
          return Effect.succeed(event.text.length > 0 ? [{ type: "reasoning-delta", delta: event.text }] : [])
        case "refusal":
          state.refused = true
          return Effect.succeed([...flushSplitter(), ...textParts(event.text)])
        case "logprobs":
          state.logprobs.push(...event.values)
          return Effect.succeed([])
        case "metadata":
          absorb(state, event)
          return Effect.succeed([])
        case "tool-call-delta": {
          const pending = state.pendingCalls.get(event.index) ?? { text: "" }
          if (event.id !== undefined && event.id !== "") pending.id = event.id
          if (event.name !== undefined && event.name !== "") pending.name = (pending.name ?? "") + event.name
          pending.text += event.argumentsDelta
          state.pendingCalls.set(event.index, pending)
          return Effect.succeed([{ type: "tool-call-delta", index: event.index, ...(event.id !== undefined ? { id: event.id } : {}), ...(event.name !== undefined ? { name: event.name } : {}), argumentsDelta: event.argumentsDelta }])
        }
        case "tool-call":
          return Effect.succeed([completeCall(event)])
        case "finish":
          absorb(state, event)
          state.finished = true
          return Effect.map(flushCalls(), (calls) => [...flushSplitter(), ...calls])
      }
    }

    const ending = Stream.suspend((): Stream.Stream<StreamPart, ProviderError> => {
      const held = flushSplitter()
      if (!state.finished) {
        const text = state.text.join("")
        return Stream.fail(providerError(
          { _tag: "StreamInterrupted", partialText: text, ...(state.usage !== undefined ? { usage: usageOf(state.usage, prompt, text) } : {}) },
          "The answer ended without its terminator (no finish reason)",
          context
        ))
      }
      const text = state.text.join("")
      const totalMs = clock.currentTimeMillisUnsafe() - startMs
      const meanLogprob = meanOfLogprobs(state.logprobs)
      const reason = state.finishReason ?? "other"
      const finish: StreamPart = {
        type: "finish",
        finishReason: state.refused ? "content-filter" : state.toolCalls.length > 0 && (reason === "stop" || reason === "other") ? "tool-calls" : reason,
        usage: usageOf(state.usage, prompt, text),
        provider: model.provider,
        model: state.model ?? model.name,
        timings: { firstTokenMs: state.firstTokenMs ?? totalMs, totalMs },
        ...(state.responseId !== undefined ? { responseId: state.responseId } : {}),
        ...(meanLogprob !== undefined ? { meanLogprob } : {}),
        ...(request.logprobs === true && state.logprobs.length > 0 ? { logprobs: [...state.logprobs] } : {})
      }
      return Stream.fromIterable([...held, ...(state.started ? [{ type: "text-end" } as const] : []), finish])
    })

    return events.pipe(
      Stream.mapEffect(onEvent),
      Stream.flattenIterable,
      Stream.concat(ending),
      Stream.mapError((error) => afterText(error, state, state.usage === undefined ? undefined : usageOf(state.usage, prompt, state.text.join(""))))
    )
  }))

/**
 * A `LanguageModel` from a backend's wire mapping. The model validates, pre-checks the context window, times,
 * traces and assembles; the backend only maps a request to events.
 */
export const makeLanguageModel = (model: WireModel): LanguageModel => {
  const generate = Effect.fn(`${model.spanPrefix}.generate`)(
    function*(input: CompletionRequest): Effect.fn.Return<Completion, ProviderError> {
      const request = yield* validated(model, input)
      const oneShot = model.generate
      const events = oneShot === undefined ? model.stream(request) : Stream.flattenIterable(Stream.fromEffect(oneShot(request)))
      return yield* collectStream(assemble(model, request, events))
    },
    Effect.tapError(logFailure)
  )

  const stream = (input: CompletionRequest): Stream.Stream<StreamPart, ProviderError> =>
    Stream.unwrap(Effect.map(validated(model, input), (request) => assemble(model, request, model.stream(request)))).pipe(
      Stream.tapError(logFailure),
      Stream.withSpan(`${model.spanPrefix}.stream`)
    )

  return {
    id: `${model.provider}/${model.name}`,
    provider: model.provider,
    name: model.name,
    kind: model.kind,
    generate,
    stream,
    ...(model.info !== undefined ? { info: model.info } : {})
  }
}
