/** @orch cloud providers: OpenAI, Anthropic and Lightning AI */
export {}
