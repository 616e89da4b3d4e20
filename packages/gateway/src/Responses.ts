/**
 * `POST /v1/responses` in OpenAI's Responses shapes, enough for clients that speak only Responses: text input or
 * input items (messages with text, images and files; function calls and their outputs), `instructions`, function
 * tools, `max_output_tokens`, `text.format`, and the answer as one `response` object or as the documented stream of
 * events (`response.created` ... `response.output_text.delta` ... `response.function_call_arguments.done` ...
 * `response.completed`). The gateway keeps no state, so `previous_response_id` is refused.
 */
import type { OrchestratedResponse } from "@orch/core"
import type { FilePart, ImagePart, Message, TextPart, ToolCall } from "@orch/provider"
import { answeredToolCalls, type ChatRequest, maxModelLength, orchObject, readResponseFormat, type RequestOptions, readSharedOptions, readTools } from "./ChatCompletions.ts"
import { type GatewayError, invalidRequestError, isGatewayError } from "./OpenAiError.ts"
import {
  checkFields, extensionsRefused, type FieldCheck, fileFrom, imageFrom, invalidType, invalidValue, isRecord, isString, labelChecks, logitBiasRefused,
  readStreamOptions, refuseUnhonoured, refuseUnknown, toolCallFrom, type Unhonoured
} from "./WireParts.ts"

/** A Responses request, read; `instructions` comes first as a system message. */
export interface ResponsesRequest extends ChatRequest {
  readonly instructions: string | null
  /** The request's `metadata`, echoed on the response as OpenAI does. */
  readonly metadata: Readonly<Record<string, string>>
}

const itemContent = (content: unknown, where: string, textOnly: boolean): string | ReadonlyArray<TextPart | ImagePart | FilePart> | GatewayError => {
  if (typeof content === "string") return content
  if (!Array.isArray(content)) return invalidType(`${where}.content`, "a string or a list of content parts")
  const parts: Array<TextPart | ImagePart | FilePart> = []
  for (let j = 0; j < content.length; j++) {
    const part: unknown = content[j]
    const at = `${where}.content[${j}]`
    if (!isRecord(part)) return invalidType(at, "a content part object")
    if (part.type === "input_text" || part.type === "output_text" || part.type === "text") {
      if (typeof part.text !== "string") return invalidType(`${at}.text`, "a string")
      parts.push({ type: "text", text: part.text })
    } else if (part.type === "refusal" && typeof part.refusal === "string") parts.push({ type: "text", text: part.refusal })
    else if (part.type === "input_image" && !textOnly) {
      const image = imageFrom(part.image_url, `${at}.image_url`)
      if (isGatewayError(image)) return image
      parts.push(image)
    } else if (part.type === "input_file" && !textOnly) {
      const file = fileFrom(part.file_data, part.filename, part.file_id, `${at}.file_data`)
      if (isGatewayError(file)) return file
      parts.push(file)
    } else return invalidValue(`${at}.type`, `"${String(part.type).slice(0, 40)}" parts are not supported here`)
  }
  return textOnly ? parts.map((p) => (p.type === "text" ? p.text : "")).join("\n") : parts
}

