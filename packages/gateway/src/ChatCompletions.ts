/**
 * `POST /v1/chat/completions` in OpenAI's shapes: the request read into the orchestrator's messages and options
 * (every field OpenAI documents that changes the answer either mapped or refused with a 400 that names it; fields
 * that only label a call are accepted and not used), and the answer written back as
 * one `chat.completion` or as `chat.completion.chunk` server-sent events ending in `data: [DONE]`.
 */
import type { OrchestratedResponse } from "@orch/core"
import type { CompletionRequest, FilePart, FinishReason, ImagePart, Message, ResponseFormat, TextPart, ToolCall, Usage, UserMessage } from "@orch/provider"
import { type GatewayError, invalidRequestError, isGatewayError } from "./OpenAiError.ts"
import {
  checkFields, extensionsRefused, fileFrom, imageFrom, invalidType, invalidValue, isRecord, labelChecks, logitBiasRefused, numberField, readStreamOptions,
  refuseUnhonoured, refuseUnknown, toolCallFrom, toolChoiceFrom, toolsFrom, type Unhonoured
} from "./WireParts.ts"

/** The request options the orchestrator passes to the model, as they are read (one object, filled field by field). */
export type RequestOptions = { -readonly [K in keyof Omit<CompletionRequest, "prompt" | "messages">]: Omit<CompletionRequest, "prompt" | "messages">[K] }

/** A chat request, read. */
export interface ChatRequest {
  readonly model: string
  readonly messages: ReadonlyArray<Message>
  /** The request options the orchestrator passes to the model. */
  readonly options: Readonly<RequestOptions>
  readonly stream: boolean
  readonly includeUsage: boolean
  /** `parallel_tool_calls: false`: at most one tool call in the answer, the first the model made. */
  readonly singleToolCall: boolean
}

/** A user message's content: a string, or text, image and file parts (none of them empty). */
const userContent = (content: unknown, where: string): UserMessage["content"] | GatewayError => {
  if (typeof content === "string") return content !== "" ? content : invalidValue(`${where}.content`, "a user message may not be empty")
  if (!Array.isArray(content)) return invalidType(`${where}.content`, "a string or a list of content parts")
  if (content.length === 0) return invalidValue(`${where}.content`, "a user message needs at least one content part")
  const parts: Array<TextPart | ImagePart | FilePart> = []
  for (let j = 0; j < content.length; j++) {
    const part: unknown = content[j]
    const at = `${where}.content[${j}]`
    if (!isRecord(part)) return invalidType(at, "a content part object")
    if (part.type === "text") {
      if (typeof part.text !== "string") return invalidType(`${at}.text`, "a string")
      parts.push({ type: "text", text: part.text })
    } else if (part.type === "image_url") {
      const image = imageFrom(isRecord(part.image_url) ? part.image_url.url : part.image_url, `${at}.image_url`)
      if (isGatewayError(image)) return image
      parts.push(image)
    } else if (part.type === "file") {
      if (!isRecord(part.file)) return invalidType(`${at}.file`, "an object with file_data")
      const file = fileFrom(part.file.file_data, part.file.filename, part.file.file_id, `${at}.file`)
      if (isGatewayError(file)) return file
      parts.push(file)
    } else return invalidValue(`${at}.type`, `"${String(part.type).slice(0, 40)}" parts are not supported; send text, image_url or file parts`)
  }
  return parts
}

/** The text of a system, assistant or tool message's content: a string or text parts (an assistant's refusal is text). */
const textContent = (content: unknown, where: string): string | GatewayError => {
  if (typeof content === "string") return content
  if (content === null || content === undefined) return ""
  if (!Array.isArray(content)) return invalidType(`${where}.content`, "a string or a list of text parts")
  const texts: Array<string> = []
  for (let j = 0; j < content.length; j++) {
    const part: unknown = content[j]
    const at = `${where}.content[${j}]`
    if (isRecord(part) && part.type === "text") {
      if (typeof part.text !== "string") return invalidType(`${at}.text`, "a string")
      texts.push(part.text)
    } else if (isRecord(part) && part.type === "refusal" && typeof part.refusal === "string") texts.push(part.refusal)
    else return invalidValue(at, "this message's content may hold text parts only")
  }
  return texts.join("\n")
}

