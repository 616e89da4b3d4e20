/**
 * Ollama's native API in shapes the other tests do not send, each written from Ollama's own source or docs
 * (`api/types.go`, `server/routes.go`, `server/cloud_proxy.go`, `envconfig/config.go`, the API docs) and split at
 * random byte boundaries where it is a stream: listings whose lists are not lists, embedding-only and cloud models,
 * the context a loaded model runs with, a 404 from something that is not Ollama, a tool call cut by the output limit,
 * tool-call arguments that are not an object, cached prompt tokens, an answer spliced after the done line, a
 * `done_reason` of `load`, what requests carry (`toolChoice`, which `/api/chat` lacks, tool-call ids, `truncate`),
 * images given by URL and files, bodies without end, the `OLLAMA_HOST` forms Ollama itself reads, and its cloud API.
 */
import { collectStream as collect, type CompletionRequest } from "@orch/provider"
import { startWireServer, type WireServer } from "@orch/testing"
import { ConfigProvider, Effect, Redacted } from "effect"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { localProviderConfig, makeLocalProvider, makeOllamaProvider, normalizeOllamaHost } from "../src/index.ts"
import { call, failureOf, successOf, withDeadline } from "./wireCalls.ts"

let server: WireServer
beforeAll(async () => {
  server = await startWireServer({ models: ["llama3.2:1b", "nomic-embed-text:latest"], loadedModels: ["nomic-embed-text:latest"] })
})
afterAll(() => server.close())
beforeEach(() => server.reset())

const seeds = [2, 9, 31]
const ndjson = (lines: ReadonlyArray<unknown>) => lines.map((l) => JSON.stringify(l)).join("\n") + "\n"
const at = "2026-12-01T00:00:00Z"
const toolLine = (calls: ReadonlyArray<unknown>) => ({ model: "llama3.2:1b", created_at: at, message: { role: "assistant", content: "", tool_calls: calls }, done: false })
const done = (extra: Record<string, unknown> = {}) => ({ model: "llama3.2:1b", created_at: at, message: { role: "assistant", content: "" }, done_reason: "stop", done: true, prompt_eval_count: 9, eval_count: 4, ...extra })
const provider = () => Effect.runPromise(makeOllamaProvider({ host: server.url }))
const model = async () => Effect.runPromise(Effect.flatMap(makeOllamaProvider({ host: server.url }), (p) => p.model("ollama/llama3.2:1b")))
const weather = { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } }
const clock = { name: "get_time", parameters: { type: "object", properties: {} } }

