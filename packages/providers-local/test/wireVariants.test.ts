/**
 * The local backends against hand-written bodies in each server's documented shape (split at random byte
 * boundaries) and the recordings: Ollama's NDJSON variants, context windows where each server states them, names
 * and listing, several OpenAI-compatible servers at once, cancellation that reaches the server.
 */
import { collectStream } from "@orch/provider"
import { requireShared, startWireServer, unusedPortUrl, type WireServer } from "@orch/testing"
import { ConfigProvider, Effect, Fiber, Redacted } from "effect"
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest"
import { localProviderConfig, makeLocalProvider, makeOllamaProvider, makeOpenAiCompatProvider, parseServers } from "../src/index.ts"
import { call, failureOf, successOf, withDeadline } from "./wireCalls.ts"

const hasFixtures = requireShared("fixtures", "wire", "ollama")
let server: WireServer
beforeAll(async () => {
  server = await startWireServer({ models: ["llama3"] })
})
afterAll(() => server.close())
beforeEach(() => server.reset())

const seeds = [1, 7, 42]
const ndjson = (lines: ReadonlyArray<unknown>) => lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n") + "\n"
const line = (content: string, extra: Record<string, unknown> = {}) => ({ model: "llama3", created_at: "2026-01-01T00:00:00Z", message: { role: "assistant", content }, done: false, ...extra })
const done = (extra: Record<string, unknown> = {}) => ({ model: "llama3", created_at: "2026-01-01T00:00:01Z", message: { role: "assistant", content: "" }, done_reason: "stop", done: true, prompt_eval_count: 5, eval_count: 3, ...extra })
const ollamaModel = async (config: Parameters<typeof makeOllamaProvider>[0] = {}) =>
  Effect.runPromise(Effect.flatMap(makeOllamaProvider({ host: server.url, ...config }), (p) => p.model("ollama/llama3")))

