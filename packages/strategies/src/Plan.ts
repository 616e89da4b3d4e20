/**
 * A plan is a value over models: it answers a request as a whole completion or as a stream of parts, with the
 * contract's types, so plans (strategies) compose with each other and with plain models.
 */
import type { Completion, CompletionRequest, LanguageModel, ProviderError, StreamPart } from "@orch/provider"
import { Effect, Stream } from "effect"

/** A composable way to answer a request. Every primitive takes steps and returns a `Plan`. */
export interface Plan {
  readonly _tag: "Plan"
  /** A short description, e.g. `fallback(local/a, cloud/b)`. */
  readonly name: string
  /** The whole answer. */
  readonly generate: (request: CompletionRequest) => Effect.Effect<Completion, ProviderError>
  /** The answer as parts; ends with `finish`, or fails. */
  readonly stream: (request: CompletionRequest) => Stream.Stream<StreamPart, ProviderError>
  /** The context window of the model under it, when it is a single model that says (fallback reads it). */
  readonly contextWindow?: number
}

/** What a primitive accepts: a model (called as one attempt) or another strategy. */
export type Step = LanguageModel | Plan

/** Whether a step is a strategy. */
export const isPlan = (step: Step): step is Plan => (step as { _tag?: unknown })._tag === "Plan"

/** The names of steps, for a strategy's name. */
export const stepNames = (steps: ReadonlyArray<Step>): string =>
  steps.map((step) => (isPlan(step) ? step.name : step.id)).join(", ")

/**
 * Build a strategy from its two forms. The name may be given as a function: it is then made when first read (a
 * strategy over a long list of models does not build its description on every call).
 */
export const makePlan = (
  name: string | (() => string),
  generate: Plan["generate"],
  stream: Plan["stream"],
  contextWindow?: number
): Plan => {
  if (typeof name === "string") return { _tag: "Plan", name, generate, stream, ...(contextWindow !== undefined ? { contextWindow } : {}) }
  let made: string | undefined
  return {
    _tag: "Plan",
    get name() {
      made ??= name()
      return made
    },
    generate,
    stream,
    ...(contextWindow !== undefined ? { contextWindow } : {})
  }
}

/**
 * The stream form of a plan that only answers whole (vote, cascade, chain): the completion's reasoning as one
 * `reasoning-delta`, its text as `text-start`, one `text-delta`, `text-end`, its tool calls as `tool-call` parts, and
 * `finish` with everything else it carries (log-probabilities, `object`, the reasoning's signature and redacted
 * reasoning): collected again, the stream gives back the completion.
 */
export const streamOfCompletion = (completion: Effect.Effect<Completion, ProviderError>): Stream.Stream<StreamPart, ProviderError> =>
  Stream.unwrap(Effect.map(completion, (c): Stream.Stream<StreamPart> =>
    Stream.fromIterable<StreamPart>([
      ...(c.reasoning !== undefined && c.reasoning.length > 0 ? [{ type: "reasoning-delta", delta: c.reasoning } as const] : []),
      { type: "text-start" },
      ...(c.text.length > 0 ? [{ type: "text-delta", delta: c.text } as const] : []),
      { type: "text-end" },
      ...(c.toolCalls ?? []).map((call): StreamPart => ({ type: "tool-call", id: call.id, name: call.name, arguments: call.arguments })),
      {
        type: "finish", finishReason: c.finishReason, usage: c.usage, provider: c.provider, model: c.model, timings: c.timings,
        ...(c.responseId !== undefined ? { responseId: c.responseId } : {}),
        ...(c.meanLogprob !== undefined ? { meanLogprob: c.meanLogprob } : {}),
        ...(c.logprobs !== undefined ? { logprobs: c.logprobs } : {}),
        ...(c.object !== undefined ? { object: c.object } : {}),
        ...(c.reasoningSignature !== undefined ? { reasoningSignature: c.reasoningSignature } : {}),
        ...(c.redactedReasoning !== undefined ? { redactedReasoning: c.redactedReasoning } : {})
      }
    ])))
