/**
 * The one response mapping of the OpenAI chat wire: a JSON completion or an SSE chunk as the contract's
 * `WireEvent`s. Reads every shape the servers send: `content` as a string or a list of parts (Mistral's
 * `thinking` and `text` parts), reasoning in `reasoning_content` (DeepSeek, vLLM before 0.11) or `reasoning` (vLLM
 * since 0.11, Groq, Ollama's `/v1`), `refusal`, per-token `logprobs.content`, usage with cached and reasoning
 * tokens, errors in the body. A frame of any other shape is MalformedResponse, never a shorter answer. Also what
 * servers send beside OpenAI's shape: a stream choice with a whole `message` instead of a `delta` (servers that
 * ignore `stream: true`, or stream that way), `choices: null`, tool calls that reuse an index or carry none (each
 * new id is a new call) and names repeated on every piece, an error inside a choice (OpenRouter's
 * `choices[].error`), and an answer the server stopped itself (`finish_reason` `"abort"` from vLLM, `"error"` from
 * vLLM and OpenRouter), which is a failure with the text so far, never a finished answer.
 */
import { providerError, readToolArguments, type FinishReason, type ProviderError, type ReportedUsage, type TokenLogprob, type WireEvent } from "@orch/provider"
import { Result } from "effect"
import { inBandError, inBandErrorOf, type FailureScope } from "./OpenAiCompatError.ts"

type Json = Record<string, unknown>
const record = (u: unknown): Json | undefined => (typeof u === "object" && u !== null && !Array.isArray(u) ? (u as Json) : undefined)
const text = (u: unknown): string | undefined => (typeof u === "string" && u.length > 0 ? u : undefined)

/** A `finish_reason` in the shared vocabulary. */
export const finishReasonOf = (reason: unknown): FinishReason | undefined => {
  switch (reason) {
    case null:
    case undefined:
      return undefined
    case "stop":
    case "eos":
    case "end_turn":
      return "stop"
    case "length":
    case "model_length":
      return "length"
    case "content_filter":
      return "content-filter"
    case "tool_calls":
    case "function_call":
      return "tool-calls"
    default:
      return "other"
  }
}

/**
 * Finish reasons that say the server stopped the answer before it was complete: vLLM's `abort` (the engine dropped
 * the request) and `error` (an internal error; vLLM and OpenRouter mid-stream errors).
 */
const brokenOffReasons: ReadonlySet<unknown> = new Set(["abort", "error"])

/** The error of an answer the server stopped itself (see `brokenOffReasons`): StreamInterrupted with the text so far. */
const brokenOff = (reason: string, partialText: string, scope: FailureScope): ProviderError =>
  providerError(
    { _tag: "StreamInterrupted", partialText, upstreamType: reason },
    `The server stopped the answer before it was complete (finish_reason "${reason}")`,
    { provider: scope.provider, model: scope.model, upstreamType: reason }
  )

/** The error a choice carries (OpenRouter's `choices[].error`, streamed or not), as an in-band error value. */
const errorOfChoice = (choice: Json): unknown => {
  const error = choice.error
  return error === undefined || error === null || error === false ? undefined : { error }
}

/** The usage a body reports, unchecked (the contract checks it). */
export const usageOf = (usage: unknown): ReportedUsage | undefined => {
  const u = record(usage)
  if (u === undefined) return undefined
  const prompt = record(u.prompt_tokens_details)
  const completion = record(u.completion_tokens_details)
  return {
    inputTokens: u.prompt_tokens as number | undefined,
    outputTokens: u.completion_tokens as number | undefined,
    cachedInputTokens: prompt?.cached_tokens as number | undefined,
    cacheWriteInputTokens: prompt?.cache_write_tokens as number | undefined,
    reasoningTokens: completion?.reasoning_tokens as number | undefined
  }
}

/** The text of a thinking part: a string, or a list of text parts. */
const thinkingText = (value: unknown): string => {
  if (typeof value === "string") return value
  if (Array.isArray(value)) return value.map((part) => (typeof part === "string" ? part : (text(record(part)?.text) ?? ""))).join("")
  return ""
}

/** Append the events of a message or delta's `content` (a string, or a list of parts); false for an unknown shape. */
const contentEventsInto = (content: unknown, out: Array<WireEvent>): boolean => {
  if (content === null || content === undefined) return true
  if (typeof content === "string") {
    if (content.length > 0) out.push({ _tag: "text", text: content })
    return true
  }
  if (!Array.isArray(content)) return false
  for (const part of content) {
    if (typeof part === "string") {
      if (part.length > 0) out.push({ _tag: "text", text: part })
      continue
    }
    const p = record(part)
    if (p === undefined) return false
    if (p.type === "thinking" || p.type === "reasoning") {
      const thought = thinkingText(p.thinking ?? p.reasoning ?? p.text)
      if (thought.length > 0) out.push({ _tag: "reasoning", text: thought })
    } else if (typeof p.text === "string") {
      if (p.text.length > 0) out.push({ _tag: "text", text: p.text })
    }
  }
  return true
}

