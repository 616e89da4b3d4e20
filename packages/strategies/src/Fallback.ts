/**
 * `fallback`: the steps in order, moving to the next when a failure says "try elsewhere"; configurable by reason.
 */
import type { ProviderError } from "@orch/provider"
import { toPlan, withRole, withRoleStream } from "./Attempt.ts"
import { launchSequential, launchStream, type LaunchOptions } from "./Launch.ts"
import { makePlan, type Plan, type Step, stepNames } from "./Plan.ts"
import { Effect } from "effect"

/** When `fallback` moves on. */
export interface FallbackOptions {
  /** Fall over on Authentication and PermissionDenied too (default false: a wrong key is reported, not hidden). */
  readonly onAuthentication?: boolean
  /** Decide yourself which errors move to the next step (overrides the defaults). */
  readonly while?: (error: ProviderError) => boolean
}

/**
 * Whether an error moves a fallback to the next step by default: transport failures, timeouts, rate limits,
 * overload, 5xx, unknown models, context overflow (to a larger window), malformed and interrupted responses do;
 * a cancel, an invalid request, a budget stop and a content refusal do not; authentication only when asked.
 */
export const fallsOver = (error: ProviderError, options: FallbackOptions = {}): boolean => {
  if (options.while !== undefined && error.reason._tag !== "Cancelled") return options.while(error)
  switch (error.reason._tag) {
    case "Cancelled":
    case "InvalidRequest":
    case "BudgetExceeded":
    case "ContentFiltered":
      return false
    case "Authentication":
    case "PermissionDenied":
      return options.onAuthentication === true
    default:
      return true
  }
}

/** The launch options of a sequential fallback over plans: skip windows no larger than one that overflowed. */
export const fallbackLaunch = (plans: ReadonlyArray<Plan>, options: FallbackOptions): LaunchOptions => {
  let overflowed = 0
  return {
    count: plans.length,
    startAfterMs: () => undefined,
    onFailure: (error, index) => {
      if (error.reason._tag === "ContextLengthExceeded") {
        overflowed = Math.max(overflowed, plans[index]?.contextWindow ?? error.reason.limit ?? 0)
      }
      return fallsOver(error, options) ? "continue" : "stop"
    },
    skip: (index) => {
      const window = plans[index]?.contextWindow
      return overflowed > 0 && window !== undefined && window <= overflowed
    }
  }
}

/**
 * Try the steps in order: the first success wins. After a context overflow, steps whose known window is no larger
 * are skipped. All failed: `allAttemptsFailed(errors)`; a failure that does not fall over ends it with that error.
 * Streams fail over freely until the first text token; after it, they end with StreamInterrupted.
 */
export const fallback = (steps: ReadonlyArray<Step>, options: FallbackOptions = {}): Plan => {
  const plans = steps.map(toPlan)
  const role = <A, E, R>(index: number, effect: Effect.Effect<A, E, R>) => (index === 0 ? effect : withRole(effect, "fallback"))
  return makePlan(
    `fallback(${stepNames(steps)})`,
    (request) => Effect.map(launchSequential(fallbackLaunch(plans, options), (index) => role(index, plans[index]!.generate(request))), (winner) => winner.value),
    (request) => launchStream(fallbackLaunch(plans, options), (index) => index === 0 ? plans[0]!.stream(request) : withRoleStream(plans[index]!.stream(request), "fallback"))
  )
}
