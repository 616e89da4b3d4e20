import { requireShared, startWireServer, type WireServer } from "@orch/testing"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { callableName, makeOpenAiCompatClient, makeOpenAiCompatLanguageModel, resolveSettings } from "../src/index.ts"
import { call, seeds, successOf } from "./support.ts"

const hasFixtures = requireShared("fixtures", "wire", "vllm")
let server: WireServer
beforeAll(async () => {
  server = await startWireServer()
})
afterAll(() => server.close())
beforeEach(() => server.reset())

const model = (kind: "local" | "cloud") =>
  makeOpenAiCompatLanguageModel(makeOpenAiCompatClient(resolveSettings({ backend: "srv", baseUrl: `${server.url}/v1` })), { name: "m", kind })

describe.skipIf(!hasFixtures)("the recordings, split at random byte boundaries", () => {
  for (const seed of seeds) {
    it(`OpenAI's stream with the usage chunk (seed ${seed})`, async () => {
      server.enqueue({ kind: "replay", fixture: "openai/chat_completion_stream_usage.sse", split: { seed, maxChunk: 11 } })
      const completion = successOf(await call(model("cloud"), "stream"))
      expect(completion.usage.estimated).toBe(false)
      expect(completion.text.length).toBeGreaterThan(0)
    })
    it(`vLLM's stream (seed ${seed})`, async () => {
      server.enqueue({ kind: "replay", fixture: "vllm/chat_completion_stream.sse", split: { seed, maxChunk: 11 } })
      const completion = successOf(await call(model("local"), "generate"))
      expect(completion.text.startsWith("<|im_end|>doctor")).toBe(true)
      expect(completion.responseId).toBe("chat-22c24755532348e6b6ff75297b1a71b3")
    })
  }
  it("OpenAI's JSON completion and Ollama's /v1 completion", async () => {
    server.enqueue({ kind: "replay", fixture: "openai/chat_completion.json" })
    expect(successOf(await call(model("cloud"), "generate")).usage.estimated).toBe(false)
    server.enqueue({ kind: "replay", fixture: "ollama/openai_compat_chat_completion.json" })
    expect(successOf(await call(model("cloud"), "generate")).text.length).toBeGreaterThan(0)
  })
})

describe("callable names", () => {
  it("a llama.cpp server's model path gets its file name; other ids stay", () => {
    expect(callableName("/models/Qwen2.5-0.5B-Instruct-Q4_K_M.gguf")).toBe("Qwen2.5-0.5B-Instruct-Q4_K_M")
    expect(callableName("C:\\models\\phi-3.gguf")).toBe("phi-3")
    expect(callableName("meta-llama/Llama-3.1-8B-Instruct")).toBe("meta-llama/Llama-3.1-8B-Instruct")
    expect(callableName("gpt-4o-mini")).toBe("gpt-4o-mini")
  })
})
