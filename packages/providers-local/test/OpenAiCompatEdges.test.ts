/**
 * OpenAI-compatible servers through their presets, in shapes their own trackers show (the bytes are ours).
 */
import { startWireServer, type WireServer } from "@orch/testing"
import { Effect } from "effect"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { makeOpenAiCompatProvider } from "../src/index.ts"
import { call, failureOf } from "./wireCalls.ts"

let server: WireServer
beforeAll(async () => {
  server = await startWireServer({ models: ["qwen2.5-7b-instruct"] })
})
afterAll(() => server.close())
beforeEach(() => server.reset())

describe("LM Studio with no model loaded (lmstudio-ai/lms#107, its 400 invalid_request_error body)", () => {
  it("is ModelNotFound, so a fallback moves on, not InvalidRequest, which stops it", async () => {
    const provider = await Effect.runPromise(makeOpenAiCompatProvider({ preset: "lmstudio", baseUrl: `${server.url}/v1` }))
    const model = await Effect.runPromise(provider.model("lmstudio/qwen2.5-7b-instruct"))
    const body = { error: { message: "No models loaded. Please load a model in the developer page or use the 'lms load' command.", type: "invalid_request_error", param: "model", code: null } }
    for (const mode of ["generate", "stream"] as const) {
      server.enqueue({ kind: "json", status: 400, body })
      const error = failureOf(await call(model, mode))
      expect(error.reason._tag).toBe("ModelNotFound")
      expect(error.isRetryable).toBe(false)
    }
  })
})
