/**
 * `timeout`: a total deadline shared by every attempt under it, and time-to-first-token and gap-between-chunks
 * limits applied to each attempt under it.
 */
import { Effect, Stream } from "effect"
import { dual } from "effect/Function"
import { ChunkLimits, type ChunkLimitValues } from "./ChunkLimits.ts"
import { withDeadline, withDeadlineStream } from "./Deadline.ts"
import { makePlan, type Plan, type Step, stepNames } from "./Plan.ts"
import { toPlan } from "./Attempt.ts"

/** The limits of `timeout`, in milliseconds. */
export interface TimeoutOptions extends ChunkLimitValues {
  /** One deadline for everything under it: attempts, retries, fallbacks and race legs. */
  readonly totalMs?: number
}

/**
 * Limit a step in time. `totalMs` sets the shared deadline (an outer, sooner deadline still wins); `firstTokenMs`
 * and `betweenChunksMs` apply to each attempt under it (inner `timeout`s override them). Failures are `Timeout`
 * errors with the phase that passed, so an outer fallback moves on.
 */
export const timeout: {
  (options: TimeoutOptions): (self: Step) => Plan
  (self: Step, options: TimeoutOptions): Plan
} = dual(2, (self: Step, options: TimeoutOptions): Plan => {
  const inner = toPlan(self)
  const limits: ChunkLimitValues = {
    ...(options.firstTokenMs !== undefined ? { firstTokenMs: options.firstTokenMs } : {}),
    ...(options.betweenChunksMs !== undefined ? { betweenChunksMs: options.betweenChunksMs } : {})
  }
  const withLimits = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    Effect.flatMap(ChunkLimits, (outer) => Effect.provideService(effect, ChunkLimits, { ...outer, ...limits }))
  return makePlan(
    () => `timeout(${stepNames([self])})`,
    (request) => {
      const call = withLimits(inner.generate(request))
      return options.totalMs === undefined ? call : withDeadline(call, options.totalMs)
    },
    (request) => {
      const call = Stream.unwrap(Effect.map(ChunkLimits, (outer) => Stream.provideService(inner.stream(request), ChunkLimits, { ...outer, ...limits })))
      return options.totalMs === undefined ? call : withDeadlineStream(call, options.totalMs)
    },
    inner.contextWindow
  )
})
