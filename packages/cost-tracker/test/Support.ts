// Shared pieces of the cost-tracker tests: models, attempt events, a log collector and error unwrapping.
import type { AttemptFailure, AttemptModel, AttemptSuccess, ErrorReason, ProviderError, Usage } from "@orch/provider"
import { providerError } from "@orch/provider"
import { Cause, Effect, Exit, Logger } from "effect"

export const gpt4oMini: AttemptModel = { id: "openai/gpt-4o-mini", provider: "openai", name: "gpt-4o-mini", kind: "cloud" }
export const haiku: AttemptModel = { id: "anthropic/claude-3-5-haiku-20241022", provider: "anthropic", name: "claude-3-5-haiku-20241022", kind: "cloud" }
export const mystery: AttemptModel = { id: "acme/mystery-1", provider: "acme", name: "mystery-1", kind: "cloud" }
export const llama: AttemptModel = { id: "ollama/llama3.2", provider: "ollama", name: "llama3.2", kind: "local" }

export const success = (model: AttemptModel, usage: Usage, latencyMs = 100): AttemptSuccess =>
  ({ _tag: "AttemptSuccess", attemptId: 1, model, role: "primary", latencyMs, usage })

export const failure = (model: AttemptModel, reason: ErrorReason, latencyMs = 50): AttemptFailure =>
  ({ _tag: "AttemptFailure", attemptId: 1, model, role: "fallback", latencyMs, error: providerError(reason, reason._tag, { provider: model.provider, model: model.name }) })

/** Run an effect and return its ProviderError, failing the test when it succeeds. */
export const failureOf = <A>(effect: Effect.Effect<A, ProviderError>): Effect.Effect<ProviderError> =>
  Effect.flatMap(Effect.exit(effect), (exit) => {
    if (Exit.isSuccess(exit)) return Effect.die(new Error("expected a failure, got a success"))
    const error = Cause.findErrorOption(exit.cause)
    return error._tag === "Some" ? Effect.succeed(error.value) : Effect.die(new Error(`expected a typed failure: ${Cause.pretty(exit.cause)}`))
  })

/** Run an effect with a logger that collects warning messages. */
export const collectingWarnings = () => {
  const warnings: Array<string> = []
  const logger = Logger.make((options) => {
    if (options.logLevel === "Warn") warnings.push(Array.isArray(options.message) ? options.message.join(" ") : String(options.message))
  })
  return { warnings, layer: Logger.layer([logger]) }
}