/** The messages of a chat request in the contract's shapes; `developer` messages are system messages. */
export const readMessages = (value: unknown): ReadonlyArray<Message> | GatewayError => {
  if (!Array.isArray(value)) return invalidType("messages", "a list of messages")
  if (value.length === 0) return invalidValue("messages", "expected a non-empty list of messages")
  const messages: Array<Message> = []
  // The ids of the tool calls the latest assistant turn made, each true once a tool message has answered it. A turn's
  // ids are its own: a model may use an id again in a later turn (some local models number their calls per turn).
  const calls = new Map<string, boolean>()
  for (let i = 0; i < value.length; i++) {
    const raw: unknown = value[i]
    const where = `messages[${i}]`
    if (!isRecord(raw)) return invalidType(where, "an object with a role and content")
    if (raw.name !== undefined && raw.name !== null && typeof raw.name !== "string") return invalidType(`${where}.name`, "a string")
    switch (raw.role) {
      case "system":
      case "developer": {
        const text = textContent(raw.content, where)
        if (isGatewayError(text)) return text
        // An empty system prompt says nothing: it is left out, as if not sent.
        if (text !== "") messages.push({ role: "system", content: text })
        break
      }
      case "user": {
        const content = userContent(raw.content, where)
        if (isGatewayError(content)) return content
        messages.push({ role: "user", content })
        break
      }
      case "assistant": {
        const text = textContent(raw.content, where)
        if (isGatewayError(text)) return text
        const toolCalls: Array<ToolCall> = []
        if (raw.tool_calls !== undefined && raw.tool_calls !== null) {
          if (!Array.isArray(raw.tool_calls)) return invalidType(`${where}.tool_calls`, "a list of tool calls")
          if (raw.tool_calls.length > 0) calls.clear()
          for (let j = 0; j < raw.tool_calls.length; j++) {
            const call: unknown = raw.tool_calls[j]
            const at = `${where}.tool_calls[${j}]`
            if (!isRecord(call) || !isRecord(call.function)) return invalidType(at, "a tool call with an id and a function")
            const parsed = toolCallFrom(call.id, call.function.name, call.function.arguments, at)
            if (isGatewayError(parsed)) return parsed
            if (calls.has(parsed.id)) return invalidValue(`${at}.id`, `the id ${JSON.stringify(parsed.id.slice(0, 60))} is used by another tool call of this message`)
            calls.set(parsed.id, false)
            toolCalls.push(parsed)
          }
        }
        messages.push({ role: "assistant", ...(text !== "" || toolCalls.length === 0 ? { content: text } : {}), ...(toolCalls.length > 0 ? { toolCalls } : {}) })
        break
      }
      case "tool": {
        if (typeof raw.tool_call_id !== "string" || raw.tool_call_id === "") return invalidType(`${where}.tool_call_id`, "the id of the tool call this message answers")
        const answered = calls.get(raw.tool_call_id)
        if (answered === undefined) return invalidValue(`${where}.tool_call_id`, `the latest assistant message with tool calls did not make the tool call ${JSON.stringify(raw.tool_call_id.slice(0, 60))}`)
        if (answered) return invalidValue(`${where}.tool_call_id`, `the tool call ${JSON.stringify(raw.tool_call_id.slice(0, 60))} is answered twice`)
        calls.set(raw.tool_call_id, true)
        const text = textContent(raw.content, where)
        if (isGatewayError(text)) return text
        messages.push({ role: "tool", toolCallId: raw.tool_call_id, content: text })
        break
      }
      default:
        return invalidValue(`${where}.role`, `expected system, developer, user, assistant or tool, not ${JSON.stringify(raw.role)?.slice(0, 40)}`)
    }
  }
  if (messages.length === 0) return invalidValue("messages", "every message is an empty system message")
  return messages.some((m) => m.role === "user") ? messages : invalidValue("messages", "the conversation needs at least one user message")
}

/** `response_format` as the orchestrator's: text, json_object, or json_schema with its schema and name. */
export const readResponseFormat = (value: unknown, param: string): ResponseFormat | undefined | GatewayError => {
  if (value === undefined || value === null) return undefined
  if (!isRecord(value)) return invalidType(param, 'an object such as {"type": "json_object"}')
  if (value.type === "text") return { type: "text" }
  if (value.type === "json_object") return { type: "json" }
  if (value.type === "json_schema") {
    // Chat completions nest the schema under json_schema; the Responses API puts it on the format itself.
    const nested = isRecord(value.json_schema)
    const spec = nested ? value.json_schema as Record<string, unknown> : value
    const at = nested ? `${param}.json_schema` : param
    if (!isRecord(spec.schema)) return invalidType(`${at}.schema`, "a JSON Schema object")
    if (spec.name !== undefined && spec.name !== null && (typeof spec.name !== "string" || !/^[a-zA-Z0-9_-]{1,64}$/.test(spec.name))) {
      return invalidValue(`${at}.name`, 'a schema name is 1 to 64 letters, digits, "_" or "-"')
    }
    return { type: "json", schema: spec.schema, ...(typeof spec.name === "string" ? { name: spec.name } : {}) }
  }
  return invalidValue(`${param}.type`, "expected text, json_object or json_schema")
}