const logprobEventsInto = (logprobs: unknown, out: Array<WireEvent>): void => {
  if (logprobs === null || logprobs === undefined) return
  const content = record(logprobs)?.content
  if (!Array.isArray(content)) return
  const values: Array<TokenLogprob> = []
  for (const entry of content) {
    const e = record(entry)
    if (e !== undefined && typeof e.logprob === "number") values.push({ token: typeof e.token === "string" ? e.token : "", logprob: e.logprob })
  }
  if (values.length > 0) out.push({ _tag: "logprobs", values })
}

/** The tool calls of a whole message: each complete, its arguments parsed (undefined when one is not a JSON object). */
const toolCallEvents = (calls: unknown): ReadonlyArray<WireEvent> | undefined => {
  if (!Array.isArray(calls)) return []
  const events: Array<WireEvent> = []
  for (const item of calls) {
    const call = record(item)
    const fn = record(call?.function)
    if (fn === undefined || typeof fn.name !== "string") return undefined
    const args = typeof fn.arguments === "string" ? readToolArguments(fn.arguments) : record(fn.arguments) !== undefined ? { ok: true as const, value: fn.arguments as Json } : readToolArguments("")
    if (!args.ok) return undefined
    events.push({ _tag: "tool-call", ...(typeof call?.id === "string" ? { id: call.id } : {}), name: fn.name, arguments: args.value })
  }
  return events
}

/**
 * The streamed tool calls of one answer so far, by the index the server gave each (or its position in the delta):
 * the id and name it brought and the call it fills. A new id with a name at an index already in use is a new call
 * (Ollama's `/v1` before it numbered calls, and servers that send no index, give every call of a turn `index: 0`);
 * a name equal to the call's name is a repeat, not more of it. Make one per answer.
 */
export interface StreamedToolCalls {
  readonly byIndex: Map<number, { id?: string; name?: string; readonly call: number }>
  next: number
}

/** An empty `StreamedToolCalls`, for one answer. */
export const makeStreamedToolCalls = (): StreamedToolCalls => ({ byIndex: new Map(), next: 0 })

/** Append the pieces of streamed tool calls in a delta, each under the call it belongs to (see `StreamedToolCalls`). */
const toolCallDeltaEventsInto = (calls: unknown, out: Array<WireEvent>, streamed: StreamedToolCalls | undefined): void => {
  if (!Array.isArray(calls)) return
  for (let position = 0; position < calls.length; position++) {
    const call = record(calls[position])
    if (call === undefined) continue
    const fn = record(call.function) ?? {}
    const wireIndex = typeof call.index === "number" ? call.index : position
    let id = typeof call.id === "string" && call.id !== "" ? call.id : undefined
    let name = typeof fn.name === "string" && fn.name !== "" ? fn.name : undefined
    let index = wireIndex
    if (streamed !== undefined) {
      const known = streamed.byIndex.get(wireIndex)
      // A new call brings its name; a piece with only a fresh id (servers that mint one per piece) continues its call.
      if (known === undefined || (id !== undefined && name !== undefined && known.id !== undefined && known.id !== id)) {
        streamed.byIndex.set(wireIndex, { ...(id !== undefined ? { id } : {}), ...(name !== undefined ? { name } : {}), call: streamed.next })
        index = streamed.next++
      } else {
        index = known.call
        // The call keeps the first id it was given.
        if (known.id === undefined) {
          if (id !== undefined) known.id = id
        } else id = undefined
        if (name !== undefined && name === known.name) name = undefined
        else if (name !== undefined) known.name = (known.name ?? "") + name
      }
    }
    out.push({
      _tag: "tool-call-delta",
      index,
      ...(id !== undefined ? { id } : {}),
      ...(name !== undefined ? { name } : {}),
      argumentsDelta: typeof fn.arguments === "string" ? fn.arguments : record(fn.arguments) !== undefined ? JSON.stringify(fn.arguments) : ""
    })
  }
}

/** Append the events of a message (a JSON completion) or a delta (a chunk); false when its content has an unknown shape. */
const messageEventsInto = (message: Json, out: Array<WireEvent>): boolean => {
  const reasoning = text(message.reasoning_content) ?? text(message.reasoning)
  if (reasoning !== undefined) out.push({ _tag: "reasoning", text: reasoning })
  if (!contentEventsInto(message.content, out)) return false
  const refusal = text(message.refusal)
  if (refusal !== undefined) out.push({ _tag: "refusal", text: refusal })
  return true
}

const malformed = (scope: FailureScope, what: string): ProviderError =>
  providerError({ _tag: "MalformedResponse" }, `The service sent ${what}`, { provider: scope.provider, model: scope.model })

/** The model and response id a body names (either may be missing). */
const metadataOf = (body: Json): WireEvent => ({
  _tag: "metadata",
  model: typeof body.model === "string" && body.model !== "" ? body.model : undefined,
  responseId: typeof body.id === "string" && body.id !== "" ? body.id : undefined
})

