/**
 * The one request mapping of the OpenAI chat wire: a validated `CompletionRequest` as a `/chat/completions` body.
 * The shared options first, then the backend's own `providerOptions[backend]` (vLLM's `top_k`, a llama.cpp
 * server's `n_probs`); the token limit under the field the endpoint knows.
 */
import type { ChatCompletionCreateParamsNonStreaming } from "openai/resources/chat/completions"
import { messageText, optionsFor, toMessages, type CompletionRequest, type Message, type ToolChoice } from "@orch/provider"

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

/** One message on the wire: text, images (`image_url`) and files (`file`) as parts, tool calls and tool results. */
export const wireMessage = (message: Message): Record<string, unknown> => {
  switch (message.role) {
    case "system":
      return { role: "system", content: messageText(message.content) }
    case "user":
      if (typeof message.content === "string") return { role: "user", content: message.content }
      return {
        role: "user",
        content: message.content.map((part) =>
          part.type === "text"
            ? { type: "text", text: part.text }
            : part.type === "image"
            ? { type: "image_url", image_url: { url: part.url ?? `data:${part.mediaType};base64,${part.data}` } }
            : { type: "file", file: { ...(part.filename !== undefined ? { filename: part.filename } : {}), file_data: `data:${part.mediaType};base64,${part.data}` } })
      }
    case "assistant": {
      const text = messageText(message.content)
      const calls = message.toolCalls ?? []
      return {
        role: "assistant",
        content: text.length > 0 || calls.length === 0 ? text : null,
        ...(calls.length > 0 ? { tool_calls: calls.map((call) => ({ id: call.id, type: "function", function: { name: call.name, arguments: JSON.stringify(call.arguments) } })) } : {})
      }
    }
    case "tool":
      return { role: "tool", tool_call_id: message.toolCallId, content: messageText(message.content) }
  }
}

const toolChoiceOf = (choice: ToolChoice): unknown =>
  typeof choice === "string" ? choice : { type: "function", function: { name: choice.name } }

/** The body of a non-streamed call; a streamed call adds `stream` and `stream_options`. */
export const chatBody = (model: string, request: CompletionRequest, dialect: RequestDialect): ChatCompletionCreateParamsNonStreaming => {
  const responseFormat = responseFormatOf(request)
  const body = {
    model,
    messages: toMessages(request).map(wireMessage),
    ...(request.tools !== undefined && request.tools.length > 0
      ? { tools: request.tools.map((tool) => ({ type: "function", function: { name: tool.name, ...(tool.description !== undefined ? { description: tool.description } : {}), parameters: tool.parameters } })) }
      : {}),
    ...(request.toolChoice !== undefined && (request.tools?.length ?? 0) > 0 ? { tool_choice: toolChoiceOf(request.toolChoice) } : {}),
    ...(request.maxTokens !== undefined ? { [dialect.maxTokensField]: request.maxTokens } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.topP !== undefined ? { top_p: request.topP } : {}),
    ...(request.stop !== undefined && request.stop.length > 0 ? { stop: [...request.stop] } : {}),
    ...(request.seed !== undefined ? { seed: request.seed } : {}),
    ...(responseFormat !== undefined ? { response_format: responseFormat } : {}),
    ...(request.logprobs === true ? { logprobs: true } : {}),
    ...optionsFor(request, dialect.backend)
  }
  return body as unknown as ChatCompletionCreateParamsNonStreaming
}
