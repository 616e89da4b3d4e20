/**
 * One attempt: a model called once. It is reported through the contract's `AttemptEvents` (a start and exactly one
 * end: success with usage, failure with the error, or cancelled with the usage so far) and through the `AttemptHook`
 * in scope, which may refuse the attempt before it is sent (a budget) and is told how it ended, as this attempt
 * decided it: the role, the usage, the text so far, the first-token time and the limit that cut it. The attempt
 * runs under the deadline and chunk limits in scope. Every primitive reaches models through it.
 */
import {
  approximateTokenCount,
  AttemptEvents,
  type AttemptListener,
  collectStream,
  type AttemptCancelled,
  type AttemptFailure,
  type AttemptModel,
  type AttemptSuccess,
  type Completion,
  type CompletionRequest,
  type LanguageModel,
  newAttemptId,
  providerError,
  type ProviderError,
  requestText,
  type StreamPart,
  type Usage
} from "@orch/provider"
import { Cause, Channel, Clock, Context, Effect, Exit, Pull, Scope, Stream } from "effect"
import type { NonEmptyReadonlyArray } from "effect/Array"
import { ChunkLimits, guardStream, hasChunkLimits } from "./ChunkLimits.ts"
import { Deadline, deadlineError } from "./Deadline.ts"
import { isPlan, makePlan, type Plan, type Step } from "./Plan.ts"
import { isRealClock, timeBoundOn } from "./TimeBound.ts"

/** What the attempts in scope are for ("primary", "fallback", "race", "hedge", "vote", "judge", ...). */
export const AttemptRole = Context.Reference<string>("@orch/strategies/AttemptRole", { defaultValue: () => "primary" })

/** Run a strategy's call with the attempts under it reported with `role`. */
export const withRole = <A, E, R>(self: Effect.Effect<A, E, R>, role: string): Effect.Effect<A, E, R> =>
  Effect.provideService(self, AttemptRole, role)

/** Stream form of `withRole`. */
export const withRoleStream = <A, E, R>(self: Stream.Stream<A, E, R>, role: string): Stream.Stream<A, E, R> =>
  Stream.provideService(self, AttemptRole, role)

/** What the attempt hook is told when an attempt is about to be sent. */
export interface AttemptStartInfo {
  readonly attemptId: number
  readonly model: AttemptModel
  readonly role: string
  readonly request: CompletionRequest
  readonly startedAtMs: number
}

/**
 * How an attempt ended, as the attempt decided it: the contract's end event (a cut by a first-token, gap or total
 * limit is an `AttemptFailure` whose error is that `Timeout`), with the text it produced (all of it on success) and
 * its first-token time.
 */
export type AttemptOutcome = (AttemptSuccess | AttemptFailure | AttemptCancelled) & {
  readonly text: string
}

/** Called once at the end of an attempt the hook let start. Must not fail. */
export type AttemptEnd = (outcome: AttemptOutcome) => Effect.Effect<void>

/**
 * Called before each attempt is sent. Fail (e.g. `BudgetExceeded`) to refuse it: nothing is sent and the attempt
 * fails with that error. Otherwise return what to call when it ends. Interruption may reach the hook while it runs;
 * a hook that holds something (a reservation) must then free it itself.
 */
export type AttemptHook = (info: AttemptStartInfo) => Effect.Effect<AttemptEnd, ProviderError>

/** The attempt hook in scope (none by default). The core sets one that reserves, settles and records each attempt. */
export const AttemptHookRef = Context.Reference<AttemptHook | undefined>("@orch/strategies/AttemptHook", { defaultValue: () => undefined })

/** Run `self` with `hook` called around every attempt under it. */
export const withAttemptHook = <A, E, R>(self: Effect.Effect<A, E, R>, hook: AttemptHook): Effect.Effect<A, E, R> =>
  Effect.provideService(self, AttemptHookRef, hook)

/**
 * `self` under the absolute deadline `at` (or the one in scope, if sooner) with `hook` called around every attempt:
 * `underDeadline` and `withAttemptHook` in one change of context, as the core runs every call.
 */
