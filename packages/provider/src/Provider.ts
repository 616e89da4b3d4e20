/**
 * A provider: a named source of models (a backend such as Ollama, or a group of backends such as LocalProvider).
 */
import type { Effect } from "effect"
import type { LanguageModel, ModelInfo, ProviderKind } from "./Model.ts"
import type { ProviderError } from "./ProviderError.ts"

/** Whether a provider can serve now, and why not when it cannot. */
export interface Availability {
  readonly available: boolean
  /** Why it is not available, in words that name the fix ("set OPENAI_API_KEY"). */
  readonly reason?: string
  /** Per backend, for providers that group several. */
  readonly backends?: ReadonlyArray<{ readonly name: string; readonly available: boolean; readonly reason?: string }>
}

/** A source of models. */
export interface Provider {
  readonly name: string
  readonly kind: ProviderKind
  /** A cheap check, cached for a short time. Never fails: an unreachable service is `available: false`. */
  readonly isAvailable: Effect.Effect<Availability>
  /** The models it can serve now. */
  readonly listModels: Effect.Effect<ReadonlyArray<ModelInfo>, ProviderError>
  /** The model for an id (`backend/name`, or a bare name where the provider has one backend). Makes no call. */
  readonly model: (id: string) => Effect.Effect<LanguageModel, ProviderError>
  /** Release what the provider holds (loaded models, sockets). Safe to call twice. */
  readonly close?: Effect.Effect<void>
}