describe("listing", () => {
  it("an /api/tags whose `models` is not a list fails the listing as MalformedResponse (never a defect)", async () => {
    for (const models of [{}, "none", 3]) {
      server.enqueueFor("/api/tags", { kind: "json", status: 200, body: { models } })
      const error = failureOf(await withDeadline((await provider()).listModels))
      expect(error.reason._tag).toBe("MalformedResponse")
      expect(error.provider).toBe("ollama")
    }
  })

  it("such a listing leaves the other local backends listed (it was a defect that failed the whole group)", async () => {
    // The group asks /api/tags twice: its availability probe, then the listing.
    const notAList = { kind: "json" as const, status: 200, body: { models: { llama: true } } }
    server.enqueueFor("/api/tags", notAList, notAList)
    const local = await Effect.runPromise(makeLocalProvider({ ollama: { host: server.url }, openAiCompatible: [{ preset: "vllm", baseUrl: `${server.url}/v1` }] }))
    const ids = successOf(await withDeadline(local.listModels)).map((m) => m.id)
    expect(ids.length).toBeGreaterThan(0)
    expect(ids.every((id) => id.startsWith("vllm/"))).toBe(true)
  })

  it("an /api/ps whose `models` is not a list leaves `loaded` unknown and the listing whole", async () => {
    server.enqueueFor("/api/ps", { kind: "json", status: 200, body: { models: { name: "llama3.2:1b" } } })
    const models = successOf(await withDeadline((await provider()).listModels))
    expect(models.map((m) => [m.id, m.loaded])).toEqual([["ollama/llama3.2:1b", undefined], ["ollama/nomic-embed-text:latest", undefined]])
  })

  it("a model Ollama runs on another host (its cloud models: remote_host) is of kind cloud (the prompt leaves the machine), not local", async () => {
    const entry = (name: string, extra: Record<string, unknown> = {}) => ({ name, model: name, modified_at: at, size: 384, digest: "d", details: { family: "gptoss" }, ...extra })
    server.enqueueFor("/api/tags", { kind: "json", status: 200, body: { models: [entry("llama3.2:1b"), entry("gpt-oss:120b-cloud", { remote_model: "gpt-oss:120b", remote_host: "https://ollama.com:443" })] } })
    const ollama = await provider()
    const models = successOf(await withDeadline(ollama.listModels))
    expect(models.map((m) => [m.id, m.kind])).toEqual([["ollama/llama3.2:1b", "local"], ["ollama/gpt-oss:120b-cloud", "cloud"]])
    expect((await Effect.runPromise(ollama.model("ollama/gpt-oss:120b-cloud"))).kind).toBe("cloud")
    expect((await Effect.runPromise(ollama.model("ollama/llama3.2:1b"))).kind).toBe("local")
    // Ollama proxies a `:cloud` or `-cloud` tag to ollama.com whether or not it is pulled (its model reference parser).
    const unlisted = await provider()
    for (const cloud of ["glm-4.6:cloud", "qwen3-coder:480b-cloud", "gpt-oss:20b:cloud"]) expect((await Effect.runPromise(unlisted.model(`ollama/${cloud}`))).kind).toBe("cloud")
    for (const local of ["wordcloud:latest", "cloud:7b", "llama3.2"]) expect((await Effect.runPromise(unlisted.model(`ollama/${local}`))).kind).toBe("local")
  })

  it("a model whose /api/show capabilities lack `completion` (embedding-only) is not listed for chat", async () => {
    const embedder = { name: "nomic-embed-text:latest", model: "nomic-embed-text:latest", modified_at: at, size: 274302450, digest: "d", details: { family: "nomic-bert" } }
    server.enqueueFor("/api/tags", { kind: "json", status: 200, body: { models: [embedder] } })
    server.enqueueFor("/api/show", { kind: "json", status: 200, body: { parameters: "", model_info: { "general.architecture": "nomic-bert", "nomic-bert.context_length": 2048 }, capabilities: ["embedding"] } })
    const ollama = await provider()
    expect(successOf(await withDeadline(ollama.listModels))).toEqual([])
    // Next to a model that chats (whose /api/show says `completion`), only that one is listed.
    expect(successOf(await withDeadline(ollama.listModels)).map((m) => m.id)).toEqual(["ollama/llama3.2:1b"])
  })
})

describe("the context a loaded model runs with (/api/ps context_length)", () => {
  it("a prompt that cannot fit it is refused before sending (Ollama would cut it silently), unless the request sets num_ctx", async () => {
    const ps = { kind: "json" as const, status: 200, body: { models: [{ name: "llama3.2:1b", model: "llama3.2:1b", size: 1, digest: "d", expires_at: at, size_vram: 0, context_length: 2048 }] } }
    server.enqueueFor("/api/ps", ps)
    const ollama = await provider()
    const listed = successOf(await withDeadline(ollama.listModels))
    // Listed with the window it can take (routing's check): the served context is the model's own check below.
    expect(listed.find((m) => m.id === "ollama/llama3.2:1b")).toMatchObject({ loaded: true, contextWindow: 131072 })
    const loaded = await Effect.runPromise(ollama.model("ollama/llama3.2:1b"))
    const long = "word ".repeat(3000)
    const refused = failureOf(await withDeadline(loaded.generate({ prompt: long })))
    expect(refused.reason).toEqual({ _tag: "ContextLengthExceeded", limit: 2048 })
    expect(refused.message).toContain("num_ctx")
    const streamed = failureOf(await withDeadline(collect(loaded.stream({ prompt: long }))))
    expect(streamed.reason._tag).toBe("ContextLengthExceeded")
    expect(server.requests.filter((r) => r.path === "/api/chat")).toEqual([])
    server.enqueue({ kind: "synth", text: "read it all" })
    expect(successOf(await withDeadline(loaded.generate({ prompt: long, providerOptions: { ollama: { options: { num_ctx: 8192 } } } }))).text).toBe("read it all")
    // The output cap is not a need: a short prompt with a cap as large as the context (a hard budget's default) is sent.
    expect(successOf(await withDeadline(loaded.generate({ prompt: "short", maxTokens: 4096 }))).text.length).toBeGreaterThan(0)
  })
})

