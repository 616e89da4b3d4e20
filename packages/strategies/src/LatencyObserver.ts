/**
 * Latency observation: a step wrapped so that each call records its latency (to the first token, for streams) into
 * `ModelHealth`, and the delay read back from those samples (e.g. the p95, for `hedge`).
 */
import { Clock, Effect, Exit, Stream } from "effect"
import { toPlan } from "./Attempt.ts"
import { ModelHealth } from "./ModelHealth.ts"
import { makePlan, type Plan, type Step } from "./Plan.ts"

/**
 * Record each call's latency under `key` (default the step's name): the time to the answer, or to the first text
 * token of a stream. A call cut short (interrupted, e.g. a hedged primary that lost) is recorded at the time it was
 * cut: a lower bound of its latency. A hedged call is cut only after the hedge delay plus the hedge's own answer, so
 * the bound lies above the delay and the percentile does not drift down.
 */
export const observeLatency = (step: Step, key?: string): Effect.Effect<Plan, never, ModelHealth> =>
  Effect.map(ModelHealth, (health) => {
    const inner = toPlan(step)
    const name = key ?? inner.name
    return makePlan(
      inner.name,
      (request) =>
        Effect.flatMap(Clock.currentTimeMillis, (start) =>
          Effect.onExit(inner.generate(request), (exit) =>
            Effect.flatMap(Clock.currentTimeMillis, (now) =>
              Exit.isSuccess(exit) || Exit.hasInterrupts(exit) ? health.recordLatency(name, now - start) : Effect.void))),
      (request) =>
        Stream.unwrap(Effect.map(Clock.currentTimeMillis, (start) => {
          let recorded = false
          const record = (ms: number) => Effect.suspend(() => recorded ? Effect.void : Effect.andThen(Effect.sync(() => { recorded = true }), health.recordLatency(name, ms)))
          return inner.stream(request).pipe(
            Stream.tap((part) => part.type === "text-delta" ? Effect.flatMap(Clock.currentTimeMillis, (now) => record(now - start)) : Effect.void),
            Stream.onExit((exit) => Exit.hasInterrupts(exit) ? Effect.flatMap(Clock.currentTimeMillis, (now) => record(now - start)) : Effect.void)
          )
        })),
      inner.contextWindow
    )
  })

/** What `observedDelay` reads. */
export interface ObservedDelayOptions {
  /** The quantile, 0..1 (default 0.95). */
  readonly percentile?: number
  /** The delay while there are too few samples (required: there is no safe universal default). */
  readonly fallbackMs: number
  /** Samples needed before the percentile is trusted (default 20). */
  readonly minimumSamples?: number
}

/** A delay read at each call from the latency samples under `key`: for `hedge({ delayMs })`. */
export const observedDelay = (key: string, options: ObservedDelayOptions): Effect.Effect<Effect.Effect<number>, never, ModelHealth> =>
  Effect.map(ModelHealth, (health) =>
    Effect.map(health.percentile(key, options.percentile ?? 0.95, options.minimumSamples), (value) =>
      value === undefined || !Number.isFinite(value) ? options.fallbackMs : value))
