/**
 * The wire formats of the services the project talks to, as they send them: OpenAI-compatible chat completions
 * (OpenAI, vLLM, Lightning, Ollama's /v1), Anthropic messages, Ollama's native chat and generate. Builds JSON bodies,
 * stream events (SSE with or without `event:` lines, NDJSON), error bodies and in-band errors for one exchange.
 */

/** The wire dialect of a generation route. */
export type Dialect = "openai" | "anthropic" | "ollama-chat" | "ollama-generate"

/** One synthesised exchange: what the reply says, whatever its pacing or faults. */
export interface Exchange {
  readonly dialect: Dialect
  /** Request number, used in ids. */
  readonly id: number
  readonly model: string
  readonly stream: boolean
  /** OpenAI: `stream_options.include_usage` was set. */
  readonly includeUsage: boolean
  readonly text: string
  readonly tokens: ReadonlyArray<string>
  readonly inputTokens: number
  readonly outputTokens: number
  readonly finishReason: string
}

/** The events of a stream, in order: opening, one per token, closing (finish and usage), terminal sentinel. */
export interface StreamEvents {
  readonly opening: ReadonlyArray<string>
  readonly tokens: ReadonlyArray<string>
  readonly closing: ReadonlyArray<string>
  readonly terminal: ReadonlyArray<string>
}

/** The kinds of error replies a fault produces. */
export type ErrorKind = "rate-limit" | "server-500" | "server-502" | "server-503" | "overloaded" | "busy" | "not-found"

/** The route of a path (and method), or undefined for an unknown one. */
export type Route =
  | { readonly _tag: "Generate"; readonly dialect: Dialect }
  | { readonly _tag: "List"; readonly list: ListRoute }

/** The routes that describe a server rather than generate. */
export type ListRoute = "ollama-tags" | "ollama-ps" | "openai-models" | "ollama-version" | "ollama-show" | "llamacpp-props" | "lmstudio-models"

/** Resolves a request to a route; the query string is ignored. */
export const routeOf = (method: string, path: string): Route | undefined => {
  const pathname = path.split("?")[0] ?? path
  if (method === "POST") {
    if (pathname === "/v1/chat/completions" || pathname === "/chat/completions") return { _tag: "Generate", dialect: "openai" }
    if (pathname === "/v1/messages") return { _tag: "Generate", dialect: "anthropic" }
    if (pathname === "/api/chat") return { _tag: "Generate", dialect: "ollama-chat" }
    if (pathname === "/api/generate") return { _tag: "Generate", dialect: "ollama-generate" }
    if (pathname === "/api/show") return { _tag: "List", list: "ollama-show" }
  }
  if (method === "GET") {
    if (pathname === "/api/tags") return { _tag: "List", list: "ollama-tags" }
    if (pathname === "/api/ps") return { _tag: "List", list: "ollama-ps" }
    if (pathname === "/v1/models" || pathname === "/models") return { _tag: "List", list: "openai-models" }
    if (pathname === "/api/version") return { _tag: "List", list: "ollama-version" }
    if (pathname === "/props") return { _tag: "List", list: "llamacpp-props" }
    if (pathname === "/api/v0/models") return { _tag: "List", list: "lmstudio-models" }
  }
  return undefined
}

/** The default answer text. */
export const defaultText = "Hello from the orch wire server."

/** Cuts a text into stream pieces: each starts with the whitespace before a word ("Hello", " from", ...). */
export const tokenize = (text: string): ReadonlyArray<string> => {
  const pieces = text.match(/\s*\S+/g) ?? []
  const trailing = text.slice(pieces.join("").length)
  if (trailing === "") return pieces
  return pieces.length === 0 ? [trailing] : [...pieces.slice(0, -1), pieces[pieces.length - 1] + trailing]
}

/** The token count the server reports: whitespace-separated pieces. */
export const countTokens = (text: string): number => text.split(/\s+/).filter((piece) => piece !== "").length

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const textOfContent = (content: unknown): string => {
  if (typeof content === "string") return content
  if (Array.isArray(content)) {
    return content.map((part) => (isRecord(part) && typeof part.text === "string" ? part.text : "")).join(" ")
  }
  return ""
}

/** Counts the prompt tokens of a request body of any dialect: messages, Anthropic `system`, Ollama `prompt`/`system`. */
export const countPromptTokens = (body: unknown): number => {
  if (!isRecord(body)) return 0
  const texts: Array<string> = []
  if (Array.isArray(body.messages)) {
    for (const message of body.messages) if (isRecord(message)) texts.push(textOfContent(message.content))
  }
  texts.push(textOfContent(body.system), textOfContent(body.prompt))
  return texts.reduce((total, text) => total + countTokens(text), 0)
}