describe("a model named without its tag", () => {
  it("gets what the listing learned of its `:latest` (capabilities, context windows), as Ollama resolves the name", async () => {
    const latest = { name: "llama3.2:latest", model: "llama3.2:latest", modified_at: at, size: 2019393189, digest: "d", details: { family: "llama" } }
    server.enqueueFor("/api/tags", { kind: "json", status: 200, body: { models: [latest] } })
    server.enqueueFor("/api/ps", { kind: "json", status: 200, body: { models: [{ ...latest, expires_at: at, size_vram: 0, context_length: 4096 }] } })
    const ollama = await provider()
    successOf(await withDeadline(ollama.listModels))
    const bare = await Effect.runPromise(ollama.model("ollama/llama3.2"))
    expect(bare.info).toMatchObject({ id: "ollama/llama3.2", contextWindow: 131072, capabilities: { tools: true } })
    expect(failureOf(await withDeadline(bare.generate({ prompt: "word ".repeat(6000) }))).reason).toEqual({ _tag: "ContextLengthExceeded", limit: 4096 })
  })
})

describe("an address that serves no Ollama API", () => {
  it("a 404 that names no model is Unavailable, not ModelNotFound with a pull hint; the availability reason says what answered", async () => {
    server.enqueue({ kind: "raw", status: 404, contentType: "text/plain; charset=utf-8", body: "404 page not found" })
    const error = failureOf(await call(await model(), "generate"))
    expect(error.reason._tag).toBe("Unavailable")
    expect(error.message).not.toContain("ollama pull")
    expect(error.message).toContain("OLLAMA_HOST")
    server.enqueue({ kind: "json", status: 404, body: { error: "model \"llama3.2:1b\" not found, try pulling it first" } })
    expect(failureOf(await call(await model(), "stream")).message).toContain("ollama pull llama3.2:1b")
    server.enqueueFor("/api/tags", { kind: "json", status: 404, body: { detail: "Not Found" } })
    const availability = await Effect.runPromise((await provider()).isAvailable)
    expect(availability.available).toBe(false)
    expect(availability.reason).toContain("HTTP 404")
    expect(availability.reason).not.toContain("not reachable")
  })
})