export const underDeadlineWithHook = <A, E, R>(self: Effect.Effect<A, E, R>, at: number, hook: AttemptHook): Effect.Effect<A, E, R> =>
  Effect.updateContext(self, (context: Context.Context<never>) => contextUnderDeadlineWithHook(context, at, hook) as Context.Context<R>)

/** Stream form of `underDeadlineWithHook`. */
export const underDeadlineWithHookStream = <A, E, R>(self: Stream.Stream<A, E, R>, at: number, hook: AttemptHook): Stream.Stream<A, E, R> =>
  Stream.updateContext(self, (context: Context.Context<never>) => contextUnderDeadlineWithHook(context, at, hook) as Context.Context<R>)

/**
 * `context` with the absolute deadline `at` in scope (or the one already there if sooner) and `hook` called around
 * every attempt: what `underDeadlineWithHook` runs its effect in, for a caller that provides the context itself.
 */
export const contextUnderDeadlineWithHook = <R>(context: Context.Context<R>, at: number, hook: AttemptHook): Context.Context<R> => {
  const outer = Context.get(context as Context.Context<never>, Deadline)
  return Context.add(Context.add(context, Deadline, outer === undefined ? at : Math.min(outer, at)), AttemptHookRef, hook)
}

/** Stream form of `withAttemptHook`. */
export const withAttemptHookStream = <A, E, R>(self: Stream.Stream<A, E, R>, hook: AttemptHook): Stream.Stream<A, E, R> =>
  Stream.provideService(self, AttemptHookRef, hook)

const attemptModel = (model: LanguageModel): AttemptModel => ({ id: model.id, provider: model.provider, name: model.name, kind: model.kind })

const estimatedUsage = (request: CompletionRequest, partialText: string): Usage => ({
  inputTokens: approximateTokenCount(requestText(request)),
  outputTokens: approximateTokenCount(partialText),
  estimated: true
})

/** What an attempt saw of its stream, kept by a plain loop over each array of parts (no effect per part). */
interface Progress {
  readonly partial: Array<string>
  firstTokenMs?: number
  finish?: Extract<StreamPart, { type: "finish" }>
}

/** An attempt that was let start: its ids, start time, deadline and chunk limits, and its ends. */
interface Started {
  readonly attemptId: number
  readonly model: AttemptModel
  readonly role: string
  readonly startedAt: number
  readonly deadline: number | undefined
  readonly limits: typeof ChunkLimits.Service
  readonly listener: AttemptListener
  /** Set once the hook has let the attempt start. */
  end: AttemptEnd | undefined
  readonly clock: Clock.Clock
}

/** The progress of an attempt that reads no stream (it is only read: nothing is kept in it). */
const noProgress: Progress = Object.freeze({ partial: Object.freeze([]) as unknown as Array<string> })

/** The listener in scope when nobody listens: its events are not built at all. */
const silent: AttemptListener = Context.get(Context.empty(), AttemptEvents)

/** The end of an attempt from its exit: exactly one of success, failure, cancelled, to the listener and the hook. */
const reportEnd = (
  exit: Exit.Exit<Completion | void, ProviderError>,
  started: Started,
  request: CompletionRequest,
  progress: Progress
): Effect.Effect<void> => {
  // Called as the attempt ends (from `onExit`, or on a refusal), so it reads the clock then, with no step of its own.
  const latencyMs = started.clock.currentTimeMillisUnsafe() - started.startedAt
  const { attemptId, model, role } = started
  let outcome: AttemptOutcome
  if (Exit.isSuccess(exit)) {
    const completion = exit.value
    const usage = completion ? completion.usage : progress.finish?.usage ?? estimatedUsage(request, progress.partial.join(""))
    const firstTokenMs = completion ? completion.timings.firstTokenMs : progress.firstTokenMs
    const text = completion ? completion.text : progress.partial.join("")
    outcome = firstTokenMs !== undefined
      ? { _tag: "AttemptSuccess", attemptId, model, role, latencyMs, usage, firstTokenMs, text }
      : { _tag: "AttemptSuccess", attemptId, model, role, latencyMs, usage, text }
  } else {
    const text = progress.partial.join("")
    const error = Cause.findErrorOption(exit.cause)
    outcome = error._tag === "Some"
      ? { _tag: "AttemptFailure", attemptId, model, role, latencyMs, error: error.value, usage: estimatedUsage(request, text), text }
      : { _tag: "AttemptCancelled", attemptId, model, role, latencyMs, usage: estimatedUsage(request, text), text }
  }
  const end = started.end
  if (started.listener === silent) return end === undefined ? Effect.void : end(outcome)
  const { text: _text, ...event } = outcome
  const heard = started.listener(event)
  return end === undefined ? heard : Effect.flatMapEager(heard, () => end(outcome))
}