const readInput = (input: unknown): ReadonlyArray<Message> | GatewayError => {
  if (typeof input === "string") return input.length > 0 ? [{ role: "user", content: input }] : invalidValue("input", "input is empty")
  if (!Array.isArray(input)) return invalidType("input", "a string or a list of input items")
  if (input.length === 0) return invalidValue("input", "expected a non-empty list of input items")
  const messages: Array<Message> = []
  // The call ids of the latest turn's function calls, each true once a function_call_output has answered it.
  const calls = new Map<string, boolean>()
  for (let i = 0; i < input.length; i++) {
    const item: unknown = input[i]
    const where = `input[${i}]`
    if (!isRecord(item)) return invalidType(where, "an input item object")
    if (item.type === "function_call") {
      const call = toolCallFrom(item.call_id, item.name, item.arguments, where)
      if (isGatewayError(call)) return call
      // Calls made in one turn follow each other: they belong to one assistant message, and their call_ids are that
      // turn's (a model may use an id again in a later turn).
      const last = messages.at(-1)
      const sameTurn = last?.role === "assistant" && last.toolCalls !== undefined
      if (!sameTurn) calls.clear()
      if (calls.has(call.id)) return invalidValue(`${where}.call_id`, `the call_id ${JSON.stringify(call.id.slice(0, 60))} is used by another function call of this turn`)
      calls.set(call.id, false)
      if (sameTurn) messages[messages.length - 1] = { ...last, toolCalls: [...last.toolCalls!, call] }
      else messages.push({ role: "assistant", toolCalls: [call] })
      continue
    }
    if (item.type === "function_call_output") {
      if (typeof item.call_id !== "string" || item.call_id === "") return invalidType(`${where}.call_id`, "the call_id of the function call this output answers")
      const answered = calls.get(item.call_id)
      if (answered === undefined) return invalidValue(`${where}.call_id`, `no function_call item of the latest turn has the call_id ${JSON.stringify(item.call_id.slice(0, 60))}`)
      if (answered) return invalidValue(`${where}.call_id`, `the function call ${JSON.stringify(item.call_id.slice(0, 60))} is answered twice`)
      calls.set(item.call_id, true)
      const output = itemOutput(item.output, `${where}.output`)
      if (isGatewayError(output)) return output
      messages.push({ role: "tool", toolCallId: item.call_id, content: output })
      continue
    }
    if (item.type !== undefined && item.type !== "message") {
      return invalidValue(`${where}.type`, `"${String(item.type).slice(0, 40)}" items are not supported; send messages, function_call and function_call_output items`)
    }
    const role = item.role === "developer" ? "system" : item.role
    if (role !== "system" && role !== "user" && role !== "assistant") return invalidValue(`${where}.role`, "expected system, developer, user or assistant")
    const content = itemContent(item.content, where, role !== "user")
    if (isGatewayError(content)) return content
    if (role === "user") {
      if (content.length === 0) return invalidValue(`${where}.content`, "a user message may not be empty")
      messages.push({ role, content })
    } else if (role === "system") {
      // An empty system prompt says nothing: it is left out, as if not sent.
      if (content !== "") messages.push({ role, content: content as string })
    } else messages.push({ role, content: content as string })
  }
  if (messages.length === 0) return invalidValue("input", "every input item is an empty system message")
  return messages.some((m) => m.role === "user") ? messages : invalidValue("input", "the input needs at least one user message")
}

/** A function call's output: a string, or a list of input_text parts (their text joined). */
const itemOutput = (output: unknown, param: string): string | GatewayError => {
  if (typeof output === "string") return output
  if (Array.isArray(output)) {
    const texts: Array<string> = []
    for (let j = 0; j < output.length; j++) {
      const part: unknown = output[j]
      if (isRecord(part) && (part.type === "input_text" || part.type === "output_text") && typeof part.text === "string") texts.push(part.text)
      else return invalidValue(`${param}[${j}]`, "a function call's output may hold input_text parts only")
    }
    return texts.join("\n")
  }
  return invalidType(param, "a string or a list of input_text parts")
}

/**
 * Responses fields that change the answer and that a stateless gateway over several backends cannot honour: a 400
 * naming the field, never quietly dropped.
 */
const unhonoured: ReadonlyArray<Unhonoured> = [
  ["conversation", () => true, "conversation is not supported: this gateway keeps no state; send the conversation as input"],
  ["prompt", () => true, "prompt (a stored prompt template) is not supported: send the instructions and input themselves"],
  ["background", (v) => v !== false, "background responses are not supported: this gateway answers while the request is open"],
  ["reasoning", (v) => !(typeof v === "object" && v !== null && Object.values(v).every((x) => x === null || x === undefined)), "reasoning options are not supported: choose the model (or an alias) instead"],
  ["include", (v) => !(Array.isArray(v) && v.length === 0), "include is not supported: the gateway's answers carry their output and usage only"],
  ["top_logprobs", (v) => v !== 0, "top_logprobs is not supported by this gateway's Responses endpoint"],
  ["max_tool_calls", () => true, "max_tool_calls is not supported: the backends behind this gateway cannot all bound their tool calls"],
  logitBiasRefused
]

