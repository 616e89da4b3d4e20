/**
 * Lightning AI models as `LanguageModel` values: its OpenAI-compatible chat completions through the kit, under the
 * backend name `lightning` (its own column in the ledger). Model names are Lightning's, e.g. `openai/gpt-5`, so the
 * full id is `lightning/openai/gpt-5`.
 */
import type { LanguageModel, ModelInfo } from "@orch/provider"
import { makeOpenAiCompatLanguageModel, type OpenAiCompatClient } from "@orch/openai-compat"
import { resolveBackend } from "./internal/BackendSettings.ts"
import { unconfiguredModel } from "./internal/ModelCalls.ts"
import { makeLightningClient } from "./LightningClient.ts"
import { lightningNames, type LightningOptions } from "./LightningConfig.ts"

/** @internal A Lightning model on an existing client. */
export const makeLightningLanguageModel = (client: OpenAiCompatClient, name: string, info?: ModelInfo): LanguageModel =>
  makeOpenAiCompatLanguageModel(client, { name, kind: "cloud", maxTokensField: "max_tokens", spanPrefix: "LightningLanguageModel", ...(info ? { info } : {}) })

/**
 * A Lightning AI model, e.g. `lightningModel("openai/gpt-5", { apiKey })`. Without a key its calls fail at once
 * with Authentication ("set LIGHTNING_API_KEY") and make no request.
 */
export const lightningModel = (name: string, options: LightningOptions = {}): LanguageModel => {
  const state = resolveBackend(lightningNames, options)
  if (!state.configured) return unconfiguredModel(state.backend, name, state.reason)
  return makeLightningLanguageModel(makeLightningClient(state.settings), name)
}
