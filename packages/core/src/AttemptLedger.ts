/**
 * The core's attempt hook: before each attempt a strategy sends, reserve its worst-case cost against the budgets
 * (a hard budget refuses it, and nothing is sent); when the attempt ends, settle the reservation to its real cost
 * with the outcome the strategy decided (success, failure with the limit that cut it, or cancelled, with the text so
 * far), list it in the request's attempts and count it in the metrics. A reservation is released whatever ends the
 * attempt, including an interruption while the reservation itself is in flight. Attempt spans (with the
 * OpenTelemetry GenAI attribute names) are made only when a tracer is installed.
 */
import { type AttemptRecord, type CostTrackerShape, immediateTrackerOf, type ImmediateTracker, type Reservation, type ReserveInput, reservesAtOnce } from "@orch/cost-tracker"
import type { ProviderError } from "@orch/provider"
import { type AttemptEnd, type AttemptHook, type AttemptOutcome, type AttemptStartInfo, deadlineError, remainingMs } from "@orch/strategies"
import { type Cause, Clock, Context, Effect, Exit, Fiber, Metric, Tracer } from "effect"
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

/** A request's ledger: its fields as given, its attempts, and the count of attempts started. */
class Ledger implements RequestLedger {
  readonly requestId: string
  readonly strategy: string
  readonly attempts: Array<AttemptSummary> = []
  readonly taskType?: string
  readonly scopeKey?: string
  #started = 0
  constructor(requestId: string, strategy: string, taskType: string | undefined, scopeKey: string | undefined) {
    this.requestId = requestId
    this.strategy = strategy
    if (taskType !== undefined) this.taskType = taskType
    if (scopeKey !== undefined) this.scopeKey = scopeKey
  }
  nextAttempt(): number {
    return ++this.#started
  }
}

/** A fresh ledger for one request (a field given as undefined is left out). */
export const makeRequestLedger = (fields: { readonly requestId: string; readonly strategy: string; readonly taskType?: string | undefined; readonly scopeKey?: string | undefined }): RequestLedger =>
  new Ledger(fields.requestId, fields.strategy, fields.taskType, fields.scopeKey)

const attemptCalls = Metric.counter("orch_attempts_total", { description: "Model calls made by @orch, by outcome" })
const attemptErrors = Metric.counter("orch_attempt_errors_total", { description: "Model calls that failed" })
const attemptLatency = Metric.histogram("orch_attempt_latency_ms", {
  description: "Latency of model calls in milliseconds",
  boundaries: Metric.exponentialBoundaries({ start: 1, factor: 2, count: 18 })
})
const attemptCost = Metric.counter("orch_cost_usd_total", { description: "Known cost of model calls in USD" })

/**
 * The attributes of one provider, model and outcome, and the context of an update with them: the context's own metric
 * attributes with these over them, as `Metric.withAttributes` adds them (merged once per set of context attributes).
 * The four attempt metrics of an attempt share one such context: one change of context per attempt, not one per metric.
 */
interface Series {
  readonly attributes: Readonly<Record<string, string>>
  inContext: Readonly<Record<string, string>> | undefined
  merged: Readonly<Record<string, string>>
  /** The last context given, and the one made from it (calls of one orchestrator usually share their context). */
  lastContext: Context.Context<never> | undefined
  lastAttributed: Context.Context<never> | undefined
}

/** `context` with `series`' attributes over its own. */
const withSeries = (context: Context.Context<never>, series: Series): Context.Context<never> => {
  if (context === series.lastContext) return series.lastAttributed!
  const inContext = Context.get(context, Metric.CurrentMetricAttributes)
  if (inContext !== series.inContext) {
    series.inContext = inContext
    series.merged = { ...inContext, ...series.attributes }
  }
  const attributed = Context.add(context, Metric.CurrentMetricAttributes, series.merged)
  series.lastContext = context
  series.lastAttributed = attributed
  return attributed
}

/** The metric series of one provider, model and outcome, made once per hook owner. */
const makeSeries = () => {
  // By provider, then model, then outcome: found without building a key per attempt.
  const cache = new Map<string, Map<string, Map<string, Series>>>()
  let size = 0
  return (provider: string, model: string, outcome: string): Series => {
    const found = cache.get(provider)?.get(model)?.get(outcome)
    if (found !== undefined) return found
    const attributes = { provider, model, outcome }
    const series: Series = { attributes, inContext: undefined, merged: attributes, lastContext: undefined, lastAttributed: undefined }
    if (size < 10_000) {
      let byModel = cache.get(provider)
      if (byModel === undefined) cache.set(provider, byModel = new Map())
      let byOutcome = byModel.get(model)
      if (byOutcome === undefined) byModel.set(model, byOutcome = new Map())
      byOutcome.set(outcome, series)
      size++
    }
    return series
  }
}

/**
 * Reserve so that neither the deadline nor an interruption while the reservation is in flight leaks it: the
 * reservation runs in its own fiber (finishing at once for an in-memory ledger); a caller that stops waiting (the
 * deadline in scope passed, or it was interrupted) leaves it to finish and be released. A tracker that reserves at
 * once (see `reservesAtOnce`) needs none of it: its reservation is made and answered in one synchronous step.
 */
