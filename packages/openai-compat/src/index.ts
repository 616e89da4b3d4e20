/**
 * @orch/openai-compat: the kit for the OpenAI chat-completions wire, written once and imported by every backend that
 * speaks it (OpenAI, Lightning AI, vLLM, a llama.cpp server, LM Studio, Ollama's `/v1`): one client, one request
 * mapping, one response mapping, one error mapper, and the model listing with context windows. A kit, not a
 * provider: it depends on the contract only, and provider packages import it.
 */
export * from "./OpenAiCompatClient.ts"
export * from "./OpenAiCompatError.ts"
export * from "./OpenAiCompatLanguageModel.ts"
export * from "./OpenAiCompatModels.ts"
export * from "./OpenAiCompatRequest.ts"
export * from "./OpenAiCompatResponse.ts"
export * from "./OpenAiCompatSettings.ts"
