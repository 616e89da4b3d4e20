/** @orch local providers: Ollama, vLLM and OpenAI-compatible servers, embedded llama.cpp */
export {}
