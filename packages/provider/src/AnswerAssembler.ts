/**
 * The answer assembler: a backend's `WireEvent`s in, the contract's `StreamPart`s out, as a plain synchronous state
 * object (no effect per event). `makeLanguageModel` runs one per call, over a one-shot body's events in a loop or over
 * a stream's batches; both paths therefore share every rule: a leading `<think>` block is reasoning, a refusal is a
 * `content-filter` finish with its text, streamed tool calls are parsed once complete, log-probabilities are carried,
 * the terminator is checked, usage the service did not report (or reported badly) is estimated, and an error after
 * visible text is StreamInterrupted with the text so far.
 */
import {
  approximateTokenCount,
  meanOfLogprobs,
  type FinishReason,
  type TokenLogprob,
  type Usage
} from "./Completion.ts"
import { providerError, type ErrorContext, type ProviderError } from "./ProviderError.ts"
import { requestText, type CompletionRequest, type ToolCall } from "./Request.ts"
import type { StreamPart } from "./StreamPart.ts"
import { readToolArguments } from "./StructuredOutput.ts"
import { newToolCallId } from "./ToolCallAssembly.ts"
import { makeThinkSplitter, type ThinkPiece } from "./ThinkTags.ts"

/** Token counts as a service reports them; any may be missing, and none is trusted until checked. */
export interface ReportedUsage {
  readonly inputTokens?: number | null | undefined
  readonly outputTokens?: number | null | undefined
  readonly cachedInputTokens?: number | null | undefined
  readonly cacheWriteInputTokens?: number | null | undefined
  /** Of the cache writes, those with a one-hour lifetime (Anthropic's `cache_creation.ephemeral_1h_input_tokens`). */
  readonly cacheWriteLongInputTokens?: number | null | undefined
  readonly reasoningTokens?: number | null | undefined
}

/** What a response says about itself: the model that served it, its id, usage, a finish reason seen early. */
interface WireMetadata {
  readonly model?: string | undefined
  readonly responseId?: string | undefined
  readonly usage?: ReportedUsage | undefined
  /** A finish reason that arrived before the terminator (Anthropic's `message_delta`). */
  readonly finishReason?: FinishReason | undefined
  /** The signature of the reasoning (Anthropic's `signature_delta`, a thinking block's `signature`); the last one wins. */
  readonly reasoningSignature?: string | undefined
  /** One block of reasoning the service sent encrypted (Anthropic's `redacted_thinking` data); each is kept, in order. */
  readonly redactedReasoning?: string | undefined
}

/**
 * One event of a backend's answer, in wire order.
 * - `start`: a message begins (Anthropic `message_start`); a second one in the same answer fails the call.
 * - `text`, `reasoning`: pieces of the answer and of hidden reasoning.
 * - `refusal`: the model refused (OpenAI `refusal`); its text is the answer's text and the finish is `content-filter`.
 * - `logprobs`: the log-probabilities of some output tokens.
 * - `metadata`: model, response id, usage, an early finish reason, the reasoning's signature, an encrypted reasoning block.
 * - `tool-call-delta`: a piece of a streamed tool call (OpenAI's `delta.tool_calls`, Anthropic's `input_json_delta`),
 *   by `index`; its arguments are JSON text cut anywhere, parsed once the answer is complete.
 * - `tool-call`: a complete tool call with parsed arguments (a JSON body, Ollama's lines).
 * - `finish`: the terminator; without one the answer is incomplete.
 */
export type WireEvent =
  | ({ readonly _tag: "start" } & WireMetadata)
  | { readonly _tag: "text"; readonly text: string }
  | { readonly _tag: "reasoning"; readonly text: string }
  | { readonly _tag: "refusal"; readonly text: string }
  | { readonly _tag: "logprobs"; readonly values: ReadonlyArray<TokenLogprob> }
  | ({ readonly _tag: "metadata" } & WireMetadata)
  | { readonly _tag: "tool-call-delta"; readonly index: number; readonly id?: string | undefined; readonly name?: string | undefined; readonly argumentsDelta: string }
  | { readonly _tag: "tool-call"; readonly id?: string | undefined; readonly name: string; readonly arguments: Readonly<Record<string, unknown>> }
  | ({ readonly _tag: "finish" } & WireMetadata)

const isCount = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n) && n >= 0

