/**
 * Anthropic models as `LanguageModel` values: the Messages API through the official client, JSON for `generate`
 * and SSE events for `stream` (message_start, content_block_*, ping, message_delta with the cumulative usage,
 * message_stop), read by this package's own SSE reader from the SDK's raw response. Every block and event is read
 * field by field (a wrong shape is MalformedResponse), thinking signatures and redacted thinking are kept for the next
 * turn, and an answer in the other form than asked (a stream for a plain request, JSON for a streamed one) is read as
 * what it is. System messages become the `system` field; `max_tokens` is always sent. A caller's bound (an attempt's
 * deadline) is kept by the call itself, with no fiber: the non-streamed call's one plain timer aborts the SDK's
 * request through its signal (`generateBounded`; without a bound, the backstop timeout), a stream's is the event
 * reader's (`streamBounded`).
 */
import type Anthropic from "@anthropic-ai/sdk"
import { Clock, Effect, Result, type Stream } from "effect"
import {
  makeLanguageModel,
  optionsFor,
  readEvents,
  throughStage,
  messageText,
  isProviderError,
  providerError,
  readJson,
  readToolArguments,
  toMessages,
  type CallBound,
  timerAt,
  type Message,
  type ToolChoice,
  type CompletionRequest,
  type FinishReason,
  type LanguageModel,
  type ModelInfo,
  type ProviderError,
  type ReportedUsage,
  type WireEvent
} from "@orch/provider"
import { Redacted } from "effect"
import { makeAnthropicClient } from "./AnthropicClient.ts"
import { anthropicDefaultMaxTokens, anthropicNames, type AnthropicOptions } from "./AnthropicConfig.ts"
import { resolveBackend, type BackendSettings } from "./internal/BackendSettings.ts"
import { fromInBandError, fromSdkError, type FailureScope } from "./internal/errors.ts"
import { unconfiguredModel } from "./internal/ModelCalls.ts"
import { looksLikeSse, makeSseParser, sseEventsOf, type SseEvent } from "./internal/SseText.ts"

type MessageBody = Anthropic.Messages.MessageCreateParamsNonStreaming
type StreamEvent = Anthropic.Messages.RawMessageStreamEvent

/** An Anthropic stop reason in the shared vocabulary. */
const finishReasonOf = (reason: string | null | undefined): FinishReason | undefined => {
  switch (reason) {
    case null:
    case undefined:
      return undefined
    case "end_turn":
    case "stop_sequence":
      return "stop"
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length"
    case "tool_use":
      return "tool-calls"
    case "refusal":
      return "content-filter"
    default:
      return "other"
  }
}

/** Token counts as Anthropic reports them; any field may be missing or null in a delta. */
interface AnthropicTokens {
  readonly input_tokens?: number | null
  readonly output_tokens?: number | null
  readonly cache_read_input_tokens?: number | null
  readonly cache_creation_input_tokens?: number | null
  /** The cache writes by lifetime: five minutes (billed 1.25x) and one hour (billed 2x). */
  readonly cache_creation?: { readonly ephemeral_5m_input_tokens?: number | null; readonly ephemeral_1h_input_tokens?: number | null } | null
}

const count = (value: number | null | undefined): number | undefined => (typeof value === "number" && value >= 0 ? value : undefined)

/** Anthropic's running token counts: each event may update some of them (null leaves a count as it was). */
interface TokenCounts {
  uncached?: number | undefined
  output?: number | undefined
  cacheRead: number
  cacheWrite: number
  /** Of the cache writes, those with a one-hour lifetime. */
  cacheWriteLong: number
}

/** A cumulative count after a new report: the higher of the two (a missing report leaves it as it was). */
const atLeast = (known: number | undefined, reported: number | null | undefined): number | undefined => {
  const next = count(reported)
  return next === undefined ? known : known === undefined ? next : Math.max(known, next)
}

/**
 * Take in one event's usage. The counts are cumulative (message_delta's "are cumulative", Anthropic's streaming
 * docs), so none goes down: a relay that repeats the usage in message_delta with `input_tokens: 0` (or zeroed cache
 * counts) keeps message_start's, and one that sends 0 in message_start and the real count later gets the real count.
 */
