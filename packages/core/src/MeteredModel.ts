/**
 * Metering: every call of a model made for a request reserves its worst-case cost against the budgets before it is
 * sent, settles to the real cost when it ends (success, failure or cancelled, with the tokens produced so far), and
 * leaves one ledger record and one entry in the request's attempt list. Each attempt is a traced span with the
 * OpenTelemetry GenAI attribute names and its cost.
 */
import type { CostTrackerShape, Reservation } from "@orch/cost-tracker"
import {
  type AttemptCancelled, type AttemptFailure, type AttemptModel, type AttemptSuccess, type Completion,
  type CompletionRequest, isProviderError, type LanguageModel, newAttemptId, providerError, type ProviderError, type StreamPart
} from "@orch/provider"
import { AttemptRole, ChunkLimits, Deadline } from "@orch/strategies"
import { Cause, Clock, Effect, Exit, Metric, Stream } from "effect"
import type { AttemptSummary } from "./OrchestratedResponse.ts"

/** The request an attempt belongs to, and where its attempts are listed. */
export interface RequestLedger {
  readonly requestId: string
  readonly strategy: string
  readonly taskType?: string
  readonly scopeKey?: string
  /** Attempts in the order they ended. */
  readonly attempts: Array<AttemptSummary>
  /** The next attempt number (1, 2, ...). */
  readonly nextAttempt: () => number
}

/** A fresh ledger for one request. */
export const makeRequestLedger = (fields: Omit<RequestLedger, "attempts" | "nextAttempt">): RequestLedger => {
  let count = 0
  return { ...fields, attempts: [], nextAttempt: () => ++count }
}

const attemptCalls = Metric.counter("orch_attempts_total", { description: "Model calls made by @orch, by outcome" })
const attemptErrors = Metric.counter("orch_attempt_errors_total", { description: "Model calls that failed" })
const attemptLatency = Metric.histogram("orch_attempt_latency_ms", {
  description: "Latency of model calls in milliseconds",
  boundaries: Metric.exponentialBoundaries({ start: 1, factor: 2, count: 18 })
})
const attemptCost = Metric.counter("orch_cost_usd_total", { description: "Known cost of model calls in USD" })

type EndEvent = AttemptSuccess | AttemptFailure | AttemptCancelled

/** The metrics of one provider, model and outcome, made once (building attributed metrics costs per call). */
const seriesCache = new Map<string, { calls: typeof attemptCalls; errors: typeof attemptErrors; latency: typeof attemptLatency; cost: typeof attemptCost }>()
const seriesOf = (provider: string, model: string, outcome: string) => {
  const key = `${provider}\u0000${model}\u0000${outcome}`
  let series = seriesCache.get(key)
  if (series === undefined) {
    const attributes = { provider, model, outcome }
    series = {
      calls: Metric.withAttributes(attemptCalls, attributes),
      errors: Metric.withAttributes(attemptErrors, attributes),
      latency: Metric.withAttributes(attemptLatency, attributes),
      cost: Metric.withAttributes(attemptCost, attributes)
    }
    if (seriesCache.size < 10_000) seriesCache.set(key, series)
  }
  return series
}

interface Progress {
  readonly text: Array<string>
  finish?: Extract<StreamPart, { type: "finish" }>
}

/** How close to a limit an interruption must come to count as that limit firing (clocks tick in milliseconds). */
const limitToleranceMs = 25

/**
 * Why an interrupted call was cut, when a limit above it did it: the strategies' first-token limit (no text yet, at
 * the limit) or the call's total deadline. Then the ledger says Timeout, as the strategy's own event does;
 * otherwise (a race lost, a quorum reached, the caller's cancel) the attempt was cancelled.
 */
const interruptionTimeout = (latencyMs: number, progress: Progress): Effect.Effect<ProviderError | undefined> =>
  Effect.gen(function*() {
    const limits = yield* ChunkLimits
    if (progress.text.length === 0 && limits.firstTokenMs !== undefined && latencyMs >= limits.firstTokenMs - limitToleranceMs) {
      return providerError({ _tag: "Timeout", phase: "first-token", afterMs: limits.firstTokenMs }, `No first token within ${limits.firstTokenMs} ms`)
    }
    const deadline = yield* Deadline
    const now = yield* Clock.currentTimeMillis
    if (deadline !== undefined && now >= deadline - limitToleranceMs) {
      return providerError({ _tag: "Timeout", phase: "total", afterMs: latencyMs }, "The total deadline passed")
    }
    return undefined
  })

const endEvent = <A>(
  exit: Exit.Exit<A, ProviderError>,
  base: { readonly attemptId: number; readonly model: AttemptModel; readonly role: string },
  latencyMs: number,
  completion: Completion | undefined,
  progress: Progress
): Effect.Effect<EndEvent> => {
  if (Exit.isSuccess(exit)) {
    const usage = completion?.usage ?? progress.finish?.usage ?? { inputTokens: 0, outputTokens: 0, estimated: true }
    return Effect.succeed({ _tag: "AttemptSuccess", ...base, latencyMs, usage })
  }
  const error = Cause.findErrorOption(exit.cause)
  if (error._tag === "Some" && isProviderError(error.value)) return Effect.succeed({ _tag: "AttemptFailure", ...base, latencyMs, error: error.value })
  return Effect.map(interruptionTimeout(latencyMs, progress), (timeout): EndEvent =>
    timeout === undefined
      ? { _tag: "AttemptCancelled", ...base, latencyMs }
      : { _tag: "AttemptFailure", ...base, latencyMs, error: timeout })
}

