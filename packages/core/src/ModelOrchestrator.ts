/**
 * The ModelOrchestrator: the one service an application talks to. Every call is validated, classified and routed
 * (or given a task type or model), planned as a named strategy over metered models, run under one total deadline,
 * and answered with the text, the decision, and every attempt with its cost.
 */
import { CostTracker, type CostTrackerShape } from "@orch/cost-tracker"
import {
  collectStream, type Completion, type CompletionRequest, invalidRequest, isProviderError, type LanguageModel, type ModelInfo,
  providerError, type ProviderError, type StreamPart, type ToolCall, validateRequest, withStructuredOutput
} from "@orch/provider"
import {
  chain, ChunkLimits, guardStream, makePlan, namedStrategy, parseEnsembleMode, parseStrategy, type Plan, race, retry, type Strategy, vote, withDeadline,
  withDeadlineStream
} from "@orch/strategies"
import { type Classification, decideRoute, parseTaskType, type RoutingDecision, TaskRouter, type TaskRouterShape, type TaskType } from "@orch/task-router"
import { Clock, Context, Effect, Layer, Metric, type Scope, Stream } from "effect"
import { capableModels } from "./Capabilities.ts"
import { makeModelCatalog, type ModelCatalog, type ProviderStatus } from "./ModelCatalog.ts"
import { makeRequestLedger, meterModel, type RequestLedger } from "./MeteredModel.ts"
import type { AttemptSummary, EnsembleMember, EnsembleResponse, OrchestratedResponse, RoutingSummary, TaskTypeSource } from "./OrchestratedResponse.ts"
import { budgetsOf, type CallOptions, type EnsembleOptions, orchestratorOptionIssues, type OrchestratorOptions, type PromptInput, toRequest } from "./OrchestratorOptions.ts"

/** A part of an orchestrated stream: text as it comes, each tool call once complete, then the whole response. */
export type OrchestratedStreamPart =
  | { readonly type: "text-delta"; readonly delta: string }
  | { readonly type: "tool-call"; readonly id: string; readonly name: string; readonly arguments: Readonly<Record<string, unknown>> }
  | { readonly type: "response"; readonly response: OrchestratedResponse }

/** What the orchestrator offers. Every method's errors are `ProviderError`s with a typed reason. */
export interface ModelOrchestratorShape {
  /** One answer, by the strategy asked (default AUTO: classified, routed). */
  readonly complete: (input: PromptInput, options?: CallOptions) => Effect.Effect<OrchestratedResponse, ProviderError>
  /** The answer as text deltas, then a `response` part with the same metadata as `complete`. */
  readonly stream: (input: PromptInput, options?: CallOptions) => Stream.Stream<OrchestratedStreamPart, ProviderError>
  /** Several models on one prompt: VOTE, CHAIN or PARALLEL. */
  readonly ensemble: (input: PromptInput, options?: EnsembleOptions) => Effect.Effect<EnsembleResponse, ProviderError>
  /** Hand a task to whatever the routing table says suits it (AUTO), the decision in the response. */
  readonly delegate: (task: PromptInput, options?: Omit<CallOptions, "strategy">) => Effect.Effect<OrchestratedResponse, ProviderError>
  /** Every provider's availability and models. */
  readonly providers: Effect.Effect<ReadonlyArray<ProviderStatus>>
  /** The models that can be called now. */
  readonly models: Effect.Effect<ReadonlyArray<ModelInfo>>
  /** The cost tracker (summaries, exports, budget status). */
  readonly costs: CostTrackerShape
}

/** The orchestrator service. Build it with `ModelOrchestrator.layer(options)`. */
export class ModelOrchestrator extends Context.Service<ModelOrchestrator, ModelOrchestratorShape>()("@orch/core/ModelOrchestrator") {
  /**
   * The orchestrator over the `CostTracker` and `TaskRouter` in context (provide your own), closing the
   * providers with the layer's scope.
   */
  static readonly layerWith = (options: OrchestratorOptions): Layer.Layer<ModelOrchestrator, never, CostTracker | TaskRouter> =>
    Layer.effect(ModelOrchestrator, makeOrchestrator(options))

