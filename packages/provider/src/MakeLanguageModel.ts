/**
 * `makeLanguageModel`: the one place that does what every backend would otherwise repeat, as Effect's
 * `LanguageModel.make` does. A backend supplies only its wire mapping (a request in, `WireEvent`s out, its own
 * failures mapped to `ProviderError`); this module validates the request once, refuses a request that cannot fit a
 * known context window before anything is sent, times the call with `Clock`, names the spans, and runs the answer
 * through the `AnswerAssembler` (think blocks, refusals, tool calls, log-probabilities, the terminator, usage, what
 * an error after visible text means).
 *
 * The hot path is lean on purpose: a one-shot `generate` validates as plain code and is then the backend's effect,
 * whose events a plain loop turns into the completion where they arrive (`generateWith`: no stream, no effect step
 * of its own); `stream` is the backend's stream through one plain stage (one effect per network batch, not per
 * event). A backend that keeps a call's bound itself gets `generateBounded`, and one whose stream keeps it,
 * `streamBounded`. The span is made only when a tracer is
 * installed (with Effect's built-in `nativeTracer` nobody could observe it), and a failure's log line is built only
 * when debug logging is on.
 */
import { Channel, Clock, Effect, type Fiber, LogLevel, type Pull, References, Result, type Scope, Stream, Tracer } from "effect"
import type { NonEmptyReadonlyArray } from "effect/Array"
import { type AnswerAssembler, makeAnswerAssembler, type WireEvent } from "./AnswerAssembler.ts"
import { collectStream, completionOfParts } from "./Collect.ts"
import type { Completion } from "./Completion.ts"
import type { CallBound, LanguageModel, ModelInfo, ProviderKind } from "./Model.ts"
import { throughStage } from "./PlainStage.ts"
import { invalidRequest, providerError, type ProviderError } from "./ProviderError.ts"
import { requestFor } from "./History.ts"
import { requestText, validateRequestResult, type CompletionRequest } from "./Request.ts"
import type { StreamPart } from "./StreamPart.ts"

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
   * `stream` that ends by itself at `bound.atMs` (epoch ms, on the real clock) with `bound.error()`, its request
   * aborted, whatever it waits for, and its timer cleared at the stream's end (`readEvents` with its `bound`). A model
   * made with it offers `streamBounded`, and, when it has no one-shot call (`generate`, `generateWith`), also
   * `generateBounded`: its bounded stream, collected.
   */
  readonly streamBounded?: (request: CompletionRequest, bound: CallBound) => Stream.Stream<WireEvent, ProviderError>
  /**
   * The answer of a non-streamed call, as the same events. Without it `generate` consumes `stream`: local servers
   * are called streaming on the wire, so that a cancelled call stops the generation at once.
   */
  readonly generate?: (request: CompletionRequest) => Effect.Effect<ReadonlyArray<WireEvent>, ProviderError>
  /**
   * `generate` for a backend that gets its answer in a callback of its own: it hands the events to `read` there
   * (which turns them into the completion, or the error they mean) and succeeds or fails with what `read` returns,
   * so the answer costs no effect step after the call's. Used instead of `generate` when given. With a `bound` the
   * call must end by itself at `bound.atMs` (epoch ms, on the real clock) with `bound.error()`, its request aborted:
   * a model made with `generateWith` offers `generateBounded`.
   */
  readonly generateWith?: <A>(
    request: CompletionRequest,
    read: (events: ReadonlyArray<WireEvent>) => Result.Result<A, ProviderError>,
    bound?: CallBound
  ) => Effect.Effect<A, ProviderError>
}

/** A backend's non-streamed call, with the events read where they arrive. */
type ReadingCall = (
  request: CompletionRequest,
  read: (events: ReadonlyArray<WireEvent>) => Result.Result<Completion, ProviderError>,
  bound?: CallBound
) => Effect.Effect<Completion, ProviderError>

/** `generate` as a reading call: its events, then `read`. */
const readingAfter = (generate: (request: CompletionRequest) => Effect.Effect<ReadonlyArray<WireEvent>, ProviderError>): ReadingCall =>
  (request, read) => Effect.flatMap(generate(request), (events) => Effect.fromResult(read(events)))

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

