/**
 * `loadBalance` and `leastLatency`: spread calls over equivalent steps, by weight or to the one with the lowest
 * exponentially weighted moving average latency.
 */
import { Clock, Effect, Exit, Random, Stream } from "effect"
import { toPlan } from "./Attempt.ts"
import { ModelHealth } from "./ModelHealth.ts"
import { makePlan, type Plan, type Step, stepNames } from "./Plan.ts"

/** `loadBalance`'s options. */
export interface LoadBalanceOptions {
  /** One weight per step (default all 1); a step is chosen with probability weight / sum. */
  readonly weights?: ReadonlyArray<number>
}

/** The index a draw `u` in [0, 1) picks, given weights. */
export const pickWeighted = (weights: ReadonlyArray<number>, u: number): number => {
  const total = weights.reduce((sum, w) => sum + Math.max(0, w), 0)
  let threshold = u * total
  for (let i = 0; i < weights.length; i++) {
    threshold -= Math.max(0, weights[i] ?? 0)
    if (threshold < 0) return i
  }
  return weights.length - 1
}

/** Each call goes to one step, drawn by weight. Combine with `fallback` to survive the chosen step failing. */
export const loadBalance = (steps: ReadonlyArray<Step>, options: LoadBalanceOptions = {}): Plan => {
  const plans = steps.map(toPlan)
  const weights = options.weights ?? plans.map(() => 1)
  const choose = Effect.map(Random.next, (u) => plans[pickWeighted(weights, u)]!)
  return makePlan(
    () => `loadBalance(${stepNames(steps)})`,
    (request) => Effect.flatMap(choose, (plan) => plan.generate(request)),
    (request) => Stream.unwrap(Effect.map(choose, (plan) => plan.stream(request)))
  )
}

/** `leastLatency`'s options. */
export interface LeastLatencyOptions {
  /** The EWMA's weight of the newest sample (default 0.2). */
  readonly alpha?: number
}

/**
 * Each call goes to the step with the lowest EWMA latency in `ModelHealth` (keyed by step name); steps with no
 * sample yet are tried first, so every step gets measured.
 */
export const leastLatency = (steps: ReadonlyArray<Step>, options: LeastLatencyOptions = {}): Effect.Effect<Plan, never, ModelHealth> =>
  Effect.map(ModelHealth, (health) => {
    const plans = steps.map(toPlan)
    const choose = Effect.map(Effect.forEach(plans, (plan) => health.ewma(plan.name)), (averages) => {
      let best = 0
      for (let i = 0; i < plans.length; i++) {
        const candidate = averages[i]
        const current = averages[best]
        if (candidate === undefined) return plans[i]!
        if (current !== undefined && candidate < current) best = i
      }
      return plans[best]!
    })
    const measured = <A, E>(plan: Plan, effect: Effect.Effect<A, E>) =>
      Effect.flatMap(Clock.currentTimeMillis, (start) =>
        Effect.onExit(effect, (exit) =>
          Exit.isSuccess(exit) ? Effect.flatMap(Clock.currentTimeMillis, (now) => health.recordLatency(plan.name, now - start, options.alpha)) : Effect.void))
    return makePlan(
      () => `leastLatency(${stepNames(steps)})`,
      (request) => Effect.flatMap(choose, (plan) => measured(plan, plan.generate(request))),
      (request) =>
        Stream.unwrap(Effect.flatMap(choose, (plan) =>
          Effect.map(Clock.currentTimeMillis, (start) =>
            Stream.onExit(plan.stream(request), (exit) =>
              Exit.isSuccess(exit) ? Effect.flatMap(Clock.currentTimeMillis, (now) => health.recordLatency(plan.name, now - start, options.alpha)) : Effect.void))))
    )
  })
