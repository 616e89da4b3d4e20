import { afterAll, beforeAll, beforeEach, describe, expect, it } from "@effect/vitest"
import type { StreamPart } from "@orch/provider"
import { startWireServer, type WireServer } from "@orch/testing"
import { Deferred, Effect, Fiber, Result, Stream } from "effect"
import { TestClock } from "effect/testing"
import { makeOpenAiCompatClient, makeOpenAiCompatLanguageModel, resolveSettings } from "../src/index.ts"
import { chunk, sse } from "./support.ts"

let server: WireServer
beforeAll(async () => {
  server = await startWireServer({ models: ["m"] })
})
afterAll(() => server.close())
beforeEach(() => server.reset())

/** A model whose backstop is one minute (the SDK's own timer never fires within a test; the Clock's is the TestClock). */
const patient = () =>
  makeOpenAiCompatLanguageModel(makeOpenAiCompatClient(resolveSettings({ backend: "srv", baseUrl: `${server.url}/v1`, timeout: "1 minute" })), { name: "m", kind: "local" })

describe("the backstop between stream events", () => {
  it.effect("a body that stalls after text is a between-chunks Timeout one backstop after its last event, and the request is aborted", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "raw", body: sse([chunk({ role: "assistant", content: "Once" })], false), stallAfter: true })
      const text = yield* Deferred.make<void>()
      const fiber = yield* patient().stream({ prompt: "tell a story" }).pipe(
        Stream.tap((part: StreamPart) => (part.type === "text-delta" ? Deferred.succeed(text, undefined) : Effect.void)),
        Stream.runCollect,
        Effect.result,
        Effect.forkChild
      )
      yield* Deferred.await(text)
      yield* TestClock.adjust("59 seconds")
      expect(fiber.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust("1 second")
      const result = yield* Fiber.join(fiber)
      if (Result.isSuccess(result)) throw new Error("expected the stall to fail the stream")
      // A deadline keeps its own reason even after text.
      expect(result.failure.reason).toEqual({ _tag: "Timeout", phase: "between-chunks", afterMs: 60_000 })
      yield* Effect.promise(() => server.waitForClosed())
      expect(server.requests[0]?.aborted).toBe(true)
    }))
})