/** The events of a whole JSON completion, or the error it carries. */
export const completionEvents = (body: unknown, scope: FailureScope): Result.Result<ReadonlyArray<WireEvent>, ProviderError> => {
  const error = inBandErrorOf(body)
  if (error !== undefined) return Result.fail(inBandError(error, scope))
  const root = record(body)
  const choice = Array.isArray(root?.choices) ? record(root.choices[0]) : undefined
  // A choice with its finish reason and no message is an empty one (Azure's answer filtered whole: only its filter results).
  const message = record(choice?.message) ?? (typeof choice?.finish_reason === "string" ? {} : undefined)
  if (root === undefined || choice === undefined || message === undefined) return Result.fail(malformed(scope, "a completion without a message"))
  const events: Array<WireEvent> = [metadataOf(root)]
  if (!messageEventsInto(message, events)) return Result.fail(malformed(scope, "message content of an unknown shape"))
  const calls = toolCallEvents(message.tool_calls)
  if (calls === undefined) return Result.fail(malformed(scope, "a tool call whose arguments are not a JSON object"))
  for (const call of calls) events.push(call)
  logprobEventsInto(choice.logprobs, events)
  const choiceError = errorOfChoice(choice)
  if (choiceError !== undefined || brokenOffReasons.has(choice.finish_reason)) {
    const partialText = events.map((event) => (event._tag === "text" || event._tag === "refusal" ? event.text : "")).join("")
    if (choiceError === undefined) return Result.fail(brokenOff(choice.finish_reason as string, partialText, scope))
    const error = inBandError(choiceError, scope)
    if (partialText.length === 0) return Result.fail(error)
    return Result.fail(providerError(
      { _tag: "StreamInterrupted", partialText, upstreamType: error.upstreamType ?? error.reason._tag },
      `The answer broke off after some text: ${error.message}`,
      { provider: scope.provider, model: scope.model }
    ))
  }
  const finishReason = finishReasonOf(choice.finish_reason) ?? "other"
  const usage = usageOf(root.usage)
  events.push({ _tag: "finish", finishReason, ...(usage !== undefined ? { usage } : {}) })
  return Result.succeed(events)
}

/**
 * Append the events of one SSE chunk to `out`, or return the error it carries; a chunk's events go out together
 * or not at all (`out` is left as it was on an error), except that a chunk ending an answer the server stopped
 * itself, or carrying an error in a choice, keeps its text and usage before its error (they belong to the partial
 * answer). `streamed` keeps the
 * answer's tool calls apart across chunks (see `StreamedToolCalls`). The stream's hot path: no array or result per
 * chunk.
 */
export const chunkEventsInto = (chunk: unknown, scope: FailureScope, out: Array<WireEvent>, streamed?: StreamedToolCalls): ProviderError | undefined => {
  const error = inBandErrorOf(chunk)
  if (error !== undefined) return inBandError(error, scope)
  const root = record(chunk)
  if (root === undefined) return malformed(scope, "a stream event that is not an object")
  const choices = root.choices
  if (choices !== undefined && choices !== null && !Array.isArray(choices)) return malformed(scope, "a stream event whose choices are not a list")
  const start = out.length
  out.push(metadataOf(root))
  let finish: FinishReason | undefined
  let stopped: string | undefined
  let choiceError: unknown
  if (Array.isArray(choices)) {
    for (const item of choices as ReadonlyArray<unknown>) {
      const choice = record(item)
      if (choice === undefined) {
        out.length = start
        return malformed(scope, "a stream choice that is not an object")
      }
      if ((choice.index ?? 0) !== 0) continue
      // A whole `message` where the delta should be: its content is the answer's, not nothing.
      const delta = record(choice.delta) ?? record(choice.message) ?? {}
      if (!messageEventsInto(delta, out)) {
        out.length = start
        return malformed(scope, "delta content of an unknown shape")
      }
      toolCallDeltaEventsInto(delta.tool_calls, out, streamed)
      logprobEventsInto(choice.logprobs, out)
      choiceError = errorOfChoice(choice) ?? choiceError
      if (brokenOffReasons.has(choice.finish_reason)) stopped = choice.finish_reason as string
      else finish = finishReasonOf(choice.finish_reason) ?? finish
    }
  }
  const usage = usageOf(root.usage)
  if (usage !== undefined) out.push({ _tag: "metadata", usage })
  if (choiceError !== undefined) return inBandError(choiceError, scope)
  if (stopped !== undefined) return brokenOff(stopped, "", scope)
  if (finish !== undefined) out.push({ _tag: "finish", finishReason: finish })
  return undefined
}

/** The events of one SSE chunk, or the error it carries. */
export const chunkEvents = (chunk: unknown, scope: FailureScope, streamed?: StreamedToolCalls): Result.Result<ReadonlyArray<WireEvent>, ProviderError> => {
  const events: Array<WireEvent> = []
  const error = chunkEventsInto(chunk, scope, events, streamed)
  return error === undefined ? Result.succeed(events) : Result.fail(error)
}
