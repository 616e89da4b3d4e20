/**
 * Pieces every cloud model call shares: request validation with the model named in the error, the debug log line
 * of a failure (already redacted), and the two ways a stream can end without its terminator (cancelled or cut off).
 */
import { Effect, Stream } from "effect"
import { cancelled, invalidRequest, providerError, validateRequest, type CompletionRequest, type LanguageModel, type ProviderError } from "@orch/provider"
import { streamInterrupted, type FailureScope } from "./errors.ts"

/** The request checked, or InvalidRequest naming the backend and model. */
export const validated = (input: CompletionRequest, provider: string, model: string): Effect.Effect<CompletionRequest, ProviderError> =>
  validateRequest(input).pipe(
    Effect.mapError((error) => (error.reason._tag === "InvalidRequest" ? invalidRequest(error.reason.issues, { provider, model }) : error))
  )

/** Log a failed call at debug level; the error's text is short and redacted by construction. */
export const logFailure = (error: ProviderError): Effect.Effect<void> =>
  Effect.logDebug(`cloud call failed: ${error.toString()}`).pipe(
    Effect.annotateLogs({ provider: error.provider ?? "", model: error.model ?? "", reason: error.reason._tag })
  )

/** The stream loop ended because the call's own signal aborted: Cancelled, with the usage so far. */
export const cancelledStream = (scope: FailureScope): Stream.Stream<never, ProviderError> =>
  Stream.fail(cancelled({ provider: scope.provider, model: scope.model }, scope.usage))

/** The stream ended without its terminator: StreamInterrupted with the text and usage so far. */
export const incompleteStream = (scope: FailureScope, message: string): Stream.Stream<never, ProviderError> =>
  Stream.fail(streamInterrupted(scope, message))

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