/** `usageOf` with the texts read only when an estimate needs them. */
const usageFrom = (reported: ReportedUsage | undefined, request: () => string, output: () => string): Usage => {
  const input = reported?.inputTokens
  const outputTokens = reported?.outputTokens
  // Fields set one by one in the record's order (no object spread per optional count).
  const usage: { -readonly [K in keyof Usage]?: Usage[K] } = {
    inputTokens: isCount(input) ? input : approximateTokenCount(request()),
    outputTokens: isCount(outputTokens) ? outputTokens : approximateTokenCount(output())
  }
  if (reported !== undefined) {
    const { cachedInputTokens, cacheWriteInputTokens, cacheWriteLongInputTokens, reasoningTokens } = reported
    if (isCount(cachedInputTokens) && cachedInputTokens > 0) usage.cachedInputTokens = cachedInputTokens
    if (isCount(cacheWriteInputTokens) && cacheWriteInputTokens > 0) usage.cacheWriteInputTokens = cacheWriteInputTokens
    if (isCount(cacheWriteLongInputTokens) && cacheWriteLongInputTokens > 0) usage.cacheWriteLongInputTokens = cacheWriteLongInputTokens
    if (isCount(reasoningTokens) && reasoningTokens > 0) usage.reasoningTokens = reasoningTokens
  }
  usage.estimated = !(isCount(input) && isCount(outputTokens))
  return usage as Usage
}

/**
 * The usage of a call: the service's counts when it gave both input and output as whole non-negative numbers, else
 * an estimate from the texts, flagged `estimated`.
 */
export const usageOf = (reported: ReportedUsage | undefined, request: string, output: string): Usage =>
  usageFrom(reported, () => request, () => output)

/** One answer being assembled. Not shared: make one per call. */
export interface AnswerAssembler {
  /**
   * Append the parts of one event to `out`. A ProviderError (already in its final form, see `interrupted`) ends the
   * answer: the parts appended before it still belong to the caller, nothing after it does.
   */
  readonly push: (event: WireEvent, out: Array<StreamPart>) => ProviderError | undefined
  /**
   * The events are over: append the last parts (text held back, `text-end`, `finish`), or return StreamInterrupted
   * when the terminator never came (then nothing is appended).
   */
  readonly end: (out: Array<StreamPart>) => ProviderError | undefined
  /**
   * A failure of the events themselves, as the caller must see it: after visible text the caller has seen part of an
   * answer, so whatever the service said the answer is interrupted (StreamInterrupted with the text so far).
   * Cancellation and deadlines keep their own reasons.
   */
  readonly interrupted: (error: ProviderError) => ProviderError
}

/** What the assembler needs of the model. */
export interface AnswerSource {
  readonly provider: string
  readonly name: string
  /** Split a leading `<think>…</think>` into reasoning (default true). */
  readonly thinkTags?: boolean | undefined
}

/** Merge reported usage, dropping missing counts so that an earlier report is not erased by a later partial one. */
const mergeUsage = (into: ReportedUsage | undefined, usage: ReportedUsage): ReportedUsage => {
  // The first report is taken as it is (only its counts are ever read); later ones fill in what they give.
  if (into === undefined) return usage
  return {
    inputTokens: usage.inputTokens ?? into.inputTokens,
    outputTokens: usage.outputTokens ?? into.outputTokens,
    cachedInputTokens: usage.cachedInputTokens ?? into.cachedInputTokens,
    cacheWriteInputTokens: usage.cacheWriteInputTokens ?? into.cacheWriteInputTokens,
    cacheWriteLongInputTokens: usage.cacheWriteLongInputTokens ?? into.cacheWriteLongInputTokens,
    reasoningTokens: usage.reasoningTokens ?? into.reasoningTokens
  }
}

/**
 * A fresh assembler for one answer to `request`. `startMs` is when the call began and `now` reads the same clock
 * (the Effect `Clock`, so `TestClock` drives the timings).
 */