/** The request checked, with the model named in an InvalidRequest (a plain function: no effect step). */
const validatedResult = (model: WireModel, input: CompletionRequest): Result.Result<CompletionRequest, ProviderError> => {
  const checked = validateRequestResult(input)
  if (Result.isFailure(checked)) {
    const error = checked.failure
    return error.reason._tag === "InvalidRequest" ? Result.fail(invalidRequest(error.reason.issues, { provider: model.provider, model: model.name })) : checked
  }
  // A history written by another backend, made acceptable to this one (tool-call ids, foreign reasoning).
  const request = requestFor(model.provider, checked.success)
  const tooLong = checkContextWindow(model, request)
  return tooLong === undefined ? Result.succeed(request) : Result.fail(tooLong)
}

/** Whether a tracer that can observe spans is installed (Effect's default `nativeTracer` exports nothing). */
const tracing = (fiber: Fiber.Fiber<unknown, unknown>): boolean => fiber.getRef(Tracer.Tracer) !== Tracer.nativeTracer

/** Whether a debug line would be logged at all. */
const debugLogging = (fiber: Fiber.Fiber<unknown, unknown>): boolean =>
  !LogLevel.isGreaterThan(fiber.getRef(References.MinimumLogLevel), "Debug")

/** Log a failed call at debug level; the error's text is short and redacted by construction. */
const logFailure = (error: ProviderError): Effect.Effect<void> =>
  Effect.logDebug(`model call failed: ${error.toString()}`).pipe(
    Effect.annotateLogs({ provider: error.provider ?? "", model: error.model ?? "", reason: error.reason._tag })
  )

/** The answer's parts from a backend's stream of events: one assembler per run, one plain stage. */
const assembled = (model: WireModel, request: CompletionRequest, events: Stream.Stream<WireEvent, ProviderError>): Stream.Stream<StreamPart, ProviderError> =>
  throughStage(events, Effect.clockWith((clock) => {
    const assembler = makeAnswerAssembler(model, request, clock.currentTimeMillisUnsafe(), () => clock.currentTimeMillisUnsafe())
    return Effect.succeed({ push: assembler.push, end: assembler.end, fail: assembler.interrupted })
  }))

/** The completion of a one-shot answer's events, through the call's assembler. */
const completionOfEvents = (assembler: AnswerAssembler, events: ReadonlyArray<WireEvent>): Result.Result<Completion, ProviderError> => {
  const parts: Array<StreamPart> = []
  for (const event of events) {
    const error = assembler.push(event, parts)
    if (error !== undefined) return Result.fail(error)
  }
  const error = assembler.end(parts)
  if (error !== undefined) return Result.fail(error)
  return completionOfParts(parts)
}

/**
 * A one-shot answer: the backend's effect, then a plain loop over its events into the completion. `clock` is the
 * calling fiber's, read here so that the call's timings start now.
 */
const oneShot = (model: WireModel, request: CompletionRequest, call: ReadingCall, clock: Clock.Clock, bound: CallBound | undefined): Effect.Effect<Completion, ProviderError> => {
  const startMs = clock.currentTimeMillisUnsafe()
  // The assembler is made when the events are there, so that nothing of it is kept while the call waits. A failure
  // of the call itself comes before any text: it keeps its reason.
  const read = (events: ReadonlyArray<WireEvent>) => completionOfEvents(makeAnswerAssembler(model, request, startMs, () => clock.currentTimeMillisUnsafe()), events)
  return bound === undefined ? call(request, read) : call(request, read, bound)
}

/**
 * A `LanguageModel` from a backend's wire mapping. The model validates, pre-checks the context window, times,
 * traces and assembles; the backend only maps a request to events.
 */
