/**
 * Time-to-first-token and gap-between-chunks limits: the references that carry them to every attempt in scope, and
 * the stream guard that enforces them.
 */
import { providerError, type ProviderError, type StreamPart } from "@orch/provider"
import { Clock, Context, Effect, Stream } from "effect"
import { timeBound } from "./TimeBound.ts"

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

/**
 * Enforce chunk limits on a stream: fail with `Timeout` (phase "first-token" or "between-chunks") when the first
 * text token or the next chunk is late. Interrupting the pull aborts the underlying request.
 */
export const guardStream = <R>(
  stream: Stream.Stream<StreamPart, ProviderError, R>,
  limits: ChunkLimitValues,
  context: { readonly provider: string; readonly model: string }
): Stream.Stream<StreamPart, ProviderError, R> => {
  if (!hasChunkLimits(limits)) return stream
  return Stream.scoped(Stream.fromPull(Effect.gen(function*() {
    const pull = yield* Stream.toPull(stream)
    const startedAt = yield* Clock.currentTimeMillis
    let seenText = false
    const clock = yield* Clock.Clock
    return Effect.suspend(() => {
      const phase = seenText ? "between-chunks" : "first-token"
      const limit = seenText ? limits.betweenChunksMs : limits.firstTokenMs
      const wait = limit === undefined ? undefined : seenText ? limit : Math.max(0, startedAt + limit - clock.currentTimeMillisUnsafe())
      const next = wait === undefined
        ? pull
        : timeBound(pull, wait, () => providerError({ _tag: "Timeout", phase, afterMs: limit ?? 0 }, `No ${phase === "first-token" ? "first token" : "chunk"} within ${limit} ms`, context))
      return Effect.map(next, (chunk) => {
        if (!seenText && chunk.some((part) => part.type === "text-delta" || part.type === "tool-call-delta" || part.type === "tool-call")) seenText = true
        return chunk
      })
    })
  })))
}