describe("Ollama's NDJSON variants", () => {
  for (const seed of seeds) {
    it(`a corrupt line fails the call, with nothing on the console (seed ${seed})`, async () => {
      const warn = vi.spyOn(console, "warn")
      const log = vi.spyOn(console, "log")
      try {
        server.enqueue({ kind: "raw", contentType: "application/x-ndjson", body: ndjson([line("Hello"), '{"model":"llama3","message":{"content":" wor', line("ld"), done()]), split: { seed, maxChunk: 9 } })
        const error = failureOf(await call(await ollamaModel(), "generate"))
        expect(error.reason).toMatchObject({ _tag: "StreamInterrupted", partialText: "Hello", upstreamType: "MalformedResponse" })
        server.enqueue({ kind: "raw", contentType: "application/x-ndjson", body: ndjson(["not json", line("x"), done()]), split: { seed, maxChunk: 9 } })
        expect(failureOf(await call(await ollamaModel(), "stream")).reason._tag).toBe("MalformedResponse")
        expect(warn).not.toHaveBeenCalled()
        expect(log).not.toHaveBeenCalled()
      } finally {
        warn.mockRestore()
        log.mockRestore()
      }
    })
    it(`an error line before any text is typed by its words (seed ${seed})`, async () => {
      server.enqueue({ kind: "raw", contentType: "application/x-ndjson", body: ndjson([{ error: "model requires more system memory (5.5 GiB) than is available (1.2 GiB)" }]), split: { seed, maxChunk: 5 } })
      expect(failureOf(await call(await ollamaModel(), "generate")).reason._tag).toBe("ServerError")
      server.enqueue({ kind: "raw", contentType: "application/x-ndjson", body: ndjson([{ error: "model \"llama3\" not found, try pulling it first" }]), split: { seed, maxChunk: 5 } })
      const missing = failureOf(await call(await ollamaModel(), "stream"))
      expect(missing.reason._tag).toBe("ModelNotFound")
      expect(missing.message).toContain("ollama pull llama3")
    })
    it(`an answer with tool_calls finishes tool-calls (seed ${seed})`, async () => {
      server.enqueue({ kind: "raw", contentType: "application/x-ndjson", body: ndjson([line("", { message: { role: "assistant", content: "", tool_calls: [{ function: { name: "get_weather", arguments: { city: "Paris" } } }] } }), done()]), split: { seed, maxChunk: 11 } })
      const completion = successOf(await call(await ollamaModel(), "generate"))
      expect(completion.finishReason).toBe("tool-calls")
      expect(completion.toolCalls).toMatchObject([{ name: "get_weather", arguments: { city: "Paris" } }])
      expect(completion.toolCalls?.[0]?.id).toMatch(/^[a-zA-Z0-9_-]+$/)
    })
    it(`log-probabilities are carried: the mean, and each token when asked (seed ${seed})`, async () => {
      server.enqueue({ kind: "raw", contentType: "application/x-ndjson", body: ndjson([line("Yes", { logprobs: [{ token: "Yes", logprob: -0.25, bytes: [89, 101, 115] }] }), line("!", { logprobs: [{ token: "!", logprob: -0.75 }] }), done()]), split: { seed, maxChunk: 13 } })
      const completion = successOf(await withDeadline(collectStream((await ollamaModel()).stream({ prompt: "ok?", logprobs: true }))))
      expect(completion.meanLogprob).toBe(-0.5)
      expect(completion.logprobs).toEqual([{ token: "Yes", logprob: -0.25 }, { token: "!", logprob: -0.75 }])
      expect(server.requests[0]?.body).toMatchObject({ logprobs: true })
    })
    it(`<think> at the start of content is reasoning (seed ${seed})`, async () => {
      server.enqueue({ kind: "raw", contentType: "application/x-ndjson", body: ndjson([line("<think>"), line("hmm"), line("</think>"), line("\n\nYes."), done()]), split: { seed, maxChunk: 7 } })
      expect(successOf(await call(await ollamaModel(), "stream"))).toMatchObject({ reasoning: "hmm", text: "Yes." })
    })
  }
  it.skipIf(!hasFixtures)("the recorded tool-call answer finishes tool-calls, with the call", async () => {
    server.enqueue({ kind: "replay", fixture: "ollama/chat_tool_calls.json" })
    const completion = successOf(await call(await ollamaModel(), "generate"))
    expect(completion.finishReason).toBe("tool-calls")
    expect(completion.toolCalls?.length).toBeGreaterThan(0)
    expect(typeof completion.toolCalls?.[0]?.arguments).toBe("object")
  })
  it("maps tools, images, assistant tool calls and tool results to /api/chat", async () => {
    server.enqueue({ kind: "synth", text: "ok" })
    const weather = { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } }
    successOf(await withDeadline((await ollamaModel()).generate({
      messages: [
        { role: "user", content: [{ type: "text", text: "What is this?" }, { type: "image", data: "iVBORw0KGgo=", mediaType: "image/png" }] },
        { role: "assistant", toolCalls: [{ id: "call_1", name: "get_weather", arguments: { city: "Paris" } }] },
        { role: "tool", toolCallId: "call_1", content: "18 C" }
      ],
      tools: [weather]
    })))
    expect(server.requests[0]?.body).toMatchObject({
      messages: [
        { role: "user", content: "What is this?", images: ["iVBORw0KGgo="] },
        { role: "assistant", tool_calls: [{ function: { name: "get_weather", arguments: { city: "Paris" } } }] },
        { role: "tool", content: "18 C", tool_name: "get_weather" }
      ],
      tools: [{ type: "function", function: { name: "get_weather" } }]
    })
  })
  it("a cancelled generate stops the server's generation (the server sees the client hang up)", async () => {
    server.enqueue({ kind: "raw", contentType: "application/x-ndjson", body: ndjson([line("Once")]), stallAfter: true })
    const fiber = Effect.runFork((await ollamaModel()).generate({ prompt: "a long story" }))
    while (server.requests.length === 0) await new Promise((resolve) => setImmediate(resolve))
    await Effect.runPromise(Fiber.interrupt(fiber))
    await server.waitForClosed()
    expect(server.requests[0]?.body).toMatchObject({ stream: true })
    expect(server.requests[0]?.aborted).toBe(true)
  })
  it("credentials in the host and a proxy token are used, never printed, even when echoed", async () => {
    const host = `http://alice:s3cret-pass-word@127.0.0.1:${server.port}`
    const provider = await Effect.runPromise(makeOllamaProvider({ host, headers: { "X-Proxy-Token": Redacted.make("proxy-token-abcdef123456") } }))
    expect(provider.client.host).toBe(`http://127.0.0.1:${server.port}`)
    server.enqueue({ kind: "json", status: 400, body: { error: "bad token proxy-token-abcdef123456 for alice:s3cret-pass-word" } })
    const error = failureOf(await call(await Effect.runPromise(provider.model("ollama/llama3")), "generate"))
    const shown = `${error.message} ${JSON.stringify(error.reason)}`
    expect(shown).not.toContain("proxy-token-abcdef")
    expect(shown).not.toContain("s3cret-pass")
    expect(server.requests[0]?.headers["x-proxy-token"]).toBe("proxy-token-abcdef123456")
    expect(server.requests[0]?.headers.authorization).toBe("[MASKED]")
    const down = await Effect.runPromise(makeOllamaProvider({ host: `http://bob:hunter2-secret@${(await unusedPortUrl()).slice("http://".length)}` }))
    const availability = await Effect.runPromise(down.isAvailable)
    expect(availability.available).toBe(false)
    expect(availability.reason).not.toContain("hunter2")
    expect(availability.reason).toContain("OLLAMA_HOST")
  })
})

