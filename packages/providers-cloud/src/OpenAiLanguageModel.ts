/**
 * OpenAI models as `LanguageModel` values: the kit's chat-completions mapping, JSON for `generate` and SSE (with the
 * usage chunk) for `stream`, `max_completion_tokens` as OpenAI wants it. Works with any compatible host through
 * `baseUrl`.
 */
import type { LanguageModel, ModelInfo } from "@orch/provider"
import { makeOpenAiCompatLanguageModel, type OpenAiCompatClient } from "@orch/openai-compat"
import { resolveBackend } from "./internal/BackendSettings.ts"
import { unconfiguredModel } from "./internal/ModelCalls.ts"
import { makeOpenAiClient } from "./OpenAiClient.ts"
import { openAiNames, type OpenAiOptions } from "./OpenAiConfig.ts"

/** @internal An OpenAI model on an existing client (the CloudProvider shares one client per backend). */
export const makeOpenAiLanguageModel = (client: OpenAiCompatClient, name: string, info?: ModelInfo): LanguageModel =>
  makeOpenAiCompatLanguageModel(client, { name, kind: "cloud", maxTokensField: "max_completion_tokens", spanPrefix: "OpenAiLanguageModel", ...(info ? { info } : {}) })

/**
 * An OpenAI model, e.g. `openAiModel("gpt-4o-mini", { apiKey })`. Without a key it still returns a model, whose
 * calls fail at once with Authentication ("set OPENAI_API_KEY") and make no request.
 */
export const openAiModel = (name: string, options: OpenAiOptions = {}): LanguageModel => {
  const state = resolveBackend(openAiNames, options)
  if (!state.configured) return unconfiguredModel(state.backend, name, state.reason)
  return makeOpenAiLanguageModel(makeOpenAiClient(state.settings), name)
}
