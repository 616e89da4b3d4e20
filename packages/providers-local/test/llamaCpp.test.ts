import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { collectStream, type LanguageModel } from "@orch/provider"
import { requireShared, tinyChatModelPath } from "@orch/testing"
import { Effect, Stream } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { makeLlamaCppProvider, type LlamaCppProvider } from "../src/index.ts"
import { failureOf, successOf, withDeadline } from "./wireCalls.ts"

const hasModel = requireShared("models", "stories260K-chatml.gguf")

describe.skipIf(!hasModel)("embedded llama.cpp with stories260K", () => {
  let provider: LlamaCppProvider
  let model: LanguageModel
  beforeAll(async () => {
    provider = await Effect.runPromise(makeLlamaCppProvider({ model: tinyChatModelPath(), threads: 1, contextSize: 512 }))
    model = await Effect.runPromise(provider.model("llamacpp/stories260K-chatml"))
  })
  afterAll(() => Effect.runPromise(provider.close ?? Effect.void))

  it("greedy output is the same twice, with real token counts", async () => {
    const request = { prompt: "Once upon a time", maxTokens: 30, temperature: 0 }
    const first = successOf(await withDeadline(model.generate(request), 20_000))
    const second = successOf(await withDeadline(model.generate(request), 20_000))
    expect(first.text.length).toBeGreaterThan(10)
    expect(second.text).toBe(first.text)
    expect(first.finishReason).toBe("length")
    expect(first.usage.estimated).toBe(false)
    expect(first.usage.outputTokens).toBe(30)
    expect(first.usage.inputTokens).toBeGreaterThan(3)
    expect(first.provider).toBe("llamacpp")
  })

  it("a stream's deltas join to the completion's text; usage equals the tokens produced", async () => {
    const request = { system: "You tell stories.", prompt: "Tell me about a cat", maxTokens: 25 }
    const before = provider.client.producedTokens()
    const parts = successOf(await withDeadline(Stream.runCollect(model.stream(request)), 20_000))
    const produced = provider.client.producedTokens() - before
    const deltas = parts.filter((p) => p.type === "text-delta")
    expect(deltas.length).toBeGreaterThan(3)
    const finish = parts[parts.length - 1]
    if (finish?.type !== "finish") throw new Error("no finish")
    expect(finish.usage.outputTokens).toBe(produced)
    const completion = successOf(await withDeadline(model.generate(request), 20_000))
    expect(deltas.map((d) => (d.type === "text-delta" ? d.delta : "")).join("")).toBe(completion.text)
  })

  it("a fixed seed with temperature > 0 repeats", async () => {
    const request = { prompt: "Once upon a time", maxTokens: 20, temperature: 0.9, seed: 1234 }
    const a = successOf(await withDeadline(model.generate(request), 20_000))
    const b = successOf(await withDeadline(model.generate(request), 20_000))
    expect(b.text).toBe(a.text)
  })

  it("cancelling mid-stream stops the generation at once", async () => {
    const before = provider.client.producedTokens()
    const taken = successOf(await withDeadline(Stream.runCollect(model.stream({ prompt: "Tell a long story", maxTokens: 400 }).pipe(Stream.filter((p) => p.type === "text-delta"), Stream.take(3))), 20_000))
    expect(taken).toHaveLength(3)
    const produced = provider.client.producedTokens() - before
    expect(produced).toBeLessThan(20)
    // the sequence went back to the pool: the next call works
    expect(successOf(await withDeadline(model.generate({ prompt: "Hi", maxTokens: 5 }), 20_000)).usage.outputTokens).toBe(5)
    expect(provider.client.producedTokens() - before).toBeLessThan(30)
  })

  it("two concurrent calls both finish correctly (queued on the sequence pool)", async () => {
    const a = { prompt: "Once upon a time", maxTokens: 20 }
    const b = { prompt: "The dog ran", maxTokens: 20 }
    const soloA = successOf(await withDeadline(model.generate(a), 20_000)).text
    const soloB = successOf(await withDeadline(model.generate(b), 20_000)).text
    const both = successOf(await withDeadline(Effect.all([collectStream(model.stream(a)), model.generate(b)], { concurrency: 2 }), 20_000))
    expect(both.map((c) => c.text)).toEqual([soloA, soloB])
  })

  it("two sequences run concurrent calls side by side without corrupting each other", async () => {
    const parallel = await Effect.runPromise(makeLlamaCppProvider({ model: tinyChatModelPath(), sequences: 2, contextSize: 256 }))
    const m = await Effect.runPromise(parallel.model("stories260K-chatml"))
    const requests = [{ prompt: "Once upon a time", maxTokens: 15 }, { prompt: "The dog ran", maxTokens: 15 }]
    const solo = [] as Array<string>
    for (const r of requests) solo.push(successOf(await withDeadline(m.generate(r), 20_000)).text)
    const both = successOf(await withDeadline(Effect.all(requests.map((r) => m.generate(r)), { concurrency: 2 }), 20_000))
    expect(both.map((c) => c.text)).toEqual(solo)
    await Effect.runPromise(parallel.close ?? Effect.void)
  })

  it("lists the model with its context size, loaded", async () => {
    const models = successOf(await withDeadline(provider.listModels, 20_000))
    expect(models).toEqual([expect.objectContaining({ id: "llamacpp/stories260K-chatml", contextWindow: 512, loaded: true, kind: "local", sizeBytes: 1185600 })])
    expect((await Effect.runPromise(provider.isAvailable)).available).toBe(true)
  })

  it("a missing model file is ModelNotFound naming the path", async () => {
    const missing = await Effect.runPromise(makeLlamaCppProvider({ model: "/nonexistent/model.gguf" }))
    const m = await Effect.runPromise(missing.model("model"))
    const error = failureOf(await withDeadline(m.generate({ prompt: "hi" }), 20_000))
    expect(error.reason._tag).toBe("ModelNotFound")
    expect(error.message).toContain("/nonexistent/model.gguf")
    const availability = await Effect.runPromise(missing.isAvailable)
    expect(availability).toEqual({ available: false, reason: expect.stringContaining("does not exist") })
  })

  it("a corrupt model file is a typed, non-retryable error", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "orch-gguf-"))
    const corrupt = path.join(dir, "corrupt.gguf")
    fs.writeFileSync(corrupt, Buffer.concat([Buffer.from("GGUF"), Buffer.alloc(64, 7)]))
    const broken = await Effect.runPromise(makeLlamaCppProvider({ model: corrupt }))
    const error = failureOf(await withDeadline((await Effect.runPromise(broken.model("corrupt"))).generate({ prompt: "hi" }), 20_000))
    expect(error.reason._tag).toBe("InvalidRequest")
    expect(error.message).toContain("corrupt or not GGUF")
    expect(error.isRetryable).toBe(false)
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it("a Hugging Face model with the network unreachable fails clearly", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "orch-hf-"))
    const progress: Array<number> = []
    const remote = await Effect.runPromise(makeLlamaCppProvider({ model: "hf:ggml-org/tinyllamas/stories260K.gguf", modelsDirectory: dir, downloadStallTimeout: "2 seconds", onDownloadProgress: (p) => progress.push(p.downloadedBytes) }))
    const result = await withDeadline((await Effect.runPromise(remote.model("llamacpp/stories260K"))).generate({ prompt: "hi" }), 10_000)
    if (result._tag === "Success") {
      // A machine with network: the download worked and reported progress.
      expect(progress.length).toBeGreaterThan(0)
    } else {
      expect(result.failure.reason._tag).toBe("Unavailable")
      expect(result.failure.message).toContain("Could not download the model hf:ggml-org/tinyllamas/stories260K.gguf")
    }
    fs.rmSync(dir, { recursive: true, force: true })
  }, 30_000)
})
