/**
 * The events of an SDK's streamed response (an `AsyncIterable` of parsed SSE events or lines) as an Effect stream,
 * read ahead in batches: a plain promise loop takes each event the SDK parses into a buffer, and one wake of the
 * consuming fiber takes every event that arrived in the meantime (the wake waits for the next tick, after the
 * microtasks that parse what has arrived, so the events of one network read travel together), instead of one fiber
 * resume per event. A body that stalls is cut by one watchdog per call, re-armed only when it fires (the last event's
 * time is a plain variable), on the Effect `Clock` so `TestClock` drives it. A caller's bound on the whole stream
 * (`bound`, on the real clock) is one plain timer, with no fiber; with a bound, a watch that could only fire after it
 * is not started. Closing the stream early (a failure, an interruption) aborts the request.
 *
 * Plain stages (`throughStage`) put on such a stream run inside the read loop itself: a backend's chunk mapping and
 * the model's answer assembler add no stream layer and no effect per event.
 */
import { Cause, Channel, Effect, Scope, Stream } from "effect"
import type { NonEmptyReadonlyArray } from "effect/Array"
import type { PlainStage } from "./PlainStage.ts"
import { timerAt } from "./TimerAt.ts"

/** How to open and read one streamed response. */
export interface EventReaderOptions<A, E> {
  /**
   * Send the request; `signal` aborts it, and is aborted when the stream closes before the response's end.
   * `openedAtMs` is the `Clock`'s time now (for Retry-After dates).
   */
  readonly open: (signal: AbortSignal, openedAtMs: number) => Promise<AsyncIterable<A>>
  /** A failure of `open` or of the reading, as the stream's error; `openedAtMs` is when the request was sent (`Clock`). */
  readonly onError: (error: unknown, openedAtMs: number) => E
  /**
   * The longest wait for the next event once the response has begun (a body that stalls), and the error that ends
   * the stream then. The wait is not counted while reading is paused for a consumer that has not taken its buffer.
   */
  readonly idle?: { readonly millis: number; readonly onIdle: () => E } | undefined
  /**
   * The longest wait for the response to begin (`open` to settle), and the error that ends the stream then (for a
   * client with no timeout of its own on the response head). The request is aborted.
   */
  readonly opening?: { readonly millis: number; readonly onTimeout: () => E } | undefined
  /**
   * When the whole stream must have ended (epoch ms, on the real clock), and the error it then ends with, whatever
   * the reader waits for (the response head, the next event, the rest of one): kept by one plain timer, set when the
   * request is sent and cleared when the stream ends, fails or closes. The request is aborted; the error is the
   * stream's as it is (no stage maps it).
   */
  readonly bound?: { readonly atMs: number; readonly onBound: () => E } | undefined
}

// The stages are typed where they are added (`throughStage`); here they are only composed.
type AnyStage = PlainStage<unknown, unknown, unknown, unknown>
type StageMaker = Effect.Effect<AnyStage>

/** What a reader stream runs: its options and the stages put on it, innermost first. */
interface ReaderSpec {
  readonly options: EventReaderOptions<unknown, unknown>
  readonly stages: ReadonlyArray<StageMaker>
  /** Whether each item `open`'s iterable yields is an array of events (`readEventBatches`). */
  readonly batched: boolean
}

/** Where a reader stream keeps what it runs, so that a stage put on it is fused into its loop. */
const readerSpec: unique symbol = Symbol.for("@orch/provider/EventReader/spec")

/**
 * Run `f` once the microtasks queued so far have run: on the next tick where the runtime has one (Node, Bun, Deno),
 * else as a macrotask (this contract package assumes no Node API).
 */
const afterMicrotasks: (f: () => void) => void = typeof globalThis.process?.nextTick === "function"
  ? (f) => globalThis.process.nextTick(f)
  : (f) => void setTimeout(f, 0)

/** Events held before reading pauses for a consumer that does not take them. */
const highWater = 1024

/** Two stages as one: what the first emits goes through the second, the first's errors arrive as the second's upstream failures. */
const compose = (inner: AnyStage, outer: AnyStage): AnyStage => {
  const middle: Array<unknown> = []
  const outerFail = (error: unknown): unknown => (outer.fail !== undefined ? outer.fail(error) : error)
  const forward = (innerError: unknown, out: Array<unknown>): unknown => {
    for (let i = 0; i < middle.length; i++) {
      const error = outer.push(middle[i], out)
      if (error !== undefined) {
        middle.length = 0
        return error
      }
    }
    middle.length = 0
    return innerError === undefined ? undefined : outerFail(innerError)
  }
  return {
    push: (input, out) => forward(inner.push(input, middle), out),
    end: (out) => {
      const innerError = inner.end !== undefined ? inner.end(middle) : undefined
      const error = forward(innerError, out)
      if (error !== undefined || innerError !== undefined) return error
      return outer.end !== undefined ? outer.end(out) : undefined
    },
    fail: (error) => outerFail(inner.fail !== undefined ? inner.fail(error) : error)
  }
}