/**
 * Settle the reservation with the attempt's end and list it. A ledger that cannot be written is logged, not
 * allowed to lose an answer already paid for.
 */
const settleAttempt = (
  tracker: CostTrackerShape,
  ledger: RequestLedger,
  reservation: Reservation,
  attempt: number,
  event: EndEvent,
  outputText: string | undefined
): Effect.Effect<void> =>
  Effect.gen(function*() {
    const record = yield* tracker.settle(reservation, event, outputText !== undefined ? { outputText } : {})
    const costUsd = record.costNanos === null ? null : record.costNanos / 1_000_000_000
    const error = event._tag === "AttemptFailure" ? event.error : undefined
    ledger.attempts.push({
      attempt,
      provider: event.model.provider,
      model: event.model.name,
      kind: event.model.kind,
      role: event.role,
      outcome: record.outcome,
      ...(record.errorReason !== undefined ? { error: record.errorReason } : {}),
      ...(error !== undefined ? { errorMessage: error.message } : {}),
      latencyMs: event.latencyMs,
      inputTokens: record.inputTokens,
      outputTokens: record.outputTokens,
      estimated: record.estimated,
      costUsd
    })
    const series = seriesOf(event.model.provider, event.model.name, record.outcome)
    yield* Metric.update(series.calls, 1)
    yield* Metric.update(series.latency, event.latencyMs)
    if (record.outcome === "failure") yield* Metric.update(series.errors, 1)
    if (costUsd !== null) yield* Metric.update(series.cost, costUsd)
    yield* Effect.annotateCurrentSpan({
      "gen_ai.usage.input_tokens": record.inputTokens,
      "gen_ai.usage.output_tokens": record.outputTokens,
      "orch.attempt.outcome": record.outcome,
      "orch.attempt.cost_usd": costUsd ?? -1,
      ...(record.errorReason !== undefined ? { "error.type": record.errorReason } : {})
    })
  }).pipe(Effect.catchCause((cause) => Effect.logError("@orch/core: could not record an attempt in the ledger", cause)))

const spanAttributes = (model: LanguageModel, request: CompletionRequest, ledger: RequestLedger, attempt: number, role: string) => ({
  "gen_ai.operation.name": "chat",
  "gen_ai.system": model.provider,
  "gen_ai.request.model": model.name,
  ...(request.maxTokens !== undefined ? { "gen_ai.request.max_tokens": request.maxTokens } : {}),
  ...(request.temperature !== undefined ? { "gen_ai.request.temperature": request.temperature } : {}),
  "orch.request.id": ledger.requestId,
  "orch.attempt.number": attempt,
  "orch.attempt.role": role,
  "orch.strategy": ledger.strategy,
  ...(ledger.taskType !== undefined ? { "orch.task.type": ledger.taskType } : {})
})

/** The model with every call metered against `tracker` and listed in `ledger`. */
export const meterModel = (model: LanguageModel, tracker: CostTrackerShape, ledger: RequestLedger): LanguageModel => {
  const attemptModel: AttemptModel = { id: model.id, provider: model.provider, name: model.name, kind: model.kind }
  const reserve = (request: CompletionRequest) =>
    Effect.gen(function*() {
      const attempt = ledger.nextAttempt()
      const role = yield* AttemptRole
      const reservation = yield* tracker.reserve({
        requestId: ledger.requestId,
        attempt,
        model: attemptModel,
        request,
        strategy: ledger.strategy,
        ...(ledger.taskType !== undefined ? { taskType: ledger.taskType } : {}),
        ...(ledger.scopeKey !== undefined ? { scopeKey: ledger.scopeKey } : {})
      })
      yield* Effect.annotateCurrentSpan(spanAttributes(model, request, ledger, attempt, role))
      const startedAt = yield* Clock.currentTimeMillis
      return { attempt, role, reservation, startedAt, base: { attemptId: newAttemptId(), model: attemptModel, role } }
    })

  const generate = (request: CompletionRequest): Effect.Effect<Completion, ProviderError> =>
    Effect.uninterruptibleMask((restore) =>
      Effect.gen(function*() {
        const started = yield* reserve(request)
        const exit = yield* Effect.exit(restore(model.generate(request)))
        const latencyMs = (yield* Clock.currentTimeMillis) - started.startedAt
        const completion = Exit.isSuccess(exit) ? exit.value : undefined
        const event = yield* endEvent(exit, started.base, latencyMs, completion, { text: [] })
        yield* settleAttempt(tracker, ledger, started.reservation, started.attempt, event, completion?.text)
        return yield* exit
      }).pipe(Effect.withSpan(`orch.attempt ${model.id}`, { kind: "client" }, { captureStackTrace: false }))
    )

  const stream = (request: CompletionRequest): Stream.Stream<StreamPart, ProviderError> =>
    Stream.unwrap(
      Effect.map(reserve(request), (started) => {
        const progress: Progress = { text: [] }
        return model.stream(request).pipe(
          Stream.tap((part) =>
            Effect.sync(() => {
              if (part.type === "text-delta") progress.text.push(part.delta)
              else if (part.type === "finish") progress.finish = part
            })),
          Stream.onExit((exit) =>
            Effect.flatMap(Clock.currentTimeMillis, (now) =>
              Effect.flatMap(endEvent(exit, started.base, now - started.startedAt, undefined, progress), (event) =>
                settleAttempt(tracker, ledger, started.reservation, started.attempt, event, progress.text.join("")))))
        )
      })
    ).pipe(Stream.withSpan(`orch.attempt ${model.id}`, { kind: "client", captureStackTrace: false }))

  return { ...model, generate, stream }
}
