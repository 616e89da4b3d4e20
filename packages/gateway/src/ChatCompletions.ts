/**
 * `POST /v1/chat/completions` in OpenAI's shapes: the request read into the orchestrator's messages and options
 * (every field OpenAI documents either mapped or refused with a 400 that names it), and the answer written back as
 * one `chat.completion` or as `chat.completion.chunk` server-sent events ending in `data: [DONE]`.
 */
import type { OrchestratedResponse } from "@orch/core"
import type { CompletionRequest, FinishReason, Message, ResponseFormat, Usage } from "@orch/provider"
import { type GatewayError, invalidRequestError, isGatewayError } from "./OpenAiError.ts"

/** A chat request, read. */
export interface ChatRequest {
  readonly model: string
  readonly messages: ReadonlyArray<Message>
  /** The request options the orchestrator passes to the model. */
  readonly options: Omit<CompletionRequest, "prompt" | "messages">
  readonly stream: boolean
  readonly includeUsage: boolean
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value)

/** Text of a message's `content`: a string, or text parts (other parts are refused until the contract has them). */
const contentText = (content: unknown, where: string): string | GatewayError => {
  if (typeof content === "string") return content
  if (content === null || content === undefined) return ""
  if (!Array.isArray(content)) return invalidRequestError(`${where}.content must be a string or a list of content parts`, "messages")
  let text = ""
  for (const part of content) {
    if (!isRecord(part)) return invalidRequestError(`${where}.content has a part that is not an object`, "messages")
    if (part.type === "text" && typeof part.text === "string") text += text === "" ? part.text : `\n${part.text}`
    else if (part.type === "image_url" || part.type === "input_audio" || part.type === "file") {
      return invalidRequestError(`${where}: "${String(part.type)}" content parts are not supported by this gateway yet; send text parts`, "messages")
    } else return invalidRequestError(`${where}.content has an unknown part type ${JSON.stringify(part.type)?.slice(0, 40)}`, "messages")
  }
  return text
}

/** The messages of a chat request; `developer` messages are system messages. */
export const readMessages = (value: unknown): ReadonlyArray<Message> | GatewayError => {
  if (!Array.isArray(value) || value.length === 0) return invalidRequestError("messages must be a non-empty list of messages", "messages")
  const messages: Array<Message> = []
  for (let i = 0; i < value.length; i++) {
    const raw: unknown = value[i]
    const where = `messages[${i}]`
    if (!isRecord(raw)) return invalidRequestError(`${where} must be an object with a role and content`, "messages")
    const role = raw.role === "developer" ? "system" : raw.role
    if (role === "tool" || role === "function" || raw.tool_calls !== undefined || raw.function_call !== undefined) {
      return invalidRequestError(`${where}: tool calls and tool results are not supported by this gateway yet`, "messages")
    }
    if (role !== "system" && role !== "user" && role !== "assistant") {
      return invalidRequestError(`${where}.role must be system, developer, user or assistant, not ${JSON.stringify(raw.role)?.slice(0, 40)}`, "messages")
    }
    const content = contentText(raw.content, where)
    if (typeof content !== "string") return content
    messages.push({ role, content })
  }
  return messages
}

const optionalNumber = (body: Record<string, unknown>, name: string): number | undefined | GatewayError => {
  const value = body[name]
  if (value === undefined || value === null) return undefined
  return typeof value === "number" ? value : invalidRequestError(`${name} must be a number`, name)
}

/** `response_format` as the orchestrator's: text, json_object, or json_schema with its schema and name. */
export const readResponseFormat = (value: unknown, param: string): ResponseFormat | undefined | GatewayError => {
  if (value === undefined || value === null) return undefined
  if (!isRecord(value)) return invalidRequestError(`${param} must be an object such as {"type": "json_object"}`, param)
  if (value.type === "text") return { type: "text" }
  if (value.type === "json_object") return { type: "json" }
  if (value.type === "json_schema") {
    // Chat completions nest the schema under json_schema; the Responses API puts it on the format itself.
    const spec = isRecord(value.json_schema) ? value.json_schema : value
    if (!isRecord(spec.schema)) return invalidRequestError(`${param}: json_schema needs a schema object`, param)
    return { type: "json", schema: spec.schema, ...(typeof spec.name === "string" ? { name: spec.name } : {}) }
  }
  return invalidRequestError(`${param}.type must be text, json_object or json_schema`, param)
}

