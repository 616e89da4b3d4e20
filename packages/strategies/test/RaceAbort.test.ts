// A race loser's HTTP request is aborted on the loopback wire server: real sockets, real time.
import { assert, describe, it } from "@effect/vitest"
import { startWireServer } from "@orch/testing"
import { Effect } from "effect"
import { race } from "../src/index.ts"
import { fetchModel } from "./FetchModel.ts"

describe("race over HTTP", () => {
  it.live("the loser's request is aborted and its connection closed once the winner answers", () =>
    Effect.acquireUseRelease(
      Effect.promise(() => startWireServer()),
      (server) =>
        Effect.gen(function*() {
          const fast = fetchModel("wire/fast", server.url, { kind: "synth", text: "fast answer", firstTokenDelayMs: 5 })
          const slow = fetchModel("wire/slow", server.url, { kind: "synth", text: "slow answer", firstTokenDelayMs: 10_000 })
          const completion = yield* race([slow, fast]).generate({ prompt: "hello" })
          assert.strictEqual(completion.text, "fast answer")
          yield* Effect.promise(() => server.waitForClosed(2_000))
          const byModel = new Map(server.requests.map((r) => [(r.body as { model: string }).model, r]))
          assert.strictEqual(byModel.size, 2)
          assert.isTrue(byModel.get("slow")?.aborted, "the slow request was aborted by the client")
          assert.isFalse(byModel.get("fast")?.aborted)
          assert.strictEqual(server.openConnections(), 0)
        }),
      (server) => Effect.promise(() => server.close())
    ))
})