/** Whether a request asks for a stream: Ollama streams unless `stream: false`, the others only with `stream: true`. */
export const wantsStream = (dialect: Dialect, body: unknown): boolean => {
  const stream = isRecord(body) ? body.stream : undefined
  return dialect === "ollama-chat" || dialect === "ollama-generate" ? stream !== false : stream === true
}

/** Whether an OpenAI request set `stream_options.include_usage`. */
export const wantsUsage = (body: unknown): boolean =>
  isRecord(body) && isRecord(body.stream_options) && body.stream_options.include_usage === true

/** The requested model name, or a dialect-specific placeholder when the body has none. */
export const requestedModel = (body: unknown): string =>
  isRecord(body) && typeof body.model === "string" ? body.model : "wire-model"

/** The finish reason a dialect uses for a normal end. */
export const defaultFinishReason = (dialect: Dialect): string => dialect === "anthropic" ? "end_turn" : "stop"

/** Content type of replies in a dialect. */
export const contentTypeOf = (dialect: Dialect, stream: boolean): string =>
  !stream
    ? "application/json"
    : dialect === "anthropic" || dialect === "openai"
    ? "text/event-stream; charset=utf-8"
    : "application/x-ndjson"

/** Headers a dialect adds to every reply (request ids as the services name them). */
export const dialectHeaders = (dialect: Dialect, id: number): Record<string, string> =>
  dialect === "openai"
    ? { "x-request-id": `req_wire${id}`, "openai-processing-ms": "1" }
    : dialect === "anthropic"
    ? { "request-id": `req_wire${id}` }
    : {}

// Fixed instants so replies are reproducible (no wall clock in the substrate).
const createdSeconds = 1_767_225_600
const createdAt = (index: number): string => new Date(createdSeconds * 1000 + index).toISOString()