/** The deadline's error as seen by one attempt: named for the model it cut, so a list of failed attempts says whose. */
const attemptDeadlineError = (afterMs: number, model: AttemptModel): ProviderError => {
  const error = deadlineError(afterMs)
  return providerError(error.reason, error.message, { provider: model.provider, model: model.name })
}

/** The error of an answer that did not come within its first-token limit (as the stream guard says it). */
const firstTokenMissed = (limitMs: number, context: { readonly provider: string; readonly model: string }): ProviderError =>
  providerError({ _tag: "Timeout", phase: "first-token", afterMs: limitMs }, `No first token within ${limitMs} ms`, context)

/**
 * Begin an attempt: refuse at once when the deadline has passed, report the start, and ask the hook (which may
 * refuse; interruption may reach it). A refused attempt is reported as failed. Everything it needs from the context
 * is read in one step.
 */
const begin = (model: AttemptModel, request: CompletionRequest, restore: <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>): Effect.Effect<Started, ProviderError> =>
  Effect.contextWith((context: Context.Context<never>) => beginIn(context, model, request, restore))

/** `begin` with the context in hand: an `Exit` when the hook answers at once (the usual case), else an effect. */
const beginIn = (context: Context.Context<never>, model: AttemptModel, request: CompletionRequest, restore: <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>): Effect.Effect<Started, ProviderError> => {
    const clock = Context.get(context, Clock.Clock)
    const deadline = Context.get(context, Deadline)
    const startedAt = clock.currentTimeMillisUnsafe()
    if (deadline !== undefined && deadline - startedAt <= 0) return Effect.fail(attemptDeadlineError(0, model))
    const role = Context.get(context, AttemptRole)
    const listener = Context.get(context, AttemptEvents)
    const hook = Context.get(context, AttemptHookRef)
    const attemptId = newAttemptId()
    const started: Started = { attemptId, model, role, startedAt, deadline, limits: Context.get(context, ChunkLimits), listener, clock, end: undefined }
    // A listener or a hook that answers at once (an in-memory ledger) costs no step; one that waits is run as one.
    if (listener === silent) return askHook(hook, started, request, restore)
    return Effect.flatMapEager(listener({ _tag: "AttemptStart", attemptId, model, role, startedAtMs: startedAt }), () => askHook(hook, started, request, restore))
}

/** Ask the hook (if any) whether the attempt may start. */
const askHook = (
  hook: AttemptHook | undefined,
  started: Started,
  request: CompletionRequest,
  restore: <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
): Effect.Effect<Started, ProviderError> => {
  if (hook === undefined) return Effect.succeed(started)
  const asked = hook({ attemptId: started.attemptId, model: started.model, role: started.role, request, startedAtMs: started.startedAt })
  return Exit.isExit(asked)
    ? allowedOrReported(asked as Exit.Exit<AttemptEnd, ProviderError>, started, request)
    : Effect.flatMap(Effect.exit(restore(asked)), (allowed) => allowedOrReported(allowed, started, request))
}

