/**
 * The routing decision: classify a request, look its task type up in the routing table, and resolve the route's
 * preferences against the models available now (skipping absent ones and ones whose context window is too small).
 * The result names the models in order, the strategy, the request defaults and a readable reason.
 */
import { Effect } from "effect"
import {
  approximateTokenCount, invalidRequest, lastUserText, providerError, requestText, toMessages,
  type CompletionRequest, type ModelInfo, type ProviderError
} from "@orch/provider"
import { classifySync, type Classification, type ClassifiedBy } from "./Classifier.ts"
import { classifyWithTiers, type TieredClassifierOptions } from "./ClassifierTiers.ts"
import { modelsMatching } from "./ModelPattern.ts"
import { defaultRoutingTable, orderedPatterns, type RequestDefaults, type RoutingTable, type StrategyName } from "./RoutingTable.ts"
import { describeTaskType, type TaskType } from "./TaskType.ts"

/** What `route` decided, for the orchestrator's AUTO strategy and for display. */
export interface RoutingDecision {
  readonly taskType: TaskType
  readonly confidence: number
  readonly classifiedBy: ClassifiedBy
  /** Model ids to use, in order of preference; never empty. */
  readonly models: ReadonlyArray<string>
  readonly strategy: StrategyName
  /** The route's request defaults. */
  readonly requestDefaults: RequestDefaults
  /** The request with the route's defaults filled in where the caller left them unset. */
  readonly request: CompletionRequest
  /** One readable sentence saying why. */
  readonly reason: string
  /** The classification behind the decision. */
  readonly classification: Classification
}

/** What `route` needs besides the request. */
export interface RouteOptions extends TieredClassifierOptions {
  /** The models that can be called now (from the providers' `listModels`). */
  readonly available: ReadonlyArray<ModelInfo>
  /** The routing table (default: `defaultRoutingTable`; build one with `makeRoutingTable`). */
  readonly table?: RoutingTable
}

/** The request with the route's defaults under it: the caller's own values win. */
export const applyRequestDefaults = (request: CompletionRequest, defaults: RequestDefaults): CompletionRequest => ({
  ...(defaults.temperature !== undefined ? { temperature: defaults.temperature } : {}),
  ...(defaults.maxTokens !== undefined ? { maxTokens: defaults.maxTokens } : {}),
  ...(defaults.topP !== undefined ? { topP: defaults.topP } : {}),
  ...request
})

const round = (n: number): string => n.toFixed(2)

/**
 * Resolve a classification to a decision (pure). Fails with `ModelNotFound` when no available model matches the
 * route, and with `ContextLengthExceeded` when models match but none has room for the request.
 */
export const decideRoute = (
  classification: Classification,
  request: CompletionRequest,
  available: ReadonlyArray<ModelInfo>,
  table: RoutingTable = defaultRoutingTable
): RoutingDecision | ProviderError => {
  const route = table[classification.taskType]
  const prepared = applyRequestDefaults(request, route.requestDefaults)
  const needed = approximateTokenCount(requestText(prepared)) + (prepared.maxTokens ?? 0)
  const chosen: Array<string> = []
  const skipped: Array<string> = []
  const tooSmall: Array<ModelInfo> = []
  for (const pattern of orderedPatterns(route)) {
    const matches = modelsMatching(pattern, available)
    if (matches.length === 0) skipped.push(pattern)
    for (const model of matches) {
      if (chosen.includes(model.id)) continue
      if (model.contextWindow !== undefined && model.contextWindow < needed) {
        tooSmall.push(model)
        continue
      }
      chosen.push(model.id)
    }
  }
  const type = describeTaskType(classification.taskType)
  if (chosen.length === 0) {
    if (tooSmall.length > 0) {
      const limit = Math.max(...tooSmall.map((model) => model.contextWindow ?? 0))
      return providerError({ _tag: "ContextLengthExceeded", limit },
        `No available model for ${type} has room for about ${needed} tokens (largest context window: ${limit})`)
    }
    return providerError({ _tag: "ModelNotFound", modelId: orderedPatterns(route).join(", ") },
      `No available model matches the ${type} route (${orderedPatterns(route).join(", ")}); ${available.length} models are available`)
  }
  const notes = [
    skipped.length > 0 ? `${skipped.join(", ")} not available` : "",
    tooSmall.length > 0 ? `${tooSmall.map((model) => model.id).join(", ")} skipped: context window under ${needed} tokens` : ""
  ].filter((note) => note.length > 0)
  const fired = classification.signals.slice(0, 3).map((signal) => signal.name)
  const reason = `Classified as ${type} (confidence ${round(classification.confidence)}, by ${classification.classifiedBy}` +
    `${fired.length > 0 ? `: ${fired.join(", ")}` : ""}); routing to ${chosen.join(", ")} with strategy ${route.strategy}` +
    `${notes.length > 0 ? ` (${notes.join("; ")})` : ""}.`
  return {
    taskType: classification.taskType,
    confidence: classification.confidence,
    classifiedBy: classification.classifiedBy,
    models: chosen,
    strategy: route.strategy,
    requestDefaults: route.requestDefaults,
    request: prepared,
    reason,
    classification
  }
}

const isDecision = (value: RoutingDecision | ProviderError): value is RoutingDecision => "models" in value

/** The text a request is classified by: its messages (last user turn first), or its prompt after them. */
const classifyInputOf = (request: CompletionRequest) => (request.prompt !== undefined && request.messages === undefined ? request.prompt : toMessages(request))

/**
 * Route a request: classify it (with the optional tiers when unsure) and resolve its route against the available
 * models. An empty request fails with `InvalidRequest`; an unroutable one with `ModelNotFound` or `ContextLengthExceeded`.
 */
export const route: (request: CompletionRequest, options: RouteOptions) => Effect.Effect<RoutingDecision, ProviderError> =
  Effect.fnUntraced(function*(request: CompletionRequest, options: RouteOptions) {
    if (lastUserText(request).trim().length === 0) return yield* Effect.fail(invalidRequest(["the request has no prompt or user message to route"]))
    const classification = yield* classifyWithTiers(classifyInputOf(request), options)
    const decision = decideRoute(classification, request, options.available, options.table)
    return isDecision(decision) ? decision : yield* Effect.fail(decision)
  })

/**
 * Route synchronously with the default classifier only (no optional tiers).
 *
 * Gotcha: throws the typed `ProviderError` instead of returning it; use `route` in Effect code.
 */
export const routeSync = (request: CompletionRequest, options: Omit<RouteOptions, "embedding" | "llm">): RoutingDecision => {
  if (lastUserText(request).trim().length === 0) throw invalidRequest(["the request has no prompt or user message to route"])
  const decision = decideRoute(classifySync(classifyInputOf(request), options), request, options.available, options.table)
  if (isDecision(decision)) return decision
  throw decision
}