  /**
   * The orchestrator with its cost tracker (ledger from `options.ledger`, in memory by default; budgets from
   * `options.costs` and `options.budgetUsd`) and its task router (`options.routes`, `options.classifier`).
   * Fails with InvalidRequest on invalid routes or budgets; the ledger and providers close with the layer.
   */
  static readonly layer = (options: OrchestratorOptions): Layer.Layer<ModelOrchestrator, ProviderError> => {
    const issues = orchestratorOptionIssues(options)
    if (issues.length > 0) return Layer.effect(ModelOrchestrator, Effect.fail(invalidRequest(issues.map((issue) => `orchestrator options: ${issue}`))))
    const costOptions = { ...options.costs, budgets: budgetsOf(options) }
    const ledger = options.ledger ?? { type: "memory" }
    const costs = ledger.type === "sqlite"
      ? CostTracker.layerSqlite(ledger.path, costOptions)
      : ledger.type === "redis"
        ? CostTracker.layerRedis({ url: ledger.url, ...(ledger.prefix !== undefined ? { prefix: ledger.prefix } : {}) }, costOptions)
        : CostTracker.layerMemory(costOptions)
    const router = TaskRouter.layer({ ...options.classifier, ...(options.routes !== undefined ? { routes: options.routes } : {}) })
    return ModelOrchestrator.layerWith(options).pipe(Layer.provide(Layer.merge(costs, router)))
  }
}

const requestsTotal = Metric.counter("orch_requests_total", { description: "Calls to the orchestrator" })
const requestErrors = Metric.counter("orch_request_errors_total", { description: "Calls to the orchestrator that failed" })
const requestLatency = Metric.histogram("orch_request_latency_ms", {
  description: "Latency of orchestrator calls in milliseconds",
  boundaries: Metric.exponentialBoundaries({ start: 1, factor: 2, count: 18 })
})

const defaultDeadlineMs = 120_000
const defaultMaxModelsPerKind = 3

/**
 * The error when no model can take a call: Unavailable with each provider's reason when providers of the kind
 * needed are configured but down, else ModelNotFound with the configuration that would add one.
 */
const noModels = (strategy: Strategy | "model", statuses: ReadonlyArray<ProviderStatus>): ProviderError => {
  const kind = strategy === "local_only" ? "local" : strategy === "cloud_only" ? "cloud" : undefined
  const relevant = statuses.filter((s) => kind === undefined || s.kind === kind)
  const down = relevant.filter((s) => !s.availability.available || s.listError !== undefined)
  if (down.length > 0) {
    const why = down.map((s) => `${s.name}: ${s.listError ?? s.availability.reason ?? "not available"}`).join("; ")
    return providerError({ _tag: "Unavailable", cause: why }, `${noModelsHint(strategy)}. ${why}`)
  }
  return providerError({ _tag: "ModelNotFound", modelId: "any" }, noModelsHint(strategy))
}

const noModelsHint = (strategy: Strategy | "model"): string => {
  if (strategy === "local_only") return "LOCAL_ONLY needs a local provider; none is available: set OLLAMA_HOST, VLLM_BASE_URL or ORCH_LLAMA_MODEL (and check the server is running)"
  if (strategy === "cloud_only") return "CLOUD_ONLY needs a cloud provider; none is available: set OPENAI_API_KEY, ANTHROPIC_API_KEY or LIGHTNING_API_KEY"
  return "No model is available: configure a local provider (OLLAMA_HOST, VLLM_BASE_URL, ORCH_LLAMA_MODEL) or a cloud key (OPENAI_API_KEY, ANTHROPIC_API_KEY, LIGHTNING_API_KEY)"
}