describe("context windows where each server states them", () => {
  it("Ollama: /api/show num_ctx, else the architecture's context length; a prompt that cannot fit is not sent", async () => {
    server.enqueueFor("/api/show", { kind: "json", status: 200, body: { parameters: "num_ctx                        2048\nstop \"<|eot_id|>\"", model_info: { "general.architecture": "llama", "llama.context_length": 131072 } } })
    const provider = await Effect.runPromise(makeOllamaProvider({ host: server.url }))
    const models = successOf(await withDeadline(provider.listModels))
    expect(models[0]?.contextWindow).toBe(2048)
    const model = await Effect.runPromise(provider.model("ollama/llama3"))
    const sent = server.requests.length
    const error = failureOf(await withDeadline(model.generate({ prompt: "word ".repeat(3000) })))
    expect(error.reason).toEqual({ _tag: "ContextLengthExceeded", limit: 2048 })
    expect(server.requests.length).toBe(sent)
    const plain = await Effect.runPromise(makeOllamaProvider({ host: server.url }))
    expect(successOf(await withDeadline(plain.listModels))[0]?.contextWindow).toBe(131072)
    server.enqueueFor("/api/show", { kind: "json", status: 200, body: { parameters: "", model_info: { "general.architecture": "qwen3", "qwen3.context_length": 40960 }, capabilities: ["completion", "tools", "thinking"] } })
    const capable = await Effect.runPromise(makeOllamaProvider({ host: server.url }))
    const listed = successOf(await withDeadline(capable.listModels))[0]
    expect(listed).toMatchObject({ contextWindow: 40960, capabilities: { tools: true, images: false, files: false, jsonSchema: true, reasoning: true } })
    expect((await Effect.runPromise(capable.model("ollama/llama3"))).info?.capabilities?.tools).toBe(true)
  })
  it("vLLM: max_model_len from /v1/models", async () => {
    server.enqueueFor("/v1/models", { kind: "json", status: 200, body: { object: "list", data: [{ id: "Qwen/Qwen2.5-7B-Instruct", object: "model", created: 1, owned_by: "vllm", root: "Qwen/Qwen2.5-7B-Instruct", parent: null, max_model_len: 32768, permission: [] }] } })
    const vllm = await Effect.runPromise(makeOpenAiCompatProvider({ preset: "vllm", baseUrl: `${server.url}/v1` }))
    expect(successOf(await withDeadline(vllm.listModels))).toMatchObject([{ id: "vllm/Qwen/Qwen2.5-7B-Instruct", contextWindow: 32768 }])
  })
  it("llama.cpp server: a model path becomes a callable name, the window from meta.n_ctx or /props, the path is sent", async () => {
    const path = "/models/qwen2.5-0.5b-instruct-q4_k_m.gguf"
    server.enqueueFor("/v1/models", { kind: "json", status: 200, body: { object: "list", data: [{ id: path, object: "model", created: 1, owned_by: "llamacpp", meta: { vocab_type: 2, n_vocab: 151936, n_ctx_train: 32768, n_embd: 896, n_params: 494032768, size: 397808192 } }] } })
    server.enqueueFor("/props", { kind: "json", status: 200, body: { default_generation_settings: { n_ctx: 4096, params: {} }, total_slots: 1, model_path: path } })
    const llama = await Effect.runPromise(makeOpenAiCompatProvider({ preset: "llama-server", baseUrl: `${server.url}/v1` }))
    const models = successOf(await withDeadline(llama.listModels))
    expect(models).toMatchObject([{ id: "llama-server/qwen2.5-0.5b-instruct-q4_k_m", name: "qwen2.5-0.5b-instruct-q4_k_m", contextWindow: 4096 }])
    const model = await Effect.runPromise(llama.model(models[0]?.id ?? ""))
    server.enqueue({ kind: "synth", text: "ok" })
    successOf(await call(model, "generate"))
    expect(server.requests[server.requests.length - 1]?.body).toMatchObject({ model: path, stream: true })
    server.enqueueFor("/v1/models", { kind: "json", status: 200, body: { object: "list", data: [{ id: "alias", object: "model", meta: { n_ctx: 8192 } }] } })
    const stated = await Effect.runPromise(makeOpenAiCompatProvider({ preset: "vllm", baseUrl: `${server.url}/v1` }))
    expect(successOf(await withDeadline(stated.listModels))[0]?.contextWindow).toBe(8192)
  })
})

