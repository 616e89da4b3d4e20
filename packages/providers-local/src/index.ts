/**
 * @orch/providers-local: the models that run on the user's own machine. Ollama, vLLM, a llama.cpp server, LM Studio
 * and any OpenAI-compatible server (through the `@orch/openai-compat` kit), and an embedded llama.cpp engine, each a `Provider` of kind `local`, grouped by `LocalProvider`.
 */
export * from "./LocalPricing.ts"
export * from "./OllamaClient.ts"
export * from "./OllamaConfig.ts"
export * from "./OllamaLanguageModel.ts"
export * from "./OllamaProvider.ts"
export * from "./OpenAiCompatConfig.ts"
export * from "./OpenAiCompatPresets.ts"
export * from "./OpenAiCompatProvider.ts"
export * from "./LlamaCppClient.ts"
export * from "./LlamaCppConfig.ts"
export * from "./LlamaCppLanguageModel.ts"
export * from "./LlamaCppProvider.ts"
export * from "./LocalConfig.ts"
export * from "./LocalProvider.ts"
