/**
 * An Ollama model as a `LanguageModel`, built with the contract's `makeLanguageModel`: this module maps a request to
 * an `/api/chat` body and each NDJSON line to events. `/api/chat` is streamed on the wire for `generate` too, so a
 * cancelled call stops the generation. An `{"error": …}` line goes through the contract's error table (a missing
 * model is ModelNotFound with the `ollama pull` hint); an answer with `tool_calls` finishes `tool-calls`; per-token
 * `logprobs` are carried; an unparsable line fails the call (never a shorter answer), and so do tool-call arguments
 * that are not an object and a `done_reason` of `load`/`unload` (the model was only loaded, nothing was answered).
 * `/api/chat` has no `tool_choice`: `none` sends no tools and a named choice sends that tool only; images given by
 * URL and files, which it cannot take, are refused before anything is sent. A stream given a caller's bound keeps it
 * on the reader's own timer (`streamBounded`); `generate` is the kit's collection of `stream`, so it offers no
 * `generateBounded`.
 */
import {
  errorFromInBand,
  invalidRequest,
  makeLanguageModel,
  messageText,
  minimumTokenCount,
  providerError,
  readToolArguments,
  requestText,
  throughStage,
  toMessages,
  type CallBound,
  type Message,
  type CompletionRequest,
  type FinishReason,
  type LanguageModel,
  type ModelInfo,
  type ProviderError,
  type ProviderKind,
  type TokenLogprob,
  type WireEvent
} from "@orch/provider"
import { Effect, Stream } from "effect"
import type { OllamaClient } from "./OllamaClient.ts"

/** Ollama's `done_reason` in the contract's vocabulary. */
export const ollamaFinishReason = (doneReason: unknown): FinishReason => {
  switch (doneReason) {
    case "stop":
    case undefined:
    case null:
    case "":
      return "stop"
    case "length":
      return "length"
    default:
      return "other"
  }
}

/**
 * One message as Ollama's `/api/chat` takes it: text, base64 `images`, `tool_calls` with their ids and object
 * arguments, tool results with `tool_call_id` and `tool_name`.
 */
export const ollamaMessage = (message: Message): Record<string, unknown> => {
  switch (message.role) {
    case "system":
      return { role: "system", content: messageText(message.content) }
    case "user": {
      if (typeof message.content === "string") return { role: "user", content: message.content }
      const images = message.content.flatMap((part) => (part.type === "image" && part.data !== undefined ? [part.data] : []))
      return { role: "user", content: messageText(message.content), ...(images.length > 0 ? { images } : {}) }
    }
    case "assistant": {
      const calls = message.toolCalls ?? []
      return {
        role: "assistant",
        content: messageText(message.content),
        ...(calls.length > 0 ? { tool_calls: calls.map((call) => ({ id: call.id, function: { name: call.name, arguments: call.arguments } })) } : {})
      }
    }
    case "tool":
      // The call's id pairs the result with its call when one turn called the same tool twice (`tool_call_id`).
      return { role: "tool", content: messageText(message.content), tool_call_id: message.toolCallId, ...(message.name !== undefined ? { tool_name: message.name } : {}) }
  }
}

/** The Ollama chat body for a request: messages, sampling options, format, and `providerOptions.ollama` merged last. */
export const ollamaChatRequest = (model: string, request: CompletionRequest, keepAlive: string | number | undefined): Record<string, unknown> => {
  const own = request.providerOptions?.["ollama"] ?? {}
  const ownOptions = typeof own["options"] === "object" && own["options"] !== null ? (own["options"] as Record<string, unknown>) : {}
  const options = {
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.topP !== undefined ? { top_p: request.topP } : {}),
    ...(request.seed !== undefined ? { seed: request.seed } : {}),
    ...(request.maxTokens !== undefined ? { num_predict: request.maxTokens } : {}),
    ...(request.stop !== undefined ? { stop: [...request.stop] } : {}),
    ...ownOptions
  }
  const format = request.responseFormat?.type === "json" ? (request.responseFormat.schema ?? "json") : undefined
  // No `tool_choice` in /api/chat: "none" is no tools offered, a named choice is that tool alone ("required" cannot be
  // forced: the tools are offered).
  const choice = request.toolChoice
  const tools = choice === "none" ? [] : typeof choice === "object" ? (request.tools ?? []).filter((tool) => tool.name === choice.name) : (request.tools ?? [])
  const { options: _ignored, ...rest } = own
  return {
    model,
    messages: toMessages(request).map(ollamaMessage),
    ...(tools.length > 0
      ? { tools: tools.map((tool) => ({ type: "function", function: { name: tool.name, ...(tool.description !== undefined ? { description: tool.description } : {}), parameters: tool.parameters } })) }
      : {}),
    ...(Object.keys(options).length > 0 ? { options } : {}),
    ...(format !== undefined ? { format } : {}),
    ...(keepAlive !== undefined ? { keep_alive: keepAlive } : {}),
    ...(request.logprobs === true ? { logprobs: true } : {}),
    // Ollama's default (`truncate` unset) drops the oldest messages of a prompt that does not fit the context it runs
    // the model with, and says nothing: asked not to, it refuses (a 400, or an error line) and the call is
    // ContextLengthExceeded. `providerOptions.ollama.truncate: true` restores the default.
    truncate: false,
    ...rest
  }
}

