/**
 * The availability probe every backend shares: a cheap call, bounded by a short timeout, whose answer is cached for
 * a TTL measured by `Clock` (so `TestClock` drives it), and which never fails.
 */
import { type Availability, redact } from "@orch/provider"
import type { Duration } from "effect"
import { Effect } from "effect"

/** Settings of a probe. */
export interface ProbeSettings {
  /** How long an answer is reused. */
  readonly ttl: Duration.Input
  /** How long one probe may take before the backend counts as unavailable. */
  readonly timeout: Duration.Input
}

/**
 * A cached availability check from a probe that may fail: success is `available: true`, a failure or a timeout is
 * `available: false` with `describe(error)` as the reason.
 */
export const cachedAvailability = <E>(probe: Effect.Effect<unknown, E>, settings: ProbeSettings, describe: (error: E | "timeout") => string): Effect.Effect<Effect.Effect<Availability>> =>
  Effect.cachedWithTTL(
    probe.pipe(
      Effect.timeoutOrElse({ duration: settings.timeout, orElse: () => Effect.fail("timeout" as const) }),
      Effect.match({
        onSuccess: (): Availability => ({ available: true }),
        onFailure: (error): Availability => ({ available: false, reason: redact(describe(error)) })
      })
    ),
    settings.ttl
  )
