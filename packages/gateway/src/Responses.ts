/**
 * `POST /v1/responses` in OpenAI's Responses shapes, enough for clients that speak only Responses: text input or
 * input messages, `instructions`, `max_output_tokens`, `text.format`, and the answer as one `response` object or as
 * the documented stream of events (`response.created` ... `response.output_text.delta` ... `response.completed`).
 * The gateway keeps no state, so `previous_response_id` is refused.
 */
import type { OrchestratedResponse } from "@orch/core"
import type { Message, ResponseFormat } from "@orch/provider"
import { type ChatRequest, orchObject, readResponseFormat, readSharedOptions, refuseTools } from "./ChatCompletions.ts"
import { type GatewayError, invalidRequestError, isGatewayError } from "./OpenAiError.ts"

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value)

/** A Responses request, read; `instructions` comes first as a system message. */
export interface ResponsesRequest extends ChatRequest {
  readonly instructions: string | null
}

const itemText = (content: unknown, where: string): string | GatewayError => {
  if (typeof content === "string") return content
  if (!Array.isArray(content)) return invalidRequestError(`${where}.content must be a string or a list of content parts`, "input")
  let text = ""
  for (const part of content) {
    if (!isRecord(part)) return invalidRequestError(`${where}.content has a part that is not an object`, "input")
    if ((part.type === "input_text" || part.type === "output_text" || part.type === "text") && typeof part.text === "string") text += text === "" ? part.text : `\n${part.text}`
    else if (part.type === "input_image" || part.type === "input_file" || part.type === "input_audio") {
      return invalidRequestError(`${where}: "${String(part.type)}" parts are not supported by this gateway yet; send input_text`, "input")
    } else return invalidRequestError(`${where}.content has an unknown part type ${JSON.stringify(part.type)?.slice(0, 40)}`, "input")
  }
  return text
}

const readInput = (input: unknown): ReadonlyArray<Message> | GatewayError => {
  if (typeof input === "string") return input.length > 0 ? [{ role: "user", content: input }] : invalidRequestError("input is empty", "input")
  if (!Array.isArray(input) || input.length === 0) return invalidRequestError("input must be a string or a non-empty list of input items", "input")
  const messages: Array<Message> = []
  for (let i = 0; i < input.length; i++) {
    const item: unknown = input[i]
    const where = `input[${i}]`
    if (!isRecord(item)) return invalidRequestError(`${where} must be an object`, "input")
    if (item.type !== undefined && item.type !== "message") {
      return invalidRequestError(`${where}: "${String(item.type).slice(0, 40)}" items are not supported by this gateway yet`, "input")
    }
    const role = item.role === "developer" ? "system" : item.role
    if (role !== "system" && role !== "user" && role !== "assistant") return invalidRequestError(`${where}.role must be system, developer, user or assistant`, "input")
    const content = itemText(item.content, where)
    if (typeof content !== "string") return content
    messages.push({ role, content })
  }
  return messages
}

/** Read a Responses body. */
export const readResponsesRequest = (body: unknown): ResponsesRequest | GatewayError => {
  if (!isRecord(body)) return invalidRequestError("the body must be a JSON object")
  if (typeof body.model !== "string" || body.model.trim() === "") return invalidRequestError("model is required: a model id, a virtual model such as orch/auto, or an alias", "model")
  if (body.previous_response_id !== undefined && body.previous_response_id !== null) {
    return invalidRequestError("previous_response_id is not supported: this gateway keeps no state; send the conversation as input", "previous_response_id")
  }
  if (body.instructions !== undefined && body.instructions !== null && typeof body.instructions !== "string") return invalidRequestError("instructions must be a string", "instructions")
  const input = readInput(body.input)
  if (!Array.isArray(input)) return input as GatewayError
  const tools = refuseTools(body)
  if (tools !== undefined) return tools
  const shared = readSharedOptions(body, ["max_output_tokens"])
  if (isGatewayError(shared)) return shared
  const text = isRecord(body.text) ? body.text : undefined
  const format = readResponseFormat(text?.format, "text.format")
  if (isGatewayError(format)) return format
  const instructions = typeof body.instructions === "string" && body.instructions.length > 0 ? body.instructions : null
  return {
    model: body.model,
    messages: instructions !== null ? [{ role: "system", content: instructions }, ...input] : input,
    options: { ...shared, ...(format !== undefined ? { responseFormat: format as ResponseFormat } : {}) },
    stream: body.stream === true,
    includeUsage: false,
    instructions
  }
}