const absorb = (counts: TokenCounts, tokens: AnthropicTokens | null | undefined): void => {
  if (!tokens) return
  counts.uncached = atLeast(counts.uncached, tokens.input_tokens)
  counts.output = atLeast(counts.output, tokens.output_tokens)
  counts.cacheRead = atLeast(counts.cacheRead, tokens.cache_read_input_tokens) ?? 0
  counts.cacheWrite = atLeast(counts.cacheWrite, tokens.cache_creation_input_tokens) ?? 0
  const byLifetime = tokens.cache_creation
  if (typeof byLifetime === "object" && byLifetime !== null) {
    const long = count(byLifetime.ephemeral_1h_input_tokens) ?? 0
    counts.cacheWriteLong = atLeast(counts.cacheWriteLong, long) ?? 0
    // The writes by lifetime are part of the cache writes, whether or not the total came with them.
    counts.cacheWrite = atLeast(counts.cacheWrite, (count(byLifetime.ephemeral_5m_input_tokens) ?? 0) + long) ?? 0
  }
}

/**
 * Anthropic's counts as reported usage: `input_tokens` excludes cached input, so input is uncached + cache reads +
 * cache writes, `cachedInputTokens` the cache reads, `cacheWriteInputTokens` the cache writes and
 * `cacheWriteLongInputTokens` the one-hour ones among them.
 */
const reportedOf = (counts: TokenCounts): ReportedUsage => ({
  inputTokens: counts.uncached === undefined ? undefined : counts.uncached + counts.cacheRead + counts.cacheWrite,
  outputTokens: counts.output,
  cachedInputTokens: counts.cacheRead,
  cacheWriteInputTokens: counts.cacheWrite,
  cacheWriteLongInputTokens: counts.cacheWriteLong
})

/** The tool that carries a structured answer on Anthropic: forced, its input is the JSON object. */
const structuredToolName = (request: CompletionRequest): string | undefined =>
  request.responseFormat?.type === "json" && request.responseFormat.schema !== undefined && (request.tools?.length ?? 0) === 0
    ? (request.responseFormat.name ?? "respond").replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 64) || "respond"
    : undefined

type Block = Record<string, unknown>

const decodeBase64Text = (data: string): string => Buffer.from(data, "base64").toString("utf8")

/** One message as content blocks: text, images, documents, thinking (Anthropic's own: signed, or redacted as encrypted data), tool use and results. */
const blocksOf = (message: Message): { readonly role: "user" | "assistant"; readonly blocks: ReadonlyArray<Block> } | undefined => {
  switch (message.role) {
    case "system":
      return undefined
    case "user":
      if (typeof message.content === "string") return { role: "user", blocks: [{ type: "text", text: message.content }] }
      return {
        role: "user",
        blocks: message.content.map((part): Block =>
          part.type === "text"
            ? { type: "text", text: part.text }
            : part.type === "image"
            ? { type: "image", source: part.data !== undefined ? { type: "base64", media_type: part.mediaType, data: part.data } : { type: "url", url: part.url } }
            : part.mediaType.startsWith("text/")
            ? { type: "document", source: { type: "text", media_type: "text/plain", data: decodeBase64Text(part.data) }, ...(part.filename !== undefined ? { title: part.filename } : {}) }
            : { type: "document", source: { type: "base64", media_type: part.mediaType, data: part.data }, ...(part.filename !== undefined ? { title: part.filename } : {}) })
      }
    case "assistant": {
      const parts = typeof message.content === "string" ? [{ type: "text" as const, text: message.content }] : message.content ?? []
      const blocks: Array<Block> = []
      for (const part of parts) {
        if (part.type === "text" && part.text.length > 0) blocks.push({ type: "text", text: part.text })
        // Anthropic's own reasoning goes back as it came: signed thinking, or the encrypted data of redacted thinking.
        if (part.type === "reasoning" && part.redactedData !== undefined) blocks.push({ type: "redacted_thinking", data: part.redactedData })
        else if (part.type === "reasoning" && part.signature !== undefined) blocks.push({ type: "thinking", thinking: part.text, signature: part.signature })
      }
      for (const call of message.toolCalls ?? []) blocks.push({ type: "tool_use", id: call.id, name: call.name, input: call.arguments })
      return { role: "assistant", blocks }
    }
    case "tool":
      return { role: "user", blocks: [{ type: "tool_result", tool_use_id: message.toolCallId, content: messageText(message.content), ...(message.isError === true ? { is_error: true } : {}) }] }
  }
}