export const makeAnswerAssembler = (model: AnswerSource, request: CompletionRequest, startMs: number, now: () => number): AnswerAssembler => {
  const context: ErrorContext = { provider: model.provider, model: model.name }
  const splitter = model.thinkTags === false ? undefined : makeThinkSplitter()
  const text: Array<string> = []
  const logprobs: Array<TokenLogprob> = []
  /** Streamed tool calls by index: id, name and the argument text so far. */
  const pendingCalls = new Map<number, { id?: string; name?: string; text: string }>()
  /** Complete tool calls, in order. */
  const toolCalls: Array<ToolCall> = []
  let started = false
  let messageStarted = false
  let firstTokenMs: number | undefined
  let finished = false
  let finishReason: FinishReason | undefined
  let refused = false
  let usage: ReportedUsage | undefined
  let servedBy: string | undefined
  let responseId: string | undefined
  let reasoningSignature: string | undefined
  const redactedReasoning: Array<string> = []
  let prompt: string | undefined

  const promptText = (): string => (prompt ??= requestText(request))
  const outputText = (): string => text.join("")
  const usageNow = (): Usage => usageFrom(usage, promptText, outputText)

  const absorb = (metadata: WireMetadata): void => {
    if (metadata.model !== undefined && metadata.model !== "") servedBy = metadata.model
    if (metadata.responseId !== undefined && metadata.responseId !== "") responseId = metadata.responseId
    if (metadata.usage !== undefined) usage = mergeUsage(usage, metadata.usage)
    if (metadata.finishReason !== undefined) finishReason = metadata.finishReason
    if (metadata.reasoningSignature !== undefined && metadata.reasoningSignature !== "") reasoningSignature = metadata.reasoningSignature
    if (metadata.redactedReasoning !== undefined && metadata.redactedReasoning !== "") redactedReasoning.push(metadata.redactedReasoning)
  }

  // A call the service sent without an id: named after the response when it has an id, else a fresh one (the same id
  // in every turn of a conversation would make the next request's history ambiguous).
  const callId = (index: number): string => responseId !== undefined ? `call_${responseId}_${index}`.replace(/[^a-zA-Z0-9_-]/g, "_").slice(-40) : newToolCallId()
  const completeCall = (call: { readonly id?: string | undefined; readonly name: string; readonly arguments: Readonly<Record<string, unknown>> }, out: Array<StreamPart>): void => {
    const done: ToolCall = { id: call.id !== undefined && call.id !== "" ? call.id : callId(toolCalls.length), name: call.name, arguments: call.arguments }
    toolCalls.push(done)
    out.push({ type: "tool-call", ...done })
  }
  /** The streamed calls, parsed: each a `tool-call` part, or MalformedResponse when its arguments are not a JSON object. */
  const flushCalls = (out: Array<StreamPart>): ProviderError | undefined => {
    if (pendingCalls.size === 0) return undefined
    const calls = [...pendingCalls.entries()].sort(([a], [b]) => a - b)
    pendingCalls.clear()
    for (const [index, pending] of calls) {
      const parsed = readToolArguments(pending.text)
      if (!parsed.ok || pending.name === undefined || pending.name === "") {
        return providerError(
          { _tag: "MalformedResponse" },
          `The tool call ${pending.name ?? `#${index}`} is not complete: ${parsed.ok ? "it has no name" : parsed.issue}`,
          context
        )
      }
      completeCall({ ...(pending.id !== undefined ? { id: pending.id } : {}), name: pending.name, arguments: parsed.value }, out)
    }
    return undefined
  }

  const textPart = (delta: string, out: Array<StreamPart>): void => {
    if (delta.length === 0) return
    if (!started) {
      started = true
      firstTokenMs = now() - startMs
      out.push({ type: "text-start" })
    }
    text.push(delta)
    out.push({ type: "text-delta", delta })
  }
  const pieces = (split: ReadonlyArray<ThinkPiece>, out: Array<StreamPart>): void => {
    for (const piece of split) {
      if (piece.kind === "text") textPart(piece.text, out)
      else out.push({ type: "reasoning-delta", delta: piece.text })
    }
  }
  const flushSplitter = (out: Array<StreamPart>): void => {
    if (splitter !== undefined) pieces(splitter.end(), out)
  }

  const interrupted = (error: ProviderError): ProviderError => {
    if (!started) return error
    const tag = error.reason._tag
    if (tag === "Cancelled" || tag === "Timeout") return error
    if (tag === "StreamInterrupted" && error.reason.partialText.length > 0) return error
    return providerError(
      {
        _tag: "StreamInterrupted",
        partialText: outputText(),
        ...(usage !== undefined ? { usage: usageNow() } : {}),
        upstreamType: error.upstreamType ?? (tag === "StreamInterrupted" ? (error.reason.upstreamType ?? tag) : tag)
      },
      `The answer broke off after some text: ${error.message}`,
      { ...(error.provider !== undefined ? { provider: error.provider } : {}), ...(error.model !== undefined ? { model: error.model } : {}), ...(error.status !== undefined ? { status: error.status } : {}) }
    )
  }

  const push = (event: WireEvent, out: Array<StreamPart>): ProviderError | undefined => {
    switch (event._tag) {
      case "text":
        if (splitter === undefined) textPart(event.text, out)
        else pieces(splitter.push(event.text), out)
        return undefined
      case "metadata":
        absorb(event)
        return undefined
      case "start":
        if (messageStarted) {
          return interrupted(providerError(
            { _tag: "MalformedResponse" },
            "A second message began inside the answer (a proxy spliced two responses into one stream)",
            context
          ))
        }
        messageStarted = true
        absorb(event)
        return undefined
      case "reasoning":
        if (event.text.length > 0) out.push({ type: "reasoning-delta", delta: event.text })
        return undefined
      case "refusal":
        refused = true
        flushSplitter(out)
        textPart(event.text, out)
        return undefined
      case "logprobs":
        for (const value of event.values) logprobs.push(value)
        return undefined
      case "tool-call-delta": {
        const pending = pendingCalls.get(event.index) ?? { text: "" }
        if (event.id !== undefined && event.id !== "") pending.id = event.id
        if (event.name !== undefined && event.name !== "") pending.name = (pending.name ?? "") + event.name
        pending.text += event.argumentsDelta
        pendingCalls.set(event.index, pending)
        out.push({ type: "tool-call-delta", index: event.index, ...(event.id !== undefined ? { id: event.id } : {}), ...(event.name !== undefined ? { name: event.name } : {}), argumentsDelta: event.argumentsDelta })
        return undefined
      }
      case "tool-call":
        completeCall(event, out)
        return undefined
      case "finish": {
        absorb(event)
        finished = true
        const calls: Array<StreamPart> = []
        const malformed = flushCalls(calls)
        if (malformed !== undefined) return interrupted(malformed)
        // The text held back goes before the calls.
        flushSplitter(out)
        for (const call of calls) out.push(call)
        return undefined
      }
    }
  }

  const end = (out: Array<StreamPart>): ProviderError | undefined => {
    const held: Array<StreamPart> = []
    flushSplitter(held)
    if (!finished) {
      return providerError(
        { _tag: "StreamInterrupted", partialText: outputText(), ...(usage !== undefined ? { usage: usageNow() } : {}) },
        "The answer ended without its terminator (no finish reason)",
        context
      )
    }
    for (const part of held) out.push(part)
    const totalMs = now() - startMs
    const meanLogprob = meanOfLogprobs(logprobs)
    const reason = finishReason ?? "other"
    // A finish that says the model called tools, with no call and no text: an empty answer, never a success (a proxy
    // or parser dropped the calls; an agent loop would take it for a final, empty reply).
    if (reason === "tool-calls" && toolCalls.length === 0 && !started && !refused) {
      return providerError(
        { _tag: "MalformedResponse", issues: ["finish reason tool-calls with no tool call and no text"] },
        "The service said the model called tools but sent no tool call (and no text)",
        context
      )
    }
    if (started) out.push({ type: "text-end" })
    out.push({
      type: "finish",
      finishReason: refused ? "content-filter" : toolCalls.length > 0 && (reason === "stop" || reason === "other") ? "tool-calls" : reason,
      usage: usageNow(),
      provider: model.provider,
      model: servedBy ?? model.name,
      timings: { firstTokenMs: firstTokenMs ?? totalMs, totalMs },
      ...(responseId !== undefined ? { responseId } : {}),
      ...(reasoningSignature !== undefined ? { reasoningSignature } : {}),
      ...(redactedReasoning.length > 0 ? { redactedReasoning: [...redactedReasoning] } : {}),
      ...(meanLogprob !== undefined ? { meanLogprob } : {}),
      ...(request.logprobs === true && logprobs.length > 0 ? { logprobs: [...logprobs] } : {})
    })
    return undefined
  }

  return { push, end, interrupted }
}
