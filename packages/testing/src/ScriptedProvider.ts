/**
 * A provider over scripted models: what an orchestrator test hands in when it needs models that say what they can
 * do (`info.capabilities`) or answer with tool calls, at the service seam, with no HTTP in between.
 */
import { providerError, type Provider, type ProviderKind } from "@orch/provider"
import { Effect } from "effect"
import type { ScriptedModel } from "./ScriptedModel.ts"

/** A provider named `name` serving `models` (matched by full id or by name); always available. */
export const scriptedProvider = (name: string, kind: ProviderKind, models: ReadonlyArray<ScriptedModel>): Provider => ({
  name,
  kind,
  isAvailable: Effect.succeed({ available: true }),
  listModels: Effect.succeed(models.map((m) => m.info ?? { id: m.id, name: m.name, provider: m.provider, kind: m.kind })),
  model: (id) => {
    const found = models.find((m) => m.id === id || m.name === id)
    return found !== undefined
      ? Effect.succeed(found)
      : Effect.fail(providerError({ _tag: "ModelNotFound", modelId: id }, `No scripted model ${id}`, { provider: name }))
  }
})