/**
 * What `/api/chat` cannot take, as issues (empty when the request can be sent): images given by URL (it takes base64
 * `images` only) and files. Sending them would drop them silently and answer as if they were not there.
 */
export const ollamaUnsendable = (request: CompletionRequest): { readonly issues: ReadonlyArray<string>; readonly missing: ReadonlyArray<string> } => {
  const issues: Array<string> = []
  const missing = new Set<string>()
  for (const [index, message] of (request.messages ?? []).entries()) {
    if (message.role !== "user" || typeof message.content === "string") continue
    for (const part of message.content) {
      if (part.type === "image" && part.data === undefined) {
        issues.push(`unsupported: message ${index + 1} has an image given by URL (Ollama takes images as base64 data only)`)
        missing.add("image URLs")
      }
      if (part.type === "file") {
        issues.push(`unsupported: message ${index + 1} has a file (${part.mediaType}); Ollama takes text and images only`)
        missing.add("files")
      }
    }
  }
  return { issues, missing: [...missing] }
}

/** What the Ollama model needs besides its client. */
export interface OllamaModelSetup {
  /** The backend name (`ollama`). */
  readonly backend: string
  /** `cloud` for a model Ollama runs on another host (`remote_host`: its cloud models); default `local`. */
  readonly kind?: ProviderKind
  readonly keepAlive?: string | number
  readonly info?: ModelInfo
  /** The model's context window when known (from `/api/show`). */
  readonly contextWindow?: () => number | undefined
  /**
   * The context the server last ran the model with (`/api/ps` `context_length`), often far below the trained window:
   * Ollama cuts a prompt that does not fit it, silently, so such a request is refused before sending unless it sets
   * its own `num_ctx` (`providerOptions.ollama.options.num_ctx`).
   */
  readonly servedWindow?: () => number | undefined
  /** Split a leading `<think>…</think>` into reasoning; default true. */
  readonly thinkTags?: boolean
}

type Json = Record<string, unknown>
const record = (u: unknown): Json | undefined => (typeof u === "object" && u !== null && !Array.isArray(u) ? (u as Json) : undefined)

/** Tool-call arguments: an object, JSON text of one, or nothing (no arguments); anything else is not a call. */
const argumentsOf = (value: unknown): ReturnType<typeof readToolArguments> => {
  if (typeof value === "string") return readToolArguments(value)
  if (value === undefined || value === null) return { ok: true, value: {} }
  const args = record(value)
  return args !== undefined ? { ok: true, value: args } : { ok: false, issue: "the tool call's arguments are not a JSON object" }
}

const logprobsOf = (value: unknown): ReadonlyArray<TokenLogprob> => {
  if (!Array.isArray(value)) return []
  return value.flatMap((entry) => {
    const e = record(entry)
    return e !== undefined && typeof e.logprob === "number" ? [{ token: typeof e.token === "string" ? e.token : "", logprob: e.logprob }] : []
  })
}

