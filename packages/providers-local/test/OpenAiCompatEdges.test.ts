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

describe("LM Studio's listing (its /v1/models lists embedding models beside chat models; /api/v0/models says which)", () => {
  it("leaves embedding models out, marks the loaded one, and takes its loaded context", async () => {
    server.enqueueFor("/v1/models", { kind: "json", status: 200, body: { object: "list", data: [
      { id: "qwen2.5-7b-instruct", object: "model", owned_by: "organization_owner" },
      { id: "text-embedding-nomic-embed-text-v1.5", object: "model", owned_by: "organization_owner" },
      { id: "gemma-3-4b-it", object: "model", owned_by: "organization_owner" }
    ] } })
    server.enqueueFor("/api/v0/models", { kind: "json", status: 200, body: { object: "list", data: [
      { id: "qwen2.5-7b-instruct", object: "model", type: "llm", publisher: "lmstudio-community", arch: "qwen2", compatibility_type: "gguf", quantization: "Q4_K_M", state: "loaded", max_context_length: 32768, loaded_context_length: 8192 },
      { id: "text-embedding-nomic-embed-text-v1.5", object: "model", type: "embeddings", publisher: "nomic-ai", arch: "nomic-bert", compatibility_type: "gguf", quantization: "Q4_K_M", state: "not-loaded", max_context_length: 2048 },
      { id: "gemma-3-4b-it", object: "model", type: "vlm", publisher: "lmstudio-community", arch: "gemma3", compatibility_type: "gguf", quantization: "Q4_K_M", state: "not-loaded", max_context_length: 131072 }
    ] } })
    const provider = await Effect.runPromise(makeOpenAiCompatProvider({ preset: "lmstudio", baseUrl: `${server.url}/v1` }))
    const models = await Effect.runPromise(provider.listModels)
    expect(models.map((m) => m.id)).toEqual(["lmstudio/qwen2.5-7b-instruct", "lmstudio/gemma-3-4b-it"])
    expect(models[0]).toMatchObject({ loaded: true, contextWindow: 8192, capabilities: { images: false } })
    expect(models[1]).toMatchObject({ loaded: false, capabilities: { images: true } })
    expect(models[1]?.contextWindow).toBeUndefined()
  })
  it("an LM Studio without /api/v0/models lists what /v1/models lists", async () => {
    server.enqueueFor("/v1/models", { kind: "json", status: 200, body: { object: "list", data: [{ id: "qwen2.5-7b-instruct", object: "model" }] } })
    server.enqueueFor("/api/v0/models", { kind: "json", status: 404, body: { error: "Unexpected endpoint or method. (GET /api/v0/models)" } })
    const provider = await Effect.runPromise(makeOpenAiCompatProvider({ preset: "lmstudio", baseUrl: `${server.url}/v1` }))
    expect((await Effect.runPromise(provider.listModels)).map((m) => m.id)).toEqual(["lmstudio/qwen2.5-7b-instruct"])
  })
})

describe("a llama.cpp server in router mode (tools/server: /v1/models entries with status.value)", () => {
  it("marks which models are loaded, so a first call to an unloaded one is given its load time", async () => {
    server.enqueueFor("/v1/models", { kind: "json", status: 200, body: { object: "list", data: [
      { id: "qwen2.5-0.5b-instruct", aliases: [], tags: [], object: "model", owned_by: "llamacpp", created: 1767225600, status: { value: "loaded", args: ["-m", "/models/qwen2.5-0.5b-instruct-q4_k_m.gguf"] } },
      { id: "gemma-3-1b-it", aliases: [], tags: [], object: "model", owned_by: "llamacpp", created: 1767225600, status: { value: "unloaded" } }
    ] } })
    const provider = await Effect.runPromise(makeOpenAiCompatProvider({ preset: "llama-server", baseUrl: `${server.url}/v1` }))
    const models = await Effect.runPromise(provider.listModels)
    expect(models.map((m) => [m.name, m.loaded])).toEqual([["qwen2.5-0.5b-instruct", true], ["gemma-3-1b-it", false]])
  })
})

describe("a llama.cpp server says whether it takes images (GET /props modalities.vision, true only with a multimodal projector)", () => {
  it("a text-only server's model says images: false (capability routing keeps image requests from it)", async () => {
    server.enqueueFor("/v1/models", { kind: "json", status: 200, body: { object: "list", data: [{ id: "qwen2.5-0.5b-instruct", object: "model", owned_by: "llamacpp", meta: { n_ctx_train: 32768 } }] } })
    server.enqueueFor("/props", { kind: "json", status: 200, body: { default_generation_settings: { n_ctx: 4096, params: {} }, total_slots: 1, model_path: "/models/qwen2.5-0.5b-instruct-q4_k_m.gguf", modalities: { vision: false, audio: false } } })
    const provider = await Effect.runPromise(makeOpenAiCompatProvider({ preset: "llama-server", baseUrl: `${server.url}/v1` }))
    const [listed] = await Effect.runPromise(provider.listModels)
    expect(listed).toMatchObject({ contextWindow: 4096, capabilities: { images: false } })
    const model = await Effect.runPromise(provider.model("llama-server/qwen2.5-0.5b-instruct"))
    expect(model.info?.capabilities).toEqual({ images: false })
  })
})