const toolChoiceOf = (choice: ToolChoice): Block =>
  choice === "auto" ? { type: "auto" } : choice === "required" ? { type: "any" } : choice === "none" ? { type: "none" } : { type: "tool", name: choice.name }

/**
 * The request body: system prompt from the system messages, alternating turns of content blocks (consecutive
 * messages of one role merged, tool results in the user turn after the calls), tools and the tool choice, a JSON
 * schema as a forced tool whose input is the answer, `max_tokens` always set.
 */
const messageBody = (name: string, request: CompletionRequest, defaultMaxTokens: number): MessageBody => {
  const all = toMessages(request)
  const system = all.filter((m) => m.role === "system").map((m) => messageText(m.content)).join("\n\n")
  const turns: Array<{ role: "user" | "assistant"; content: Array<Block> }> = []
  for (const message of all) {
    const mapped = blocksOf(message)
    if (mapped === undefined || mapped.blocks.length === 0) continue
    const last = turns[turns.length - 1]
    if (last !== undefined && last.role === mapped.role) last.content.push(...mapped.blocks)
    else turns.push({ role: mapped.role, content: [...mapped.blocks] })
  }
  const structured = structuredToolName(request)
  const format = request.responseFormat
  const tools = structured !== undefined && format?.type === "json" && format.schema !== undefined
    ? [{ name: structured, description: "Give the answer as this tool's input.", input_schema: format.schema }]
    : (request.tools ?? []).map((tool) => ({ name: tool.name, ...(tool.description !== undefined ? { description: tool.description } : {}), input_schema: tool.parameters }))
  const toolChoice = structured !== undefined ? { type: "tool", name: structured } : request.toolChoice !== undefined && tools.length > 0 ? toolChoiceOf(request.toolChoice) : undefined
  const body = {
    model: name,
    max_tokens: request.maxTokens ?? defaultMaxTokens,
    messages: turns,
    ...(system.length > 0 ? { system } : {}),
    ...(tools.length > 0 ? { tools } : {}),
    ...(toolChoice !== undefined ? { tool_choice: toolChoice } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.topP !== undefined ? { top_p: request.topP } : {}),
    ...(request.stop !== undefined && request.stop.length > 0 ? { stop_sequences: [...request.stop] } : {}),
    ...optionsFor(request, "anthropic")
  }
  return body as unknown as MessageBody
}

/** A text field as Anthropic sends it: a string, or absent (a relay that leaves out empty fields, as Go's omitempty does). */
const textField = (value: unknown): string | undefined => (value === undefined || value === null ? "" : typeof value === "string" ? value : undefined)

/**
 * A tool block's input as JSON text: an object (the documented shape), JSON text (relays that pass an OpenAI call's
 * arguments on as they are), or absent (empty). Anything else is not an input.
 */
const inputText = (input: unknown): string | undefined =>
  input === undefined || input === null ? "" : typeof input === "string" ? input : typeof input === "object" && !Array.isArray(input) ? JSON.stringify(input) : undefined

/** A streamed tool_use block: its id and name, the input its start carried, whether input_json_delta has come. */
interface ToolBlock {
  readonly id: string | undefined
  readonly name: string
  /** The input content_block_start carried, as JSON text, when it was not empty (`{}` is the documented start). */
  readonly startInput: string | undefined
  streamed: boolean
}

/** What a stream has seen of its content blocks: which are tool calls, and which one carries a structured answer. */
interface BlockState {
  readonly tools: Map<number, ToolBlock>
  readonly structured: string | undefined
}

/** A piece of a tool block's input: the answer's text for the structured answer's tool, else a tool-call delta. */
const toolInputEvents = (tool: ToolBlock, index: number, json: string, blocks: BlockState): ReadonlyArray<WireEvent> =>
  tool.name === blocks.structured ? [{ _tag: "text", text: json }] : [{ _tag: "tool-call-delta", index, argumentsDelta: json }]