/** The hook's answer: the attempt may start (with what to call at its end), or it was refused and is reported failed. */
const allowedOrReported = (allowed: Exit.Exit<AttemptEnd, ProviderError>, started: Started, request: CompletionRequest): Effect.Effect<Started, ProviderError> => {
  if (Exit.isFailure(allowed)) return Effect.andThen(reportEnd(Exit.failCause(allowed.cause), started, request, noProgress), Effect.failCause(allowed.cause))
  started.end = allowed.value
  return Effect.succeed(started)
}

/** Keep what a stream delivers (text, first-token time, finish) with a plain loop over each array of parts. */
const keep = <T extends ReadonlyArray<StreamPart>>(array: T, progress: Progress, started: Started): T => {
  for (const part of array) {
    if (part.type === "text-delta") {
      if (progress.firstTokenMs === undefined) progress.firstTokenMs = started.clock.currentTimeMillisUnsafe() - started.startedAt
      progress.partial.push(part.delta)
    } else if (part.type === "finish") progress.finish = part
  }
  return array
}

/** `keep` on every array a stream delivers. */
const tracked = (parts: Stream.Stream<StreamPart, ProviderError>, progress: Progress, started: Started): Stream.Stream<StreamPart, ProviderError> =>
  Stream.mapArray(parts, (array) => keep(array, progress, started))

/**
 * A model as a strategy of one attempt. The attempt fails at once with `Timeout` when the shared deadline has
 * passed (no call is made), is cut at the deadline (one timer; a model that times its own calls or streams keeps it on
 * its transport's timer, on the real clock), and, when chunk limits are in scope, runs over the
 * stream so the first-token and gap limits apply (its `generate` then collects the stream). A cloud model under a
 * first-token limit alone is called with `generate` (one body on the wire), the limit bounding the whole call.
 */