const reserveReleasingLate = (tracker: CostTrackerShape, reserve: Effect.Effect<Reservation, ProviderError>): Effect.Effect<Reservation, ProviderError> =>
  Effect.uninterruptibleMask((restore) =>
    Effect.flatMap(Effect.forkDetach(reserve, { startImmediately: true }), (fiber) => {
      const done = fiber.pollUnsafe()
      if (done !== undefined) return done
      const releaseLate = Effect.forkDetach(Effect.flatMap(Fiber.await(fiber), (exit) => (Exit.isSuccess(exit) ? Effect.ignore(tracker.release(exit.value)) : Effect.void)))
      const waited = Effect.flatMap(remainingMs, (remaining) =>
        remaining === undefined ? Fiber.join(fiber) : Effect.timeoutOrElse(Fiber.join(fiber), {
          duration: remaining,
          orElse: () => Effect.andThen(releaseLate, Effect.fail(deadlineError(remaining)))
        }))
      return restore(waited).pipe(Effect.onInterrupt(() => releaseLate))
    }))

/** The owner of the ledger hooks of an orchestrator: its metric series, and a hook per request. */
export const makeAttemptLedger = (tracker: CostTrackerShape) => {
  const seriesOf = makeSeries()
  const atOnce = reservesAtOnce(tracker)
  const immediate = immediateTrackerOf(tracker)

  /** List a settled attempt in the request's attempts and count it in the metrics (series updated in place). */
  const listed = (ledger: RequestLedger, attempt: number, event: AttemptOutcome, record: AttemptRecord, context: Context.Context<never>): void => {
    const costUsd = record.costNanos === null ? null : record.costNanos / 1_000_000_000
    const model = event.model
    // One literal per case (no temporary object per optional field); a failure or a cancel names its reason.
    ledger.attempts.push(record.errorReason === undefined
      ? {
        attempt, provider: model.provider, model: model.name, kind: model.kind, role: event.role, outcome: record.outcome,
        latencyMs: event.latencyMs, inputTokens: record.inputTokens, outputTokens: record.outputTokens, estimated: record.estimated, costUsd
      }
      : event._tag === "AttemptFailure"
      ? {
        attempt, provider: model.provider, model: model.name, kind: model.kind, role: event.role, outcome: record.outcome,
        error: record.errorReason, errorMessage: event.error.message,
        latencyMs: event.latencyMs, inputTokens: record.inputTokens, outputTokens: record.outputTokens, estimated: record.estimated, costUsd
      }
      : {
        attempt, provider: model.provider, model: model.name, kind: model.kind, role: event.role, outcome: record.outcome,
        error: record.errorReason,
        latencyMs: event.latencyMs, inputTokens: record.inputTokens, outputTokens: record.outputTokens, estimated: record.estimated, costUsd
      })
    const attributed = withSeries(context, seriesOf(model.provider, model.name, record.outcome))
    attemptCalls.updateUnsafe(1, attributed)
    attemptLatency.updateUnsafe(event.latencyMs, attributed)
    if (record.outcome === "failure") attemptErrors.updateUnsafe(1, attributed)
    if (costUsd !== null) attemptCost.updateUnsafe(costUsd, attributed)
  }

  const notRecorded = (cause: Cause.Cause<ProviderError>) => Effect.logError("@orch/core: could not record an attempt in the ledger", cause)

  /** Settle a tracker's effect that did not answer at once: listed when it ends, a failure logged (settling never fails). */
  const listedWhenSettled = (ledger: RequestLedger, attempt: number, outcome: AttemptOutcome, settled: Effect.Effect<AttemptRecord, ProviderError>, context: Context.Context<never>): Effect.Effect<void> =>
    Effect.matchCauseEffect(settled, { onFailure: notRecorded, onSuccess: (record) => Effect.sync(() => listed(ledger, attempt, outcome, record, context)) })

  // The outcome is the event with its text: the tracker reads the event's fields by name, the text as given here.
  const settle = (ledger: RequestLedger, reservation: Reservation, attempt: number, outcome: AttemptOutcome): Effect.Effect<void> =>
    Effect.contextWith((context: Context.Context<never>) => listedWhenSettled(ledger, attempt, outcome, tracker.settle(reservation, outcome, { outputText: outcome.text }), context))

  /**
   * On a tracker that reserves at once, with no tracer installed: the attempt is reserved and settled in the steps of
   * the attempt itself (no step of their own when the tracker answers at once, which it does unless it has a warning
   * to log or tokens to count), at the times the attempt read from its clock, with the metrics in `context`.
   */
  const hookNow = (ledger: RequestLedger, info: AttemptStartInfo, immediate: ImmediateTracker, context: Context.Context<never>): Effect.Effect<AttemptEnd, ProviderError> => {
    const attempt = ledger.nextAttempt()
    const end = (reservation: Reservation): AttemptEnd => (outcome) => {
      const settled = immediate.settleAt(reservation, outcome, { outputText: outcome.text }, info.startedAtMs + outcome.latencyMs)
      if (!Exit.isExit(settled)) return listedWhenSettled(ledger, attempt, outcome, settled, context)
      const exit = settled as Exit.Exit<AttemptRecord, ProviderError>
      if (Exit.isFailure(exit)) return notRecorded(exit.cause)
      listed(ledger, attempt, outcome, exit.value, context)
      return Effect.void
    }
    const reserved = immediate.reserveAt(reserveInput(ledger, info, attempt), info.startedAtMs)
    if (!Exit.isExit(reserved)) return Effect.map(reserved, end)
    const exit = reserved as Exit.Exit<Reservation, ProviderError>
    return Exit.isSuccess(exit) ? Exit.succeed(end(exit.value)) : Exit.failCause(exit.cause)
  }

  /** What the tracker is asked to reserve for an attempt (the ledger's optional fields only when set). */
  const reserveInput = (ledger: RequestLedger, info: AttemptStartInfo, attempt: number): ReserveInput => {
    const input: ReserveInput = { requestId: ledger.requestId, attempt, model: info.model, request: info.request, strategy: ledger.strategy }
    if (ledger.taskType !== undefined) (input as { taskType?: string }).taskType = ledger.taskType
    if (ledger.scopeKey !== undefined) (input as { scopeKey?: string }).scopeKey = ledger.scopeKey
    return input
  }

  /** The span of an attempt (made only when a tracer is installed), with the OpenTelemetry GenAI attribute names. */
  const spanOf = (ledger: RequestLedger, info: AttemptStartInfo, attempt: number) => {
    const request = info.request
    return Effect.makeSpan(`orch.attempt ${info.model.id}`, {
      kind: "client",
      attributes: {
        "gen_ai.operation.name": "chat",
        "gen_ai.system": info.model.provider,
        "gen_ai.request.model": info.model.name,
        ...(request.maxTokens !== undefined ? { "gen_ai.request.max_tokens": request.maxTokens } : {}),
        ...(request.temperature !== undefined ? { "gen_ai.request.temperature": request.temperature } : {}),
        "orch.request.id": ledger.requestId,
        "orch.attempt.number": attempt,
        "orch.attempt.role": info.role,
        "orch.strategy": ledger.strategy,
        ...(ledger.taskType !== undefined ? { "orch.task.type": ledger.taskType } : {})
      }
    })
  }

  /**
   * The hook of one request: every attempt under it reserved, settled and listed in `ledger`. `context`, when given,
   * is the request's context, read once by the caller: with no tracer installed in it, on a tracker that reserves at
   * once, each attempt is then reserved and settled in its own steps (its metrics counted in that context). Without
   * it, each attempt reads the tracer and the metrics in its own scope.
   */
  const hookFor = (ledger: RequestLedger, context?: Context.Context<never>): AttemptHook => {
    if (context !== undefined && immediate !== undefined && Context.get(context, Tracer.Tracer) === Tracer.nativeTracer) {
      return (info) => hookNow(ledger, info, immediate, context)
    }
    return (info) => Effect.flatMap(Tracer.Tracer, (tracer) => hookWith(ledger, info, tracer))
  }

  const hookWith = (ledger: RequestLedger, info: AttemptStartInfo, tracer: Tracer.Tracer): Effect.Effect<AttemptEnd, ProviderError> => {
    const attempt = ledger.nextAttempt()
    const reservation = tracker.reserve(reserveInput(ledger, info, attempt))
    const reserve = atOnce ? reservation : reserveReleasingLate(tracker, reservation)
    // With no tracer installed (the native one records nothing anyone reads), no span is made.
    if (tracer === Tracer.nativeTracer) return Effect.map(reserve, (reservation): AttemptEnd => (outcome) => settle(ledger, reservation, attempt, outcome))
    return Effect.flatMap(spanOf(ledger, info, attempt), (span) =>
      Effect.flatMap(Effect.exit(reserve), (reserved): Effect.Effect<AttemptEnd, ProviderError> => {
        if (Exit.isFailure(reserved)) return Effect.andThen(Effect.flatMap(Clock.currentTimeNanos, (now) => Effect.sync(() => span.end(now, reserved))), Effect.failCause(reserved.cause))
        const reservation = reserved.value
        return Effect.succeed((outcome) =>
          Effect.andThen(settle(ledger, reservation, attempt, outcome), Effect.sync(() => {
            const last = ledger.attempts[ledger.attempts.length - 1]
            if (last !== undefined && last.attempt === attempt) {
              span.attribute("gen_ai.usage.input_tokens", last.inputTokens)
              span.attribute("gen_ai.usage.output_tokens", last.outputTokens)
              span.attribute("orch.attempt.outcome", last.outcome)
              span.attribute("orch.attempt.cost_usd", last.costUsd ?? -1)
              if (last.error !== undefined) span.attribute("error.type", last.error)
            }
            span.end(BigInt(info.startedAtMs + outcome.latencyMs) * 1_000_000n, outcome._tag === "AttemptFailure" ? Exit.fail(outcome.error) : Exit.void)
          })))
      }))
  }

  return { hookFor }
}
