import { afterAll, beforeAll, beforeEach, describe, expect, it } from "@effect/vitest"
import { failureAfterStall, startWireServer, type WireServer } from "@orch/testing"
import { Effect } from "effect"
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
      const error = yield* failureAfterStall(patient().stream({ prompt: "tell a story" }), "1 minute")
      // A deadline keeps its own reason even after text.
      expect(error.reason).toEqual({ _tag: "Timeout", phase: "between-chunks", afterMs: 60_000 })
      yield* Effect.promise(() => server.waitForClosed())
      expect(server.requests[0]?.aborted).toBe(true)
    }))
})