describe("names and listing", () => {
  it("a host whose /v1/models fails stays in routing: configured models are listed and callable", async () => {
    server.enqueueFor("/v1/models", { kind: "json", status: 404, body: { error: { message: "Not Found", type: "invalid_request_error" } } }, { kind: "json", status: 404, body: { detail: "Not Found" } })
    const host = await Effect.runPromise(makeOpenAiCompatProvider({ name: "gateway", baseUrl: `${server.url}/v1`, models: ["my-model"] }))
    expect((await Effect.runPromise(host.isAvailable)).available).toBe(true)
    expect(successOf(await withDeadline(host.listModels)).map((m) => m.id)).toEqual(["gateway/my-model"])
    server.enqueue({ kind: "synth", text: "still callable" })
    expect(successOf(await call(await Effect.runPromise(host.model("gateway/my-model")), "generate")).text).toBe("still callable")
  })
  it("a server that is down is unavailable with the fix named, and its address without credentials", async () => {
    const down = await Effect.runPromise(makeOpenAiCompatProvider({ preset: "lmstudio", baseUrl: `${(await unusedPortUrl()).replace("http://", "http://u:pw-secret-1@")}/v1` }))
    const availability = await Effect.runPromise(down.isAvailable)
    expect(availability.available).toBe(false)
    expect(availability.reason).toMatch(/LM Studio "lmstudio" at http:\/\/127\.0\.0\.1:\d+\/v1 is not reachable/)
    expect(availability.reason).not.toContain("pw-secret")
  })
  it("the presets name their servers honestly; a new one is one entry (SGLang)", async () => {
    const sglang = await Effect.runPromise(makeOpenAiCompatProvider({ preset: "sglang", baseUrl: `${server.url}/v1` }))
    server.enqueueFor("/v1/models", { kind: "json", status: 200, body: { object: "list", data: [{ id: "meta-llama/Llama-3.1-8B-Instruct", object: "model", owned_by: "sglang", root: "meta-llama/Llama-3.1-8B-Instruct", max_model_len: 131072 }] } })
    expect(successOf(await withDeadline(sglang.listModels))).toMatchObject([{ id: "sglang/meta-llama/Llama-3.1-8B-Instruct", contextWindow: 131072 }])
    expect(sglang.client.settings.displayUrl).toBe(`${server.url}/v1`)
    const defaults = await Effect.runPromise(makeOpenAiCompatProvider({ preset: "sglang" }))
    expect([defaults.name, defaults.client.settings.baseUrl]).toEqual(["sglang", "http://127.0.0.1:30000/v1"])
  })
  it("two OpenAI-compatible servers at once from the environment (ORCH_SERVERS), each with its key", async () => {
    expect(parseServers("lmstudio, llama-server=http://127.0.0.1:8080/v1, gpu=vllm+http://10.0.0.5:8000/v1")).toEqual([
      { name: "lmstudio", preset: "lmstudio" },
      { name: "llama-server", preset: "llama-server", baseUrl: "http://127.0.0.1:8080/v1" },
      { name: "gpu", preset: "vllm", baseUrl: "http://10.0.0.5:8000/v1" }
    ])
    const env = { ORCH_SERVERS: `lmstudio=${server.url}/v1,gpu=vllm+${server.url}/v1`, ORCH_SERVER_GPU_API_KEY: "sk-gpu-key-123456789", OLLAMA_HOST: await unusedPortUrl() }
    const config = await Effect.runPromise(localProviderConfig.pipe(Effect.provide(ConfigProvider.layer(ConfigProvider.fromUnknown(env)))))
    const local = await Effect.runPromise(makeLocalProvider(config))
    expect(local.backends.map((b) => b.name)).toEqual(["ollama", "vllm", "lmstudio", "gpu"])
    server.enqueue({ kind: "synth", text: "from lmstudio" }, { kind: "synth", text: "from gpu" })
    expect(successOf(await call(await Effect.runPromise(local.model("lmstudio/m")), "generate")).provider).toBe("lmstudio")
    expect(successOf(await call(await Effect.runPromise(local.model("gpu/m")), "generate")).provider).toBe("gpu")
    const gpu = config.openAiCompatible?.find((s) => s.name === "gpu")
    expect(gpu?.apiKey !== undefined && Redacted.value(gpu.apiKey)).toBe("sk-gpu-key-123456789")
    expect(config.openAiCompatible?.find((s) => s.name === "lmstudio")?.apiKey).toBeUndefined()
  })
})
