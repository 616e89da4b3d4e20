/**
 * The one response mapping of the OpenAI chat wire: a JSON completion or an SSE chunk as the contract's
 * `WireEvent`s. Reads every shape the servers send: `content` as a string or a list of parts (Mistral's
 * `thinking` and `text` parts), reasoning in `reasoning_content` (DeepSeek, vLLM before 0.11) or `reasoning` (vLLM
 * since 0.11, Groq, Ollama's `/v1`), `refusal`, per-token `logprobs.content`, usage with cached and reasoning
 * tokens, errors in the body. A frame of any other shape is MalformedResponse, never a shorter answer.
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

/** Append the pieces of streamed tool calls in a delta. */
const toolCallDeltaEventsInto = (calls: unknown, out: Array<WireEvent>): void => {
  if (!Array.isArray(calls)) return
  for (let position = 0; position < calls.length; position++) {
    const call = record(calls[position])
    if (call === undefined) continue
    const fn = record(call.function) ?? {}
    out.push({
      _tag: "tool-call-delta",
      index: typeof call.index === "number" ? call.index : position,
      ...(typeof call.id === "string" ? { id: call.id } : {}),
      ...(typeof fn.name === "string" ? { name: fn.name } : {}),
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
  const finishReason = finishReasonOf(choice.finish_reason) ?? "other"
  const usage = usageOf(root.usage)
  events.push({ _tag: "finish", finishReason, ...(usage !== undefined ? { usage } : {}) })
  return Result.succeed(events)
}

/**
 * Append the events of one SSE chunk to `out`, or return the error it carries; a chunk's events go out together
 * or not at all (`out` is left as it was on an error). The stream's hot path: no array or result per chunk.
 */
export const chunkEventsInto = (chunk: unknown, scope: FailureScope, out: Array<WireEvent>): ProviderError | undefined => {
  const error = inBandErrorOf(chunk)
  if (error !== undefined) return inBandError(error, scope)
  const root = record(chunk)
  if (root === undefined) return malformed(scope, "a stream event that is not an object")
  const choices = root.choices
  if (choices !== undefined && !Array.isArray(choices)) return malformed(scope, "a stream event whose choices are not a list")
  const start = out.length
  out.push(metadataOf(root))
  let finish: FinishReason | undefined
  if (choices !== undefined) {
    for (const item of choices as ReadonlyArray<unknown>) {
      const choice = record(item)
      if (choice === undefined) {
        out.length = start
        return malformed(scope, "a stream choice that is not an object")
      }
      if ((choice.index ?? 0) !== 0) continue
      const delta = record(choice.delta) ?? {}
      if (!messageEventsInto(delta, out)) {
        out.length = start
        return malformed(scope, "delta content of an unknown shape")
      }
      toolCallDeltaEventsInto(delta.tool_calls, out)
      logprobEventsInto(choice.logprobs, out)
      finish = finishReasonOf(choice.finish_reason) ?? finish
    }
  }
  const usage = usageOf(root.usage)
  if (usage !== undefined) out.push({ _tag: "metadata", usage })
  if (finish !== undefined) out.push({ _tag: "finish", finishReason: finish })
  return undefined
}

/** The events of one SSE chunk, or the error it carries. */
export const chunkEvents = (chunk: unknown, scope: FailureScope): Result.Result<ReadonlyArray<WireEvent>, ProviderError> => {
  const events: Array<WireEvent> = []
  const error = chunkEventsInto(chunk, scope, events)
  return error === undefined ? Result.succeed(events) : Result.fail(error)
}
