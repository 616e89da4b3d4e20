/**
 * The ModelOrchestrator: the one service an application talks to. A call, read top to bottom in this file:
 * validate (once) → route (the router; classification only when the route depends on it) → resolve (the catalog)
 * → plan (the named strategy: order, retries, stall limits) → run (under the attempt hook that meters every attempt)
 * → respond (the text, the decision and every attempt with its cost). One deadline, fixed when the call is made,
 * covers all of it: catalog listing and probes, classification, reservations and the model calls.
 */
import { assumedMaxOutputTokens as trackerMaxOutputTokens, CostTracker, type CostTrackerShape } from "@orch/cost-tracker"
import {
  type Completion, type CompletionRequest, invalidRequest, isProviderError, type LanguageModel, type ModelInfo, providerError,
  type ProviderError, type StreamPart, type ToolCall, validateRequestNow, withStructuredOutput
} from "@orch/provider"
import {
  attempt, chain, chainPair, namedStrategy, parseEnsembleMode, parseStrategy, type Plan, race, retry, type Strategy, vote,
  contextUnderDeadlineWithHook, underDeadlineWithHook, withAttemptHook, withDeadlineAt
} from "@orch/strategies"
import { type Classification, decideRoute, type RoutingDecision, TaskRouter, type TaskRouterShape } from "@orch/task-router"
import { Cause, Channel, Clock, Context, Effect, Layer, Metric, Pull, type Scope, Stream, Tracer } from "effect"
import { isReadonlyArrayNonEmpty as isNonEmptyReadonlyArray, type NonEmptyReadonlyArray } from "effect/Array"
import { capableModels } from "./Capabilities.ts"
import { makeAttemptLedger, makeRequestLedger, type RequestLedger } from "./AttemptLedger.ts"
import { guardProvider } from "./GuardedProvider.ts"
import { checkEffectCall } from "./PromiseInput.ts"
import { defaultCatalogTtl, makeModelCatalog, type ModelCatalog, type ProviderStatus } from "./ModelCatalog.ts"
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
  static readonly layerWith = (options: OrchestratorOptions): Layer.Layer<ModelOrchestrator, ProviderError, CostTracker | TaskRouter> => {
    const issues = orchestratorOptionIssues(options)
    return Layer.effect(ModelOrchestrator, issues.length > 0 ? Effect.fail(invalidOptions(issues)) : makeOrchestrator(fixedOptions(options)))
  }

  /**
   * The orchestrator with its cost tracker (ledger from `options.ledger`, in memory by default; budgets from
   * `options.costs` and `options.budgetUsd`) and its task router (`options.routes`, `options.classifier`).
   * Fails with InvalidRequest on invalid routes or budgets; the ledger and providers close with the layer.
   */
  static readonly layer = (given: OrchestratorOptions): Layer.Layer<ModelOrchestrator, ProviderError> => {
    const issues = orchestratorOptionIssues(given)
    if (issues.length > 0) return Layer.effect(ModelOrchestrator, Effect.fail(invalidOptions(issues)))
    const options = fixedOptions(given)
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

/**
 * The options as they were checked: a copy of them and of their providers, so a caller who changes the object (or the
 * list) afterwards, before the layer is built on first use, changes nothing.
 */
const fixedOptions = (options: OrchestratorOptions): OrchestratorOptions => ({ ...options, providers: [...options.providers] })

/** The error of a call made after the orchestrator's layer was closed. */
const closedError = (): ProviderError => providerError({ _tag: "Cancelled" }, "The orchestrator is closed (its layer's scope ended, or it was disposed)")

/** The error for orchestrator options with problems. */
const invalidOptions = (issues: ReadonlyArray<string>): ProviderError => invalidRequest(issues.map((issue) => `orchestrator options: ${issue}`))

const requestsTotal = Metric.counter("orch_requests_total", { description: "Calls to the orchestrator" })
const requestErrors = Metric.counter("orch_request_errors_total", { description: "Calls to the orchestrator that failed" })
const requestLatency = Metric.histogram("orch_request_latency_ms", {
  description: "Latency of orchestrator calls in milliseconds",
  boundaries: Metric.exponentialBoundaries({ start: 1, factor: 2, count: 18 })
})

const defaultDeadlineMs = 120_000
/** A caller's request id: short, and safe in a header, a log line and a Redis key. */
const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/
const defaultMaxModelsPerKind = 3
const defaultCloudRetries = 1

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

// The core knows no provider's settings: each provider's availability reason carries its own fix.
const noModelsHint = (strategy: Strategy | "model"): string => {
  if (strategy === "local_only") return "LOCAL_ONLY needs a local provider; none is available (give the orchestrator one, and check its server is running)"
  if (strategy === "cloud_only") return "CLOUD_ONLY needs a cloud provider; none is available (give the orchestrator one with its key)"
  return "No model is available: give the orchestrator a local or a cloud provider (each provider package's fromEnvironment reads its own settings)"
}

/** The classification routing needs: the given task type, else the router's classification of the prompt. */
const classifyRequest = (router: TaskRouterShape, request: CompletionRequest, taskType: string | undefined) => {
  if (taskType !== undefined) return Effect.map(router.given(taskType), (classification) => ({ classification, source: "given" as TaskTypeSource }))
  const input = request.messages !== undefined && request.messages.length > 0
    ? [...request.messages, ...(request.prompt !== undefined ? [{ role: "user" as const, content: request.prompt }] : [])]
    : request.prompt ?? ""
  return Effect.map(router.classify(input), (classification) => ({ classification, source: "classified" as TaskTypeSource }))
}

/** Wrap in a span only when a tracer is installed: with the native one nobody reads spans, and they cost per call. */
const traced = <A, E, R>(self: Effect.Effect<A, E, R>, name: string): Effect.Effect<A, E, R> =>
  Effect.flatMap(Tracer.Tracer, (tracer) => (tracer === Tracer.nativeTracer ? self : self.pipe(Effect.withSpan(name, {}, { captureStackTrace: false }))))

/** A call validated: its request, strategy and deadline, fixed when it was made. */
interface Call {
  readonly requestId: string
  readonly startedAt: number
  readonly deadlineMs: number
  readonly deadlineAt: number
  readonly request: CompletionRequest
  readonly strategyRequested: string
  readonly strategyName: Strategy
}

/** A call routed and resolved: everything decided before the first model is called. */
interface Prepared extends Call {
  readonly strategy: Strategy | "model"
  readonly routing: RoutingSummary
  readonly ledger: RequestLedger
  readonly local: ReadonlyArray<LanguageModel>
  readonly cloud: ReadonlyArray<LanguageModel>
  /** How many distinct models the caller named (`models`), when they did. */
  readonly named?: number
}

const noModelsOfAKind: ReadonlyArray<LanguageModel> = []

/** The local and the cloud models, in order, at most `cap` of each (the list itself when it is all of one kind). */
const byKind = (models: ReadonlyArray<LanguageModel>, cap: number): readonly [ReadonlyArray<LanguageModel>, ReadonlyArray<LanguageModel>] => {
  if (models.length <= cap) {
    if (models.every((m) => m.kind === "cloud")) return [noModelsOfAKind, models]
    if (models.every((m) => m.kind === "local")) return [models, noModelsOfAKind]
  }
  return [models.filter((m) => m.kind === "local").slice(0, cap), models.filter((m) => m.kind === "cloud").slice(0, cap)]
}

/** The error for ids that did not resolve: the one error for one id, else ModelNotFound naming them all. */
const unresolved = (failures: ReadonlyArray<{ readonly id: string; readonly error: ProviderError }>): ProviderError => {
  const [first] = failures
  if (failures.length === 1 && first !== undefined) return first.error
  const other = failures.find((f) => f.error.reason._tag !== "ModelNotFound")
  if (other !== undefined) return other.error
  return providerError({ _tag: "ModelNotFound", modelId: failures.map((f) => f.id).join(", ") },
    `Unknown models: ${failures.map((f) => f.id).join(", ")}. ${failures.map((f) => f.error.message).join("; ")}`)
}

/** The most named-model routings an orchestrator keeps (one per model and task type named). */
const maxCachedRoutings = 10_000

/** Build an orchestrator over the cost tracker and router in context. */
export const makeOrchestrator = (options: OrchestratorOptions): Effect.Effect<ModelOrchestratorShape, never, CostTracker | TaskRouter | Scope.Scope> =>
  Effect.gen(function*() {
    const tracker = yield* CostTracker
    const router = yield* TaskRouter
    // The providers are the caller's code: each is guarded once, so what it does reaches a call typed and in shape;
    // closing one waits at most a call's deadline. A provider's probe and listing may take as long as a call (an
    // embedded model loads); the call's deadline bounds each call.
    const callDeadlineMs = Number.isFinite(options.deadlineMs) && (options.deadlineMs ?? 0) > 0 ? options.deadlineMs ?? defaultDeadlineMs : defaultDeadlineMs
    const providers = options.providers.map((provider) => guardProvider(provider, callDeadlineMs))
    const catalog: ModelCatalog = yield* makeModelCatalog(providers, defaultCatalogTtl, callDeadlineMs)
    const ledgers = makeAttemptLedger(tracker)
    const maxPerKind = options.maxModelsPerKind ?? defaultMaxModelsPerKind
    const defaultStrategy = options.strategy ?? "auto"
    const hardBudgets = budgetsOf(options).some((budget) => budget.mode === "hard")
    const assumedMaxOutputTokens = options.costs?.defaultMaxOutputTokens ?? trackerMaxOutputTokens

    // Side by side: each close is bounded by the deadline (guardProvider), so the shutdown is too, however many hang.
    yield* Effect.addFinalizer(() =>
      Effect.forEach(providers, (p) => p.close ?? Effect.void, { discard: true, concurrency: "unbounded" }))
    // Added last, so it runs first as the scope closes: a call made from then on (the service kept past its layer's
    // scope) fails Cancelled at once instead of reaching closed providers and ledger.
    let closed = false
    yield* Effect.addFinalizer(() => Effect.sync(() => { closed = true }))

    // 1. Validate, once per call: the request, the strategy name, the deadline (from `startedAt`, now). Decided at
    // once: the answer is an Exit (no step of its own), read inside the call's running effect.
    const validateAt = (input: PromptInput, callOptions: CallOptions, startedAt: number, forced?: { readonly strategy: string }): Effect.Effect<Call, ProviderError> => {
      const deadlineMs = callOptions.deadlineMs ?? options.deadlineMs ?? defaultDeadlineMs
      if (!(deadlineMs > 0) || !Number.isFinite(deadlineMs)) return Effect.fail(invalidRequest([`deadlineMs must be a positive number of milliseconds, not ${deadlineMs}`]))
      const strategyRequested = forced?.strategy ?? callOptions.strategy ?? defaultStrategy
      const requestId = callOptions.requestId ?? crypto.randomUUID()
      if (callOptions.requestId !== undefined && !requestIdPattern.test(requestId)) {
        return Effect.fail(invalidRequest([`requestId must be 1 to 128 letters, digits or "-_.:", not ${JSON.stringify(requestId.slice(0, 40))}`]))
      }
      return Effect.flatMapEager(validateRequestNow(toRequest(input, callOptions)), (request) =>
        Effect.mapEager(parseStrategy(strategyRequested), (strategyName): Call =>
          ({ requestId, startedAt, deadlineMs, deadlineAt: startedAt + deadlineMs, request, strategyRequested, strategyName })))
    }
    const validate = (input: PromptInput, callOptions: CallOptions, forced?: { readonly strategy: string }): Effect.Effect<Call, ProviderError> =>
      Effect.clockWith((clock) => validateAt(input, callOptions, clock.currentTimeMillisUnsafe(), forced))

    // 3. Resolve ids to models. Ids the caller named must all resolve; the route's come from the available ones.
    const resolveAll = (call: Call, ids: ReadonlyArray<string>, named: boolean, clock: Clock.Clock): Effect.Effect<ReadonlyArray<LanguageModel>, ProviderError> => {
      // Ids resolved before, against a fresh catalog, are looked up at once (a long list costs a lookup an id); else
      // one after another, under the deadline: resolving reads the cached catalog (every id waits on the same first
      // listing, if any).
      const known = catalog.resolvedNow(ids, clock.currentTimeMillisUnsafe())
      return known !== undefined ? Effect.succeed(known) : within(call, resolveEach(ids, named))
    }

    const resolveEach = (ids: ReadonlyArray<string>, named: boolean): Effect.Effect<ReadonlyArray<LanguageModel>, ProviderError> =>
      Effect.flatMap(Effect.forEach(ids, (id) => Effect.result(catalog.resolve(id))), (results) => {
        const failures = results.flatMap((r, i) => (r._tag === "Failure" ? [{ id: ids[i]!, error: r.failure }] : []))
        if (named && failures.length > 0) return Effect.fail(unresolved(failures))
        return Effect.succeed(results.flatMap((r) => (r._tag === "Success" ? [r.success] : [])))
      })

    // Preparation waits only on the catalog (its first listing) and the classifier (a tier that calls out): those waits
    // run under the call's deadline; a call whose models are known and that needs no classification sets no timer.
    const within = <A>(call: Call, effect: Effect.Effect<A, ProviderError>): Effect.Effect<A, ProviderError> =>
      withDeadlineAt(effect, call.deadlineAt, call.deadlineMs)

    /** What routing decided: the ids to resolve, the decision, the request (with the route's defaults) and the strategy. */
    interface Routed {
      readonly ids: ReadonlyArray<string>
      readonly routing: RoutingSummary
      readonly request: CompletionRequest
      readonly strategy: Strategy | "model"
      readonly named?: number
    }

    // A named model's routing depends on the model and the task alone: made once per pair (it holds no state of a
    // call, and answers only read it), up to a bound, past which each call makes its own.
    const namedRoutings = new Map<string, Map<string | undefined, RoutingSummary>>()
    let namedRoutingCount = 0
    const namedRouting = (model: string, given: string | undefined): RoutingSummary => {
      const byTask = namedRoutings.get(model)
      const found = byTask?.get(given)
      if (found !== undefined) return found
      const task = given !== undefined
        ? { taskType: given, confidence: 1, source: "given" as const }
        : { taskType: "general", confidence: 0, source: "unclassified" as const }
      const routing: RoutingSummary = { ...task, models: [model], routeStrategy: "model", reason: `The caller asked for ${model}.` }
      if (namedRoutingCount < maxCachedRoutings) {
        if (byTask === undefined) namedRoutings.set(model, new Map([[given, routing]]))
        else byTask.set(given, routing)
        namedRoutingCount++
      }
      return routing
    }

    // 2. Route: the caller's models as named (no classification unless a task type is given), else the router's.
    const route = (call: Call, callOptions: CallOptions): Effect.Effect<Routed, ProviderError> => {
      const model = callOptions.model
      if (model !== undefined) {
        // One model, as named: its routing is made once per task type given (or none).
        const routed = (taskType: string | undefined): Routed => {
          const routing = namedRouting(model, taskType)
          return { ids: routing.models, request: call.request, strategy: "model", routing }
        }
        return callOptions.taskType !== undefined ? Effect.mapEager(router.given(callOptions.taskType), (given) => routed(given.taskType)) : Effect.succeed(routed(undefined))
      }
      const caller = callOptions.models !== undefined && callOptions.models.length > 0 ? [...new Set(callOptions.models)] : undefined
      if (caller !== undefined) {
        const named = (given: Classification | undefined): Routed => {
          const task = given !== undefined
            ? { taskType: given.taskType, confidence: 1, source: "given" as const }
            : { taskType: "general", confidence: 0, source: "unclassified" as const }
          return {
            ids: caller, request: call.request, named: caller.length,
            strategy: call.strategyName === "auto" ? "local_first" : call.strategyName,
            routing: { ...task, models: caller, routeStrategy: call.strategyName, reason: `The caller named the models: ${caller.join(", ")}.` }
          }
        }
        return callOptions.taskType !== undefined ? Effect.mapEager(router.given(callOptions.taskType), named) : Effect.succeed(named(undefined))
      }
      return within(call, Effect.flatMap(traced(classifyRequest(router, call.request, callOptions.taskType), "orch.classify"), ({ classification, source }) =>
        Effect.flatMap(catalog.available, (available) => {
          const decided = decideRoute(classification, call.request, available, router.table)
          if (isProviderError(decided)) {
            return decided.reason._tag === "ModelNotFound" ? Effect.flatMap(catalog.status, (statuses) => Effect.fail(noModels(call.strategyName, statuses))) : Effect.fail(decided)
          }
          const decision: RoutingDecision = decided
          return Effect.succeed<Routed>({
            ids: decision.models,
            request: decision.request,
            strategy: call.strategyName === "auto" ? (decision.strategy === "auto" ? "local_first" : decision.strategy) : call.strategyName,
            routing: { taskType: decision.taskType, confidence: decision.confidence, source, models: decision.models, routeStrategy: decision.strategy, reason: decision.reason, ...(source === "classified" ? { classifiedBy: classification.classifiedBy } : {}) }
          })
        })))
    }

    // 2 and 3. Route, then resolve the ids to models that can take the request. Run inside the call's effect: what
    // is known at once (a named model, a given task type, a fresh catalog) is decided without a step.
    const prepare = (call: Call, callOptions: CallOptions, clock: Clock.Clock): Effect.Effect<Prepared, ProviderError> =>
      Effect.flatMapEager(route(call, callOptions), (routed) => {
        // Under a hard budget the reservation assumes an output limit when none is set (the route's default or the
        // tracker's); send that limit, so a model cannot bill past what was reserved.
        const request = routed.request.maxTokens === undefined && hardBudgets ? { ...routed.request, maxTokens: assumedMaxOutputTokens } : routed.request
        const strategy = routed.strategy
        return Effect.flatMapEager(Effect.flatMapEager(resolveAll(call, routed.ids, routed.named !== undefined || strategy === "model", clock), (resolved) => capableModels(resolved, request)), (models) => {
          // The cap bounds the models routing picks; a list the caller names is used whole (never quietly cut).
          const cap = routed.named !== undefined ? models.length : maxPerKind
          const [local, cloud] = byKind(models, cap)
          const usable = strategy === "local_only" ? local.length : strategy === "cloud_only" ? cloud.length : local.length + cloud.length
          if (usable === 0) return within(call, Effect.flatMap(catalog.status, (statuses) => Effect.fail(noModels(strategy, statuses))))
          const scopeKey = callOptions.scopeKey ?? options.scopeKey
          const ledger = makeRequestLedger({ requestId: call.requestId, strategy, taskType: routed.routing.taskType, scopeKey })
          const prepared: Prepared = { ...call, request, strategy, routing: routed.routing, ledger, local, cloud }
          if (routed.named !== undefined) (prepared as { named?: number }).named = routed.named
          return Effect.succeed(prepared)
        })
      })

    // 4. Plan: the named strategy decides the order, the retries and the stall limits. A named model's plan depends on
    // the model alone (plans hold no state of a call), so it is made once per model.
    const cloudRetries = options.cloudRetries ?? defaultCloudRetries
    const modelPlans = new WeakMap<LanguageModel, Plan>()
    const planOf = (prepared: Prepared, scorers: CallOptions["scorers"]): Plan => {
      if (prepared.strategy === "model") {
        const only = prepared.local[0] ?? prepared.cloud[0]!
        let plan = modelPlans.get(only)
        if (plan === undefined) {
          plan = cloudRetries > 0 ? retry(only, { times: cloudRetries }) : attempt(only)
          modelPlans.set(only, plan)
        }
        return plan
      }
      return namedStrategy(prepared.strategy, {
        local: prepared.local,
        cloud: prepared.cloud,
        cloudRetries,
        attemptFirstTokenMs: options.attemptFirstTokenMs ?? Math.max(1, Math.floor(prepared.deadlineMs / 2)),
        ...(options.localFirstTokenMs !== undefined ? { localFirstTokenMs: options.localFirstTokenMs } : {}),
        ...(options.loadTimeMs !== undefined ? { loadTimeMs: options.loadTimeMs } : {}),
        ...(scorers !== undefined ? { scorers } : {})
      })
    }

    // 6. Respond: the answer, the decision and every attempt with its cost.
    const respond = (prepared: Prepared, strategy: string, completion: Completion, now: number, firstTokenMs?: number): OrchestratedResponse => {
      const attempts: ReadonlyArray<AttemptSummary> = prepared.ledger.attempts.length > 1 ? [...prepared.ledger.attempts].sort((a, b) => a.attempt - b.attempt) : prepared.ledger.attempts
      let costUsd = 0
      let known = 0
      for (const a of attempts) {
        if (a.costUsd !== null) {
          costUsd += a.costUsd
          known++
        }
      }
      const response: OrchestratedResponse = {
        requestId: prepared.requestId,
        text: completion.text,
        finishReason: completion.finishReason,
        provider: completion.provider,
        model: completion.model,
        strategy,
        strategyRequested: prepared.strategyRequested,
        taskType: prepared.routing.taskType,
        taskConfidence: prepared.routing.confidence,
        taskTypeSource: prepared.routing.source,
        routing: prepared.routing,
        attempts,
        usage: completion.usage,
        costUsd,
        costKnown: known === attempts.length,
        latencyMs: now - prepared.startedAt
      }
      // Optional fields set only when present (no temporary object per field).
      const optional = response as { -readonly [K in keyof OrchestratedResponse]: OrchestratedResponse[K] }
      if (firstTokenMs !== undefined) optional.firstTokenMs = firstTokenMs
      if (completion.toolCalls !== undefined && completion.toolCalls.length > 0) optional.toolCalls = completion.toolCalls
      if (completion.object !== undefined) optional.object = completion.object
      if (completion.logprobs !== undefined && completion.logprobs.length > 0) optional.logprobs = completion.logprobs
      return response
    }

    // Request metrics, updated in place as the call ends (no effect per series), and a span only when a tracer is
    // installed. `self` is built when the call runs, with the clock in its context.
    const observe = <A>(self: (clock: Clock.Clock, context: Context.Context<never>) => Effect.Effect<A, ProviderError>, name: string): Effect.Effect<A, ProviderError> =>
      Effect.contextWith((context: Context.Context<never>) => {
        const clock = Context.get(context, Clock.Clock)
        const tracer = Context.get(context, Tracer.Tracer)
        const started = clock.currentTimeMillisUnsafe()
        const measured = Effect.onExit(tracer === Tracer.nativeTracer ? self(clock, context) : Effect.suspend(() => self(clock, context)), (exit) => {
          requestsTotal.updateUnsafe(1, context)
          requestLatency.updateUnsafe(clock.currentTimeMillisUnsafe() - started, context)
          if (exit._tag === "Failure") requestErrors.updateUnsafe(1, context)
          return Effect.void
        })
        return tracer === Tracer.nativeTracer ? measured : measured.pipe(Effect.withSpan(name, {}, { captureStackTrace: false }))
      })

    // 5. Run: the whole call, preparation included, under the deadline fixed when it was made.
    // What is decided at once (validation, a named model's routing and resolution) takes no step of its own; the
    // plan's attempts are the call's only waits.
    const complete = (input: PromptInput, givenOptions?: CallOptions, forced?: { readonly strategy: string }) =>
      observe(
        (clock, context) => {
          if (closed) return Effect.fail(closedError())
          const checked = checkEffectCall<CallOptions>(input, givenOptions)
          if (isProviderError(checked)) return Effect.fail(checked)
          const callOptions = checked.options
          return Effect.flatMapEager(validateAt(checked.input, callOptions, clock.currentTimeMillisUnsafe(), forced), (call) =>
            Effect.flatMapEager(prepare(call, callOptions, clock), (prepared) => {
              // Every wait of the plan is an attempt, a retry or a launch delay, each bounded by the deadline in scope.
              // The ledger's hook reads the call's context (no tracer or metrics are installed between here and the
              // plan's attempts).
              const run = underDeadlineWithHook(planOf(prepared, callOptions.scorers).generate(prepared.request), call.deadlineAt, ledgers.hookFor(prepared.ledger, context))
              const answer = (completion: Completion) => respond(prepared, prepared.strategy, completion, clock.currentTimeMillisUnsafe(), completion.timings.firstTokenMs)
              const json = prepared.request.responseFormat?.type === "json"
              return Effect.flatMap(run, (raw) => (json ? Effect.map(withStructuredOutput(prepared.request, raw), answer) : Effect.succeed(answer(raw))))
            }))
        },
        forced?.strategy === "auto" ? "orch.delegate" : "orch.complete"
      )

    // One stream layer: the call is validated, routed and planned as the stream starts (in the consumer's context,
    // read once); the plan's stream is pulled under the deadline and ledger hook, and its parts forwarded by a plain
    // loop per array (no effect per part, whatever the strategy's depth); when it ends, the response goes last.
    const stream = (input: PromptInput, givenOptions?: CallOptions): Stream.Stream<OrchestratedStreamPart, ProviderError> =>
      Stream.fromChannel(Channel.fromTransform((upstream: Pull.Pull<unknown, unknown, unknown>, scope: Scope.Scope) =>
        Effect.contextWith((context: Context.Context<never>) => {
          const clock = Context.get(context, Clock.Clock)
          if (closed) return Effect.fail(closedError())
          const checked = checkEffectCall<CallOptions>(input, givenOptions)
          if (isProviderError(checked)) return Effect.fail(checked)
          const callOptions = checked.options
          return Effect.flatMapEager(validateAt(checked.input, callOptions, clock.currentTimeMillisUnsafe()), (call) =>
            Effect.flatMapEager(prepare(call, callOptions, clock), (prepared) => {
              const planned = planOf(prepared, callOptions.scorers).stream(prepared.request)
              // The deadline and the ledger's hook are added to the context of the set-up and of each pull (two
              // entries on top of it, not a copy of every service).
              const hook = ledgers.hookFor(prepared.ledger, context)
              const underDeadline = (current: Context.Context<never>) => contextUnderDeadlineWithHook(current, call.deadlineAt, hook)
              return Effect.map(Effect.updateContext(Channel.toTransform(planned.channel)(upstream, scope), underDeadline), (pull) => {
                const pullInner = Effect.updateContext(pull, underDeadline)
                const text: Array<string> = []
                const toolCalls: Array<ToolCall> = []
                let finish: Extract<StreamPart, { type: "finish" }> | undefined
                let firstTokenMs: number | undefined
                let ended = false
                const forward = (parts: ReadonlyArray<StreamPart>): Array<OrchestratedStreamPart> => {
                  const out: Array<OrchestratedStreamPart> = []
                  for (const part of parts) {
                    if (part.type === "text-delta") {
                      if (firstTokenMs === undefined) firstTokenMs = clock.currentTimeMillisUnsafe() - prepared.startedAt
                      text.push(part.delta)
                      out.push({ type: "text-delta", delta: part.delta })
                    } else if (part.type === "tool-call") {
                      const done = { id: part.id, name: part.name, arguments: part.arguments }
                      toolCalls.push(done)
                      out.push({ type: "tool-call", ...done })
                    } else if (part.type === "finish") finish = part
                  }
                  return out
                }
                const last = Effect.suspend((): Effect.Effect<NonEmptyReadonlyArray<OrchestratedStreamPart>, ProviderError> => {
                  const done = finish
                  if (done === undefined) return Effect.fail(providerError({ _tag: "StreamInterrupted", partialText: text.join("") }, "The stream ended without a finish"))
                  const completion: Completion = {
                    text: text.join(""), finishReason: done.finishReason, usage: done.usage, provider: done.provider, model: done.model, timings: done.timings,
                    ...(toolCalls.length > 0 ? { toolCalls } : {}), ...(done.object !== undefined ? { object: done.object } : {}),
                    ...(done.logprobs !== undefined ? { logprobs: done.logprobs } : {})
                  }
                  return Effect.map(withStructuredOutput(prepared.request, completion), (checked) =>
                    [{ type: "response", response: respond(prepared, prepared.strategy, checked, clock.currentTimeMillisUnsafe(), firstTokenMs) }])
                })
                const onSuccess = (parts: NonEmptyReadonlyArray<StreamPart>) => {
                  const out = forward(parts)
                  return isNonEmptyReadonlyArray(out) ? Effect.succeed(out) : next
                }
                const onDone = () => {
                  ended = true
                  return last
                }
                const next: Pull.Pull<NonEmptyReadonlyArray<OrchestratedStreamPart>, ProviderError> = Effect.suspend(() =>
                  ended ? Cause.done() : Pull.matchEffect(pullInner, { onSuccess, onFailure: Effect.failCause, onDone }))
                return next
              })
            }))
        })))

    const ensemble = (givenInput: PromptInput, givenOptions?: EnsembleOptions) =>
      observe(
        (clock) => Effect.gen(function*() {
          if (closed) return yield* Effect.fail(closedError())
          const checked = checkEffectCall<EnsembleOptions>(givenInput, givenOptions, true)
          if (isProviderError(checked)) return yield* Effect.fail(checked)
          const input = checked.input
          const callOptions = checked.options
          const mode = yield* parseEnsembleMode(callOptions.mode ?? "vote")
          const only = callOptions.strategy === undefined ? "ensemble" : yield* parseStrategy(callOptions.strategy)
          if (callOptions.samples !== undefined && (!Number.isInteger(callOptions.samples) || callOptions.samples < 1 || callOptions.samples > 32)) {
            return yield* Effect.fail(invalidRequest([`samples must be a whole number from 1 to 32, not ${callOptions.samples}`]))
          }
          const call = yield* validate(input, { ...callOptions, strategy: "ensemble" })
          return yield* withDeadlineAt(Effect.gen(function*() {
            const prepared = yield* prepare(call, callOptions, clock)
            const members = only === "local_only" ? prepared.local : only === "cloud_only" ? prepared.cloud : [...prepared.local, ...prepared.cloud]
            if (members.length === 0) return yield* Effect.fail(noModels(only, yield* catalog.status))
            if (prepared.named !== undefined && prepared.named > members.length) {
              // Never quietly less than was asked: a two-model vote must not become samples of one model.
              const kept = new Set(members.map((m) => m.id))
              const dropped = (callOptions.models ?? []).filter((id) => !kept.has(id))
              const why = [...(dropped.length > 0 ? [`left out: ${dropped.join(", ")}`] : []), ...(only !== "ensemble" ? [`by ${only.toUpperCase()}`] : [])]
              return yield* Effect.fail(invalidRequest([`the ensemble was given ${prepared.named} models but ${members.length} can take part${why.length > 0 ? ` (${why.join(", ")})` : ""}`]))
            }
            const hook = ledgers.hookFor(prepared.ledger)
            const finish = (completion: Completion, detail: { readonly members: ReadonlyArray<EnsembleMember>; readonly agreement: number }) =>
              Effect.flatMap(withStructuredOutput(prepared.request, completion), (checked) =>
                Effect.map(Clock.currentTimeMillis, (now): EnsembleResponse => ({ ...respond(prepared, "ensemble", checked, now), mode, ...detail })))
            const costOf = (provider: string, model: string) => {
              const attempts = prepared.ledger.attempts.filter((a) => a.provider === provider && a.model === model)
              return attempts.some((a) => a.costUsd === null) ? null : attempts.reduce((s, a) => s + (a.costUsd ?? 0), 0)
            }
            if (mode === "vote") {
              const plan = vote(members, { ...(callOptions.samples !== undefined ? { samples: callOptions.samples } : {}), ...(callOptions.normalize !== undefined ? { normalize: callOptions.normalize } : {}) })
              const result = yield* withAttemptHook(plan.run(prepared.request), hook)
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
              const [drafter, reviewer] = chainPair(only === "cloud_only" ? [] : prepared.local, only === "local_only" ? [] : prepared.cloud) ?? [members[0]!, members[0]!]
              const result = yield* withAttemptHook(chain(drafter, reviewer).run(prepared.request), hook)
              const asMember = (m: LanguageModel, c: Completion): EnsembleMember => ({ provider: m.provider, model: m.name, text: c.text, outcome: "success", costUsd: costOf(m.provider, m.name), latencyMs: c.timings.totalMs })
              return yield* finish(result.final, { members: [asMember(drafter, result.draft), asMember(reviewer, result.final)], agreement: 1 })
            }
            const completion = yield* withAttemptHook(race(members).generate(prepared.request), hook)
            const raced: ReadonlyArray<EnsembleMember> = prepared.ledger.attempts.map((a) => ({
              provider: a.provider, model: a.model, outcome: a.outcome, ...(a.error !== undefined ? { error: a.error } : {}),
              ...(a.outcome === "success" && a.model === completion.model ? { text: completion.text } : {}), costUsd: a.costUsd, latencyMs: a.latencyMs
            }))
            return yield* finish(completion, { members: raced, agreement: members.length > 0 ? 1 / members.length : 0 })
          }), call.deadlineAt, call.deadlineMs)
        }),
        "orch.ensemble"
      )

    return ModelOrchestrator.of({
      complete: (input, callOptions) => complete(input, callOptions),
      stream,
      ensemble,
      delegate: (task, callOptions) => complete(task, callOptions, { strategy: "auto" }),
      providers: catalog.status,
      models: Effect.map(catalog.available, (models) => [...models]),
      costs: tracker
    })
  })
