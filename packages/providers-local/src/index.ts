/**
 * @orch/providers-local: the models that run on the user's own machine. Ollama, vLLM and any OpenAI-compatible
 * server, and an embedded llama.cpp engine, each a `Provider` of kind `local`, grouped by `LocalProvider`.
 */
export * from "./LocalPricing.ts"
export * from "./OllamaClient.ts"
export * from "./OllamaConfig.ts"
export * from "./OllamaLanguageModel.ts"
export * from "./OllamaProvider.ts"
export * from "./OpenAiCompatClient.ts"
export * from "./OpenAiCompatConfig.ts"
export * from "./OpenAiCompatLanguageModel.ts"
export * from "./OpenAiCompatProvider.ts"
export * from "./LlamaCppClient.ts"
export * from "./LlamaCppConfig.ts"
export * from "./LlamaCppLanguageModel.ts"
export * from "./LlamaCppProvider.ts"
export * from "./LocalConfig.ts"
export * from "./LocalProvider.ts"