describe("answers", () => {
  for (const seed of seeds) {
    it(`a tool call cut off by the output limit keeps finish reason length (seed ${seed})`, async () => {
      server.enqueue({ kind: "raw", contentType: "application/x-ndjson", body: ndjson([toolLine([{ function: { name: "get_weather", arguments: { city: "Paris" } } }]), done({ done_reason: "length" })]), split: { seed, maxChunk: 13 } })
      const completion = successOf(await call(await model(), "stream"))
      expect(completion.toolCalls).toMatchObject([{ name: "get_weather", arguments: { city: "Paris" } }])
      expect(completion.finishReason).toBe("length")
    })

    it(`tool-call arguments that are a list or a number are MalformedResponse, not an empty object (seed ${seed})`, async () => {
      for (const args of [["Paris"], 42]) {
        server.enqueue({ kind: "raw", contentType: "application/x-ndjson", body: ndjson([toolLine([{ function: { name: "get_weather", arguments: args } }]), done()]), split: { seed, maxChunk: 11 } })
        expect(failureOf(await call(await model(), "generate")).reason._tag).toBe("MalformedResponse")
      }
    })

    it(`the prompt tokens read from the cache (prompt_eval_cached_count) are reported, not dropped (seed ${seed})`, async () => {
      const line = { model: "llama3.2:1b", created_at: at, message: { role: "assistant", content: "Hi" }, done: false }
      server.enqueue({ kind: "raw", contentType: "application/x-ndjson", body: ndjson([line, done({ prompt_eval_count: 900, prompt_eval_cached_count: 850, eval_count: 3, prompt_eval_duration: 41_000_000 })]), split: { seed, maxChunk: 17 } })
      expect(successOf(await call(await model(), "stream")).usage).toEqual({ inputTokens: 900, outputTokens: 3, cachedInputTokens: 850, estimated: false })
    })

    it(`an answer after the done line (two responses spliced) fails the call instead of joining the texts; a repeated done is dropped (seed ${seed})`, async () => {
      const line = (content: string) => ({ model: "llama3.2:1b", created_at: at, message: { role: "assistant", content }, done: false })
      server.enqueue({ kind: "raw", contentType: "application/x-ndjson", body: ndjson([line("Hello"), done(), line("World"), done()]), split: { seed, maxChunk: 19 } })
      expect(failureOf(await call(await model(), "generate")).reason).toMatchObject({ _tag: "StreamInterrupted", partialText: "Hello", upstreamType: "MalformedResponse" })
      server.enqueue({ kind: "raw", contentType: "application/x-ndjson", body: ndjson([line("Hello"), done(), done({ eval_count: 99 })]), split: { seed, maxChunk: 19 } })
      expect(successOf(await call(await model(), "stream"))).toMatchObject({ text: "Hello", usage: { outputTokens: 4 } })
    })

    it(`a done line with done_reason load and no answer is not an empty success (seed ${seed})`, async () => {
      server.enqueue({ kind: "raw", contentType: "application/x-ndjson", body: ndjson([{ model: "llama3.2:1b", created_at: at, message: { role: "assistant", content: "" }, done_reason: "load", done: true }]), split: { seed, maxChunk: 7 } })
      const error = failureOf(await call(await model(), "generate"))
      expect(error.reason._tag).toBe("MalformedResponse")
      expect(error.isRetryable).toBe(true)
    })
  }
})

