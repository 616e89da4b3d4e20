/**
 * One attempt: a model called once, reported through the contract's `AttemptEvents` (a start and exactly one end:
 * success with usage, failure with the error, or cancelled with the usage so far), under the deadline and chunk
 * limits in scope. Every primitive reaches models through it.
 */
import {
  approximateTokenCount,
  AttemptEvents,
  type AttemptModel,
  collectStream,
  type Completion,
  type CompletionRequest,
  type LanguageModel,
  newAttemptId,
  type ProviderError,
  requestText,
  type StreamPart,
  type Usage
} from "@orch/provider"
import { Cause, Clock, Context, Effect, Exit, Stream } from "effect"
import { ChunkLimits, guardStream, hasChunkLimits } from "./ChunkLimits.ts"
import { deadlineError, remainingMs } from "./Deadline.ts"
import { isPlan, makePlan, type Step, type Plan } from "./Plan.ts"

/** What the attempts in scope are for ("primary", "fallback", "race", "hedge", "vote", "judge", ...). */
export const AttemptRole = Context.Reference<string>("@orch/strategies/AttemptRole", { defaultValue: () => "primary" })

/** Run a strategy's call with the attempts under it reported with `role`. */
export const withRole = <A, E, R>(self: Effect.Effect<A, E, R>, role: string): Effect.Effect<A, E, R> =>
  Effect.provideService(self, AttemptRole, role)

/** Stream form of `withRole`. */
export const withRoleStream = <A, E, R>(self: Stream.Stream<A, E, R>, role: string): Stream.Stream<A, E, R> =>
  Stream.provideService(self, AttemptRole, role)

const attemptModel = (model: LanguageModel): AttemptModel => ({ id: model.id, provider: model.provider, name: model.name, kind: model.kind })

const estimatedUsage = (request: CompletionRequest, partialText: string): Usage => ({
  inputTokens: approximateTokenCount(requestText(request)),
  outputTokens: approximateTokenCount(partialText),
  estimated: true
})

interface Tracker {
  readonly partial: Array<string>
  firstTokenMs?: number
  finish?: Extract<StreamPart, { type: "finish" }>
}

/** Report the end of an attempt from its exit: exactly one of success, failure, cancelled. */
const reportEnd = Effect.fnUntraced(function*(
  exit: Exit.Exit<Completion | void, ProviderError>,
  base: { readonly attemptId: number; readonly model: AttemptModel; readonly role: string },
  startedAt: number,
  request: CompletionRequest,
  tracker: Tracker
) {
    const listener = yield* AttemptEvents
    const latencyMs = (yield* Clock.currentTimeMillis) - startedAt
    if (Exit.isSuccess(exit)) {
      const completion = exit.value
      const usage = completion ? completion.usage : tracker.finish?.usage ?? estimatedUsage(request, tracker.partial.join(""))
      const firstTokenMs = completion ? completion.timings.firstTokenMs : tracker.firstTokenMs
      return yield* listener({ _tag: "AttemptSuccess", ...base, latencyMs, usage, ...(firstTokenMs !== undefined ? { firstTokenMs } : {}) })
    }
    const error = Cause.findErrorOption(exit.cause)
    if (error._tag === "Some") {
      return yield* listener({ _tag: "AttemptFailure", ...base, latencyMs, error: error.value, usage: estimatedUsage(request, tracker.partial.join("")) })
    }
    return yield* listener({ _tag: "AttemptCancelled", ...base, latencyMs, usage: estimatedUsage(request, tracker.partial.join("")) })
  })

/**
 * A model as a strategy of one attempt. The attempt fails at once with `Timeout` when the shared deadline has
 * passed (no call is made), is cut at the deadline, and, when chunk limits are in scope, runs over the stream so the
 * first-token and gap limits apply (its `generate` then collects the stream).
 */
export const attempt = (model: LanguageModel): Plan => {
  const base = attemptModel(model)
  const context = { provider: model.provider, model: model.name }
  const begin = Effect.gen(function*() {
    const remaining = yield* remainingMs
    if (remaining !== undefined && remaining <= 0) return yield* Effect.fail(deadlineError(0))
    const role = yield* AttemptRole
    const limits = yield* ChunkLimits
    const listener = yield* AttemptEvents
    const attemptId = newAttemptId()
    const startedAt = yield* Clock.currentTimeMillis
    yield* listener({ _tag: "AttemptStart", attemptId, model: base, role, startedAtMs: startedAt })
    return { ids: { attemptId, model: base, role }, startedAt, limits, remaining }
  })
  const guarded = (request: CompletionRequest, limits: typeof ChunkLimits.Service, tracker: Tracker, startedAt: number) =>
    guardStream(model.stream(request), limits, context).pipe(
      Stream.tap((part) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Effect.sync(() => {
            if (part.type === "text-delta") {
              if (tracker.firstTokenMs === undefined) tracker.firstTokenMs = now - startedAt
              tracker.partial.push(part.delta)
            } else if (part.type === "finish") tracker.finish = part
          })))
    )
  const generate = (request: CompletionRequest): Effect.Effect<Completion, ProviderError> =>
    Effect.uninterruptibleMask((restore) =>
      Effect.gen(function*() {
        const started = yield* begin
        const tracker: Tracker = { partial: [] }
        const call = hasChunkLimits(started.limits) ? collectStream(guarded(request, started.limits, tracker, started.startedAt)) : model.generate(request)
        const remaining = started.remaining
        const bounded = remaining === undefined ? call : Effect.timeoutOrElse(call, { duration: remaining, orElse: () => Effect.fail(deadlineError(remaining)) })
        return yield* restore(bounded).pipe(Effect.onExit((exit) => reportEnd(exit, started.ids, started.startedAt, request, tracker)))
      }))
  const stream = (request: CompletionRequest): Stream.Stream<StreamPart, ProviderError> =>
    Stream.unwrap(Effect.gen(function*() {
      const started = yield* begin
      const tracker: Tracker = { partial: [] }
      const parts = guarded(request, started.limits, tracker, started.startedAt)
      const bounded = started.remaining === undefined ? parts : Stream.interruptWhen(parts, Effect.andThen(Effect.sleep(started.remaining), Effect.fail(deadlineError(started.remaining))))
      return Stream.onExit(bounded, (exit) => reportEnd(exit as Exit.Exit<void, ProviderError>, started.ids, started.startedAt, request, tracker))
    }))
  return makePlan(model.id, generate, stream, model.info?.contextWindow)
}

/** A step as a strategy: a strategy as is, a model as one reported attempt. */
export const toPlan = (step: Step): Plan => (isPlan(step) ? step : attempt(step))
