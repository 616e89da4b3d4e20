/**
 * Staggered launch, the engine under fallback, race and hedge: start candidates over time (all at once, after a
 * delay, or only when every started one has failed), take the first success, interrupt the rest and wait until
 * they have ended (so their cancelled events are out before the answer is returned). The stream form picks the
 * first candidate to deliver a text token; before that, failing over is free.
 */
import { allAttemptsFailed, providerError, type ProviderError, type StreamPart } from "@orch/provider"
import { Cause, Clock, Deferred, Effect, Exit, Fiber, Queue, Scope, Stream } from "effect"

/** What to do after a candidate failed: try the others, or end the whole launch with this error. */
export type FailureDecision = "continue" | "stop"

/** How to launch `count` candidates. */
export interface LaunchOptions {
  readonly count: number
  /**
   * When candidate `index` (≥ 1) starts by itself, in ms after the launch; `undefined` means only when every
   * started candidate has failed (sequential fallback). Candidate 0 always starts at once.
   */
  readonly startAfterMs: (index: number) => number | undefined
  /** What a failure means (default: continue). */
  readonly onFailure?: (error: ProviderError, index: number) => FailureDecision
  /** Whether to skip candidate `index` given the errors so far (e.g. a window no larger than one that overflowed). */
  readonly skip?: (index: number, errors: ReadonlyArray<ProviderError>) => boolean
}

/** The winner of a launch. */
export interface Winner<A> {
  readonly value: A
  readonly index: number
}

const failedAll = (errors: ReadonlyArray<ProviderError>, count: number): ProviderError =>
  count === 1 && errors.length === 1 ? errors[0]! : allAttemptsFailed(errors)

/**
 * Launch candidates and return the first success. Failures are collected in the order they ended; when all fail the
 * launch fails with `allAttemptsFailed(errors)` (a single candidate fails with its own error). Losers are
 * interrupted, and a late winner is handed to `release`.
 */
export const launch = <A>(
  options: LaunchOptions,
  run: (index: number) => Effect.Effect<A, ProviderError>,
  release: (value: A) => Effect.Effect<void> = () => Effect.void
): Effect.Effect<Winner<A>, ProviderError> =>
  Effect.gen(function*() {
    const { count } = options
    if (count === 0) return yield* Effect.fail(allAttemptsFailed([]))
    const scope = yield* Scope.make("parallel")
    const done = yield* Deferred.make<Winner<A>, ProviderError>()
    const errors: Array<ProviderError> = []
    let next = 0
    let running = 0
    const launchedAt = yield* Clock.currentTimeMillis

    const handle = (index: number) => (exit: Exit.Exit<A, ProviderError>): Effect.Effect<void> =>
      Effect.suspend(() => {
        running--
        if (Exit.isSuccess(exit)) {
          return Effect.flatMap(Deferred.succeed(done, { value: exit.value, index }), (won) => (won ? Effect.void : release(exit.value)))
        }
        const error = Cause.findErrorOption(exit.cause)
        if (error._tag === "None") return Effect.void
        errors.push(error.value)
        if ((options.onFailure?.(error.value, index) ?? "continue") === "stop") return Effect.asVoid(Deferred.fail(done, error.value))
        return running === 0 ? startNext : Effect.void
      })

    const startNext: Effect.Effect<void> = Effect.suspend(() => {
      while (next < count && options.skip?.(next, errors) === true) next++
      if (next >= count) return running === 0 ? Effect.asVoid(Deferred.fail(done, failedAll(errors, count))) : Effect.void
      const index = next++
      running++
      return Effect.asVoid(Effect.forkIn(Effect.onExit(Effect.suspend(() => run(index)), handle(index)), scope, { startImmediately: true }))
    })

    const timer = Effect.gen(function*() {
      for (let index = 1; index < count; index++) {
        const at = options.startAfterMs(index)
        if (at === undefined) return
        const wait = launchedAt + at - (yield* Clock.currentTimeMillis)
        if (wait > 0) yield* Effect.sleep(wait)
        if (next <= index) yield* startNext
      }
    })

    return yield* Effect.gen(function*() {
      yield* startNext
      yield* Effect.forkIn(timer, scope, { startImmediately: true })
      return yield* Deferred.await(done)
    }).pipe(Effect.ensuring(Scope.close(scope, Exit.void)))
  })

/**
 * `launch` for candidates that only start when the previous one failed (a fallback): the same decisions, run in the
 * caller's fiber one after another, with no fork, so a fallback costs little more than a direct call.
 */
export const launchSequential = <A>(
  options: Omit<LaunchOptions, "startAfterMs">,
  run: (index: number) => Effect.Effect<A, ProviderError>
): Effect.Effect<Winner<A>, ProviderError> => {
  const { count } = options
  const errors: Array<ProviderError> = []
  const step = (index: number): Effect.Effect<Winner<A>, ProviderError> => {
    while (index < count && options.skip?.(index, errors) === true) index++
    if (index >= count) return Effect.fail(failedAll(errors, count))
    const current = index
    return Effect.matchEffect(run(current), {
      onSuccess: (value) => Effect.succeed({ value, index: current }),
      onFailure: (error) => {
        errors.push(error)
        if ((options.onFailure?.(error, current) ?? "continue") === "stop") return Effect.fail(error)
        return step(current + 1)
      }
    })
  }
  return Effect.suspend(() => step(0))
}

