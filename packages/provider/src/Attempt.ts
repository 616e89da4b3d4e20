/**
 * Attempt events: every call of a model by a strategy reports its start and exactly one end (success, failure or
 * cancelled), so the cost tracker and traces see every attempt, the losers of races and hedges included.
 */
import { Context, Effect } from "effect"
import { dual } from "effect/Function"
import type { Usage } from "./Completion.ts"
import type { ProviderKind } from "./Model.ts"
import type { ProviderError } from "./ProviderError.ts"

/** Which model an attempt called. */
export interface AttemptModel {
  readonly id: string
  readonly provider: string
  readonly name: string
  readonly kind: ProviderKind
}

interface AttemptBase {
  /** Unique within the process. */
  readonly attemptId: number
  readonly model: AttemptModel
  /** What the attempt was for: "primary", "retry", "fallback", "race", "hedge", "vote", "judge", ... */
  readonly role: string
}

/** An attempt began. */
export interface AttemptStart extends AttemptBase { readonly _tag: "AttemptStart"; readonly startedAtMs: number }
/** An attempt answered. */
export interface AttemptSuccess extends AttemptBase { readonly _tag: "AttemptSuccess"; readonly latencyMs: number; readonly usage: Usage; readonly firstTokenMs?: number }
/** An attempt failed with a typed error. */
export interface AttemptFailure extends AttemptBase { readonly _tag: "AttemptFailure"; readonly latencyMs: number; readonly error: ProviderError; readonly usage?: Usage }
/** An attempt was cancelled (lost a race, a quorum was reached, the caller cancelled); `usage` is what it produced so far. */
export interface AttemptCancelled extends AttemptBase { readonly _tag: "AttemptCancelled"; readonly latencyMs: number; readonly usage?: Usage }

/** One attempt event. */
export type AttemptEvent = AttemptStart | AttemptSuccess | AttemptFailure | AttemptCancelled

/** Receives attempt events. Must be fast and must not fail: it runs on every attempt. */
export type AttemptListener = (event: AttemptEvent) => Effect.Effect<void>

/**
 * The listener in scope for attempt events. The default drops them; the core, a test or a user sets one with
 * `Effect.provideService(AttemptEvents, listener)` or `withAttemptListener`.
 */
export const AttemptEvents = Context.Reference<AttemptListener>("@orch/provider/AttemptEvents", {
  defaultValue: () => () => Effect.void
})

/** Run an effect with a listener that receives its attempt events, after any listener already in scope. */
export const withAttemptListener: {
  (listener: AttemptListener): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, listener: AttemptListener): Effect.Effect<A, E, R>
} = dual(2, <A, E, R>(self: Effect.Effect<A, E, R>, listener: AttemptListener): Effect.Effect<A, E, R> =>
  Effect.flatMap(AttemptEvents, (outer) =>
    Effect.provideService(self, AttemptEvents, (event) => Effect.andThen(outer(event), listener(event)))))

let nextAttemptId = 1
/** A fresh attempt id. */
export const newAttemptId = (): number => nextAttemptId++