const sse = (data: unknown): string => `data: ${JSON.stringify(data)}\n\n`
const namedSse = (event: string, data: unknown): string => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`
const ndjson = (data: unknown): string => `${JSON.stringify(data)}\n`

const openAiId = (exchange: Exchange): string => `chatcmpl-wire${exchange.id}`
const anthropicId = (exchange: Exchange): string => `msg_wire${String(exchange.id).padStart(8, "0")}`

const ollamaTimings = (exchange: Exchange) => {
  const promptEval = Math.max(1, exchange.inputTokens) * 1_000_000
  const evaluation = Math.max(1, exchange.outputTokens) * 20_000_000
  const load = 1_000_000
  return {
    total_duration: load + promptEval + evaluation,
    load_duration: load,
    prompt_eval_count: exchange.inputTokens,
    prompt_eval_duration: promptEval,
    eval_count: exchange.outputTokens,
    eval_duration: evaluation
  }
}

const openAiUsage = (exchange: Exchange) => ({
  prompt_tokens: exchange.inputTokens,
  completion_tokens: exchange.outputTokens,
  total_tokens: exchange.inputTokens + exchange.outputTokens,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 }
})

/** The non-streamed JSON reply of an exchange. */
export const completionBody = (exchange: Exchange): unknown => {
  switch (exchange.dialect) {
    case "openai":
      return {
        id: openAiId(exchange),
        object: "chat.completion",
        created: createdSeconds,
        model: exchange.model,
        choices: [{
          index: 0,
          message: { role: "assistant", content: exchange.text, refusal: null },
          logprobs: null,
          finish_reason: exchange.finishReason
        }],
        usage: openAiUsage(exchange),
        service_tier: "default",
        system_fingerprint: "fp_wire"
      }
    case "anthropic":
      return {
        id: anthropicId(exchange),
        type: "message",
        role: "assistant",
        model: exchange.model,
        content: [{ type: "text", text: exchange.text }],
        stop_reason: exchange.finishReason,
        stop_sequence: null,
        usage: { input_tokens: exchange.inputTokens, output_tokens: exchange.outputTokens }
      }
    case "ollama-chat":
      return {
        model: exchange.model,
        created_at: createdAt(0),
        message: { role: "assistant", content: exchange.text },
        done_reason: exchange.finishReason,
        done: true,
        ...ollamaTimings(exchange)
      }
    case "ollama-generate":
      return {
        model: exchange.model,
        created_at: createdAt(0),
        response: exchange.text,
        done: true,
        done_reason: exchange.finishReason,
        context: [1, 2, 3],
        ...ollamaTimings(exchange)
      }
  }
}

const openAiChunk = (exchange: Exchange, choices: ReadonlyArray<unknown>, usage?: unknown) => ({
  id: openAiId(exchange),
  object: "chat.completion.chunk",
  created: createdSeconds,
  model: exchange.model,
  service_tier: "default",
  system_fingerprint: "fp_wire",
  choices,
  ...(exchange.includeUsage ? { usage: usage ?? null } : {})
})

/** The stream events of an exchange. */
export const streamEvents = (exchange: Exchange): StreamEvents => {
  switch (exchange.dialect) {
    case "openai":
      return {
        opening: [sse(openAiChunk(exchange, [{
          index: 0,
          delta: { role: "assistant", content: "", refusal: null },
          logprobs: null,
          finish_reason: null
        }]))],
        tokens: exchange.tokens.map((token) =>
          sse(openAiChunk(exchange, [{ index: 0, delta: { content: token }, logprobs: null, finish_reason: null }]))
        ),
        closing: [
          sse(openAiChunk(exchange, [{ index: 0, delta: {}, logprobs: null, finish_reason: exchange.finishReason }])),
          ...(exchange.includeUsage ? [sse(openAiChunk(exchange, [], openAiUsage(exchange)))] : [])
        ],
        terminal: ["data: [DONE]\n\n"]
      }
    case "anthropic":
      return {
        opening: [
          namedSse("message_start", {
            type: "message_start",
            message: {
              id: anthropicId(exchange),
              type: "message",
              role: "assistant",
              model: exchange.model,
              content: [],
              stop_reason: null,
              stop_sequence: null,
              usage: { input_tokens: exchange.inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 }
            }
          }),
          namedSse("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }),
          namedSse("ping", { type: "ping" })
        ],
        tokens: exchange.tokens.map((token) =>
          namedSse("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: token } })
        ),
        closing: [
          namedSse("content_block_stop", { type: "content_block_stop", index: 0 }),
          namedSse("message_delta", {
            type: "message_delta",
            delta: { stop_reason: exchange.finishReason, stop_sequence: null },
            usage: { output_tokens: exchange.outputTokens }
          })
        ],
        terminal: [namedSse("message_stop", { type: "message_stop" })]
      }
    case "ollama-chat":
      return {
        opening: [],
        tokens: exchange.tokens.map((token, index) =>
          ndjson({ model: exchange.model, created_at: createdAt(index), message: { role: "assistant", content: token }, done: false })
        ),
        closing: [],
        terminal: [ndjson({
          model: exchange.model,
          created_at: createdAt(exchange.tokens.length),
          message: { role: "assistant", content: "" },
          done_reason: exchange.finishReason,
          done: true,
          ...ollamaTimings(exchange)
        })]
      }
    case "ollama-generate":
      return {
        opening: [],
        tokens: exchange.tokens.map((token, index) =>
          ndjson({ model: exchange.model, created_at: createdAt(index), response: token, done: false })
        ),
        closing: [],
        terminal: [ndjson({
          model: exchange.model,
          created_at: createdAt(exchange.tokens.length),
          response: "",
          done: true,
          done_reason: exchange.finishReason,
          context: [1, 2, 3],
          ...ollamaTimings(exchange)
        })]
      }
  }
}

/** An error that arrives inside a 200 stream: Anthropic `event: error`, OpenAI `data: {"error":...}`, an Ollama line. */
export const inBandErrorEvent = (dialect: Dialect): string => {
  switch (dialect) {
    case "openai":
      return sse({
        error: {
          message: "The server had an error while processing your request. Sorry about that!",
          type: "server_error",
          param: null,
          code: null
        }
      })
    case "anthropic":
      // As Anthropic sends it (the payload of fixtures/wire/anthropic/stream_error_event_overloaded_vertex.json).
      return `event: error\ndata: {"type":"error","error":{"details":null,"type":"overloaded_error","message":"Overloaded"} }\n\n`
    case "ollama-chat":
    case "ollama-generate":
      return ndjson({ error: "an error was encountered while running the model: unexpected EOF" })
  }
}

/** A stream event cut short so it no longer parses (the event framing is kept so the client tries to parse it). */
export const malformedEvent = (dialect: Dialect, event: string): string => {
  const trimmed = event.replace(/\n+$/, "")
  const cut = trimmed.slice(0, Math.max(1, trimmed.length - 7))
  return dialect === "ollama-chat" || dialect === "ollama-generate" ? `${cut}\n` : `${cut}\n\n`
}

const errorMessages: Record<ErrorKind, { readonly status: number; readonly message: string; readonly openAiType: string; readonly anthropicType: string }> = {
  "rate-limit": {
    status: 429,
    message: "Rate limit reached for requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 1s.",
    openAiType: "requests",
    anthropicType: "rate_limit_error"
  },
  "server-500": {
    status: 500,
    message: "The server had an error while processing your request. Sorry about that!",
    openAiType: "server_error",
    anthropicType: "api_error"
  },
  "server-502": { status: 502, message: "Bad gateway", openAiType: "server_error", anthropicType: "api_error" },
  "server-503": {
    status: 503,
    message: "The engine is currently overloaded, please try again later.",
    openAiType: "server_error",
    anthropicType: "api_error"
  },
  overloaded: { status: 529, message: "Overloaded", openAiType: "overloaded_error", anthropicType: "overloaded_error" },
  busy: {
    status: 503,
    message: "server busy, please try again.  maximum pending requests exceeded",
    openAiType: "api_error",
    anthropicType: "overloaded_error"
  },
  "not-found": { status: 404, message: "not found", openAiType: "invalid_request_error", anthropicType: "not_found_error" }
}

/** The status and body of an error reply in a dialect's error shape. */
export const errorReply = (
  dialect: Dialect,
  kind: ErrorKind,
  id: number,
  message?: string
): { readonly status: number; readonly body: unknown } => {
  const spec = errorMessages[kind]
  const text = message ?? spec.message
  switch (dialect) {
    case "openai":
      return {
        status: spec.status,
        body: {
          error: {
            message: text,
            type: spec.openAiType,
            param: null,
            code: kind === "rate-limit" ? "rate_limit_exceeded" : kind === "not-found" ? "unknown_url" : null
          }
        }
      }
    case "anthropic":
      return { status: spec.status, body: { type: "error", error: { type: spec.anthropicType, message: text }, request_id: `req_wire${id}` } }
    case "ollama-chat":
    case "ollama-generate":
      return { status: spec.status, body: { error: text } }
  }
}

/** An HTML error page as a proxy in front of a service sends it. */
export const htmlBadGateway =
  "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n"

/** Model lists: what the list routes answer for a set of model names (the first `loaded` ones count as loaded). */
export const listBody = (
  list: ListRoute,
  models: ReadonlyArray<string>,
  loaded: ReadonlyArray<string>
): unknown => {
  const details = (name: string) => ({
    parent_model: "",
    format: "gguf",
    family: name.split(/[:.-]/)[0] ?? name,
    families: [name.split(/[:.-]/)[0] ?? name],
    parameter_size: "1B",
    quantization_level: "Q4_K_M"
  })
  const digest = (name: string) => Buffer.from(name).toString("hex").padEnd(64, "0").slice(0, 64)
  switch (list) {
    case "ollama-tags":
      return {
        models: models.map((name) => ({
          name,
          model: name,
          modified_at: createdAt(0),
          size: 1_000_000_000,
          digest: digest(name),
          details: details(name)
        }))
      }
    case "ollama-ps":
      return {
        models: loaded.map((name) => ({
          name,
          model: name,
          size: 1_000_000_000,
          digest: digest(name),
          details: details(name),
          expires_at: createdAt(300_000),
          size_vram: 0
        }))
      }
    case "openai-models":
      return { object: "list", data: models.map((id) => ({ id, object: "model", created: createdSeconds, owned_by: "library" })) }
    case "ollama-version":
      return { version: "0.6.4" }
    case "ollama-show":
      // As `POST /api/show` answers (abridged): the architecture's trained context length in model_info.
      return {
        modelfile: "",
        parameters: "",
        template: "{{ .Prompt }}",
        details: details(models[0] ?? "model"),
        model_info: { "general.architecture": "llama", "llama.context_length": 131072 },
        capabilities: ["completion", "tools"]
      }
    case "llamacpp-props":
      // As a llama.cpp server's `GET /props` answers (abridged): the context of each slot.
      return { default_generation_settings: { n_ctx: 4096, params: {} }, total_slots: 1, model_path: models[0] ?? "model.gguf" }
    case "lmstudio-models":
      // As LM Studio's `GET /api/v0/models` answers: each model's type, state, and the context a loaded one has.
      return {
        object: "list",
        data: models.map((id) => ({
          id,
          object: "model",
          type: "llm",
          state: loaded.includes(id) ? "loaded" : "not-loaded",
          max_context_length: 32768,
          ...(loaded.includes(id) ? { loaded_context_length: 4096 } : {})
        }))
      }
  }
}