/** The classification of a request, or the given task type as a certain one. */
const classifyRequest = (router: TaskRouterShape, request: CompletionRequest, taskType: string | undefined) =>
  Effect.gen(function*() {
    if (taskType !== undefined) {
      const parsed = parseTaskType(taskType)
      if (parsed === undefined) {
        return yield* Effect.fail(invalidRequest([`unknown task type "${taskType.slice(0, 40)}": use one of code_generation, code_review, reasoning, summarization, error_diagnosis, data_interpretation, workflow_generation, general`]))
      }
      const scores = Object.fromEntries(Object.keys(router.table).map((t) => [t, t === parsed ? 1 : 0])) as Record<TaskType, number>
      const given: Classification = { taskType: parsed, confidence: 1, scores, signals: [], classifiedBy: "signals" }
      return { classification: given, source: "given" as TaskTypeSource }
    }
    const input = request.messages !== undefined && request.messages.length > 0
      ? [...request.messages, ...(request.prompt !== undefined ? [{ role: "user" as const, content: request.prompt }] : [])]
      : request.prompt ?? ""
    const classification = yield* router.classify(input)
    return { classification, source: "classified" as TaskTypeSource }
  }).pipe(Effect.withSpan("orch.classify", {}, { captureStackTrace: false }))

/** Everything decided before the first model is called. */
interface Prepared {
  readonly requestId: string
  readonly request: CompletionRequest
  readonly strategyRequested: string
  readonly strategy: Strategy | "model"
  readonly routing: RoutingSummary
  readonly ledger: RequestLedger
  readonly local: ReadonlyArray<LanguageModel>
  readonly cloud: ReadonlyArray<LanguageModel>
  readonly deadlineMs: number
  readonly startedAt: number
  readonly scorers?: CallOptions["scorers"]
}