export const attempt = (model: LanguageModel): Plan => {
  const base = attemptModel(model)
  const context = { provider: model.provider, model: model.name }
  const generate = (request: CompletionRequest): Effect.Effect<Completion, ProviderError> =>
    Effect.uninterruptibleMask((restore) =>
      // The attempt begins in the step that reads the context; a hook that answers at once adds no step.
      Effect.contextWith((scope: Context.Context<never>) => Effect.flatMapEager(beginIn(scope, base, request, restore), (started) => {
        const limits = started.limits
        const viaStream = hasChunkLimits(limits) && (model.kind === "local" || limits.betweenChunksMs !== undefined)
        // A one-shot call's text and usage come whole with its completion; only a collected stream keeps progress.
        const progress: Progress = viaStream ? { partial: [] } : noProgress
        // A one-shot answer's first token is the whole answer: under a first-token limit alone, a cloud model is called
        // as it answers best (one JSON body, no stream on the wire), and the limit bounds the call.
        const firstTokenAt = !viaStream && limits.firstTokenMs !== undefined ? started.startedAt + limits.firstTokenMs : undefined
        let bounded: Effect.Effect<Completion, ProviderError>
        if (viaStream) {
          // The stream keeps the chunk limits and the deadline, whichever comes first (a first-token limit longer than
          // the time left must not outlast the call).
          const at = started.deadline
          const deadline = at === undefined ? undefined : { at, error: () => attemptDeadlineError(Math.max(0, at - started.startedAt), base) }
          bounded = collectStream(tracked(guardStream(model.stream(request), limits, context, deadline), progress, started))
        }
        else if (started.deadline === undefined && firstTokenAt === undefined) bounded = model.generate(request)
        else {
          // The attempt has begun (this runs as it does), so what is left of each limit is read now; the nearer one
          // bounds the call. A model that times its own requests keeps the bound itself (no timer or fiber here).
          const now = started.clock.currentTimeMillisUnsafe()
          const deadlineLeft = started.deadline === undefined ? Number.POSITIVE_INFINITY : Math.max(0, started.deadline - now)
          const firstTokenLeft = firstTokenAt === undefined ? Number.POSITIVE_INFINITY : Math.max(0, firstTokenAt - now)
          const left = Math.min(firstTokenLeft, deadlineLeft)
          const error = firstTokenLeft < deadlineLeft
            ? () => firstTokenMissed(limits.firstTokenMs ?? 0, context)
            : () => attemptDeadlineError(deadlineLeft, base)
          bounded = model.generateBounded !== undefined && left > 0 && isRealClock(started.clock)
            ? model.generateBounded(request, { atMs: now + left, error })
            : timeBoundOn(started.clock, model.generate(request), left, error)
        }
        return restore(bounded).pipe(Effect.onExit((exit) => reportEnd(exit, started, request, progress)))
      })))
  // One stream layer: the attempt begins (uninterruptibly, its end registered on the scope before anything can
  // interrupt it), then the model's stream is pulled with its progress kept by a plain loop; the end is reported once,
  // as the stream ends or fails, or when its scope closes first (an interruption, a consumer that stopped early).
  const stream = (request: CompletionRequest): Stream.Stream<StreamPart, ProviderError> =>
    Stream.fromChannel(Channel.fromTransform((upstream: Pull.Pull<unknown, unknown, unknown>, scope: Scope.Scope) =>
      Effect.uninterruptibleMask((restore) =>
        Effect.flatMap(begin(base, request, restore), (started) => {
          const progress: Progress = { partial: [] }
          const at = started.deadline
          const error = () => attemptDeadlineError(Math.max(0, (at ?? 0) - started.startedAt), base)
          // A model that times its own streams keeps the deadline on its transport's timer (no fiber or timer per pull)
          // when nothing else bounds the pulls: on the real clock, with time left and no chunk limits.
          const ownBound = model.streamBounded !== undefined && at !== undefined && at > started.startedAt &&
            !hasChunkLimits(started.limits) && isRealClock(started.clock)
          // Otherwise each pull is bounded by the deadline (no timer for one that ends at once); the error names what was left.
          const parts = ownBound
            ? model.streamBounded!(request, { atMs: at, error })
            : guardStream(model.stream(request), started.limits, context, at === undefined ? undefined : { at, error })
          let reported = false
          // Once claimed, the report runs to its end: an interruption reaching a pull while a hook's end waits (a
          // remote ledger settling) must not leave the attempt unsettled, since the scope's finalizer then skips it.
          const report = (exit: Exit.Exit<void, ProviderError>): Effect.Effect<void> =>
            Effect.uninterruptible(Effect.suspend(() => {
              if (reported) return Effect.void
              reported = true
              return reportEnd(exit, started, request, progress)
            }))
          const onSuccess = (array: NonEmptyReadonlyArray<StreamPart>) => Effect.succeed(keep(array, progress, started))
          const onFailure = (cause: Cause.Cause<ProviderError>) => Effect.andThen(report(Exit.failCause(cause)), Effect.failCause(cause))
          const onDone = (leftover: unknown) => Effect.andThen(report(Exit.void), Cause.done(leftover))
          // The scope closing first: an interruption or failure around the stream, or a consumer that stopped reading
          // (the scope's exit is then the consumer's success, not the stream's): cancelled unless the finish had come.
          const closed = (exit: Exit.Exit<unknown, unknown>): Effect.Effect<void> =>
            report(Exit.isFailure(exit) ? exit as Exit.Exit<never, ProviderError> : progress.finish !== undefined ? Exit.void : Exit.interrupt())
          return Effect.andThen(
            Scope.addFinalizerExit(scope, closed),
            // A stream that fails as it opens is reported at once, as one that fails later is.
            Effect.map(Effect.onError(restore(Channel.toTransform(parts.channel)(upstream, scope)), (cause) => report(Exit.failCause(cause))), (pull) =>
              Pull.matchEffect(pull, { onSuccess, onFailure, onDone }))
          )
        }))))
  return makePlan(model.id, generate, stream, model.info?.contextWindow)
}

/** A step as a strategy: a strategy as is, a model as one reported attempt. */
export const toPlan = (step: Step): Plan => (isPlan(step) ? step : attempt(step))