describe("requests", () => {
  const sent = async (request: CompletionRequest) => {
    server.enqueue({ kind: "synth", text: "ok" })
    successOf(await withDeadline((await model()).generate(request)))
    return server.requests[server.requests.length - 1]?.body as Record<string, unknown>
  }

  it("toolChoice none sends no tools (Ollama has no tool_choice); a named choice sends that tool only", async () => {
    expect(await sent({ prompt: "hi", tools: [weather, clock], toolChoice: "none" })).not.toHaveProperty("tools")
    const named = await sent({ prompt: "hi", tools: [weather, clock], toolChoice: { name: "get_time" } })
    expect((named["tools"] as ReadonlyArray<{ function: { name: string } }>).map((t) => t.function.name)).toEqual(["get_time"])
    const auto = await sent({ prompt: "hi", tools: [weather, clock], toolChoice: "auto" })
    expect((auto["tools"] as ReadonlyArray<unknown>).length).toBe(2)
  })

  it("tool results carry the id of their call (two calls of one tool in a turn stay paired)", async () => {
    const body = await sent({
      messages: [
        { role: "user", content: "weather in Paris and Oslo?" },
        { role: "assistant", toolCalls: [{ id: "call_a", name: "get_weather", arguments: { city: "Paris" } }, { id: "call_b", name: "get_weather", arguments: { city: "Oslo" } }] },
        { role: "tool", toolCallId: "call_b", content: "-3 C" },
        { role: "tool", toolCallId: "call_a", content: "18 C" }
      ],
      tools: [weather]
    })
    expect(body["messages"]).toMatchObject([
      { role: "user" },
      { role: "assistant", tool_calls: [{ id: "call_a", function: { name: "get_weather", arguments: { city: "Paris" } } }, { id: "call_b", function: { arguments: { city: "Oslo" } } }] },
      // In the calls' order (the kit pairs results with calls), each naming its call.
      { role: "tool", tool_call_id: "call_a", tool_name: "get_weather", content: "18 C" },
      { role: "tool", tool_call_id: "call_b", tool_name: "get_weather", content: "-3 C" }
    ])
  })

  it("a prompt longer than the served context is refused by Ollama (truncate: false), not cut silently; the caller may allow cutting", async () => {
    expect(await sent({ prompt: "hi" })).toMatchObject({ truncate: false })
    expect(await sent({ prompt: "hi", providerOptions: { ollama: { truncate: true } } })).toMatchObject({ truncate: true })
    // Ollama's 400 (llama-server engine): the server's error JSON inside the error string.
    const inner = JSON.stringify({ error: { code: 400, message: "request (8889 tokens) exceeds the available context size (4096 tokens), try increasing it", type: "exceed_context_size_error", n_prompt_tokens: 8889, n_ctx: 4096 } })
    server.enqueue({ kind: "json", status: 400, body: { error: inner } })
    expect(failureOf(await call(await model(), "generate")).reason).toEqual({ _tag: "ContextLengthExceeded", limit: 4096 })
    // The Ollama engine's refusal as the only line of a 200.
    server.enqueue({ kind: "raw", contentType: "application/x-ndjson", body: ndjson([{ error: "the input length exceeds the context length" }]) })
    expect(failureOf(await call(await model(), "stream")).reason._tag).toBe("ContextLengthExceeded")
  })

  it("an image given by URL, and a file, are refused before sending (Ollama takes base64 images only)", async () => {
    const byUrl = failureOf(await withDeadline((await model()).generate({ messages: [{ role: "user", content: [{ type: "text", text: "what?" }, { type: "image", url: "https://example.com/cat.png?sig=abc", mediaType: "image/png" }] }] })))
    // Another backend can take it: the missing capability lets a fallback move on.
    expect(byUrl.reason).toMatchObject({ _tag: "InvalidRequest", missingCapabilities: ["image URLs"] })
    expect(byUrl.message).toContain("image given by URL")
    const file = failureOf(await withDeadline((await model()).generate({ messages: [{ role: "user", content: [{ type: "text", text: "sum it up" }, { type: "file", data: "JVBERi0xLjQ=", mediaType: "application/pdf" }] }] })))
    expect(file.reason).toMatchObject({ _tag: "InvalidRequest", missingCapabilities: ["files"] })
    const streamed = failureOf(await withDeadline(collect((await model()).stream({ messages: [{ role: "user", content: [{ type: "image", url: "https://example.com/cat.png", mediaType: "image/png" }] }] }))))
    expect(streamed.reason._tag).toBe("InvalidRequest")
    expect(server.requests.filter((r) => r.path === "/api/chat")).toEqual([])
  })
})

describe("OLLAMA_HOST as Ollama reads it (envconfig.Host)", () => {
  it("a bare host gets 11434; an explicit http:// or https:// its scheme's port; `:port` is the loopback", () => {
    expect(normalizeOllamaHost("gpu-box")).toBe("http://gpu-box:11434")
    expect(normalizeOllamaHost("gpu-box:8080")).toBe("http://gpu-box:8080")
    expect(normalizeOllamaHost("http://ollama.internal")).toBe("http://ollama.internal")
    expect(normalizeOllamaHost("https://ollama.internal/")).toBe("https://ollama.internal")
    expect(normalizeOllamaHost("http://ollama.internal:11434")).toBe("http://ollama.internal:11434")
    expect(normalizeOllamaHost(":11500")).toBe("http://127.0.0.1:11500")
    expect(normalizeOllamaHost("")).toBe("http://127.0.0.1:11434")
    expect(normalizeOllamaHost("ollama.com")).toBe("https://ollama.com")
    expect(normalizeOllamaHost("0.0.0.0")).toBe("http://127.0.0.1:11434")
    expect(normalizeOllamaHost("http://[::]:11434")).toBe("http://[::1]:11434")
  })
})