/** Build an orchestrator over the cost tracker and router in context. */
export const makeOrchestrator = (options: OrchestratorOptions): Effect.Effect<ModelOrchestratorShape, never, CostTracker | TaskRouter | Scope.Scope> =>
  Effect.gen(function*() {
    const tracker = yield* CostTracker
    const router = yield* TaskRouter
    const catalog: ModelCatalog = yield* makeModelCatalog(options.providers)
    const maxPerKind = options.maxModelsPerKind ?? defaultMaxModelsPerKind
    const defaultStrategy = options.strategy ?? "auto"

    yield* Effect.addFinalizer(() =>
      Effect.forEach(options.providers, (p) => p.close ?? Effect.void, { discard: true }))

    const resolveAll = (ids: ReadonlyArray<string>) =>
      Effect.forEach(ids, (id) => Effect.result(catalog.resolve(id)), { concurrency: "unbounded" }).pipe(
        Effect.map((results) => results.flatMap((r) => (r._tag === "Success" ? [r.success] : [])))
      )

    // Models the caller named must all exist: an unknown id is an error naming it, never quietly dropped (a two-model
    // vote would become samples of the one model left).
    const resolveNamed = (ids: ReadonlyArray<string>) =>
      Effect.forEach(ids, (id) => Effect.result(catalog.resolve(id)), { concurrency: "unbounded" }).pipe(
        Effect.flatMap((results) => {
          const failed = results.flatMap((r, i) => (r._tag === "Failure" ? [{ id: ids[i]!, error: r.failure }] : []))
          if (failed.length === 0) return Effect.succeed(results.flatMap((r) => (r._tag === "Success" ? [r.success] : [])))
          if (failed.length === 1) return Effect.fail(failed[0]!.error)
          return Effect.fail(providerError({ _tag: "ModelNotFound", modelId: failed[0]!.id }, `${failed.length} of the models named cannot be called: ${failed.map((f) => `${f.id} (${f.error.message})`).join("; ")}`))
        })
      )

    const prepare = (input: PromptInput, callOptions: CallOptions, forced?: { readonly strategy: string }) =>
      Effect.gen(function*() {
        const startedAt = yield* Clock.currentTimeMillis
        const requestId = crypto.randomUUID()
        const request = yield* validateRequest(toRequest(input, callOptions))
        const strategyRequested = forced?.strategy ?? callOptions.strategy ?? defaultStrategy
        const strategyName = yield* parseStrategy(strategyRequested)
        const deadlineMs = callOptions.deadlineMs ?? options.deadlineMs ?? defaultDeadlineMs
        if (!(deadlineMs > 0) || !Number.isFinite(deadlineMs)) return yield* Effect.fail(invalidRequest([`deadlineMs must be a positive number of milliseconds, not ${deadlineMs}`]))
        const { classification, source } = yield* classifyRequest(router, request, callOptions.taskType)
        const available = yield* catalog.available

        let models: ReadonlyArray<LanguageModel>
        let routing: RoutingSummary
        let prepared: CompletionRequest = request
        let strategy: Strategy | "model" = strategyName
        if (callOptions.model !== undefined) {
          models = [yield* catalog.resolve(callOptions.model)]
          strategy = "model"
          routing = { taskType: classification.taskType, confidence: classification.confidence, source, models: [callOptions.model], routeStrategy: "model", reason: `The caller asked for ${callOptions.model}.`, ...(source === "classified" ? { classifiedBy: classification.classifiedBy } : {}) }
        } else if (callOptions.models !== undefined && callOptions.models.length > 0) {
          models = yield* resolveNamed(callOptions.models)
          routing = { taskType: classification.taskType, confidence: classification.confidence, source, models: callOptions.models, routeStrategy: strategyName, reason: `The caller named the models: ${callOptions.models.join(", ")}.`, ...(source === "classified" ? { classifiedBy: classification.classifiedBy } : {}) }
          if (strategyName === "auto") strategy = "local_first"
        } else {
          const decided = decideRoute(classification, request, available, router.table)
          if (isProviderError(decided)) {
            return yield* Effect.fail(decided.reason._tag === "ModelNotFound" ? noModels(strategyName, yield* catalog.status) : decided)
          }
          const decision: RoutingDecision = decided
          prepared = decision.request
          models = yield* resolveAll(decision.models)
          if (strategyName === "auto") strategy = decision.strategy === "auto" ? "local_first" : decision.strategy
          routing = { taskType: decision.taskType, confidence: decision.confidence, source, models: decision.models, routeStrategy: decision.strategy, reason: decision.reason, ...(source === "classified" ? { classifiedBy: classification.classifiedBy } : {}) }
        }
        models = yield* capableModels(models, prepared)
        const scopeKey = callOptions.scopeKey ?? options.scopeKey
        const ledger = makeRequestLedger({ requestId, strategy: strategy === "model" ? "model" : strategy, taskType: routing.taskType, ...(scopeKey !== undefined ? { scopeKey } : {}) })
        const local = models.filter((m) => m.kind === "local").slice(0, maxPerKind).map((m) => meterModel(m, tracker, ledger))
        const cloud = models.filter((m) => m.kind === "cloud").slice(0, maxPerKind).map((m) => meterModel(m, tracker, ledger))
        const usable = strategy === "local_only" ? local : strategy === "cloud_only" ? cloud : [...local, ...cloud]
        if (usable.length === 0) return yield* Effect.fail(noModels(strategy, yield* catalog.status))
        yield* Effect.annotateCurrentSpan({ "orch.request.id": requestId, "orch.strategy": strategy, "orch.task.type": routing.taskType, "orch.task.confidence": routing.confidence })
        return { requestId, request: prepared, strategyRequested, strategy, routing, ledger, local, cloud, deadlineMs, startedAt, ...(callOptions.scorers !== undefined ? { scorers: callOptions.scorers } : {}) } satisfies Prepared
      })

    const retried = (model: LanguageModel): LanguageModel => {
      const times = model.kind === "cloud" ? options.cloudRetries ?? 1 : 0
      if (times === 0) return model
      // Over the model as a bare plan: the named strategy's own attempt reports the call, so events are not doubled.
      const plan = retry(makePlan(model.id, model.generate, model.stream, model.info?.contextWindow), { times })
      return { ...model, generate: plan.generate, stream: plan.stream }
    }

    /**
     * In the strategies that try models one after another, every model but the last gets a first-token limit (default
     * half the call's deadline), so a stalled server cannot use up the whole deadline before the next is tried.
     */
    const withStallLimits = (prepared: Prepared): { readonly local: ReadonlyArray<LanguageModel>; readonly cloud: ReadonlyArray<LanguageModel> } => {
      const local = prepared.local.map(retried)
      const cloud = prepared.cloud.map(retried)
      const order: ReadonlyArray<LanguageModel> | undefined =
        prepared.strategy === "local_first" || prepared.strategy === "cascade" ? [...local, ...cloud]
          : prepared.strategy === "cloud_first" ? [...cloud, ...local]
            : prepared.strategy === "local_only" ? local
              : prepared.strategy === "cloud_only" ? cloud
                : undefined
      if (order === undefined || order.length < 2) return { local, cloud }
      const firstTokenMs = options.attemptFirstTokenMs ?? Math.max(1, Math.floor(prepared.deadlineMs / 2))
      const last = order[order.length - 1]
      const limit = (model: LanguageModel): LanguageModel => {
        // LOCAL_FIRST gives its local models their own first-token limit; an inner one would override it.
        if (model === last || (prepared.strategy === "local_first" && model.kind === "local")) return model
        // The guard itself, not `timeout(model)`: that would wrap the model in a second reported attempt. The limit is
        // also put in scope, so the metering below records a cut as the Timeout it is.
        const limits = { firstTokenMs }
        const context = { provider: model.provider, model: model.name }
        const stream = (request: CompletionRequest) => Stream.provideService(guardStream(model.stream(request), limits, context), ChunkLimits, limits)
        return { ...model, stream, generate: (request) => collectStream(stream(request)) }
      }
      return { local: local.map(limit), cloud: cloud.map(limit) }
    }

    const planOf = (prepared: Prepared): Plan => {
      if (prepared.strategy === "model") {
        const [only] = [...prepared.local, ...prepared.cloud]
        return retry(only!, { times: options.cloudRetries ?? 1 })
      }
      const limited = withStallLimits(prepared)
      return namedStrategy(prepared.strategy, {
        local: limited.local,
        cloud: limited.cloud,
        ...(options.localFirstTokenMs !== undefined ? { localFirstTokenMs: options.localFirstTokenMs } : {}),
        ...(options.loadTimeMs !== undefined ? { loadTimeMs: options.loadTimeMs } : {}),
        ...(prepared.scorers !== undefined ? { scorers: prepared.scorers } : {})
      })
    }

    const respond = (prepared: Prepared, completion: Completion, firstTokenMs?: number) =>
      Effect.map(Clock.currentTimeMillis, (now): OrchestratedResponse => {
        const attempts: ReadonlyArray<AttemptSummary> = [...prepared.ledger.attempts].sort((a, b) => a.attempt - b.attempt)
        const known = attempts.filter((a) => a.costUsd !== null)
        return {
          requestId: prepared.requestId,
          text: completion.text,
          finishReason: completion.finishReason,
          provider: completion.provider,
          model: completion.model,
          strategy: prepared.strategy,
          strategyRequested: prepared.strategyRequested,
          taskType: prepared.routing.taskType,
          taskConfidence: prepared.routing.confidence,
          taskTypeSource: prepared.routing.source,
          routing: prepared.routing,
          attempts,
          usage: completion.usage,
          costUsd: known.reduce((sum, a) => sum + (a.costUsd ?? 0), 0),
          costKnown: known.length === attempts.length,
          latencyMs: now - prepared.startedAt,
          ...(firstTokenMs !== undefined ? { firstTokenMs } : {}),
          ...(completion.toolCalls !== undefined && completion.toolCalls.length > 0 ? { toolCalls: completion.toolCalls } : {}),
          ...(completion.object !== undefined ? { object: completion.object } : {})
        }
      })

    const observe = <A>(self: Effect.Effect<A, ProviderError>, name: string) =>
      Effect.gen(function*() {
        const started = yield* Clock.currentTimeMillis
        const exit = yield* Effect.exit(self)
        const latency = (yield* Clock.currentTimeMillis) - started
        yield* Metric.update(requestsTotal, 1)
        yield* Metric.update(requestLatency, latency)
        if (exit._tag === "Failure") yield* Metric.update(requestErrors, 1)
        return yield* exit
      }).pipe(Effect.withSpan(name, {}, { captureStackTrace: false }))

    const complete = (input: PromptInput, callOptions: CallOptions = {}, forced?: { readonly strategy: string }) =>
      observe(
        Effect.gen(function*() {
          const prepared = yield* prepare(input, callOptions, forced)
          const completion = yield* withDeadline(planOf(prepared).generate(prepared.request), prepared.deadlineMs).pipe(Effect.flatMap((c) => withStructuredOutput(prepared.request, c)))
          return yield* respond(prepared, completion, completion.timings.firstTokenMs)
        }),
        forced?.strategy === "auto" ? "orch.delegate" : "orch.complete"
      )

    const stream = (input: PromptInput, callOptions: CallOptions = {}): Stream.Stream<OrchestratedStreamPart, ProviderError> =>
      Stream.unwrap(Effect.map(prepare(input, callOptions), (prepared) => {
        const text: Array<string> = []
        const toolCalls: Array<ToolCall> = []
        let finish: Extract<StreamPart, { type: "finish" }> | undefined
        let firstTokenMs: number | undefined
        const parts = withDeadlineStream(planOf(prepared).stream(prepared.request), prepared.deadlineMs).pipe(
          Stream.mapEffect((part) =>
            Effect.map(Clock.currentTimeMillis, (now): ReadonlyArray<OrchestratedStreamPart> => {
              if (part.type === "text-delta") {
                if (firstTokenMs === undefined) firstTokenMs = now - prepared.startedAt
                text.push(part.delta)
                return [{ type: "text-delta", delta: part.delta }]
              }
              if (part.type === "tool-call") {
                toolCalls.push({ id: part.id, name: part.name, arguments: part.arguments })
                return [part]
              }
              if (part.type === "finish") finish = part
              return []
            })),
          Stream.flatMap((items) => Stream.fromIterable(items))
        )
        const final = Stream.fromEffect(Effect.suspend(() => {
          const done = finish
          if (done === undefined) return Effect.fail(providerError({ _tag: "StreamInterrupted", partialText: text.join("") }, "The stream ended without a finish"))
          const completion: Completion = {
            text: text.join(""), finishReason: done.finishReason, usage: done.usage, provider: done.provider, model: done.model, timings: done.timings,
            ...(toolCalls.length > 0 ? { toolCalls } : {}), ...(done.object !== undefined ? { object: done.object } : {})
          }
          return withStructuredOutput(prepared.request, completion).pipe(
            Effect.flatMap((checked) => respond(prepared, checked, firstTokenMs)),
            Effect.map((response): OrchestratedStreamPart => ({ type: "response", response }))
          )
        }))
        return Stream.concat(parts, final)
      })).pipe(Stream.withSpan("orch.stream", { captureStackTrace: false }))

    const ensemble = (input: PromptInput, callOptions: EnsembleOptions = {}) =>
      observe(
        Effect.gen(function*() {
          const mode = yield* parseEnsembleMode(callOptions.mode ?? "vote")
          const only = callOptions.strategy === undefined ? "ensemble" : yield* parseStrategy(callOptions.strategy)
          const prepared = yield* prepare(input, { ...callOptions, strategy: "ensemble" })
          const members = only === "local_only" ? prepared.local : only === "cloud_only" ? prepared.cloud : [...prepared.local, ...prepared.cloud]
          if (members.length === 0) return yield* Effect.fail(noModels(only, yield* catalog.status))
          if (callOptions.samples !== undefined && (!Number.isInteger(callOptions.samples) || callOptions.samples < 1 || callOptions.samples > 32)) {
            return yield* Effect.fail(invalidRequest([`samples must be a whole number from 1 to 32, not ${callOptions.samples}`]))
          }
          const finish = (completion: Completion, detail: { readonly members: ReadonlyArray<EnsembleMember>; readonly agreement: number }) =>
            Effect.map(Effect.flatMap(withStructuredOutput(prepared.request, completion), (checked) => respond({ ...prepared, strategy: "ensemble" }, checked)), (response): EnsembleResponse => ({ ...response, mode, ...detail }))
          const costOf = (provider: string, model: string) => {
            const attempts = prepared.ledger.attempts.filter((a) => a.provider === provider && a.model === model)
            return attempts.some((a) => a.costUsd === null) ? null : attempts.reduce((s, a) => s + (a.costUsd ?? 0), 0)
          }
          if (mode === "vote") {
            const plan = vote(members, { ...(callOptions.samples !== undefined ? { samples: callOptions.samples } : {}), ...(callOptions.normalize !== undefined ? { normalize: callOptions.normalize } : {}) })
            const result = yield* withDeadline(plan.run(prepared.request), prepared.deadlineMs)
            // Members start in order, so the ledger's attempts by start number line up with them (one model sampled k
            // times has one attempt a sample).
            const byStart = [...prepared.ledger.attempts].sort((a, b) => a.attempt - b.attempt)
            const memberAnswers: ReadonlyArray<EnsembleMember> = result.members.map((m, i) => {
              const model = members[members.length === 1 ? 0 : i]
              const attempt = members.length === 1 ? byStart[i] : byStart.find((a) => a.model === (model?.name ?? "") && a.provider === (model?.provider ?? ""))
              return {
                provider: model?.provider ?? "?", model: model?.name ?? m.step,
                ...(m.answer !== undefined ? { text: m.answer } : {}),
                outcome: m.outcome === "answered" ? "success" : m.outcome === "failed" ? "failure" : "cancelled",
                ...(m.error !== undefined ? { error: m.error.reason._tag } : {}),
                costUsd: members.length === 1 ? (attempt?.costUsd ?? null) : costOf(model?.provider ?? "", model?.name ?? ""),
                latencyMs: m.completion?.timings.totalMs ?? attempt?.latencyMs ?? 0
              }
            })
            return yield* finish(result.completion, { members: memberAnswers, agreement: result.agreement })
          }
          if (mode === "chain") {
            const [drafter, reviewer] = prepared.local.length > 0 && prepared.cloud.length > 0 ? [prepared.local[0]!, prepared.cloud[0]!] : [members[0]!, members[1] ?? members[0]!]
            const result = yield* withDeadline(chain(drafter, reviewer).run(prepared.request), prepared.deadlineMs)
            const asMember = (m: LanguageModel, c: Completion): EnsembleMember => ({ provider: m.provider, model: m.name, text: c.text, outcome: "success", costUsd: costOf(m.provider, m.name), latencyMs: c.timings.totalMs })
            return yield* finish(result.final, { members: [asMember(drafter, result.draft), asMember(reviewer, result.final)], agreement: 1 })
          }
          const completion = yield* withDeadline(race(members).generate(prepared.request), prepared.deadlineMs)
          const raced: ReadonlyArray<EnsembleMember> = prepared.ledger.attempts.map((a) => ({
            provider: a.provider, model: a.model, outcome: a.outcome, ...(a.error !== undefined ? { error: a.error } : {}),
            ...(a.outcome === "success" && a.model === completion.model ? { text: completion.text } : {}), costUsd: a.costUsd, latencyMs: a.latencyMs
          }))
          return yield* finish(completion, { members: raced, agreement: members.length > 0 ? 1 / members.length : 0 })
        }),
        "orch.ensemble"
      )

    return ModelOrchestrator.of({
      complete: (input, callOptions) => complete(input, callOptions),
      stream,
      ensemble,
      delegate: (task, callOptions) => complete(task, callOptions ?? {}, { strategy: "auto" }),
      providers: catalog.status,
      models: catalog.available,
      costs: tracker
    })
  })
