/**
 * A scripted model: a `LanguageModel` whose every call follows a script (text, latencies, usage, failure, log-prob)
 * and that logs each call. Its waits are `Effect.sleep`, so `TestClock` drives it and strategy tests are
 * deterministic.
 */
import {
  approximateTokenCount,
  type Completion,
  type CompletionRequest,
  type ErrorReason,
  type ErrorReasonTag,
  type LanguageModel,
  type ModelInfo,
  parseModelId,
  providerError,
  type ProviderError,
  type ProviderKind,
  requestText,
  type StreamPart,
  type ToolCall,
  type Usage
} from "@orch/provider"
import { Clock, Effect, Stream } from "effect"

/** One scripted call: what the model answers and how long it takes. */
export interface ScriptStep {
  /** The answer's text (default "ok"). It is emitted word by word. */
  readonly text?: string
  /** Time to the first token when `firstTokenMs` is not given; for a failure, when it fails. Default 0. */
  readonly latencyMs?: number
  /** Time to the first token (default `latencyMs`, else 0). */
  readonly firstTokenMs?: number
  /** Time between tokens after the first (default 0). */
  readonly perTokenMs?: number
  /** The usage reported on success (defaults: input estimated from the request, output = tokens emitted). */
  readonly usage?: Partial<Usage>
  /** Fail instead of answering: an error, a reason, or a reason tag. */
  readonly fail?: ProviderError | ErrorReason | ErrorReasonTag
  /** With `fail`: fail after this many tokens were emitted (mid-stream). Default 0: before any text. */
  readonly failAfterTokens?: number
  /** The mean log-probability the completion reports. */
  readonly logprob?: number
  /** Tool calls the answer makes: streamed as `tool-call` parts after the text, finish reason `tool-calls`. */
  readonly toolCalls?: ReadonlyArray<ToolCall>
}

/** The script: one step per call (the last repeats), or a function of the call index and request. */
export type Script = ReadonlyArray<ScriptStep> | ((callIndex: number, request: CompletionRequest) => ScriptStep)

/** How a scripted call ended. */
export type ScriptedOutcome = "pending" | "success" | "failure" | "interrupted"

/** The log of one call of a scripted model. */
export interface ScriptedCall {
  readonly index: number
  readonly mode: "generate" | "stream"
  readonly request: CompletionRequest
  /** The script step this call followed. */
  readonly step: ScriptStep
  readonly startedAtMs: number
  endedAtMs?: number
  outcome: ScriptedOutcome
  tokensEmitted: number
}

/** What `scriptedModel` takes. */
export interface ScriptedModelOptions {
  /** `backend/name`, e.g. "local/a". */
  readonly id: string
  readonly kind?: ProviderKind
  readonly script: Script
  /** Extra model info (context window, loaded, pricing). */
  readonly info?: Partial<Omit<ModelInfo, "id" | "name" | "provider" | "kind">>
}

/** A scripted model and its call log. */
export interface ScriptedModel extends LanguageModel {
  /** Every call in the order it started. */
  readonly calls: ReadonlyArray<ScriptedCall>
}

const defaultMessage = (tag: ErrorReasonTag): string => `scripted failure: ${tag}`

const toReason = (tag: ErrorReasonTag): ErrorReason => {
  switch (tag) {
    case "Timeout":
      return { _tag: "Timeout", phase: "total", afterMs: 0 }
    case "ServerError":
      return { _tag: "ServerError", status: 500 }
    case "ModelNotFound":
      return { _tag: "ModelNotFound", modelId: "scripted" }
    case "InvalidRequest":
      return { _tag: "InvalidRequest", issues: ["scripted"] }
    case "StreamInterrupted":
      return { _tag: "StreamInterrupted", partialText: "" }
    case "BudgetExceeded":
      return { _tag: "BudgetExceeded", budget: "scripted", limitUsd: 0, spentUsd: 0, requestedUsd: 0 }
    case "AllAttemptsFailed":
      return { _tag: "AllAttemptsFailed", errors: [] }
    default:
      return { _tag: tag } as ErrorReason
  }
}

const toError = (fail: NonNullable<ScriptStep["fail"]>, provider: string, model: string): ProviderError => {
  if (typeof fail === "string") return providerError(toReason(fail), defaultMessage(fail), { provider, model })
  if ("reason" in fail) return fail
  return providerError(fail, defaultMessage(fail._tag), { provider, model })
}

/** The text split into tokens: words with their trailing space. */
const tokensOf = (text: string): ReadonlyArray<string> => text.match(/\s*\S+\s*|\s+/g) ?? []

/**
 * A `LanguageModel` that follows a script. Each call sleeps (on the Effect clock) to its first token, then between
 * tokens; streams emit `text-start`, one `text-delta` per token, `text-end`, the step's `tool-call` parts and `finish`. `calls` logs each call:
 * its request, start and end times, outcome (interrupted included) and the tokens emitted.
 */
