/**
 * `circuitBreaker`: per model (per key), stop calling a step that keeps failing. Open after N consecutive failures
 * or a failure rate over a window; after a cool-down, let half-open probes through; an open step is skipped at once.
 */
import { providerError, type ProviderError } from "@orch/provider"
import { Cause, Effect, Exit, Stream } from "effect"
import { toPlan } from "./Attempt.ts"
import { type Breaker, type BreakerOptions, ModelHealth } from "./ModelHealth.ts"
import { makePlan, type Plan, type Step } from "./Plan.ts"

/** `circuitBreaker`'s options: the breaker's thresholds, and the key its state lives under (default: the step's name). */
export interface CircuitBreakerOptions extends BreakerOptions {
  readonly key?: string
}

/**
 * Whether an error counts against a model's health: failures of the service (transport, timeouts, overload, 5xx,
 * rate limits, authentication, a missing model), not failures of the request (invalid, too long, filtered, over
 * budget), a cancel, or the cost ledger being unavailable (no model was asked).
 */
export const countsAgainstHealth = (error: ProviderError): boolean => {
  switch (error.reason._tag) {
    case "Unavailable":
      return error.reason.component !== "ledger"
    case "Cancelled":
    case "InvalidRequest":
    case "ContextLengthExceeded":
    case "ContentFiltered":
    case "BudgetExceeded":
      return false
    default:
      return true
  }
}

const openError = (key: string): ProviderError =>
  providerError({ _tag: "Unavailable", cause: "circuit open" }, `Skipped ${key}: its circuit breaker is open`)

const settle = (breaker: Breaker) => <A>(exit: Exit.Exit<A, ProviderError>): Effect.Effect<void> => {
  if (Exit.isSuccess(exit)) return breaker.recordSuccess
  const error = Cause.findErrorOption(exit.cause)
  if (error._tag === "Some" && countsAgainstHealth(error.value)) return breaker.recordFailure
  return breaker.release
}

/**
 * Guard a step with a circuit breaker kept in `ModelHealth`. While open, a call fails at once with `Unavailable`
 * (cause "circuit open") and makes no attempt, so a surrounding fallback moves straight on.
 */
export const circuitBreaker = (step: Step, options: CircuitBreakerOptions = {}): Effect.Effect<Plan, never, ModelHealth> =>
  Effect.map(ModelHealth, (health) => {
    const inner = toPlan(step)
    const key = options.key ?? inner.name
    const breaker = health.breaker(key, options)
    return makePlan(
      inner.name,
      (request) =>
        Effect.flatMap(breaker.admit, (admitted) =>
          admitted ? Effect.onExit(inner.generate(request), settle(breaker)) : Effect.fail(openError(key))),
      (request) =>
        Stream.unwrap(Effect.map(breaker.admit, (admitted) =>
          admitted ? Stream.onExit(inner.stream(request), settle(breaker)) : Stream.fail(openError(key)))),
      inner.contextWindow
    )
  })
