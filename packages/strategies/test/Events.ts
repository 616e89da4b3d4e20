// Test support: record attempt events and check every attempt has exactly one end event.
import { type AttemptEvent, withAttemptListener } from "@orch/provider"
import { Effect } from "effect"

export const recordEvents = <A, E, R>(self: Effect.Effect<A, E, R>, events: Array<AttemptEvent>) =>
  withAttemptListener(self, (event) => Effect.sync(() => { events.push(event) }))

export const endsPerAttempt = (events: ReadonlyArray<AttemptEvent>): Map<number, Array<string>> => {
  const byId = new Map<number, Array<string>>()
  for (const e of events) {
    const list = byId.get(e.attemptId) ?? []
    list.push(e._tag)
    byId.set(e.attemptId, list)
  }
  return byId
}

/** Every attempt started once and ended exactly once, the start first. */
export const eventsComplete = (events: ReadonlyArray<AttemptEvent>): boolean =>
  [...endsPerAttempt(events).values()].every((tags) => tags.length === 2 && tags[0] === "AttemptStart" && tags[1] !== "AttemptStart")