/** The `LanguageModel` value for one Ollama model. Makes no call. */
export const makeOllamaLanguageModel = (client: OllamaClient, name: string, setup: OllamaModelSetup): LanguageModel => {
  const context = { provider: setup.backend, model: name }
  // Ollama's 404 names the model ("model \"x\" not found, try pulling it first"); a 404 that does not (Go's "404 page
  // not found", a proxy's) means the address serves no Ollama API: the server is unusable, not the model unpulled.
  const withHint = (error: ProviderError): ProviderError => {
    if (error.reason._tag !== "ModelNotFound") return error
    const status = error.status !== undefined ? { status: error.status } : {}
    if (!/model/i.test(error.message)) {
      return providerError({ _tag: "Unavailable", cause: "no Ollama API at this address" }, `${client.host} answered /api/chat with a 404 that names no model: it is not an Ollama API (check OLLAMA_HOST, and the path of a proxy in front of Ollama)`, { ...context, ...status })
    }
    return providerError({ _tag: "ModelNotFound", modelId: name }, `Model '${name}' is not on the Ollama server at ${client.host}: run \`ollama pull ${name}\``, { ...context, ...status })
  }

  // A prompt that cannot fit the context the model is served with (Ollama would cut its beginning silently), unless
  // the request asks for its own `num_ctx`; counted as the kit counts (a bound below any tokenizer's count). Only the
  // prompt: Ollama cuts the prompt to fit, while `maxTokens` is a cap on an answer that may stop well before it.
  const servedOverflow = (request: CompletionRequest): ProviderError | undefined => {
    const own = request.providerOptions?.["ollama"]?.["options"]
    const numCtx = typeof own === "object" && own !== null ? (own as Record<string, unknown>)["num_ctx"] : undefined
    const window = typeof numCtx === "number" && numCtx > 0 ? numCtx : setup.servedWindow?.()
    if (window === undefined || !Number.isFinite(window) || window <= 0) return undefined
    const needed = minimumTokenCount(requestText(request))
    if (needed <= window) return undefined
    return providerError(
      { _tag: "ContextLengthExceeded", limit: window },
      `The prompt needs at least ${needed} tokens but Ollama runs ${name} with a context of ${window} (it would cut the prompt silently); nothing was sent. A larger providerOptions.ollama.options.num_ctx serves it with more`,
      context
    )
  }

  // The lines mapped in the read loop (`throughStage`); a failure of the reading gets the pull hint. A bound is kept
  // by the reader's own timer (its error is the stream's as it is), the request aborted at it.
  const streamWithin = (request: CompletionRequest, bound: CallBound | undefined): Stream.Stream<WireEvent, ProviderError> => {
    // What this backend cannot take, another may: `missingCapabilities` lets a fallback move on.
    const unsendable = ollamaUnsendable(request)
    if (unsendable.issues.length > 0) {
      return Stream.fail(invalidRequest(unsendable.issues, context, unsendable.missing))
    }
    const cut = servedOverflow(request)
    if (cut !== undefined) return Stream.fail(cut)
    return throughStage(client.chat(ollamaChatRequest(name, request, setup.keepAlive), name, bound), Effect.clockWith((clock) => {
      const nowMs = clock.currentTimeMillisUnsafe()
      let done = false
      // A line's events go out together, or not at all when the line is bad.
      const push = (line: unknown, out: Array<WireEvent>): ProviderError | undefined => {
        const part = record(line)
        if (part === undefined) return providerError({ _tag: "MalformedResponse" }, "Ollama sent a stream line that is not an object", context)
        if (part.error !== undefined && part.error !== null) {
          return withHint(errorFromInBand({ error: part, model: name, nowMs, secrets: client.secrets }, context))
        }
        const message = record(part.message) ?? {}
        // Ollama ends the stream at the done line. A repeated done line is dropped; a line that says more after it is
        // another answer spliced on (a proxy), never part of this one.
        if (done) {
          const more = (typeof message.content === "string" && message.content !== "") || (typeof message.thinking === "string" && message.thinking !== "") ||
            (Array.isArray(message.tool_calls) && message.tool_calls.length > 0)
          return more ? providerError({ _tag: "MalformedResponse" }, "Ollama sent more of an answer after its done line (a proxy spliced two responses into one stream)", context) : undefined
        }
        done = part.done === true
        const events: Array<WireEvent> = [{ _tag: "metadata", ...(typeof part.model === "string" ? { model: part.model } : {}) }]
        if (typeof message.thinking === "string" && message.thinking.length > 0) events.push({ _tag: "reasoning", text: message.thinking })
        if (typeof message.content === "string" && message.content.length > 0) events.push({ _tag: "text", text: message.content })
        if (Array.isArray(message.tool_calls) && message.tool_calls.length > 0) {
          for (const item of message.tool_calls) {
            const fn = record(record(item)?.function)
            const args = argumentsOf(fn?.arguments)
            if (fn === undefined || typeof fn.name !== "string" || !args.ok) {
              return providerError({ _tag: "MalformedResponse" }, "Ollama sent a tool call without a name or with arguments that are not an object", context)
            }
            const id = record(item)?.id
            events.push({ _tag: "tool-call", ...(typeof id === "string" && id !== "" ? { id } : {}), name: fn.name, arguments: args.value })
          }
        }
        const logprobs = logprobsOf(part.logprobs)
        if (logprobs.length > 0) events.push({ _tag: "logprobs", values: logprobs })
        if (part.done === true) {
          if (part.done_reason === "load" || part.done_reason === "unload") {
            return providerError({ _tag: "MalformedResponse" }, `Ollama answered with done_reason "${part.done_reason}": it only ${part.done_reason}ed the model and generated nothing`, context)
          }
          // The kit makes a stop with tool calls `tool-calls`, and keeps `length` (a call may have been cut).
          events.push({
            _tag: "finish",
            finishReason: ollamaFinishReason(part.done_reason),
            // `prompt_eval_count` counts the cached prompt tokens too; `prompt_eval_cached_count` says how many those were.
            usage: { inputTokens: part.prompt_eval_count as number | undefined, outputTokens: part.eval_count as number | undefined, cachedInputTokens: part.prompt_eval_cached_count as number | undefined }
          })
        }
        for (const event of events) out.push(event)
        return undefined
      }
      return Effect.succeed({ push, fail: withHint })
    }))
  }
  const stream = (request: CompletionRequest): Stream.Stream<WireEvent, ProviderError> => streamWithin(request, undefined)
  const streamBounded = (request: CompletionRequest, bound: CallBound): Stream.Stream<WireEvent, ProviderError> => streamWithin(request, bound)

  return makeLanguageModel({
    provider: setup.backend,
    name,
    kind: setup.kind ?? "local",
    spanPrefix: "OllamaLanguageModel",
    stream,
    streamBounded,
    ...(setup.thinkTags !== undefined ? { thinkTags: setup.thinkTags } : {}),
    ...(setup.info !== undefined ? { info: setup.info } : {}),
    ...(setup.contextWindow !== undefined ? { contextWindow: setup.contextWindow } : {})
  })
}