/** The options every endpoint shares, read from OpenAI's field names. */
export const readSharedOptions = (body: Record<string, unknown>, maxTokensField: ReadonlyArray<string>): Omit<CompletionRequest, "prompt" | "messages"> | GatewayError => {
  let maxTokens: number | undefined
  for (const field of maxTokensField) {
    const value = optionalNumber(body, field)
    if (typeof value === "object") return value
    if (value !== undefined) { maxTokens = value; break }
  }
  const temperature = optionalNumber(body, "temperature")
  if (typeof temperature === "object") return temperature
  const topP = optionalNumber(body, "top_p")
  if (typeof topP === "object") return topP
  const seed = optionalNumber(body, "seed")
  if (typeof seed === "object") return seed
  let stop: ReadonlyArray<string> | undefined
  if (typeof body.stop === "string") stop = [body.stop]
  else if (Array.isArray(body.stop) && body.stop.every((s) => typeof s === "string")) stop = body.stop as ReadonlyArray<string>
  else if (body.stop !== undefined && body.stop !== null) return invalidRequestError("stop must be a string or a list of strings", "stop")
  if (body.logprobs !== undefined && body.logprobs !== null && typeof body.logprobs !== "boolean") return invalidRequestError("logprobs must be a boolean", "logprobs")
  return {
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
    ...(topP !== undefined ? { topP } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(stop !== undefined && stop.length > 0 ? { stop } : {}),
    ...(body.logprobs === true ? { logprobs: true } : {})
  }
}

/** Refuse tools until the request contract carries them (a `tool_choice` of "none" with no tools is fine). */
export const refuseTools = (body: Record<string, unknown>): GatewayError | undefined => {
  if (Array.isArray(body.tools) && body.tools.length > 0) return invalidRequestError("tools are not supported by this gateway yet", "tools")
  if (body.tool_choice !== undefined && body.tool_choice !== null && body.tool_choice !== "none" && body.tool_choice !== "auto") {
    return invalidRequestError("tool_choice needs tools, which this gateway does not support yet", "tool_choice")
  }
  return undefined
}

/** Read a chat completions body. */
export const readChatRequest = (body: unknown): ChatRequest | GatewayError => {
  if (!isRecord(body)) return invalidRequestError("the body must be a JSON object")
  if (typeof body.model !== "string" || body.model.trim() === "") return invalidRequestError("model is required: a model id, a virtual model such as orch/auto, or an alias", "model")
  const messages = readMessages(body.messages)
  if (!Array.isArray(messages)) return messages as GatewayError
  if (body.n !== undefined && body.n !== null && body.n !== 1) return invalidRequestError("n must be 1: this gateway returns one choice", "n")
  const tools = refuseTools(body)
  if (tools !== undefined) return tools
  const shared = readSharedOptions(body, ["max_completion_tokens", "max_tokens"])
  if (isGatewayError(shared)) return shared
  const format = readResponseFormat(body.response_format, "response_format")
  if (isGatewayError(format)) return format
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== "boolean") return invalidRequestError("stream must be a boolean", "stream")
  const streamOptions = isRecord(body.stream_options) ? body.stream_options : undefined
  return {
    model: body.model,
    messages,
    options: { ...shared, ...(format !== undefined ? { responseFormat: format as ResponseFormat } : {}) },
    stream: body.stream === true,
    includeUsage: body.stream === true && streamOptions?.include_usage === true
  }
}

/** OpenAI's finish reason for ours. */
export const finishReasonOf = (reason: FinishReason): string =>
  reason === "length" ? "length" : reason === "content-filter" ? "content_filter" : reason === "tool-calls" ? "tool_calls" : "stop"

/** OpenAI's usage object for ours. */
export const usageOf = (usage: Usage) => ({
  prompt_tokens: usage.inputTokens,
  completion_tokens: usage.outputTokens,
  total_tokens: usage.inputTokens + usage.outputTokens,
  prompt_tokens_details: { cached_tokens: usage.cachedInputTokens ?? 0 },
  completion_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 }
})

/** The `orch` object: how the call was routed and every attempt with its cost. Clients ignore unknown fields. */
export const orchObject = (response: OrchestratedResponse) => ({
  request_id: response.requestId,
  provider: response.provider,
  model: `${response.provider}/${response.model}`,
  strategy: response.strategy,
  strategy_requested: response.strategyRequested,
  task_type: response.taskType,
  task_confidence: response.taskConfidence,
  task_type_source: response.taskTypeSource,
  routing: response.routing,
  attempts: response.attempts,
  cost_usd: response.costUsd,
  cost_known: response.costKnown,
  latency_ms: response.latencyMs,
  ...(response.firstTokenMs !== undefined ? { first_token_ms: response.firstTokenMs } : {}),
  usage_estimated: response.usage.estimated
})

/** A whole `chat.completion`. */
export const chatCompletionBody = (id: string, created: number, model: string, response: OrchestratedResponse): string =>
  JSON.stringify({
    id,
    object: "chat.completion",
    created,
    model,
    choices: [{ index: 0, message: { role: "assistant", content: response.text, refusal: null, annotations: [] }, logprobs: null, finish_reason: finishReasonOf(response.finishReason) }],
    usage: usageOf(response.usage),
    system_fingerprint: null,
    orch: orchObject(response)
  })

/**
 * The writer of one streamed chat completion's events. The fixed part of every chunk is serialised once; a delta
 * costs one `JSON.stringify` of its text.
 */
export const chatChunks = (id: string, created: number, model: string, includeUsage: boolean) => {
  const head = `data: {"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)},"system_fingerprint":null,"choices":[{"index":0,"delta":`
  const tail = includeUsage ? `,"logprobs":null,"finish_reason":null}],"usage":null}\n\n` : `,"logprobs":null,"finish_reason":null}]}\n\n`
  return {
    /** The first chunk: the assistant role. */
    role: `${head}{"role":"assistant","content":"","refusal":null}${tail}`,
    delta: (text: string) => `${head}{"content":${JSON.stringify(text)}}${tail}`,
    /** The finish chunk (with the `orch` object), the usage chunk when asked, and `[DONE]`. */
    end: (response: OrchestratedResponse): string => {
      const base = { id, object: "chat.completion.chunk", created, model, system_fingerprint: null }
      const finish = JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: finishReasonOf(response.finishReason) }], ...(includeUsage ? { usage: null } : {}), orch: orchObject(response) })
      const usage = includeUsage ? `data: ${JSON.stringify({ ...base, choices: [], usage: usageOf(response.usage) })}\n\n` : ""
      return `data: ${finish}\n\n${usage}data: [DONE]\n\n`
    }
  }
}
