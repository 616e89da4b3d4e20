/**
 * @orch/providers-cloud: OpenAI, Anthropic and Lightning AI through their official SDKs, as `LanguageModel` values
 * and one `CloudProvider`, with errors typed precisely enough for strategies to know when to wait, go elsewhere or
 * stop. Keys enter as `Redacted` and never reach an error or a log line.
 */
export { AnthropicConfig, anthropicDefaultBaseUrl, anthropicDefaultMaxTokens, type AnthropicOptions } from "./AnthropicConfig.ts"
export { anthropicModel } from "./AnthropicLanguageModel.ts"
export {
  CloudProvider,
  CloudProviderConfig,
  cloudBackends,
  cloudProviderFromConfig,
  cloudProviderFromEnvironment,
  makeCloudProvider,
  type CloudBackend,
  type CloudProviderOptions
} from "./CloudProvider.ts"
export { LightningConfig, lightningDefaultBaseUrl, type LightningOptions } from "./LightningConfig.ts"
export { lightningModel } from "./LightningLanguageModel.ts"
export { OpenAiConfig, openAiDefaultBaseUrl, type OpenAiOptions } from "./OpenAiConfig.ts"
export { openAiModel } from "./OpenAiLanguageModel.ts"
