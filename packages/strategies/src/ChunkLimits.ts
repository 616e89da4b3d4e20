/**
 * Time-to-first-token and gap-between-chunks limits: the references that carry them to every attempt in scope, and
 * the stream guard that enforces them.
 */
import { providerError, type ProviderError, type StreamPart } from "@orch/provider"
import { Context, Effect, Stream } from "effect"
import { timeBoundOn } from "./TimeBound.ts"

/** Per-attempt stream limits in milliseconds; an absent limit is no limit. */
export interface ChunkLimitValues {
  /** The longest wait from the attempt's start to its first text token. */
  readonly firstTokenMs?: number
  /** The longest wait between two chunks once text has started. */
  readonly betweenChunksMs?: number
}

/** The chunk limits in scope, read by every attempt. Set with `timeout({ firstTokenMs, betweenChunksMs })`. */
export const ChunkLimits = Context.Reference<ChunkLimitValues>("@orch/strategies/ChunkLimits", {
  defaultValue: () => ({})
})

/** Whether any chunk limit is set. */
export const hasChunkLimits = (limits: ChunkLimitValues): boolean =>
  limits.firstTokenMs !== undefined || limits.betweenChunksMs !== undefined

/** A deadline a guarded stream keeps: the absolute time (Effect clock, ms) and the error it fails with. */
export interface StreamDeadline {
  readonly at: number
  readonly error: () => ProviderError
}

/**
 * Enforce chunk limits, and a deadline, on a stream: fail with `Timeout` (phase "first-token" or "between-chunks")
 * when the first text token or the next chunk is late, and with the deadline's error when it passes. Each pull is
 * bounded by whichever comes first (`timeBoundOn`: no timer for a pull that ends at once); interrupting the pull aborts
 * the underlying request.
 */
export const guardStream = <R>(
  stream: Stream.Stream<StreamPart, ProviderError, R>,
  limits: ChunkLimitValues,
  context: { readonly provider: string; readonly model: string },
  deadline?: StreamDeadline
): Stream.Stream<StreamPart, ProviderError, R> => {
  if (!hasChunkLimits(limits) && deadline === undefined) return stream
  return Stream.transformPull(stream, (pull) => Effect.clockWith((clock) => {
    const startedAt = clock.currentTimeMillisUnsafe()
    let seenText = false
    return Effect.succeed(Effect.suspend(() => {
      const now = clock.currentTimeMillisUnsafe()
      const phase = seenText ? "between-chunks" : "first-token"
      const limit = seenText ? limits.betweenChunksMs : limits.firstTokenMs
      const wait = limit === undefined ? undefined : seenText ? limit : Math.max(0, startedAt + limit - now)
      const left = deadline === undefined ? undefined : deadline.at - now
      let next: typeof pull
      if (left !== undefined && left <= 0) return Effect.fail(deadline!.error())
      if (left !== undefined && (wait === undefined || left <= wait)) next = timeBoundOn(clock, pull, left, deadline!.error)
      else if (wait !== undefined) next = timeBoundOn(clock, pull, wait, () => providerError({ _tag: "Timeout", phase, afterMs: limit ?? 0 }, `No ${phase === "first-token" ? "first token" : "chunk"} within ${limit} ms`, context))
      else next = pull
      return Effect.map(next, (chunk) => {
        if (!seenText && chunk.some((part) => part.type === "text-delta" || part.type === "tool-call-delta" || part.type === "tool-call")) seenText = true
        return chunk
      })
    }))
  }))
}