/** The events of a block or delta, or what is wrong with it (a field of the wrong type), for MalformedResponse. */
type BlockEvents = ReadonlyArray<WireEvent> | string

/**
 * The events of a text, thinking or redacted_thinking block as it stands (a whole message's block, or what a start
 * block already carries), or what is wrong with it; undefined for a block of another type.
 */
const standingBlockEvents = (block: Record<string, unknown>): BlockEvents | undefined => {
  switch (block.type) {
    case "text": {
      const text = textField(block.text)
      return text === undefined ? "a text block whose text is not text" : text.length > 0 ? [{ _tag: "text", text }] : []
    }
    case "thinking": {
      const thinking = textField(block.thinking)
      if (thinking === undefined) return "a thinking block whose thinking is not text"
      const events: Array<WireEvent> = []
      if (thinking.length > 0) events.push({ _tag: "reasoning", text: thinking })
      if (typeof block.signature === "string" && block.signature.length > 0) events.push({ _tag: "metadata", reasoningSignature: block.signature })
      return events
    }
    case "redacted_thinking":
      return typeof block.data === "string" && block.data.length > 0 ? [{ _tag: "metadata", redactedReasoning: block.data }] : "a redacted_thinking block without its data"
    default:
      return undefined
  }
}

/** A tool_use block's name and input as JSON text, or what is wrong with it. */
const toolUseOf = (block: Record<string, unknown>): { readonly name: string; readonly input: string } | string => {
  const input = inputText(block.input)
  if (typeof block.name !== "string" || block.name === "") return "a tool_use block without a name"
  if (input === undefined) return `a tool_use block (${block.name}) whose input is not an object`
  return { name: block.name, input }
}

/**
 * The events of a content_block_start. The documented start is empty (`text: ""`, `thinking: ""`, `input: {}`), but
 * what a start block already carries is content, as the official SDK reads it: Anthropic-compatible relays put a
 * tool call's whole input there and send no input_json_delta (it is sent at the block's stop unless deltas came).
 */
const blockStartEvents = (index: number, block: Record<string, unknown>, blocks: BlockState): BlockEvents => {
  if (block.type !== "tool_use") return standingBlockEvents(block) ?? []
  const tool = toolUseOf(block)
  if (typeof tool === "string") return tool
  const id = typeof block.id === "string" && block.id !== "" ? block.id : undefined
  blocks.tools.set(index, { id, name: tool.name, startInput: tool.input === "" || tool.input === "{}" ? undefined : tool.input, streamed: false })
  return tool.name === blocks.structured ? [] : [{ _tag: "tool-call-delta", index, id, name: tool.name, argumentsDelta: "" }]
}

/** The events of a content_block_delta; deltas of blocks this model does not read (a server tool's input) give none. */
const blockDeltaEvents = (index: number, delta: Record<string, unknown>, blocks: BlockState): BlockEvents => {
  switch (delta.type) {
    case "text_delta": {
      const text = textField(delta.text)
      return text === undefined ? "a text_delta whose text is not text" : [{ _tag: "text", text }]
    }
    case "thinking_delta": {
      const thinking = textField(delta.thinking)
      return thinking === undefined ? "a thinking_delta whose thinking is not text" : [{ _tag: "reasoning", text: thinking }]
    }
    // The thinking block's signature, which the next turn must send back with the block (see `blocksOf`).
    case "signature_delta":
      return typeof delta.signature === "string" && delta.signature.length > 0 ? [{ _tag: "metadata", reasoningSignature: delta.signature }] : []
    case "input_json_delta": {
      const tool = blocks.tools.get(index)
      if (tool === undefined) return []
      const json = textField(delta.partial_json)
      if (json === undefined) return `an input_json_delta (${tool.name}) whose partial_json is not text`
      tool.streamed = true
      return toolInputEvents(tool, index, json, blocks)
    }
    default:
      return []
  }
}

