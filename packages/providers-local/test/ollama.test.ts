import { collectStream, type LanguageModel } from "@orch/provider"
import { requireShared, startWireServer, unusedPortUrl, type Fault, type WireServer } from "@orch/testing"
import { Effect, Fiber, Stream } from "effect"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { makeOllamaProvider, type OllamaProvider } from "../src/index.ts"
import { call, failureOf, successOf, withDeadline } from "./wireCalls.ts"

const hasFixtures = requireShared("fixtures", "wire", "ollama")
let server: WireServer
let provider: OllamaProvider
let model: LanguageModel

beforeAll(async () => {
  server = await startWireServer({ models: ["llama3.2:1b", "qwen2.5:0.5b"], loadedModels: ["qwen2.5:0.5b"] })
  provider = await Effect.runPromise(makeOllamaProvider({ host: server.url }))
  model = await Effect.runPromise(provider.model("ollama/llama3"))
})
afterAll(() => server.close())
beforeEach(() => server.reset())

describe.skipIf(!hasFixtures)("Ollama against recorded traffic", () => {
  it("parses a recorded /api/chat reply: text, finish, real usage", async () => {
    server.enqueue({ kind: "replay", fixture: "ollama/chat.json", split: { seed: 3 } })
    const completion = successOf(await call(model, "generate"))
    expect(completion.text).toMatch(/^A joke about OpenTelemetry!/)
    expect(completion.finishReason).toBe("stop")
    expect(completion.usage).toEqual({ inputTokens: 17, outputTokens: 66, estimated: false })
    expect(completion.provider).toBe("ollama")
    expect(server.requests[0]?.body).toMatchObject({ model: "llama3", stream: true, messages: [{ role: "user", content: "Say hello" }] })
  })

  for (const seed of [1, 7, 42, 1234]) {
    it(`streams the recorded NDJSON split at arbitrary boundaries (seed ${seed})`, async () => {
      server.enqueue({ kind: "replay", fixture: "ollama/chat_stream.ndjson", split: { seed, maxChunk: 17 } })
      const parts = successOf(await withDeadline(Stream.runCollect(model.stream({ prompt: "joke" }))))
      const types = parts.map((p) => p.type)
      expect(types[0]).toBe("text-start")
      expect(types.slice(-2)).toEqual(["text-end", "finish"])
      const text = parts.flatMap((p) => (p.type === "text-delta" ? [p.delta] : [])).join("")
      expect(text).toMatch(/^Why did the OpenTelemetry agent go to therapy\?/)
      const finish = parts[parts.length - 1]
      expect(finish?.type === "finish" && finish.usage.estimated).toBe(false)
      expect(finish?.type === "finish" && finish.finishReason).toBe("stop")
    })
  }

  it("keeps thinking apart from the answer", async () => {
    server.enqueue({ kind: "replay", fixture: "ollama/chat_stream_thinking.ndjson", split: { seed: 5 } })
    const completion = successOf(await call(model, "stream"))
    expect(completion.reasoning).toMatch(/^Here's a thinking process/)
    expect(completion.text.length).toBeGreaterThan(0)
    expect(completion.text).not.toContain("thinking process")
  })

  it("maps the recorded 404 to ModelNotFound with the pull hint", async () => {
    server.enqueue({ kind: "replay", fixture: "ollama/error_404_model_not_found.json" })
    const error = failureOf(await call(model, "generate"))
    expect(error.reason).toEqual({ _tag: "ModelNotFound", modelId: "llama3" })
    expect(error.message).toContain("ollama pull llama3")
    expect(error.isRetryable).toBe(false)
  })

  it("lists models from /api/tags with loaded from /api/ps", async () => {
    const models = successOf(await withDeadline(provider.listModels))
    expect(models.map((m) => [m.id, m.loaded])).toEqual([["ollama/llama3.2:1b", false], ["ollama/qwen2.5:0.5b", true]])
    expect(models[0]?.pricing).toEqual({ inputPerMillion: 0, outputPerMillion: 0 })
  })

  it("lists the recorded tags", async () => {
    server.enqueueFor("/api/tags", { kind: "replay", fixture: "ollama/tags.json" })
    const models = successOf(await withDeadline(provider.listModels))
    expect(models[0]).toMatchObject({ id: "ollama/qwen3:32b", sizeBytes: 20201253829, kind: "local" })
  })
})

describe("Ollama faults", () => {
  const expected: ReadonlyArray<readonly [Fault, "generate" | "stream", string]> = [
    ["reset-before-headers", "generate", "Unavailable"],
    ["reset-before-headers", "stream", "Unavailable"],
    ["reset-mid-stream", "stream", "StreamInterrupted"],
    ["truncated-stream", "stream", "StreamInterrupted"],
    ["in-band-error", "stream", "StreamInterrupted"],
    ["in-band-error", "generate", "StreamInterrupted"], // generate streams on the wire: the error came after text
    ["malformed-json", "generate", "StreamInterrupted"],
    ["malformed-json", "stream", "StreamInterrupted"],
    ["rate-limit", "generate", "RateLimited"],
    ["server-500", "generate", "ServerError"],
    ["server-502", "stream", "ServerError"],
    ["html-502", "generate", "ServerError"],
    ["overloaded-529", "generate", "Overloaded"],
    ["ollama-busy-503", "generate", "Overloaded"],
    ["ollama-busy-503", "stream", "Overloaded"]
  ]
  for (const [fault, mode, tag] of expected) {
    it(`${fault} (${mode}) → ${tag}`, async () => {
      server.enqueue({ kind: "fault", fault, afterTokens: 2, text: "one two three four five" })
      const error = failureOf(await call(model, mode))
      expect(error.reason._tag).toBe(tag)
      expect(error.provider).toBe("ollama")
      if (tag === "StreamInterrupted" && error.reason._tag === "StreamInterrupted") expect(error.reason.partialText).toBe("one two")
      if (fault === "rate-limit") expect(error.retryAfterMs).toBe(1000)
      if (fault === "html-502") expect(error.message).toContain("HTML page")
    })
  }

  it("survives slow drip and duplicate done", async () => {
    server.enqueue({ kind: "fault", fault: "slow-drip", text: "drip by drip", delayMs: 0 }, { kind: "fault", fault: "duplicate-done", text: "done twice" })
    // One byte per write, each after a timer: a loaded machine may take seconds; the deadline only catches a hang.
    expect(successOf(await withDeadline(collectStream(model.stream({ prompt: "Say hello" })), 25_000)).text).toBe("drip by drip")
    expect(successOf(await call(model, "stream")).text).toBe("done twice")
  })

  it("a refused connection is Unavailable, and isAvailable says so without failing", async () => {
    const down = await Effect.runPromise(makeOllamaProvider({ host: await unusedPortUrl() }))
    const downModel = await Effect.runPromise(down.model("llama3"))
    expect(failureOf(await call(downModel, "generate")).reason._tag).toBe("Unavailable")
    const availability = await Effect.runPromise(down.isAvailable)
    expect(availability.available).toBe(false)
    expect(availability.reason).toContain("not reachable")
    expect((await Effect.runPromise(provider.isAvailable)).available).toBe(true)
  })

  it("a stalled call that is cut aborts its own HTTP request, not another's", async () => {
    server.enqueue({ kind: "fault", fault: "stall" }, { kind: "synth", text: "still here", perTokenDelayMs: 20 })
    // Events, not guesses of how long a loaded machine takes: the other call starts once the stalled one is at the
    // server, and the stalled one is cut (as a deadline cuts it: by interruption) once both are there.
    const untilRequests = async (count: number) => { while (server.requests.length < count) await new Promise((resolve) => setTimeout(resolve, 5)) }
    const stalled = Effect.runFork(collectStream(model.stream({ prompt: "stall" })))
    await untilRequests(1)
    const other = Effect.runFork(collectStream(model.stream({ prompt: "other" })))
    await untilRequests(2)
    await Effect.runPromise(Fiber.interrupt(stalled))
    expect(successOf(await withDeadline(Fiber.join(other))).text).toBe("still here")
    await server.waitForClosed()
    const [first, second] = server.requests
    expect(first?.aborted).toBe(true)
    expect(second?.aborted).toBe(false)
  })

  it("interrupting a stream mid-way closes the connection", async () => {
    server.enqueue({ kind: "synth", text: "a b c d e f g h i j", perTokenDelayMs: 30 })
    const deltas = await withDeadline(Stream.runCollect(model.stream({ prompt: "x" }).pipe(Stream.filter((p) => p.type === "text-delta"), Stream.take(2))))
    expect(successOf(deltas).length).toBe(2)
    await server.waitForClosed()
    expect(server.requests[0]?.aborted).toBe(true)
  })

  it("sends sampling options and provider options", async () => {
    server.enqueue({ kind: "synth", text: "ok" })
    successOf(await withDeadline(model.generate({ system: "be brief", prompt: "hi", temperature: 0, seed: 7, maxTokens: 5, stop: ["\n"], providerOptions: { ollama: { keep_alive: "1m" } } })))
    expect(server.requests[0]?.body).toMatchObject({
      messages: [{ role: "system", content: "be brief" }, { role: "user", content: "hi" }],
      options: { temperature: 0, seed: 7, num_predict: 5, stop: ["\n"] },
      keep_alive: "1m"
    })
  })

  it("rejects a bad request before any call", async () => {
    const error = failureOf(await call(model, "generate", "   "))
    expect(error.reason._tag).toBe("InvalidRequest")
    expect(server.requests).toHaveLength(0)
  })
})