export const makeLanguageModel = (model: WireModel): LanguageModel => {
  const generateSpan = `${model.spanPrefix}.generate`
  const streamSpan = `${model.spanPrefix}.stream`
  const call: ReadingCall | undefined = model.generateWith ?? (model.generate !== undefined ? readingAfter(model.generate) : undefined)

  // The span and the failure log are added only when someone can see them (checked once per call).
  // Validation and the assembler's set-up run inside this one step, as plain code; then the backend's call.
  const answer = (fiber: Fiber.Fiber<unknown, unknown>, input: CompletionRequest, bound: CallBound | undefined): Effect.Effect<Completion, ProviderError> => {
    const valid = validatedResult(model, input)
    if (Result.isFailure(valid)) return Effect.fail(valid.failure)
    const request = valid.success
    if (call !== undefined) return oneShot(model, request, call, fiber.getRef(Clock.Clock), bound)
    return collectStream(assembled(model, request, bound === undefined ? model.stream(request) : model.streamBounded!(request, bound)))
  }
  const run = (input: CompletionRequest, bound: CallBound | undefined): Effect.Effect<Completion, ProviderError> =>
    Effect.withFiber((fiber) => {
      if (tracing(fiber)) {
        // Everything, validation included, inside the span.
        const inside = Effect.withFiber((inner) => answer(inner, input, bound))
        return Effect.withSpan(debugLogging(fiber) ? Effect.tapError(inside, logFailure) : inside, generateSpan)
      }
      const effect = answer(fiber, input, bound)
      return debugLogging(fiber) ? Effect.tapError(effect, logFailure) : effect
    })
  const generate = (input: CompletionRequest): Effect.Effect<Completion, ProviderError> => run(input, undefined)
  // Offered only by a backend that keeps a bound itself (its own timer, its request aborted at the bound): its one-shot
  // call, or, for a backend whose answers are its collected stream, its bounded stream.
  const generateBounded = model.generateWith !== undefined || (call === undefined && model.streamBounded !== undefined)
    ? (input: CompletionRequest, bound: CallBound) => run(input, bound)
    : undefined

  const parts = (input: CompletionRequest, log: boolean, bound: CallBound | undefined): Effect.Effect<Stream.Stream<StreamPart, ProviderError>, ProviderError> => {
    const valid = validatedResult(model, input)
    if (Result.isFailure(valid)) return log ? Effect.andThen(logFailure(valid.failure), Effect.fail(valid.failure)) : Effect.fail(valid.failure)
    const events = bound === undefined ? model.stream(valid.success) : model.streamBounded!(valid.success, bound)
    const assembledParts = assembled(model, valid.success, events)
    return Effect.succeed(log ? Stream.tapError(assembledParts, logFailure) : assembledParts)
  }
  // One stream layer over the backend's: the request is checked, and the backend's stream set up, in the first pull.
  // The set-up sends the request and waits for the response head, so it must be part of a pull: an attempt bounds
  // each pull (a first-token limit, the deadline) and would otherwise wait for a head that never comes.
  const streamOf = (input: CompletionRequest, bound: CallBound | undefined): Stream.Stream<StreamPart, ProviderError> =>
    Stream.fromChannel(Channel.fromTransform((upstream: Pull.Pull<unknown, unknown, unknown>, scope: Scope.Scope) => {
      let pull: Pull.Pull<NonEmptyReadonlyArray<StreamPart>, ProviderError> | undefined
      const first = Effect.withFiber((fiber) => {
        const log = debugLogging(fiber)
        // Traced: the check inside the span, as before.
        const built = tracing(fiber) ? Effect.succeed(Stream.withSpan(Stream.unwrap(Effect.suspend(() => parts(input, log, bound))), streamSpan)) : parts(input, log, bound)
        return Effect.flatMap(Effect.flatMap(built, (stream) => Channel.toTransform(stream.channel)(upstream, scope)), (made) => {
          pull = made
          return made
        })
      })
      return Effect.succeed(Effect.suspend(() => pull ?? first))
    }))
  const stream = (input: CompletionRequest): Stream.Stream<StreamPart, ProviderError> => streamOf(input, undefined)
  // Offered only by a backend whose stream keeps a bound itself (its own timer, its request aborted at the bound).
  const streamBounded = model.streamBounded !== undefined ? (input: CompletionRequest, bound: CallBound) => streamOf(input, bound) : undefined

  return {
    id: `${model.provider}/${model.name}`,
    provider: model.provider,
    name: model.name,
    kind: model.kind,
    generate,
    ...(generateBounded !== undefined ? { generateBounded } : {}),
    stream,
    ...(streamBounded !== undefined ? { streamBounded } : {}),
    ...(model.info !== undefined ? { info: model.info } : {})
  }
}
