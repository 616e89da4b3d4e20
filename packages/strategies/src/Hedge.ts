/**
 * `hedge`: start the next step only when the first has not answered (its first token, for streams) by a delay,
 * fixed or read from the model's observed latency; the first success wins and the rest are interrupted.
 */
import { Effect, Stream } from "effect"
import { toPlan, withRole, withRoleStream } from "./Attempt.ts"
import { launch, launchStream, type LaunchOptions } from "./Launch.ts"
import { makePlan, type Plan, type Step, stepNames } from "./Plan.ts"

/** When `hedge` starts the next step. */
export interface HedgeOptions {
  /**
   * The delay before each next step starts, in ms: a number, or an effect read at each call (e.g. a percentile of
   * observed latency from `ModelHealth`). A step also starts at once when every started step has failed.
   */
  readonly delayMs: number | Effect.Effect<number>
}

const launchOptions = (count: number, delay: number): LaunchOptions => ({ count, startAfterMs: (index) => delay * index })

/**
 * Hedge steps: the first starts at once, step `i` after `i × delay` unless an answer came first. Hedged attempts are
 * reported with role "hedge". Streams: the first step to deliver a text token wins.
 */
export const hedge = (steps: ReadonlyArray<Step>, options: HedgeOptions): Plan => {
  const plans = steps.map(toPlan)
  const delay = typeof options.delayMs === "number" ? Effect.succeed(options.delayMs) : options.delayMs
  return makePlan(
    () => `hedge(${stepNames(steps)})`,
    (request) =>
      Effect.flatMap(delay, (ms) =>
        Effect.map(launch(launchOptions(plans.length, ms), (index) => index === 0 ? plans[0]!.generate(request) : withRole(plans[index]!.generate(request), "hedge")), (winner) => winner.value)),
    (request) =>
      Stream.unwrap(Effect.map(delay, (ms) =>
        launchStream(launchOptions(plans.length, ms), (index) => index === 0 ? plans[0]!.stream(request) : withRoleStream(plans[index]!.stream(request), "hedge"))))
  )
}