/** The largest `max_tokens` the request contract takes. */
const maxTokensBound = 10_000_000

/** The options every endpoint shares, read from OpenAI's field names into `options`; or the 400 naming the field. */
export const readSharedOptions = (body: Record<string, unknown>, maxTokensField: ReadonlyArray<string>, options: RequestOptions): GatewayError | undefined => {
  let maxTokens: number | undefined
  for (const field of maxTokensField) {
    const value = numberField(body, field, { min: 1, max: maxTokensBound, integer: true })
    if (typeof value === "object") return value
    if (value !== undefined) { maxTokens = value; break }
  }
  const temperature = numberField(body, "temperature", { min: 0, max: 2 })
  if (typeof temperature === "object") return temperature
  const topP = numberField(body, "top_p", { min: 0, max: 1 })
  if (typeof topP === "object") return topP
  const seed = numberField(body, "seed", { integer: true })
  if (typeof seed === "object") return seed
  let stop: ReadonlyArray<string> | undefined
  if (typeof body.stop === "string") stop = body.stop !== "" ? [body.stop] : undefined
  else if (Array.isArray(body.stop)) {
    if (!body.stop.every((s) => typeof s === "string")) return invalidType("stop", "a string or a list of strings")
    if (body.stop.length > 4) return invalidValue("stop", `up to 4 stop sequences, not ${body.stop.length}`)
    stop = (body.stop as ReadonlyArray<string>).filter((s) => s !== "")
  } else if (body.stop !== undefined && body.stop !== null) return invalidType("stop", "a string or a list of strings")
  if (body.logprobs !== undefined && body.logprobs !== null && typeof body.logprobs !== "boolean") return invalidType("logprobs", "a boolean")
  if (maxTokens !== undefined) options.maxTokens = maxTokens
  if (temperature !== undefined) options.temperature = temperature
  if (topP !== undefined) options.topP = topP
  if (seed !== undefined) options.seed = seed
  if (stop !== undefined && stop.length > 0) options.stop = stop
  if (body.logprobs === true) options.logprobs = true
  return undefined
}

/**
 * `tools` and `tool_choice` as the contract's, into `options`: a `tool_choice` that asks for a tool needs tools, and a
 * function it names must be one of them; or the error.
 */
export const readTools = (body: Record<string, unknown>, options: RequestOptions): GatewayError | undefined => {
  const tools = toolsFrom(body.tools)
  if (isGatewayError(tools)) return tools
  const toolChoice = toolChoiceFrom(body.tool_choice)
  if (isGatewayError(toolChoice)) return toolChoice
  if (tools === undefined && toolChoice !== undefined && toolChoice !== "none" && toolChoice !== "auto") {
    return invalidValue("tool_choice", "tool_choice asks for a tool, but the request has no tools")
  }
  if (tools !== undefined && typeof toolChoice === "object" && !tools.some((tool) => tool.name === toolChoice.name)) {
    return invalidValue("tool_choice", `the function ${JSON.stringify(toolChoice.name.slice(0, 70))} is not one of the request's tools`)
  }
  if (tools !== undefined) {
    options.tools = tools
    if (toolChoice !== undefined) options.toolChoice = toolChoice
  }
  return undefined
}

/**
 * Fields OpenAI documents that change the answer and that the gateway cannot honour across its backends: refused
 * with a 400 naming the field when set to anything but their default, never quietly dropped. Fields that only label
 * a call (`user`, `metadata`, `store`, `service_tier`, `parallel_tool_calls`, ...) are accepted and not used.
 */
const unhonoured: ReadonlyArray<Unhonoured> = [
  ["frequency_penalty", (v) => v !== 0, "frequency_penalty is not supported: the gateway routes to backends that do not all have it; leave it out (or 0)"],
  ["presence_penalty", (v) => v !== 0, "presence_penalty is not supported: the gateway routes to backends that do not all have it; leave it out (or 0)"],
  logitBiasRefused,
  ["top_logprobs", (v) => v !== 0, "top_logprobs is not supported: with logprobs: true each token's own log-probability is returned, without alternatives"],
  ["functions", () => true, "functions is the deprecated form of tools: send tools (and tool_choice) instead"],
  ["function_call", () => true, "function_call is the deprecated form of tool_choice: send tools and tool_choice instead"],
  ["audio", () => true, "audio output is not supported: this gateway answers with text"],
  ["modalities", (v) => !(Array.isArray(v) && v.every((m) => m === "text")), "modalities other than text are not supported: this gateway answers with text"],
  ["prediction", () => true, "prediction (predicted outputs) is not supported"],
  ["web_search_options", () => true, "web_search_options is not supported: no backend behind this gateway searches the web"],
  ["verbosity", (v) => v !== "medium", "verbosity is not supported: the backends behind this gateway do not all have it; leave it out (or \"medium\")"],
  ["reasoning_effort", () => true, "reasoning_effort is not supported: choose the model (or an alias) instead"]
]

