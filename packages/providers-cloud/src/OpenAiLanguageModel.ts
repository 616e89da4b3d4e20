/**
 * OpenAI models as `LanguageModel` values: chat completions through the official client, JSON for `generate` and
 * SSE (with the usage chunk) for `stream`. Works with any OpenAI-compatible host through `baseUrl`.
 */
import type OpenAI from "openai"
import type { LanguageModel, ModelInfo } from "@orch/provider"
import { resolveBackend, type BackendSettings } from "./internal/BackendSettings.ts"
import { makeChatCompletionsModel } from "./internal/ChatCompletions.ts"
import { unconfiguredModel } from "./internal/ModelCalls.ts"
import { makeOpenAiClient } from "./OpenAiClient.ts"
import { openAiNames, type OpenAiOptions } from "./OpenAiConfig.ts"

/** @internal An OpenAI model on an existing client (the CloudProvider shares one client per backend). */
export const makeOpenAiLanguageModel = (client: OpenAI, settings: BackendSettings, name: string, info?: ModelInfo): LanguageModel =>
  makeChatCompletionsModel({ client, settings, name, maxTokensField: "max_completion_tokens", spanPrefix: "OpenAiLanguageModel", ...(info ? { info } : {}) })

/**
 * An OpenAI model, e.g. `openAiModel("gpt-4o-mini", { apiKey })`. Without a key it still returns a model, whose
 * calls fail at once with Authentication ("set OPENAI_API_KEY") and make no request.
 */
export const openAiModel = (name: string, options: OpenAiOptions = {}): LanguageModel => {
  const state = resolveBackend(openAiNames, options)
  if (!state.configured) return unconfiguredModel(state.backend, name, state.reason)
  return makeOpenAiLanguageModel(makeOpenAiClient(state.settings), state.settings, name)
}
