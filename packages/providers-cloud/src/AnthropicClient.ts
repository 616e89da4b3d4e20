/**
 * The official `@anthropic-ai/sdk` client, built the way @orch needs it: SDK retries off, a long timeout as a
 * backstop only, SDK logging and SDK tracing off (traces are @orch's, and carry no content or key), the key from
 * `Redacted` (so the SDK never looks for credentials in the environment or on disk). Also the model listing.
 */
import Anthropic from "@anthropic-ai/sdk"
import { Clock, Effect, Redacted } from "effect"
import type { ModelInfo, ProviderError } from "@orch/provider"
import type { BackendSettings } from "./internal/BackendSettings.ts"
import { fromSdkError } from "./internal/errors.ts"

/** An Anthropic client for resolved settings. */
export const makeAnthropicClient = (settings: BackendSettings): Anthropic =>
  new Anthropic({
    apiKey: Redacted.value(settings.apiKey),
    baseURL: settings.baseUrl,
    maxRetries: 0,
    timeout: settings.timeoutMs,
    logLevel: "off",
    openTelemetry: false,
    ...(settings.fetch ? { fetch: settings.fetch } : {})
  })

/** How long the model listing may take: a listing is advisory and never waits for the SDK's backstop. */
export const listTimeoutMs = 5_000

/** The models Anthropic lists (first 1000), ids prefixed `anthropic/`, with their context window when given. */
export const listAnthropicModels = Effect.fnUntraced(function*(client: Anthropic, settings: BackendSettings): Effect.fn.Return<ReadonlyArray<ModelInfo>, ProviderError> {
  const clock = yield* Clock.Clock
  const models = yield* Effect.tryPromise({
    try: (signal) => client.models.list({ limit: 1000 }, { signal, timeout: listTimeoutMs }).then((page) => page.data),
    catch: (error) =>
      fromSdkError(error, {
        provider: settings.backend,
        model: "*",
        secrets: [Redacted.value(settings.apiKey)],
        timeoutMs: settings.timeoutMs,
        nowMs: clock.currentTimeMillisUnsafe()
      })
  }).pipe(Effect.timeoutOrElse({
    duration: listTimeoutMs,
    orElse: () => Effect.fail(fromSdkError(new Anthropic.APIConnectionTimeoutError(), { provider: settings.backend, model: "*", secrets: [], timeoutMs: listTimeoutMs, nowMs: clock.currentTimeMillisUnsafe() }))
  }))
  return (models ?? [])
    .filter((m) => typeof m?.id === "string" && m.id.length > 0)
    .map((m): ModelInfo => ({
      id: `${settings.backend}/${m.id}`,
      name: m.id,
      provider: settings.backend,
      kind: "cloud",
      ...(typeof m.max_input_tokens === "number" ? { contextWindow: m.max_input_tokens } : {})
    }))
})