/**
 * Fields of the Responses API sent to Chat Completions: ignoring them would answer wrongly (no bound, no
 * instructions, no format), so each is a 400 that names the Chat Completions field to use.
 */
const responsesFields: ReadonlyArray<Unhonoured> = [
  ["max_output_tokens", () => true, "max_output_tokens is a Responses field: Chat Completions bounds the answer with max_completion_tokens (or max_tokens)"],
  ["instructions", () => true, "instructions is a Responses field: send a system or developer message in messages"],
  ["text", () => true, "text is a Responses field: Chat Completions takes the answer's format as response_format"],
  ["input", () => true, "input is a Responses field: Chat Completions takes messages"]
]

/** Every field OpenAI documents for Chat Completions (those the gateway refuses included: they get their own 400). */
const chatFields: ReadonlySet<string> = new Set([
  "model", "messages", "audio", "frequency_penalty", "function_call", "functions", "logit_bias", "logprobs",
  "max_completion_tokens", "max_tokens", "metadata", "modalities", "n", "parallel_tool_calls", "prediction",
  "presence_penalty", "prompt_cache_key", "prompt_cache_retention", "reasoning_effort", "response_format",
  "safety_identifier", "seed", "service_tier", "stop", "store", "stream", "stream_options", "temperature",
  "tool_choice", "tools", "top_logprobs", "top_p", "user", "verbosity", "web_search_options",
  // Other servers' fields, taken at their no-op values.
  ...extensionsRefused.map(([field]) => field)
])

/** The longest `model` a request may name (model ids, virtual models and aliases are far shorter). */
export const maxModelLength = 256

/** The fields of the largest number of tokens to write, the first set wins. */
const maxTokensFields: ReadonlyArray<string> = ["max_completion_tokens", "max_tokens"]

/** Read a chat completions body. */
export const readChatRequest = (body: unknown): ChatRequest | GatewayError => {
  if (!isRecord(body)) return invalidRequestError("the body must be a JSON object")
  if (typeof body.model !== "string" || body.model.trim() === "") return invalidRequestError("model is required: a model id, a virtual model such as orch/auto, or an alias", "model")
  if (body.model.length > maxModelLength) return invalidValue("model", `a model id is at most ${maxModelLength} characters`)
  const messages = readMessages(body.messages)
  if (isGatewayError(messages)) return messages
  const n = numberField(body, "n", { min: 1, integer: true })
  if (typeof n === "object") return n
  if (n !== undefined && n !== 1) return invalidValue("n", "n must be 1: this gateway returns one choice")
  const labelError = checkFields(body, labelChecks)
  if (labelError !== undefined) return labelError
  const refused = refuseUnhonoured(body, unhonoured) ?? refuseUnhonoured(body, extensionsRefused) ?? refuseUnhonoured(body, responsesFields) ?? refuseUnknown(body, chatFields)
  if (refused !== undefined) return refused
  const options: RequestOptions = {}
  const toolsError = readTools(body, options)
  if (toolsError !== undefined) return toolsError
  const sharedError = readSharedOptions(body, maxTokensFields, options)
  if (sharedError !== undefined) return sharedError
  const format = readResponseFormat(body.response_format, "response_format")
  if (isGatewayError(format)) return format
  if (format !== undefined) options.responseFormat = format
  const includeUsage = readStreamOptions(body)
  if (typeof includeUsage === "object") return includeUsage
  return { model: body.model, messages, options, stream: body.stream === true, includeUsage, singleToolCall: body.parallel_tool_calls === false }
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

/**
 * An attempt as a client is shown it: without `errorMessage`, which quotes an upstream's error body (it may hold the
 * gateway's upstream key as the upstream masked it, `sk-ab****wxyz`); its reason stays in `error`, and the ledger
 * keeps the message. Attempts without a message are passed as they are.
 */
const clientAttempt = (attempt: OrchestratedResponse["attempts"][number]): OrchestratedResponse["attempts"][number] => {
  if (attempt.errorMessage === undefined) return attempt
  const { errorMessage: _message, ...shown } = attempt
  return shown
}

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
  attempts: response.attempts.map(clientAttempt),
  cost_usd: response.costUsd,
  cost_known: response.costKnown,
  latency_ms: response.latencyMs,
  ...(response.firstTokenMs !== undefined ? { first_token_ms: response.firstTokenMs } : {}),
  usage_estimated: response.usage.estimated
})