/**
 * Fields of Chat Completions sent to the Responses API: ignoring them would answer wrongly (no bound, no format), so
 * each is a 400 that names the Responses field to use.
 */
const chatFields: ReadonlyArray<Unhonoured> = [
  ["max_tokens", () => true, "max_tokens is a Chat Completions field: the Responses API bounds the answer with max_output_tokens"],
  ["max_completion_tokens", () => true, "max_completion_tokens is a Chat Completions field: the Responses API bounds the answer with max_output_tokens"],
  ["response_format", () => true, "response_format is a Chat Completions field: the Responses API takes text.format"],
  ["messages", () => true, "messages is a Chat Completions field: the Responses API takes input (and instructions)"],
  ["n", (v) => v !== 1, "n is a Chat Completions field: the Responses API returns one response"]
]

/** Every field OpenAI documents for creating a response (those the gateway refuses included: they get their own 400). */
const responsesFields: ReadonlySet<string> = new Set([
  "model", "input", "instructions", "background", "conversation", "include", "max_output_tokens", "max_tool_calls",
  "metadata", "parallel_tool_calls", "previous_response_id", "prompt", "prompt_cache_key", "prompt_cache_retention",
  "reasoning", "safety_identifier", "service_tier", "store", "stream", "stream_options", "temperature", "text",
  "tool_choice", "tools", "top_logprobs", "top_p", "truncation", "user", "context_management",
  // Not Responses fields, but read the same as on Chat Completions.
  "seed", "stop", "logprobs", "logit_bias",
  ...extensionsRefused.map(([field]) => field)
])

/** The fields of `text`: the answer's format and its verbosity (only the default, `medium`). */
const textFields: ReadonlySet<string> = new Set(["format", "verbosity"])
const textRefused: ReadonlyArray<Unhonoured> = [
  ["verbosity", (v) => v !== "medium", "verbosity is not supported: the backends behind this gateway do not all have it; leave it out (or \"medium\")"]
]

/** The field of the largest number of tokens to write. */
const maxTokensFields: ReadonlyArray<string> = ["max_output_tokens"]

/** Fields of a Responses body that only shape or file the call, with their types: wrong types are a 400. */
const responsesChecks: ReadonlyArray<FieldCheck> = [
  ...labelChecks,
  ["instructions", "a string", isString],
  ["truncation", '"auto" or "disabled"', (v) => v === "auto" || v === "disabled"],
  ["text", 'an object such as {"format": {"type": "text"}}', isRecord]
]

