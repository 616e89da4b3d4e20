/**
 * A stream stage written as a plain loop: each batch the upstream pulls is run through synchronous `push` calls
 * into one output array, so a stage costs one effect per batch instead of one (or three) per element, however
 * many elements a network read delivered at once. Order is kept exactly: when `push` returns an error, what it and
 * the inputs before it produced is emitted first and the error follows on the next pull, as a per-element
 * `mapEffect` would have it. The model's assembler and the backends' chunk mappings are stages. On a stream read
 * by `readEvents` a stage adds no layer at all: it runs inside the read loop.
 */
import { Cause, Effect, Stream } from "effect"
import type { NonEmptyReadonlyArray } from "effect/Array"
import { dual } from "effect/Function"
import { fuseStage } from "./EventReader.ts"

/** One run of a stage: made fresh for every run of the stream. */
export interface PlainStage<A, B, E, EIn> {
  /** Append the outputs of one input to `out`; an error ends the stream after the outputs appended so far. */
  readonly push: (input: A, out: Array<B>) => E | undefined
  /** The input is over: append the last outputs, or return an error that ends the stream after them. */
  readonly end?: (out: Array<B>) => E | undefined
  /** An upstream failure as this stage reports it (unchanged when absent). */
  readonly fail?: (error: EIn) => E
}

/**
 * Run `self` through a stage made by `make` (evaluated once per run, e.g. to read the `Clock`). Interruption and
 * defects pass through untouched. On a `readEvents` stream the stage is fused into its read loop.
 */
export const throughStage: {
  <A, B, E, EIn, R2>(make: Effect.Effect<PlainStage<A, B, E, EIn>, never, R2>): <R>(self: Stream.Stream<A, EIn, R>) => Stream.Stream<B, E | EIn, R | R2>
  <A, B, E, EIn, R, R2>(self: Stream.Stream<A, EIn, R>, make: Effect.Effect<PlainStage<A, B, E, EIn>, never, R2>): Stream.Stream<B, E | EIn, R | R2>
} = dual(2, <A, B, E, EIn, R, R2>(self: Stream.Stream<A, EIn, R>, make: Effect.Effect<PlainStage<A, B, E, EIn>, never, R2>) => stage(self, make))

const stage = <A, B, E, EIn, R, R2>(
  self: Stream.Stream<A, EIn, R>,
  make: Effect.Effect<PlainStage<A, B, E, EIn>, never, R2>
): Stream.Stream<B, E | EIn, R | R2> =>
  fuseStage(self, make) ?? Stream.transformPull(self, (upstream) =>
    Effect.map(make, (run) => {
      /** "open" while upstream is read; "failing" when an error waits behind emitted outputs; "over" after that. */
      let phase: "open" | "failing" | "over" = "open"
      let failure: E | EIn | undefined

      /** Emit `out` and then `error` (if any), or just the error when nothing came before it. */
      const emit = (out: Array<B>, error: E | undefined, last: boolean): Effect.Effect<NonEmptyReadonlyArray<B>, E | EIn | Cause.Done> | undefined => {
        if (error !== undefined) {
          if (out.length === 0) {
            phase = "over"
            return Effect.fail(error)
          }
          phase = "failing"
          failure = error
          return Effect.succeed(out as unknown as NonEmptyReadonlyArray<B>)
        }
        if (last) phase = "over"
        return out.length > 0 ? Effect.succeed(out as unknown as NonEmptyReadonlyArray<B>) : undefined
      }

      const onBatch = (batch: NonEmptyReadonlyArray<A>): Effect.Effect<NonEmptyReadonlyArray<B>, E | EIn | Cause.Done> => {
        const out: Array<B> = []
        for (let i = 0; i < batch.length; i++) {
          const error = run.push(batch[i]!, out)
          if (error !== undefined) return emit(out, error, true)!
        }
        return emit(out, undefined, false) ?? pull
      }

      const onFailure = (error: EIn | Cause.Done): Effect.Effect<NonEmptyReadonlyArray<B>, E | EIn | Cause.Done> => {
        if (Cause.isDone(error)) {
          const out: Array<B> = []
          return emit(out, run.end?.(out), true) ?? Cause.done()
        }
        phase = "over"
        return Effect.fail(run.fail !== undefined ? run.fail(error) : error)
      }

      const pull: Effect.Effect<NonEmptyReadonlyArray<B>, E | EIn | Cause.Done> = Effect.suspend(() => {
        if (phase === "open") return Effect.matchEffect(upstream, { onFailure, onSuccess: onBatch })
        if (phase === "failing") {
          phase = "over"
          return Effect.fail(failure as E | EIn)
        }
        return Cause.done()
      })
      return pull
    }))
