/**
 * `race`: every step at once; the first success wins and the others are interrupted (their requests aborted).
 */
import { Effect } from "effect"
import { toPlan, withRole, withRoleStream } from "./Attempt.ts"
import { launch, launchStream, type LaunchOptions } from "./Launch.ts"
import { makePlan, type Plan, type Step, stepNames } from "./Plan.ts"

/**
 * Run every step at once. The first success wins; the losers are interrupted, and the race returns only after
 * they have ended (so their cancelled events are reported). Failures do not end the race until all have failed:
 * `allAttemptsFailed(errors)`. A stream is won by the first step to deliver a text token.
 */
export const race = (steps: ReadonlyArray<Step>): Plan => {
  const plans = steps.map(toPlan)
  const options: LaunchOptions = { count: plans.length, startAfterMs: () => 0 }
  return makePlan(
    () => `race(${stepNames(steps)})`,
    (request) => Effect.map(launch(options, (index) => withRole(plans[index]!.generate(request), "race")), (winner) => winner.value),
    (request) => launchStream(options, (index) => withRoleStream(plans[index]!.stream(request), "race"))
  )
}
