/**
 * The task router as an Effect service: `classify` and `route` with the options (routing table overrides,
 * optional tiers, threshold) fixed when the layer is built. Invalid overrides fail the layer with `InvalidRequest`.
 */
import { Context, Effect, Layer } from "effect"
import type { CompletionRequest, ModelInfo, ProviderError } from "@orch/provider"
import type { Classification, ClassifyInput } from "./Classifier.ts"
import { classifyWithTiers, type TieredClassifierOptions } from "./ClassifierTiers.ts"
import { givenTaskType } from "./GivenTaskType.ts"
import { route, type RoutingDecision } from "./Route.ts"
import { makeRoutingTable, type RoutingTable } from "./RoutingTable.ts"

/** Options of the `TaskRouter` layer. */
export interface TaskRouterOptions extends TieredClassifierOptions {
  /** Route overrides merged over the defaults (validated; unknown keys and bad values are errors). */
  readonly routes?: unknown
}

/** What the service offers. */
export interface TaskRouterShape {
  readonly table: RoutingTable
  readonly classify: (input: ClassifyInput) => Effect.Effect<Classification, ProviderError>
  /** A task type the caller gave, as a certain classification; `InvalidRequest` when it is not one. */
  readonly given: (taskType: string) => Effect.Effect<Classification, ProviderError>
  readonly route: (request: CompletionRequest, available: ReadonlyArray<ModelInfo>) => Effect.Effect<RoutingDecision, ProviderError>
}

/** The task router service. Build it with `TaskRouter.layer(options)`. */
export class TaskRouter extends Context.Service<TaskRouter, TaskRouterShape>()("@orch/task-router/TaskRouter") {
  /** A layer with the given options; fails with `InvalidRequest` when the route overrides are invalid. */
  static layer(options: TaskRouterOptions = {}): Layer.Layer<TaskRouter, ProviderError> {
    return Layer.effect(TaskRouter, Effect.gen(function*() {
      const table = yield* makeRoutingTable(options.routes ?? {})
      return TaskRouter.of({
        table,
        classify: (input) => classifyWithTiers(input, options),
        given: givenTaskType,
        route: (request, available) => route(request, { ...options, available, table })
      })
    }))
  }
}