/** Evaluate the stage makers (innermost first) and compose them; undefined without stages. */
const makeStage = (stages: ReadonlyArray<StageMaker>): Effect.Effect<AnyStage | undefined> => {
  if (stages.length === 0) return Effect.succeed(undefined)
  let made: Effect.Effect<AnyStage> = stages[0]!
  for (let i = 1; i < stages.length; i++) {
    const next = stages[i]!
    made = Effect.flatMap(made, (inner) => Effect.map(next, (outer) => compose(inner, outer)))
  }
  return made
}

const run = (spec: ReaderSpec) => (_upstream: unknown, scope: Scope.Scope) =>
  Effect.clockWith((clock) => Effect.flatMap(makeStage(spec.stages), (stage) => {
    const options = spec.options
    const controller = new AbortController()
    const openedAtMs = clock.currentTimeMillisUnsafe()
    let iterator: AsyncIterator<unknown> | undefined
    let buffer: Array<unknown> = []
    let ended = false
    let failed = false
    let failure: unknown
    let defect: { readonly error: unknown } | undefined
    let closed = false
    let paused = false
    let lastEventMs = openedAtMs
    let waiter: (() => void) | undefined
    let cancelBound: (() => void) | undefined
    const clearBound = (): void => {
      if (cancelBound === undefined) return
      cancelBound()
      cancelBound = undefined
    }

    const wake = (): void => {
      const resume = waiter
      if (resume !== undefined) {
        waiter = undefined
        resume()
      }
    }
    /** End the stream with `error` after the outputs already buffered; the request is aborted. */
    const fail = (error: unknown): void => {
      if (ended || failed || closed) return
      failed = true
      failure = error
      clearBound()
      controller.abort()
      wake()
    }
    /** A failure of the reading itself, through the stages. */
    const readFailure = (error: unknown): unknown => (stage?.fail !== undefined ? stage.fail(error) : error)

    /** A stage that throws (a bug) ends the stream as a defect, never as an unhandled rejection or a hang. */
    const die = (error: unknown): void => {
      if (ended || failed || closed) return
      failed = true
      failure = undefined
      defect = { error }
      clearBound()
      controller.abort()
      wake()
    }
    const onNext = (result: IteratorResult<unknown>): void => {
      try {
        next(result)
      } catch (error) {
        die(error)
      }
    }
    /** One event into the buffer, through the stages; false when a stage's error ended the stream. */
    const take = (event: unknown): boolean => {
      if (stage === undefined) {
        buffer.push(event)
        return true
      }
      const error = stage.push(event, buffer)
      if (error === undefined) return true
      fail(error)
      return false
    }
    const next = (result: IteratorResult<unknown>): void => {
      if (closed || failed) return
      if (result.done === true) {
        const error = stage?.end !== undefined ? stage.end(buffer) : undefined
        if (error !== undefined) return fail(error)
        ended = true
        clearBound()
        wake()
        return
      }
      lastEventMs = clock.currentTimeMillisUnsafe()
      if (!spec.batched) {
        if (!take(result.value)) return
      } else {
        const events = result.value as ReadonlyArray<unknown>
        for (let i = 0; i < events.length; i++) if (!take(events[i])) return
      }
      if (buffer.length > 0) wake()
      if (buffer.length >= highWater) paused = true
      else read()
    }
    const onReject = (error: unknown): void => {
      if (closed) return
      try {
        fail(readFailure(options.onError(error, openedAtMs)))
      } catch (thrown) {
        die(thrown)
      }
    }
    const read = (): void => {
      iterator!.next().then(onNext, onReject)
    }
    const close = (): void => {
      if (closed) return
      closed = true
      clearBound()
      // A response read to its end has nothing left to abort (and an abort costs a DOMException and its stack).
      if (ended) return
      controller.abort()
      const it = iterator
      // The SDK's own cleanup; it settles after a pending read does, so it is not awaited.
      if (it?.return !== undefined) it.return().then(undefined, () => undefined)
    }

    /**
     * Resolves after outputs, an end or a failure, once the events already received are all read: the wake waits for
     * the next tick, which runs when the microtasks that parse what has arrived are drained (the reading is a chain
     * of promises), so the events of one network read make one batch, with no turn of the event loop in between.
     */
    const more: Effect.Effect<void> = Effect.callback<void>((resume) => {
      waiter = () => afterMicrotasks(() => resume(Effect.void))
      return Effect.sync(() => {
        waiter = undefined
      })
    })
    const pull: Effect.Effect<NonEmptyReadonlyArray<unknown>, unknown> = Effect.suspend(() => {
      if (buffer.length > 0) {
        const batch = buffer as unknown as NonEmptyReadonlyArray<unknown>
        buffer = []
        if (paused && !closed && !failed) {
          paused = false
          lastEventMs = clock.currentTimeMillisUnsafe()
          read()
        }
        return Effect.succeed(batch)
      }
      if (defect !== undefined) return Effect.die(defect.error)
      if (failed) return Effect.fail(failure)
      if (ended) return Cause.done()
      return Effect.flatMap(more, () => pull)
    })

    // A watch that cannot end the stream before the bound does is not kept: the wait it limits begins now or later.
    const bound = options.bound
    const beforeBound = (millis: number): boolean => bound === undefined || openedAtMs + millis < bound.atMs
    const idle = options.idle !== undefined && beforeBound(options.idle.millis) ? options.idle : undefined
    const watchdog: Effect.Effect<void> | undefined = idle === undefined ? undefined : Effect.suspend(() => {
      if (ended || failed || closed) return Effect.void
      const waited = paused ? 0 : clock.currentTimeMillisUnsafe() - lastEventMs
      if (waited >= idle.millis) {
        fail(readFailure(idle.onIdle()))
        return Effect.void
      }
      return Effect.flatMap(Effect.sleep(idle.millis - waited), () => watchdog!)
    })

    const opening = options.opening !== undefined && beforeBound(options.opening.millis) ? options.opening : undefined
    const openingWatch: Effect.Effect<unknown> = opening === undefined ? Effect.void : Effect.forkIn(
      Effect.flatMap(Effect.sleep(opening.millis), () => Effect.sync(() => {
        if (iterator === undefined) fail(readFailure(opening.onTimeout()))
      })),
      scope
    )

    /** At the bound, fail (a bound already past fails at once, before the request is sent). */
    const atBound = (): void => {
      try {
        fail(bound!.onBound())
      } catch (error) {
        die(error)
      }
    }
    // Cancelling a timer that has fired does nothing, so the canceller is kept whatever happened while it was set.
    const boundWatch: Effect.Effect<void> = bound === undefined ? Effect.void : Effect.sync(() => {
      cancelBound = timerAt(bound.atMs, () => clock.currentTimeMillisUnsafe(), atBound)
    })

    return Scope.addFinalizer(scope, Effect.sync(close)).pipe(
      Effect.andThen(boundWatch),
      Effect.andThen(openingWatch),
      Effect.andThen(Effect.tryPromise({
        // A bound already past sends nothing.
        try: () => (failed ? Promise.reject(failure) : options.open(controller.signal, openedAtMs)),
        // When the opening timed out (or the bound passed), the abort that followed is not the failure.
        catch: (error) => (failed ? failure : readFailure(options.onError(error, openedAtMs)))
      })),
      Effect.flatMap((events) => {
        iterator = events[Symbol.asyncIterator]()
        lastEventMs = clock.currentTimeMillisUnsafe()
        read()
        return watchdog === undefined ? Effect.succeed(pull) : Effect.as(Effect.forkIn(watchdog, scope), pull)
      })
    )
  }))