/** OpenAI's tool call: the arguments as a JSON string. */
export const wireToolCall = (call: ToolCall) => ({ id: call.id, type: "function" as const, function: { name: call.name, arguments: JSON.stringify(call.arguments) } })

/**
 * OpenAI's `logprobs` of a choice: each output token's log-probability with its UTF-8 bytes (no alternatives: a
 * request for `top_logprobs` is refused), or null when none were asked for or the model gave none.
 */
export const choiceLogprobs = (response: OrchestratedResponse) =>
  response.logprobs === undefined
    ? null
    : { content: response.logprobs.map((l) => ({ token: l.token, logprob: l.logprob, bytes: [...Buffer.from(l.token, "utf8")], top_logprobs: [] })), refusal: null }

/** The tool calls to answer with: all of them, or with `parallel_tool_calls: false` the first the model made. */
export const answeredToolCalls = (response: OrchestratedResponse, singleToolCall: boolean): ReadonlyArray<ToolCall> => {
  const calls = response.toolCalls ?? []
  return singleToolCall && calls.length > 1 ? calls.slice(0, 1) : calls
}

/** A whole `chat.completion` (with `singleToolCall`, at most one tool call). */
export const chatCompletionBody = (id: string, created: number, model: string, response: OrchestratedResponse, singleToolCall = false): string => {
  const toolCalls = answeredToolCalls(response, singleToolCall)
  const message = {
    role: "assistant",
    content: toolCalls.length > 0 && response.text === "" ? null : response.text,
    refusal: null,
    annotations: [],
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls.map(wireToolCall) } : {})
  }
  return JSON.stringify({
    id,
    object: "chat.completion",
    created,
    model,
    choices: [{ index: 0, message, logprobs: choiceLogprobs(response), finish_reason: finishReasonOf(response.finishReason) }],
    usage: usageOf(response.usage),
    system_fingerprint: null,
    orch: orchObject(response)
  })
}

/**
 * The writer of one streamed chat completion's events. The fixed part of every chunk is serialised once; a delta
 * costs one `JSON.stringify` of its text. A tool call goes out whole, in one chunk, once its arguments are complete.
 * The closing chunks reuse the fixed part too: each is byte for byte the `JSON.stringify` of the chunk OpenAI
 * documents, with only its variable parts (logprobs, usage, the `orch` object) serialised.
 */
export const chatChunks = (id: string, created: number, model: string, includeUsage: boolean, singleToolCall = false) => {
  const frame = `data: {"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${JSON.stringify(created)},"model":${JSON.stringify(model)},"system_fingerprint":null,"choices":[`
  const head = `${frame}{"index":0,"delta":`
  const tail = includeUsage ? `,"logprobs":null,"finish_reason":null}],"usage":null}\n\n` : `,"logprobs":null,"finish_reason":null}]}\n\n`
  let toolIndex = 0
  return {
    /** The first chunk: the assistant role. */
    role: `${head}{"role":"assistant","content":"","refusal":null}${tail}`,
    delta: (text: string) => `${head}{"content":${JSON.stringify(text)}}${tail}`,
    /** A complete tool call in one chunk (with `singleToolCall`, nothing after the first). */
    toolCall: (call: ToolCall) => singleToolCall && toolIndex > 0 ? "" : `${head}${JSON.stringify({ tool_calls: [{ index: toolIndex++, ...wireToolCall(call) }] })}${tail}`,
    /** The finish chunk (with the `orch` object), the usage chunk when asked, and `[DONE]`. */
    end: (response: OrchestratedResponse): string => {
      const finish = `${head}{},"logprobs":${JSON.stringify(choiceLogprobs(response))},"finish_reason":"${finishReasonOf(response.finishReason)}"}]` +
        `${includeUsage ? `,"usage":null` : ""},"orch":${JSON.stringify(orchObject(response))}}\n\n`
      const usage = includeUsage ? `${frame}],"usage":${JSON.stringify(usageOf(response.usage))}}\n\n` : ""
      return `${finish}${usage}data: [DONE]\n\n`
    }
  }
}
