/**
 * A backend that is not configured: every call fails at once with Authentication, the fix in the message, and
 * makes no request.
 */
import { Effect, Stream } from "effect"
import { providerError, type LanguageModel, type ProviderError } from "@orch/provider"

/** Why a backend cannot be called: Authentication (the key is missing), with the fix in the message. */
export const notConfigured = (backend: string, model: string, reason: string): ProviderError =>
  providerError({ _tag: "Authentication" }, `${backend} is not available: ${reason}`, { provider: backend, model })

/** A model of a backend that is not configured: every call fails at once with `notConfigured`, making no request. */
export const unconfiguredModel = (backend: string, name: string, reason: string): LanguageModel => ({
  id: `${backend}/${name}`,
  provider: backend,
  name,
  kind: "cloud",
  generate: () => Effect.fail(notConfigured(backend, name, reason)),
  stream: () => Stream.fail(notConfigured(backend, name, reason))
})
