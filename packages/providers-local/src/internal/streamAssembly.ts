/**
 * Stream assembly: turns a backend's raw events (text and reasoning pieces, end information) into the contract's
 * parts `text-start`, `text-delta`, `text-end`, `finish`, with timings from `Clock` and usage from the service or an
 * estimate. A stream that ends without its terminator (a finish reason) fails with StreamInterrupted and the text
 * received so far, never a silent success.
 */
import { approximateTokenCount, providerError, type FinishReason, type ProviderError, type StreamPart, type Usage } from "@orch/provider"
import { Clock, Effect, Stream } from "effect"

/** Token counts as a service reports them; any may be missing. */
export interface ReportedUsage {
  readonly inputTokens?: number | undefined
  readonly outputTokens?: number | undefined
  readonly cachedInputTokens?: number | undefined
  readonly reasoningTokens?: number | undefined
}

/** One raw event of a backend's stream. */
export type BackendEvent =
  | { readonly _tag: "text"; readonly text: string }
  | { readonly _tag: "reasoning"; readonly text: string }
  | {
    readonly _tag: "end"
    /** Present when the service sent its terminator (finish reason, `done: true`). */
    readonly finishReason?: FinishReason | undefined
    readonly usage?: ReportedUsage | undefined
    readonly model?: string | undefined
    readonly responseId?: string | undefined
  }

/** What the assembler needs to know of the call. */
export interface AssemblySetup {
  readonly provider: string
  readonly model: string
  /** The request's text, for an input-token estimate when the service reports none. */
  readonly requestText: string
  /** Maps a raw failure of the event stream, given the text received so far and the stream's start time. */
  readonly onError: (error: unknown, partialText: string, startMs: number) => ProviderError
}

const isCount = (n: unknown): n is number => typeof n === "number" && Number.isFinite(n) && n >= 0

/**
 * The usage of a call: the service's counts when it gave both, else an estimate from the texts, flagged `estimated`.
 */
export const usageOf = (reported: ReportedUsage | undefined, requestText: string, outputText: string): Usage => {
  const input = reported?.inputTokens
  const output = reported?.outputTokens
  const extras = {
    ...(isCount(reported?.cachedInputTokens) && reported.cachedInputTokens > 0 ? { cachedInputTokens: reported.cachedInputTokens } : {}),
    ...(isCount(reported?.reasoningTokens) && reported.reasoningTokens > 0 ? { reasoningTokens: reported.reasoningTokens } : {})
  }
  if (isCount(input) && isCount(output)) return { inputTokens: input, outputTokens: output, ...extras, estimated: false }
  return {
    inputTokens: isCount(input) ? input : approximateTokenCount(requestText),
    outputTokens: isCount(output) ? output : approximateTokenCount(outputText),
    ...extras,
    estimated: true
  }
}

/** Assemble a backend's raw events into contract stream parts (see the module comment). */
export const assembleStream = <R>(events: Stream.Stream<BackendEvent, unknown, R>, setup: AssemblySetup): Stream.Stream<StreamPart, ProviderError, R> =>
  Stream.unwrap(Effect.gen(function*() {
    const startMs = yield* Clock.currentTimeMillis
    const text: Array<string> = []
    let started = false
    let firstTokenMs: number | undefined
    let finishReason: FinishReason | undefined
    let usage: ReportedUsage | undefined
    let model: string | undefined
    let responseId: string | undefined

    const onEvent = (event: BackendEvent): Effect.Effect<ReadonlyArray<StreamPart>> =>
      Effect.gen(function*() {
        if (event._tag === "end") {
          if (event.finishReason !== undefined) finishReason = event.finishReason
          if (event.usage !== undefined) usage = { ...usage, ...event.usage }
          if (event.model !== undefined && event.model !== "") model = event.model
          if (event.responseId !== undefined && event.responseId !== "") responseId = event.responseId
          return []
        }
        if (event.text.length === 0) return []
        if (event._tag === "reasoning") return [{ type: "reasoning-delta", delta: event.text }]
        const parts: Array<StreamPart> = []
        if (!started) {
          started = true
          firstTokenMs = (yield* Clock.currentTimeMillis) - startMs
          parts.push({ type: "text-start" })
        }
        text.push(event.text)
        parts.push({ type: "text-delta", delta: event.text })
        return parts
      })

    const ending = Stream.suspend(() => {
      const reason = finishReason
      if (reason === undefined) {
        return Stream.fail(providerError(
          { _tag: "StreamInterrupted", partialText: text.join("") },
          "The stream ended without its terminator (no finish reason)",
          { provider: setup.provider, model: setup.model }
        ))
      }
      return Stream.fromEffect(Effect.map(Clock.currentTimeMillis, (nowMs): ReadonlyArray<StreamPart> => {
        const totalMs = nowMs - startMs
        const finish: StreamPart = {
          type: "finish",
          finishReason: reason,
          usage: usageOf(usage, setup.requestText, text.join("")),
          provider: setup.provider,
          model: model ?? setup.model,
          timings: { firstTokenMs: firstTokenMs ?? totalMs, totalMs },
          ...(responseId !== undefined ? { responseId } : {})
        }
        return started ? [{ type: "text-end" }, finish] : [{ type: "text-start" }, { type: "text-end" }, finish]
      })).pipe(Stream.flattenIterable)
    })

    return events.pipe(
      Stream.mapError((error) => setup.onError(error, text.join(""), startMs)),
      Stream.mapEffect(onEvent),
      Stream.flattenIterable,
      Stream.concat(ending)
    )
  }))