/** Read a Responses body. */
export const readResponsesRequest = (body: unknown): ResponsesRequest | GatewayError => {
  if (!isRecord(body)) return invalidRequestError("the body must be a JSON object")
  if (typeof body.model !== "string" || body.model.trim() === "") return invalidRequestError("model is required: a model id, a virtual model such as orch/auto, or an alias", "model")
  if (body.model.length > maxModelLength) return invalidValue("model", `a model id is at most ${maxModelLength} characters`)
  if (body.previous_response_id !== undefined && body.previous_response_id !== null) {
    return invalidRequestError("previous_response_id is not supported: this gateway keeps no state; send the conversation as input", "previous_response_id")
  }
  const checked = checkFields(body, responsesChecks)
  if (checked !== undefined) return checked
  const refused = refuseUnhonoured(body, unhonoured) ?? refuseUnhonoured(body, extensionsRefused) ?? refuseUnhonoured(body, chatFields) ?? refuseUnknown(body, responsesFields)
  if (refused !== undefined) return refused
  const input = readInput(body.input)
  if (isGatewayError(input)) return input
  const options: RequestOptions = {}
  const toolsError = readTools(body, options)
  if (toolsError !== undefined) return toolsError
  const sharedError = readSharedOptions(body, maxTokensFields, options)
  if (sharedError !== undefined) return sharedError
  const text = isRecord(body.text) ? body.text : undefined
  const textError = text !== undefined ? refuseUnknown(text, textFields, "text.") ?? refuseUnhonoured(text, textRefused, "text.") : undefined
  if (textError !== undefined) return textError
  const format = readResponseFormat(text?.format, "text.format")
  if (isGatewayError(format)) return format
  if (format !== undefined) options.responseFormat = format
  const streamed = readStreamOptions(body)
  if (typeof streamed === "object") return streamed
  const instructions = typeof body.instructions === "string" && body.instructions.length > 0 ? body.instructions : null
  return {
    model: body.model,
    messages: instructions !== null ? [{ role: "system", content: instructions }, ...input] : input,
    options,
    stream: body.stream === true,
    includeUsage: false,
    singleToolCall: body.parallel_tool_calls === false,
    metadata: isRecord(body.metadata) ? body.metadata as Record<string, string> : {},
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

const callItem = (frame: ResponseFrame, call: ToolCall, index: number, status: "in_progress" | "completed") => ({
  id: `fc_${frame.id.slice(5)}_${index}`,
  type: "function_call",
  status,
  call_id: call.id,
  name: call.name,
  arguments: status === "in_progress" ? "" : JSON.stringify(call.arguments)
})

/** The output items of an answer: the message (when there is text, or nothing else), then each function call. */
const outputOf = (frame: ResponseFrame, response: OrchestratedResponse, status: "completed" | "incomplete") => {
  const calls = answeredToolCalls(response, frame.request.singleToolCall)
  return [
    ...(response.text !== "" || calls.length === 0 ? [messageItem(frame, response.text, status)] : []),
    ...calls.map((call, i) => callItem(frame, call, i, "completed"))
  ]
}

/** The response object: in progress (no output yet) or finished with the answer. */
export const responseObject = (frame: ResponseFrame, response?: OrchestratedResponse) => {
  const incomplete = response?.finishReason === "length"
  const tools = frame.request.options.tools ?? []
  const choice = frame.request.options.toolChoice
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
    output: response === undefined ? [] : outputOf(frame, response, incomplete ? "incomplete" : "completed"),
    parallel_tool_calls: !frame.request.singleToolCall,
    previous_response_id: null,
    store: false,
    temperature: frame.request.options.temperature ?? null,
    text: { format: formatOf(frame.request) },
    tool_choice: choice === undefined ? "auto" : typeof choice === "string" ? choice : { type: "function", name: choice.name },
    tools: tools.map((t) => ({ type: "function", name: t.name, description: t.description ?? null, parameters: t.parameters, strict: false })),
    top_p: frame.request.options.topP ?? null,
    truncation: "disabled",
    usage: response === undefined ? null : usageOf(response),
    metadata: frame.request.metadata,
    ...(response !== undefined ? { orch: orchObject(response) } : {})
  }
}

/**
 * The writer of one streamed response's events, each `event: <type>` with its JSON and a rising `sequence_number`.
 * The message item opens at the first text; each tool call is its own output item, sent whole once complete. The
 * fixed part of a text delta event is serialised once.
 */
export const responseEvents = (frame: ResponseFrame) => {
  // 0 and 1 are `response.created` and `response.in_progress`, which go out first even when written after the events
  // of the first text (the gateway writes them with it, once it has it).
  let sequence = 2
  let outputs = 0
  let messageIndex: number | undefined
  let calls = 0
  const numbered = (type: string, sequenceNumber: number, payload: Record<string, unknown>): string =>
    `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequenceNumber, ...payload })}\n\n`
  const event = (type: string, payload: Record<string, unknown>): string => numbered(type, sequence++, payload)
  let deltaHead = ""
  // What has gone out, for a `response.failed` that lists it: the text so far and each finished output item by index.
  let sent = ""
  const finished: Array<unknown> = []
  const openMessage = (): string => {
    if (messageIndex !== undefined) return ""
    messageIndex = outputs++
    deltaHead = `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","item_id":${JSON.stringify(frame.messageId)},"output_index":${messageIndex},"content_index":0,"logprobs":[],"delta":`
    return event("response.output_item.added", { output_index: messageIndex, item: messageItem(frame, "", "in_progress") }) +
      event("response.content_part.added", { item_id: frame.messageId, output_index: messageIndex, content_index: 0, part: { type: "output_text", text: "", annotations: [], logprobs: [] } })
  }
  return {
    /** created and in_progress (numbered 0 and 1, whenever they are written: they are written first). */
    start: (): string => {
      const opening = responseObject(frame)
      return numbered("response.created", 0, { response: opening }) + numbered("response.in_progress", 1, { response: opening })
    },
    delta: (text: string): string => {
      sent += text
      return `${openMessage()}${deltaHead}${JSON.stringify(text)},"sequence_number":${sequence++}}\n\n`
    },
    /** A complete tool call: its item added, its arguments in one delta, done. */
    toolCall: (call: ToolCall): string => {
      if (frame.request.singleToolCall && calls > 0) return ""
      const index = outputs++
      const item = callItem(frame, call, calls++, "in_progress")
      const args = JSON.stringify(call.arguments)
      finished[index] = { ...item, status: "completed", arguments: args }
      return event("response.output_item.added", { output_index: index, item }) +
        event("response.function_call_arguments.delta", { item_id: item.id, output_index: index, delta: args }) +
        event("response.function_call_arguments.done", { item_id: item.id, output_index: index, name: call.name, arguments: args }) +
        event("response.output_item.done", { output_index: index, item: { ...item, status: "completed", arguments: args } })
    },
    /** The text, part and message done (opened if there was no output at all), then `response.completed` (or `.incomplete`). */
    end: (response: OrchestratedResponse): string => {
      const whole = responseObject(frame, response)
      const opened = messageIndex === undefined && (response.toolCalls ?? []).length === 0 ? openMessage() : ""
      const message = messageIndex === undefined ? "" :
        event("response.output_text.done", { item_id: frame.messageId, output_index: messageIndex, content_index: 0, text: response.text, logprobs: [] }) +
        event("response.content_part.done", { item_id: frame.messageId, output_index: messageIndex, content_index: 0, part: { type: "output_text", text: response.text, annotations: [], logprobs: [] } }) +
        event("response.output_item.done", { output_index: messageIndex, item: messageItem(frame, response.text, whole.status === "incomplete" ? "incomplete" : "completed") })
      return opened + message + event(whole.status === "incomplete" ? "response.incomplete" : "response.completed", { response: whole })
    },
    /**
     * A failure after the stream began: `response.failed` (the response with `status: "failed"`, its `error`, and the
     * output sent so far, the message cut short as `incomplete`), then the `error` event the SDKs raise.
     */
    error: (error: GatewayError): string => {
      if (messageIndex !== undefined) finished[messageIndex] = messageItem(frame, sent, "incomplete")
      const failed = { ...responseObject(frame), status: "failed", error: { code: error.code ?? error.type, message: error.message }, output: finished.filter((item) => item !== undefined) }
      // The error both flat (the published event schema) and nested as `error` (as OpenAI sends it, and what the Python
      // SDK raises on: it raises an `error` event only when it carries an `error` object).
      return event("response.failed", { response: failed }) +
        event("error", { code: error.code, message: error.message, param: error.param, error: { type: error.type, code: error.code, message: error.message, param: error.param } })
    }
  }
}
