/**
 * The client of an OpenAI chat-completions backend (OpenAI itself, Lightning AI, any compatible host): the kit's
 * one client for the resolved settings, and the model listing (`/models`, bounded by a short timeout).
 */
import { Effect } from "effect"
import type { ModelInfo, ProviderError } from "@orch/provider"
import { listServerModels, makeOpenAiCompatClient, resolveSettings, type OpenAiCompatClient } from "@orch/openai-compat"
import type { BackendSettings } from "./internal/BackendSettings.ts"

/** The kit's client for resolved settings. */
export const makeOpenAiClient = (settings: BackendSettings): OpenAiCompatClient =>
  makeOpenAiCompatClient(resolveSettings({
    backend: settings.backend,
    baseUrl: settings.baseUrl,
    apiKey: settings.apiKey,
    timeout: settings.timeoutMs,
    ...(settings.fetch ? { fetch: settings.fetch } : {})
  }))

/** The models a chat-completions backend lists at `/models`, ids prefixed with the backend's name. */
export const listChatCompletionsModels = (client: OpenAiCompatClient): Effect.Effect<ReadonlyArray<ModelInfo>, ProviderError> =>
  Effect.map(listServerModels(client), (models) =>
    models.map((m): ModelInfo => ({
      id: `${client.settings.backend}/${m.serverId}`,
      name: m.serverId,
      provider: client.settings.backend,
      kind: "cloud",
      ...(m.contextWindow !== undefined ? { contextWindow: m.contextWindow } : {})
    })))