const usageOf = (response: OrchestratedResponse) => ({
  input_tokens: response.usage.inputTokens,
  input_tokens_details: { cached_tokens: response.usage.cachedInputTokens ?? 0 },
  output_tokens: response.usage.outputTokens,
  output_tokens_details: { reasoning_tokens: response.usage.reasoningTokens ?? 0 },
  total_tokens: response.usage.inputTokens + response.usage.outputTokens
})

/** The ids and fixed fields of one response, for the whole object and for its events. */
export interface ResponseFrame {
  readonly id: string
  readonly messageId: string
  readonly createdAt: number
  readonly model: string
  readonly request: ResponsesRequest
}

const formatOf = (request: ResponsesRequest) => {
  const format = request.options.responseFormat
  if (format === undefined || format.type === "text") return { type: "text" }
  return format.schema !== undefined ? { type: "json_schema", name: format.name ?? "response", schema: format.schema } : { type: "json_object" }
}

const messageItem = (frame: ResponseFrame, text: string, status: "in_progress" | "completed" | "incomplete") => ({
  id: frame.messageId,
  type: "message",
  status,
  role: "assistant",
  content: status === "in_progress" ? [] : [{ type: "output_text", text, annotations: [], logprobs: [] }]
})

/** The response object: in progress (no output yet) or finished with the answer. */
export const responseObject = (frame: ResponseFrame, response?: OrchestratedResponse) => {
  const incomplete = response?.finishReason === "length"
  return {
    id: frame.id,
    object: "response",
    created_at: frame.createdAt,
    status: response === undefined ? "in_progress" : incomplete ? "incomplete" : "completed",
    background: false,
    error: null,
    incomplete_details: incomplete ? { reason: "max_output_tokens" } : null,
    instructions: frame.request.instructions,
    max_output_tokens: frame.request.options.maxTokens ?? null,
    model: frame.model,
    output: response === undefined ? [] : [messageItem(frame, response.text, incomplete ? "incomplete" : "completed")],
    parallel_tool_calls: true,
    previous_response_id: null,
    store: false,
    temperature: frame.request.options.temperature ?? null,
    text: { format: formatOf(frame.request) },
    tool_choice: "auto",
    tools: [],
    top_p: frame.request.options.topP ?? null,
    truncation: "disabled",
    usage: response === undefined ? null : usageOf(response),
    metadata: {},
    ...(response !== undefined ? { orch: orchObject(response) } : {})
  }
}

/**
 * The writer of one streamed response's events, each `event: <type>` with its JSON and a rising `sequence_number`.
 * The fixed part of a text delta event is serialised once.
 */
export const responseEvents = (frame: ResponseFrame) => {
  let sequence = 0
  const event = (type: string, payload: Record<string, unknown>): string =>
    `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...payload })}\n\n`
  const deltaHead = `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","item_id":${JSON.stringify(frame.messageId)},"output_index":0,"content_index":0,"logprobs":[],"delta":`
  return {
    /** created, in_progress, the message item and its text part. */
    start: (): string =>
      event("response.created", { response: responseObject(frame) }) +
      event("response.in_progress", { response: responseObject(frame) }) +
      event("response.output_item.added", { output_index: 0, item: messageItem(frame, "", "in_progress") }) +
      event("response.content_part.added", { item_id: frame.messageId, output_index: 0, content_index: 0, part: { type: "output_text", text: "", annotations: [], logprobs: [] } }),
    delta: (text: string): string => `${deltaHead}${JSON.stringify(text)},"sequence_number":${sequence++}}\n\n`,
    /** The text, part and item done, then `response.completed` (or `response.incomplete`) with the whole response. */
    end: (response: OrchestratedResponse): string => {
      const whole = responseObject(frame, response)
      return event("response.output_text.done", { item_id: frame.messageId, output_index: 0, content_index: 0, text: response.text, logprobs: [] }) +
        event("response.content_part.done", { item_id: frame.messageId, output_index: 0, content_index: 0, part: { type: "output_text", text: response.text, annotations: [], logprobs: [] } }) +
        event("response.output_item.done", { output_index: 0, item: whole.output[0] }) +
        event(whole.status === "incomplete" ? "response.incomplete" : "response.completed", { response: whole })
    },
    /** An `error` event, for a failure after the stream began. */
    error: (error: GatewayError): string => event("error", { code: error.code, message: error.message, param: error.param })
  }
}
