/**
 * The official `openai` client, built the way @orch needs it: SDK retries off (the strategies own retries), a long
 * timeout as a backstop only, SDK logging off (no console output from a library), the key from `Redacted`.
 * Also the model listing (`/v1/models`) of any OpenAI-compatible backend.
 */
import { Clock, Effect, Redacted } from "effect"
import OpenAI from "openai"
import type { ModelInfo, ProviderError } from "@orch/provider"
import type { BackendSettings } from "./internal/BackendSettings.ts"
import { fromSdkError } from "./internal/errors.ts"

/** An `openai` client for resolved settings (OpenAI itself, Lightning AI, or any compatible host). */
export const makeOpenAiClient = (settings: BackendSettings): OpenAI =>
  new OpenAI({
    apiKey: Redacted.value(settings.apiKey),
    baseURL: settings.baseUrl,
    maxRetries: 0,
    timeout: settings.timeoutMs,
    logLevel: "off",
    ...(settings.fetch ? { fetch: settings.fetch } : {})
  })

/** The models a chat-completions backend lists at `/models`, ids prefixed with the backend's name. */
export const listChatCompletionsModels = Effect.fnUntraced(function*(client: OpenAI, settings: BackendSettings): Effect.fn.Return<ReadonlyArray<ModelInfo>, ProviderError> {
  const clock = yield* Clock.Clock
  const models = yield* Effect.tryPromise({
    try: (signal) => client.models.list({ signal }).then((page) => page.data),
    catch: (error) =>
      fromSdkError(error, {
        provider: settings.backend,
        model: "*",
        secrets: [Redacted.value(settings.apiKey)],
        timeoutMs: settings.timeoutMs,
        nowMs: clock.currentTimeMillisUnsafe(),
        aborted: false
      })
  })
  return (models ?? [])
    .filter((m) => typeof m?.id === "string" && m.id.length > 0)
    .map((m): ModelInfo => ({ id: `${settings.backend}/${m.id}`, name: m.id, provider: settings.backend, kind: "cloud" }))
})