/**
 * `launchStream` for candidates that only start when the previous one failed (a fallback): the same decisions, with
 * each candidate streamed in the caller's fiber one after another (no fork, no queue). A failure before the first
 * text token or complete tool call moves to the next candidate; after it, the stream ends with `StreamInterrupted`
 * carrying the text so far.
 */
export const launchStreamSequential = (
  options: Omit<LaunchOptions, "startAfterMs">,
  stream: (index: number) => Stream.Stream<StreamPart, ProviderError>
): Stream.Stream<StreamPart, ProviderError> => {
  const { count } = options
  const errors: Array<ProviderError> = []
  const step = (from: number): Stream.Stream<StreamPart, ProviderError> =>
    Stream.suspend(() => {
      let index = from
      while (index < count && options.skip?.(index, errors) === true) index++
      if (index >= count) return Stream.fail(failedAll(errors, count))
      const current = index
      const partial: Array<string> = []
      let started = false
      // One step per array of parts (a plain loop inside), not one per part.
      const watched = Stream.mapArray(stream(current), (parts) => {
        for (const part of parts) {
          if (part.type === "text-delta") {
            partial.push(part.delta)
            started = true
          } else if (part.type === "tool-call") started = true
        }
        return parts
      })
      return Stream.catchCause(watched, (cause) => {
        const error = Cause.findErrorOption(cause)
        if (error._tag === "None") return Stream.failCause(cause)
        if (started) return Stream.fail(interruptedAfterText(error.value, partial.join("")))
        errors.push(error.value)
        if ((options.onFailure?.(error.value, current) ?? "continue") === "stop") return Stream.fail(error.value)
        return step(current + 1)
      })
    })
  return step(0)
}

/** A candidate stream that has delivered its first text or a complete tool call (or finished): its parts so far and the rest, in a queue. */
interface Started {
  readonly queue: Queue.Queue<StreamPart, ProviderError | Cause.Done>
  readonly fiber: Fiber.Fiber<void>
}

/** The error of a stream that failed after text reached the caller: StreamInterrupted with the partial text. */
export const interruptedAfterText = (error: ProviderError, partialText: string): ProviderError =>
  providerError(
    { _tag: "StreamInterrupted", partialText, upstreamType: error.reason._tag, ...(error.reason._tag === "StreamInterrupted" && error.reason.usage ? { usage: error.reason.usage } : {}) },
    `The stream failed after text was delivered: ${error.message}`,
    { ...(error.provider !== undefined ? { provider: error.provider } : {}), ...(error.model !== undefined ? { model: error.model } : {}) }
  )

const startStream = (stream: Stream.Stream<StreamPart, ProviderError>, scope: Scope.Scope): Effect.Effect<Started, ProviderError> =>
  Effect.gen(function*() {
    const queue = yield* Queue.unbounded<StreamPart, ProviderError | Cause.Done>()
    const firstText = yield* Deferred.make<void, ProviderError>()
    const partial: Array<string> = []
    // One step per array of parts (a plain loop inside), not one per part.
    const runner = Stream.runForEachArray(stream, (parts) =>
      Effect.suspend(() => {
        let started = false
        for (const part of parts) {
          if (part.type === "text-delta") {
            partial.push(part.delta)
            started = true
          } else if (part.type === "tool-call") started = true
        }
        const offered = Queue.offerAll(queue, parts)
        return started ? Effect.andThen(Deferred.succeed(firstText, undefined), offered) : offered
      })).pipe(
        Effect.onExit((exit) => {
          if (Exit.isSuccess(exit)) return Effect.andThen(Deferred.succeed(firstText, undefined), Queue.end(queue))
          const error = Cause.findErrorOption(exit.cause)
          if (error._tag === "None") return Queue.end(queue)
          return Effect.flatMap(Deferred.fail(firstText, error.value), (beforeText) =>
            beforeText ? Effect.void : Queue.fail(queue, interruptedAfterText(error.value, partial.join(""))))
        })
      )
    const fiber = yield* Effect.forkIn(Effect.asVoid(Effect.ignore(runner)), scope, { startImmediately: true })
    yield* Deferred.await(firstText).pipe(Effect.onInterrupt(() => Fiber.interrupt(fiber)))
    return { queue, fiber }
  })

/**
 * The stream form of `launch`: the first candidate to deliver a text token (or to finish) wins and is streamed to
 * the caller; the others are interrupted. A failure before the first token fails over freely; after it, the stream
 * ends with `StreamInterrupted` carrying the partial text.
 */
export const launchStream = (
  options: LaunchOptions,
  stream: (index: number) => Stream.Stream<StreamPart, ProviderError>
): Stream.Stream<StreamPart, ProviderError> =>
  Stream.unwrap(Effect.gen(function*() {
    const scope = yield* Effect.scope
    const winner = yield* launch(options, (index) => startStream(stream(index), scope), (started) => Fiber.interrupt(started.fiber))
    return Stream.fromQueue(winner.value.queue)
  }))
