/**
 * Lightning AI models as `LanguageModel` values: its OpenAI-compatible chat completions through the official
 * `openai` client, under the backend name `lightning` (its own column in the ledger). Model names are Lightning's,
 * e.g. `openai/gpt-5`, so the full id is `lightning/openai/gpt-5`.
 */
import type OpenAI from "openai"
import type { LanguageModel, ModelInfo } from "@orch/provider"
import { resolveBackend, type BackendSettings } from "./internal/BackendSettings.ts"
import { makeChatCompletionsModel } from "./internal/ChatCompletions.ts"
import { unconfiguredModel } from "./internal/ModelCalls.ts"
import { makeLightningClient } from "./LightningClient.ts"
import { lightningNames, type LightningOptions } from "./LightningConfig.ts"

/** @internal A Lightning model on an existing client. */
export const makeLightningLanguageModel = (client: OpenAI, settings: BackendSettings, name: string, info?: ModelInfo): LanguageModel =>
  makeChatCompletionsModel({ client, settings, name, maxTokensField: "max_tokens", spanPrefix: "LightningLanguageModel", ...(info ? { info } : {}) })

/**
 * A Lightning AI model, e.g. `lightningModel("openai/gpt-5", { apiKey })`. Without a key its calls fail at once
 * with Authentication ("set LIGHTNING_API_KEY") and make no request.
 */
export const lightningModel = (name: string, options: LightningOptions = {}): LanguageModel => {
  const state = resolveBackend(lightningNames, options)
  if (!state.configured) return unconfiguredModel(state.backend, name, state.reason)
  return makeLightningLanguageModel(makeLightningClient(state.settings), state.settings, name)
}