describe("Ollama's cloud API (OLLAMA_HOST=ollama.com with OLLAMA_API_KEY)", () => {
  it("the key goes to ollama.com only, as a Bearer token, and is never printed; every model there is of kind cloud", async () => {
    const key = "olk-9f8e7d6c5b4a39281706"
    const env = { OLLAMA_HOST: "ollama.com", OLLAMA_API_KEY: key }
    const config = await Effect.runPromise(localProviderConfig.pipe(Effect.provide(ConfigProvider.layer(ConfigProvider.fromUnknown(env)))))
    // ollama.com reached through the loopback server: the same requests, another address.
    const viaLoopback: typeof fetch = (input, init) => globalThis.fetch(String(input).replace("https://ollama.com", server.url), init)
    const cloud = await Effect.runPromise(makeOllamaProvider({ ...config.ollama, fetch: viaLoopback }))
    expect(cloud.client.host).toBe("https://ollama.com")
    expect(successOf(await withDeadline(cloud.listModels)).map((m) => m.kind)).toEqual(["cloud", "cloud"])
    expect(server.requests[0]?.headers.authorization).toBe("[MASKED]")
    server.enqueue({ kind: "json", status: 401, body: { error: `unauthorized: bad key ${key}` } })
    const refused = failureOf(await call(await Effect.runPromise(cloud.model("ollama/gpt-oss:120b")), "generate"))
    expect(refused.reason._tag).toBe("Authentication")
    expect(`${refused.message} ${JSON.stringify(refused.reason)}`).not.toContain(key.slice(4, 16))
    // Without the key, availability says which credential is missing.
    server.enqueueFor("/api/tags", { kind: "json", status: 401, body: { error: "unauthorized" } })
    const keyless = await Effect.runPromise(makeOllamaProvider({ host: "ollama.com", fetch: viaLoopback }))
    expect((await Effect.runPromise(keyless.isAvailable)).reason).toContain("OLLAMA_API_KEY")
    // Another host never gets the key.
    server.reset()
    const lan = await Effect.runPromise(makeOllamaProvider({ host: server.url, apiKey: Redacted.make(key) }))
    successOf(await call(await Effect.runPromise(lan.model("ollama/llama3.2:1b")), "generate"))
    expect(server.requests[0]?.headers.authorization).toBeUndefined()
    // Nor does ollama.com named over plain http: the key would cross the network in the clear.
    server.reset()
    const viaPlainHttp: typeof fetch = (input, init) => globalThis.fetch(String(input).replace("http://ollama.com", server.url), init)
    const plain = await Effect.runPromise(makeOllamaProvider({ host: "http://ollama.com", apiKey: Redacted.make(key), fetch: viaPlainHttp }))
    successOf(await call(await Effect.runPromise(plain.model("ollama/llama3.2:1b")), "generate"))
    expect(server.requests[0]?.headers.authorization).toBeUndefined()
  })
})

describe("a server that never stops sending", () => {
  it("an error body without end is typed by its status at once, not waited out; so is a stream line without end", async () => {
    // 1 MiB of an HTML error page, then the connection held open: the status says what it is.
    server.enqueue({ kind: "raw", status: 500, contentType: "text/html", body: `<html>${"<p>error</p>".repeat(96 * 1024)}`, stallAfter: true })
    const error = failureOf(await call(await model(), "generate"))
    expect(error.reason).toEqual({ _tag: "ServerError", status: 500 })
    // A 9 MiB line that never ends.
    server.enqueue({ kind: "raw", contentType: "application/x-ndjson", body: `{"model":"llama3.2:1b","message":{"role":"assistant","content":"${"a".repeat(9 * 1024 * 1024)}`, stallAfter: true })
    expect(failureOf(await call(await model(), "stream")).reason._tag).toBe("MalformedResponse")
    await server.waitForClosed()
    expect(server.requests.map((r) => r.aborted)).toEqual([true, true])
  })
})