/** The events of one streamed event; `counts` carries the running token counts of the answer. */
const eventEvents = (event: StreamEvent, counts: TokenCounts, blocks: BlockState): BlockEvents => {
  switch (event.type) {
    case "content_block_start": {
      const block: unknown = event.content_block
      return typeof block === "object" && block !== null ? blockStartEvents(event.index, block as Record<string, unknown>, blocks) : "a content_block_start without its block"
    }
    case "message_start": {
      const message: Partial<Anthropic.Messages.Message> | null | undefined = event.message
      if (typeof message !== "object" || message === null) return "a message_start without its message"
      absorb(counts, message.usage)
      return [{ _tag: "start", model: typeof message.model === "string" ? message.model : undefined, responseId: typeof message.id === "string" ? message.id : undefined, usage: reportedOf(counts) }]
    }
    case "content_block_delta": {
      const delta: unknown = event.delta
      return typeof delta === "object" && delta !== null ? blockDeltaEvents(event.index, delta as Record<string, unknown>, blocks) : "a content_block_delta without its delta"
    }
    case "content_block_stop": {
      const tool = blocks.tools.get(event.index)
      if (tool === undefined || tool.streamed || tool.startInput === undefined) return []
      tool.streamed = true
      return toolInputEvents(tool, event.index, tool.startInput, blocks)
    }
    case "message_delta": {
      absorb(counts, event.usage)
      // A usage-only delta (no `delta`) says no stop reason.
      const stated = finishReasonOf((event.delta as Partial<typeof event.delta> | undefined)?.stop_reason)
      const finishReason = stated === "tool-calls" && blocks.structured !== undefined ? "stop" : stated
      return [{ _tag: "metadata", usage: reportedOf(counts), ...(finishReason !== undefined ? { finishReason } : {}) }]
    }
    case "message_stop":
      return [{ _tag: "finish" }]
    default:
      return []
  }
}

/**
 * The events of one content block of a whole message (`structured`: the forced tool whose input is the answer's
 * text), or what is wrong with it. Blocks this model does not read (server tools and their results) give none.
 */
const messageBlockEvents = (block: Record<string, unknown>, structured: string | undefined): BlockEvents => {
  if (block.type !== "tool_use") return standingBlockEvents(block) ?? []
  const tool = toolUseOf(block)
  if (typeof tool === "string") return tool
  if (tool.name === structured) return [{ _tag: "text", text: tool.input }]
  const parsed = readToolArguments(tool.input)
  if (!parsed.ok) return `a tool_use block (${tool.name}): ${parsed.issue}`
  return [{ _tag: "tool-call", ...(typeof block.id === "string" && block.id !== "" ? { id: block.id } : {}), name: tool.name, arguments: parsed.value }]
}

/** The longest stream event (or line) read: an answer's events are small, a line that never ends must not fill the memory. */
const maxEventChars = 16 * 1024 * 1024

/** The tag of a body read whole where a stream was asked for (see `WholeBody`). */
const wholeBodyType = "orch.whole-body"

/** A streamed request's answer that came as one JSON body: its text, read at `nowMs`, as the stream's one event. */
interface WholeBody {
  readonly type: typeof wholeBodyType
  readonly text: string
  readonly nowMs: number
}

/**
 * The one-event stream of a body read whole. The body is read when the stream is, so the reader's watchdog and bound
 * cut a body that stalls as they cut a stalled event stream.
 */
const wholeBody = (response: Response, nowMs: number): AsyncIterable<WholeBody> => ({
  [Symbol.asyncIterator]: async function*() {
    yield { type: wholeBodyType, text: await response.text(), nowMs }
  }
})

/** Whether a content type is JSON (`application/json`, `application/problem+json`, ...). */
const isJsonType = (contentType: string | null): boolean => {
  const media = contentType?.split(";")[0]?.trim().toLowerCase() ?? ""
  return media === "application/json" || media.endsWith("+json")
}

/** The resolved pieces of one Anthropic model. */
interface AnthropicModelParts {
  readonly client: Anthropic
  readonly settings: BackendSettings
  readonly name: string
  readonly defaultMaxTokens: number
  readonly info?: ModelInfo
}

/**
 * @internal An Anthropic model on an existing client (the CloudProvider shares one client). Calls go through the
 * client's plain `post`, which sends the same request as `messages.create` without the SDK's console warnings
 * (it warns on every call to a model it considers deprecated): a library prints nothing.
 */
