/**
 * The one request mapping of the OpenAI chat wire: a validated `CompletionRequest` as a `/chat/completions` body.
 * The shared options first, then the backend's own `providerOptions[backend]` (vLLM's `top_k`, a llama.cpp
 * server's `n_probs`); the token limit under the field the endpoint knows.
 */
import type { ChatCompletionCreateParamsNonStreaming } from "openai/resources/chat/completions"
import { messageText, toMessages, type CompletionRequest, type Message, type ToolChoice } from "@orch/provider"

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
  // Fields set one by one, in the order the wire has always had them (no object spread per optional field).
  const body: Record<string, unknown> = { model, messages: toMessages(request).map(wireMessage) }
  if (request.tools !== undefined && request.tools.length > 0) {
    body["tools"] = request.tools.map((tool) => ({ type: "function", function: { name: tool.name, ...(tool.description !== undefined ? { description: tool.description } : {}), parameters: tool.parameters } }))
    if (request.toolChoice !== undefined) body["tool_choice"] = toolChoiceOf(request.toolChoice)
  }
  if (request.maxTokens !== undefined) body[dialect.maxTokensField] = request.maxTokens
  if (request.temperature !== undefined) body["temperature"] = request.temperature
  if (request.topP !== undefined) body["top_p"] = request.topP
  if (request.stop !== undefined && request.stop.length > 0) body["stop"] = [...request.stop]
  if (request.seed !== undefined) body["seed"] = request.seed
  if (responseFormat !== undefined) body["response_format"] = responseFormat
  if (request.logprobs === true) body["logprobs"] = true
  const own = request.providerOptions?.[dialect.backend]
  // Spread, not assigned: a key such as `__proto__` stays a plain field of the body.
  return (own === undefined ? body : { ...body, ...own }) as unknown as ChatCompletionCreateParamsNonStreaming
}