const readerStream = (spec: ReaderSpec): Stream.Stream<unknown, unknown> => {
  const stream = Stream.fromChannel(Channel.fromTransform(run(spec)))
  return Object.assign(stream, { [readerSpec]: spec })
}

/** The response's events as a stream (see the module comment). Nothing is sent until the stream runs. */
export const readEvents = <A, E>(options: EventReaderOptions<A, E>): Stream.Stream<A, E> =>
  readerStream({ options: options as EventReaderOptions<unknown, unknown>, stages: [], batched: false }) as Stream.Stream<A, E>

/** How to open and read a response whose reader hands over the events of each network read as one array. */
export type EventBatchReaderOptions<A, E> = Omit<EventReaderOptions<A, E>, "open"> & {
  /** Send the request; the iterable yields the events parsed from each piece of the body, in order, as one array. */
  readonly open: (signal: AbortSignal, openedAtMs: number) => Promise<AsyncIterable<ReadonlyArray<A>>>
}

/**
 * `readEvents` for a reader that parses the events of each network read at once: one promise per read instead of
 * one per event. The events are taken one by one into the read loop (and its stages), exactly as `readEvents` takes them.
 */
export const readEventBatches = <A, E>(options: EventBatchReaderOptions<A, E>): Stream.Stream<A, E> =>
  readerStream({ options: options as unknown as EventReaderOptions<unknown, unknown>, stages: [], batched: true }) as Stream.Stream<A, E>

/**
 * @internal The reader stream `self` with one more stage run inside its loop, when `self` is a reader stream
 * (`throughStage` uses it); undefined otherwise.
 */
export const fuseStage = <A, B, E, EIn, R2>(
  self: Stream.Stream<A, EIn, unknown>,
  make: Effect.Effect<PlainStage<A, B, E, EIn>, never, R2>
): Stream.Stream<B, E | EIn, R2> | undefined => {
  const spec = (self as { readonly [readerSpec]?: ReaderSpec })[readerSpec]
  if (spec === undefined) return undefined
  return readerStream({ options: spec.options, stages: [...spec.stages, make as unknown as StageMaker], batched: spec.batched }) as Stream.Stream<B, E | EIn, R2>
}