export const makeAnthropicLanguageModel = (parts: AnthropicModelParts): LanguageModel => {
  const { client, settings, name, defaultMaxTokens } = parts
  const provider = settings.backend
  const secrets = [Redacted.value(settings.apiKey)]
  const scopeAt = (nowMs: number): FailureScope => ({ provider, model: name, secrets, timeoutMs: settings.timeoutMs, nowMs })
  const malformed = (what: string): ProviderError => providerError({ _tag: "MalformedResponse" }, `The service sent ${what}`, { provider, model: name })

  /** A message body as events, or the error it means (a plain function: it runs where the answer arrives). */
  const messageEvents = (message: unknown, request: CompletionRequest, nowMs: number): Result.Result<ReadonlyArray<WireEvent>, ProviderError> => {
    const body = message as Anthropic.Messages.Message | { readonly type?: unknown } | null | undefined
    if (typeof body !== "object" || body === null) return Result.fail(providerError({ _tag: "MalformedResponse" }, "The response is not a message", { provider, model: name }))
    if (body.type === "error") return Result.fail(fromInBandError(body, scopeAt(nowMs)))
    const done = body as Anthropic.Messages.Message
    if (!Array.isArray(done.content)) return Result.fail(providerError({ _tag: "MalformedResponse" }, "The message has no content", { provider, model: name }))
    const counts: TokenCounts = { cacheRead: 0, cacheWrite: 0, cacheWriteLong: 0 }
    absorb(counts, done.usage)
    const structured = structuredToolName(request)
    const stated = finishReasonOf(done.stop_reason) ?? "other"
    const finishReason = stated === "tool-calls" && structured !== undefined ? "stop" : stated
    const events: Array<WireEvent> = [{ _tag: "metadata", model: typeof done.model === "string" ? done.model : undefined, responseId: typeof done.id === "string" ? done.id : undefined }]
    for (const block of done.content as ReadonlyArray<unknown>) {
      const read = typeof block === "object" && block !== null ? messageBlockEvents(block as Record<string, unknown>, structured) : "a content block that is not an object"
      if (typeof read === "string") return Result.fail(malformed(read))
      for (const event of read) events.push(event)
    }
    events.push({ _tag: "finish", finishReason, usage: reportedOf(counts) })
    return Result.succeed(events)
  }

  /**
   * One SSE event as Anthropic's stream event: its data as JSON, typed by its `type` (or, without one, by its `event:`
   * name); an `error` event is the error it reports, data that is not a JSON object is MalformedResponse.
   */
  const streamEventOf = (sse: SseEvent, nowMs: number): StreamEvent | ProviderError => {
    const parsed = readJson(sse.data)
    if (!parsed.ok || typeof parsed.value !== "object" || parsed.value === null || Array.isArray(parsed.value)) return malformed("a stream event that is not a JSON object")
    const data = parsed.value as { readonly type?: unknown }
    const event = (typeof data.type === "string" || sse.event === undefined ? data : { ...data, type: sse.event }) as StreamEvent | { readonly type: "error" }
    return event.type === "error" ? fromInBandError(event, scopeAt(nowMs)) : (event as StreamEvent)
  }

  /**
   * The events of a streamed body as they arrive, read by this model's own SSE reader (see `SseText`); an error
   * event, an event that is not JSON or an event (or a line) longer than `maxEventChars` ends the stream with its error. The body's
   * reader is released when the stream ends or is closed early (the reader's signal has aborted the request then).
   */
  const sseStream = (response: Response, nowMs: number): AsyncIterable<StreamEvent> => ({
    [Symbol.asyncIterator]: async function*() {
      const body = response.body
      if (body === null) return
      const reader = body.getReader()
      const decoder = new TextDecoder()
      const parser = makeSseParser()
      const events: Array<SseEvent> = []
      try {
        for (let read = await reader.read(); !read.done; read = await reader.read()) {
          parser.push(decoder.decode(read.value, { stream: true }), events)
          if (parser.pendingChars() > maxEventChars) throw malformed(`a stream event longer than ${maxEventChars} characters`)
          for (const sse of events) {
            const event = streamEventOf(sse, nowMs)
            if (isProviderError(event)) throw event
            yield event
          }
          events.length = 0
        }
      } finally {
        reader.cancel().catch(() => undefined)
      }
    }
  })

  /** The events of an event stream read whole, or the error it carries (its `error` event, or an event of a wrong shape). */
  const sseBodyEvents = (text: string, request: CompletionRequest, nowMs: number): Result.Result<ReadonlyArray<WireEvent>, ProviderError> => {
    const counts: TokenCounts = { cacheRead: 0, cacheWrite: 0, cacheWriteLong: 0 }
    const blocks: BlockState = { tools: new Map(), structured: structuredToolName(request) }
    const events: Array<WireEvent> = []
    for (const sse of sseEventsOf(text)) {
      const event = streamEventOf(sse, nowMs)
      if (isProviderError(event)) return Result.fail(event)
      const read = eventEvents(event, counts, blocks)
      if (typeof read === "string") return Result.fail(malformed(read))
      for (const wire of read) events.push(wire)
    }
    return Result.succeed(events)
  }

  /**
   * A whole body as events, whatever form a proxy gave it: a message (or an error) as JSON, JSON under a text content
   * type (the SDK hands it over as text), or an event stream where a plain answer was asked for.
   */
  const bodyEvents = (body: unknown, request: CompletionRequest, nowMs: number): Result.Result<ReadonlyArray<WireEvent>, ProviderError> => {
    if (typeof body !== "string") return messageEvents(body, request, nowMs)
    const text = body.trimStart()
    if (text.startsWith("{")) {
      const parsed = readJson(text)
      return parsed.ok ? messageEvents(parsed.value, request, nowMs) : Result.fail(malformed("a body that is not valid JSON"))
    }
    return looksLikeSse(text) ? sseBodyEvents(text, request, nowMs) : messageEvents(body, request, nowMs)
  }

  /**
   * The non-streamed call: the SDK's request with a signal of our own, its answer read where it arrives. One plain
   * timer aborts the request at the bound's `atMs`, or at the backstop timeout when there is no bound (at the head or
   * within the body: the SDK reads the body under the same signal), and ends the call with its error; whichever comes first settles the call, once, and the timer is cleared then or when the call is
   * interrupted. A bound already past sends nothing.
   */
  const generateWith = <A>(request: CompletionRequest, read: (events: ReadonlyArray<WireEvent>) => Result.Result<A, ProviderError>, bound?: CallBound): Effect.Effect<A, ProviderError> =>
    Effect.withFiber((fiber) => {
      const clock = fiber.getRef(Clock.Clock)
      const nowMs = clock.currentTimeMillisUnsafe()
      if (bound !== undefined && bound.atMs <= nowMs) return Effect.failSync(bound.error)
      // Without a bound, the backstop covers the whole call: the SDK's own timeout ends when the head arrives.
      const limit: CallBound = bound ?? {
        atMs: nowMs + settings.timeoutMs,
        error: () => providerError({ _tag: "Timeout", phase: "total", afterMs: settings.timeoutMs }, `No complete answer within the SDK timeout of ${settings.timeoutMs} ms`, { provider, model: name })
      }
      const body = messageBody(name, request, defaultMaxTokens)
      // One parameter only: the callback then makes no AbortSignal of its own; interruption runs the returned cancel.
      return Effect.callback<A, ProviderError>((resume) => {
        const controller = new AbortController()
        let settled = false
        let cancelTimer: (() => void) | undefined = undefined
        const settle = (effect: Effect.Effect<A, ProviderError>): void => {
          if (settled) return
          settled = true
          cancelTimer?.()
          resume(effect)
        }
        cancelTimer = timerAt(limit.atMs, () => clock.currentTimeMillisUnsafe(), () => {
          controller.abort()
          settle(Effect.failSync(limit.error))
        })
        // The bound passed in the meantime: nothing is sent.
        if (settled) return
        client.post("/v1/messages", { body, signal: controller.signal, timeout: settings.timeoutMs }).then(
          // Read in the resumed fiber, so that nothing it throws can escape into a promise handler.
          (message: unknown) =>
            settle(Effect.suspend(() => {
              const events = bodyEvents(message, request, nowMs)
              return Result.isFailure(events) ? Effect.fail(events.failure) : Effect.fromResult(read(events.success))
            })),
          (error: unknown) => settle(Effect.suspend(() => Effect.fail(fromSdkError(error, scopeAt(nowMs)))))
        )
        return Effect.sync(() => {
          if (settled) return
          settled = true
          cancelTimer?.()
          controller.abort()
        })
      })
    })

  // The events read ahead in batches, mapped in the read loop; a body that stalls is cut by the same backstop. With a
  // bound, the reader's one plain timer ends the stream at `bound.atMs` and its signal aborts the SDK's request.
  const streamWithin = (request: CompletionRequest, bound: CallBound | undefined): Stream.Stream<WireEvent, ProviderError> =>
    throughStage(
      readEvents<StreamEvent | WholeBody, ProviderError>({
        // A JSON answer to a streamed request (a proxy that does not stream, an error in a 200) is read whole.
        open: (signal, openedAtMs) =>
          client.post("/v1/messages", { body: { ...messageBody(name, request, defaultMaxTokens), stream: true }, stream: true, signal, timeout: settings.timeoutMs })
            .asResponse()
            .then((response) => (isJsonType(response.headers.get("content-type")) ? wholeBody(response, openedAtMs) : sseStream(response, openedAtMs))),
        onError: (error, openedAtMs) => fromSdkError(error, scopeAt(openedAtMs)),
        idle: {
          millis: settings.timeoutMs,
          onIdle: () => providerError({ _tag: "Timeout", phase: "between-chunks", afterMs: settings.timeoutMs }, `No stream event within the backstop timeout of ${settings.timeoutMs} ms`, { provider, model: name })
        },
        bound: bound === undefined ? undefined : { atMs: bound.atMs, onBound: bound.error }
      }),
      Effect.sync(() => {
        const counts: TokenCounts = { cacheRead: 0, cacheWrite: 0, cacheWriteLong: 0 }
        const blocks: BlockState = { tools: new Map(), structured: structuredToolName(request) }
        return {
          push: (event: StreamEvent | WholeBody, out: Array<WireEvent>): ProviderError | undefined => {
            if (typeof event === "object" && event !== null && event.type === wholeBodyType) {
              const whole = bodyEvents(event.text, request, event.nowMs)
              if (Result.isFailure(whole)) return whole.failure
              for (const wire of whole.success) out.push(wire)
              return undefined
            }
            const events = typeof event === "object" && event !== null ? eventEvents(event as StreamEvent, counts, blocks) : "a stream event that is not an object"
            if (typeof events === "string") return malformed(events)
            for (const wire of events) out.push(wire)
            return undefined
          }
        }
      })
    )
  const stream = (request: CompletionRequest): Stream.Stream<WireEvent, ProviderError> => streamWithin(request, undefined)
  const streamBounded = (request: CompletionRequest, bound: CallBound): Stream.Stream<WireEvent, ProviderError> => streamWithin(request, bound)

  return makeLanguageModel({
    provider,
    name,
    kind: "cloud",
    spanPrefix: "AnthropicLanguageModel",
    thinkTags: false,
    stream,
    streamBounded,
    generateWith,
    ...(parts.info ? { info: parts.info } : {})
  })
}

/**
 * An Anthropic model, e.g. `anthropicModel("claude-3-5-haiku-latest", { apiKey })`. Without a key its calls fail
 * at once with Authentication ("set ANTHROPIC_API_KEY") and make no request.
 */
export const anthropicModel = (name: string, options: AnthropicOptions = {}): LanguageModel => {
  const state = resolveBackend(anthropicNames, options)
  if (!state.configured) return unconfiguredModel(state.backend, name, state.reason)
  return makeAnthropicLanguageModel({
    client: makeAnthropicClient(state.settings),
    settings: state.settings,
    name,
    defaultMaxTokens: validMaxTokens(options.defaultMaxTokens)
  })
}

/** @internal The default `max_tokens`: the option when it is a positive integer, else 1024. */
export const validMaxTokens = (value: number | undefined): number =>
  value !== undefined && Number.isInteger(value) && value > 0 ? value : anthropicDefaultMaxTokens