export const scriptedModel = (options: ScriptedModelOptions): ScriptedModel => {
  const parsed = parseModelId(options.id)
  const provider = parsed.backend ?? "scripted"
  const name = parsed.name
  const kind: ProviderKind = options.kind ?? (provider === "local" ? "local" : "cloud")
  const calls: Array<ScriptedCall> = []
  const stepFor = (index: number, request: CompletionRequest): ScriptStep => {
    const script = options.script
    if (typeof script === "function") return script(index, request)
    return script[Math.min(index, script.length - 1)] ?? {}
  }

  /** The scripted call as a stream of parts, logging into `call`. */
  const run = (mode: "generate" | "stream", request: CompletionRequest, onStep?: (step: ScriptStep) => void): Stream.Stream<StreamPart, ProviderError> =>
    Stream.unwrap(Effect.gen(function*() {
      const startedAtMs = yield* Clock.currentTimeMillis
      const index = calls.length
      const step = stepFor(index, request)
      const call: ScriptedCall = { index, mode, request, step, startedAtMs, outcome: "pending", tokensEmitted: 0 }
      calls.push(call)
      onStep?.(step)
      const tokens = tokensOf(step.text ?? (step.toolCalls !== undefined && step.toolCalls.length > 0 ? "" : "ok"))
      const firstTokenMs = step.firstTokenMs ?? step.latencyMs ?? 0
      const perTokenMs = step.perTokenMs ?? 0
      const failAfter = step.fail === undefined ? undefined : Math.min(step.failAfterTokens ?? 0, tokens.length)
      const emitted = failAfter ?? tokens.length
      let firstAt: number | undefined
      const end = (outcome: ScriptedOutcome) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Effect.sync(() => {
            if (call.outcome === "pending") {
              call.outcome = outcome
              call.endedAtMs = now
            }
          }))
      const delta = (i: number): Effect.Effect<StreamPart> =>
        Effect.gen(function*() {
          yield* Effect.sleep(i === 0 ? firstTokenMs : perTokenMs)
          if (i === 0) firstAt = (yield* Clock.currentTimeMillis) - startedAtMs
          call.tokensEmitted++
          return { type: "text-delta", delta: tokens[i] ?? "" }
        })
      const deltas = Stream.fromIterable(Array.from({ length: emitted }, (_, i) => i)).pipe(Stream.mapEffect(delta))
      const tail: Stream.Stream<StreamPart, ProviderError> = step.fail !== undefined
        ? Stream.fromEffect(Effect.gen(function*() {
          if (emitted === 0) yield* Effect.sleep(step.latencyMs ?? firstTokenMs)
          return yield* Effect.fail(toError(step.fail!, provider, name))
        }))
        : Stream.fromEffect(Effect.gen(function*() {
          const now = yield* Clock.currentTimeMillis
          const usage: Usage = {
            inputTokens: step.usage?.inputTokens ?? approximateTokenCount(requestText(request)),
            outputTokens: step.usage?.outputTokens ?? call.tokensEmitted,
            estimated: step.usage?.estimated ?? false,
            ...(step.usage?.cachedInputTokens !== undefined ? { cachedInputTokens: step.usage.cachedInputTokens } : {})
          }
          const finish: StreamPart = {
            type: "finish",
            finishReason: (step.toolCalls?.length ?? 0) > 0 ? "tool-calls" : "stop",
            usage,
            provider,
            model: name,
            timings: { totalMs: now - startedAtMs, ...(firstAt !== undefined ? { firstTokenMs: firstAt } : {}) }
          }
          return finish
        })).pipe(Stream.prepend([
          { type: "text-end" } satisfies StreamPart,
          ...(step.toolCalls ?? []).map((c): StreamPart => ({ type: "tool-call", id: c.id, name: c.name, arguments: c.arguments }))
        ]))
      const body = Stream.concat(deltas, tail)
      const parts = (emitted > 0 || step.fail === undefined ? Stream.prepend(body, [{ type: "text-start" } satisfies StreamPart]) : body)
      return parts.pipe(
        Stream.onExit((exit) =>
          exit._tag === "Success" ? end("success") : end(exit.cause.reasons.every((r) => r._tag === "Interrupt") ? "interrupted" : "failure"))
      )
    }))

  const info: ModelInfo = { id: options.id, name, provider, kind, ...options.info }
  const model: ScriptedModel = {
    id: options.id,
    provider,
    name,
    kind,
    info,
    calls,
    stream: (request) => run("stream", request),
    generate: (request) =>
      Effect.gen(function*() {
        const text: Array<string> = []
        const toolCalls: Array<ToolCall> = []
        let finish: Extract<StreamPart, { type: "finish" }> | undefined
        let step: ScriptStep = {}
        yield* Stream.runForEach(run("generate", request, (s) => (step = s)), (part) =>
          Effect.sync(() => {
            if (part.type === "text-delta") text.push(part.delta)
            else if (part.type === "tool-call") toolCalls.push({ id: part.id, name: part.name, arguments: part.arguments })
            else if (part.type === "finish") finish = part
          }))
        const done = finish!
        const completion: Completion = {
          text: text.join(""),
          finishReason: done.finishReason,
          usage: done.usage,
          provider: done.provider,
          model: done.model,
          timings: done.timings,
          ...(step.logprob !== undefined ? { meanLogprob: step.logprob } : {}),
          ...(toolCalls.length > 0 ? { toolCalls } : {})
        }
        return completion
      })
  }
  return model
}
