/**
 * The one request mapping of the OpenAI chat wire: a validated `CompletionRequest` as a `/chat/completions` body.
 * The shared options first, then the backend's own `providerOptions[backend]` (vLLM's `top_k`, a llama.cpp
 * server's `n_probs`); the token limit under the field the endpoint knows.
 */
import type { ChatCompletionCreateParamsNonStreaming } from "openai/resources/chat/completions"
import { optionsFor, textMessages, type CompletionRequest } from "@orch/provider"

/** How an endpoint wants a few fields. */
export interface RequestDialect {
  /** The backend name whose `providerOptions` apply. */
  readonly backend: string
  /** OpenAI wants `max_completion_tokens` (reasoning models reject `max_tokens`); compatible servers know `max_tokens`. */
  readonly maxTokensField: "max_completion_tokens" | "max_tokens"
}

const responseFormatOf = (request: CompletionRequest): ChatCompletionCreateParamsNonStreaming["response_format"] | undefined => {
  const format = request.responseFormat
  if (format === undefined || format.type === "text") return undefined
  if (format.schema === undefined) return { type: "json_object" }
  return { type: "json_schema", json_schema: { name: format.name ?? "response", schema: format.schema as Record<string, unknown> } }
}

/** The body of a non-streamed call; a streamed call adds `stream` and `stream_options`. */
export const chatBody = (model: string, request: CompletionRequest, dialect: RequestDialect): ChatCompletionCreateParamsNonStreaming => {
  const responseFormat = responseFormatOf(request)
  const body = {
    model,
    messages: textMessages(request).map((m) => ({ role: m.role, content: m.content })),
    ...(request.maxTokens !== undefined ? { [dialect.maxTokensField]: request.maxTokens } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.topP !== undefined ? { top_p: request.topP } : {}),
    ...(request.stop !== undefined && request.stop.length > 0 ? { stop: [...request.stop] } : {}),
    ...(request.seed !== undefined ? { seed: request.seed } : {}),
    ...(responseFormat !== undefined ? { response_format: responseFormat } : {}),
    ...(request.logprobs === true ? { logprobs: true } : {}),
    ...optionsFor(request, dialect.backend)
  }
  return body as ChatCompletionCreateParamsNonStreaming
}
