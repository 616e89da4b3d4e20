import { collectStream, type LanguageModel } from "@orch/provider"
import { requestsNotCutOff, requireShared, startWireServer, unusedPortUrl, type Fault, type WireServer } from "@orch/testing"
import { Effect, Redacted, Stream } from "effect"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { makeOpenAiCompatProvider, type OpenAiCompatProvider } from "../src/index.ts"
import { call, failureOf, successOf, withDeadline } from "./wireCalls.ts"

const hasFixtures = requireShared("fixtures", "wire", "vllm")
let server: WireServer
let provider: OpenAiCompatProvider
let model: LanguageModel

beforeAll(async () => {
  server = await startWireServer({ models: ["facebook/opt-125m"] })
  provider = await Effect.runPromise(makeOpenAiCompatProvider({ baseUrl: `${server.url}/v1`, apiKey: Redacted.make("sk-local-secret-123456789"), pricing: { kind: "per-token", inputPerMillion: 0.1, outputPerMillion: 0.2 } }))
  model = await Effect.runPromise(provider.model("vllm/facebook/opt-125m"))
})
afterAll(() => server.close())
beforeEach(() => server.reset())

describe.skipIf(!hasFixtures)("vLLM against recorded traffic", () => {
  it("generate streams on the wire and parses the recorded stream (chat-<hex> id, stop_reason)", async () => {
    server.enqueue({ kind: "replay", fixture: "vllm/chat_completion_stream.sse", split: { seed: 9 } })
    const completion = successOf(await call(model, "generate"))
    expect(completion.responseId).toBe("chat-22c24755532348e6b6ff75297b1a71b3")
    expect(server.requests[0]?.body).toMatchObject({ stream: true, model: "facebook/opt-125m" })
  })

  for (const seed of [2, 11, 99]) {
    it(`streams the recorded SSE split at arbitrary boundaries (seed ${seed}); no usage chunk → estimated`, async () => {
      server.enqueue({ kind: "replay", fixture: "vllm/chat_completion_stream.sse", split: { seed, maxChunk: 23 } })
      const parts = successOf(await withDeadline(Stream.runCollect(model.stream({ prompt: "joke" }))))
      expect(parts[0]?.type).toBe("text-start")
      const finish = parts[parts.length - 1]
      if (finish?.type !== "finish") throw new Error("no finish part")
      expect(finish.usage.estimated).toBe(true)
      expect(finish.responseId).toBe("chat-22c24755532348e6b6ff75297b1a71b3")
      const text = parts.flatMap((p) => (p.type === "text-delta" ? [p.delta] : [])).join("")
      expect(text.startsWith("<|im_end|>doctor\n")).toBe(true)
    })
  }

  it("asks for usage in streams", async () => {
    server.enqueue({ kind: "synth", text: "with usage", usage: { inputTokens: 3, outputTokens: 2 } })
    const completion = successOf(await call(model, "stream"))
    expect(completion.usage).toEqual({ inputTokens: 3, outputTokens: 2, estimated: false })
    expect(server.requests[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true }, model: "facebook/opt-125m" })
  })

  it("lists /v1/models with the configured per-token price", async () => {
    const models = successOf(await withDeadline(provider.listModels))
    expect(models).toEqual([{ id: "vllm/facebook/opt-125m", name: "facebook/opt-125m", provider: "vllm", kind: "local", pricing: { inputPerMillion: 0.1, outputPerMillion: 0.2 } }])
  })
})

describe("OpenAI-compatible faults", () => {
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
    ["rate-limit", "stream", "RateLimited"],
    ["server-500", "generate", "ServerError"],
    ["server-502", "stream", "ServerError"],
    ["server-503", "generate", "Overloaded"],
    ["html-502", "generate", "ServerError"],
    ["overloaded-529", "generate", "Overloaded"]
  ]
  for (const [fault, mode, tag] of expected) {
    it(`${fault} (${mode}) → ${tag}`, async () => {
      server.enqueue({ kind: "fault", fault, afterTokens: 2, text: "one two three four five" })
      const error = failureOf(await call(model, mode))
      expect(error.reason._tag).toBe(tag)
      expect(error.provider).toBe("vllm")
      expect(error.message).not.toContain("sk-local-secret")
      if (tag === "StreamInterrupted" && error.reason._tag === "StreamInterrupted") expect(error.reason.partialText).toBe("one two")
      if (fault === "rate-limit") expect(error.retryAfterMs).toBe(1000)
      expect(server.requests).toHaveLength(1) // SDK retries are off
    })
  }

  it("survives slow drip and duplicate [DONE]", async () => {
    server.enqueue({ kind: "fault", fault: "slow-drip", text: "drip by drip", delayMs: 0 }, { kind: "fault", fault: "duplicate-done", text: "done twice" })
    // One byte per write, each after a timer: a loaded machine may take seconds; the deadline only catches a hang.
    expect(successOf(await withDeadline(collectStream(model.stream({ prompt: "Say hello" })), 25_000)).text).toBe("drip by drip")
    expect(successOf(await call(model, "stream")).text).toBe("done twice")
  })

  it("a stall cut by a deadline aborts the request", async () => {
    server.setDefault({ kind: "fault", fault: "stall" })
    const result = await withDeadline(model.generate({ prompt: "x" }).pipe(Effect.timeout("150 millis"), Effect.result))
    expect(successOf(result)._tag).toBe("Failure")
    // The deadline may pass before the request is sent on a loaded machine: whatever arrived was hung up on.
    expect(await requestsNotCutOff(server)).toEqual([])
  })

  it("interrupting a stream mid-way closes the connection", async () => {
    server.enqueue({ kind: "synth", text: "a b c d e f g h i j", perTokenDelayMs: 30 })
    const deltas = await withDeadline(Stream.runCollect(model.stream({ prompt: "x" }).pipe(Stream.filter((p) => p.type === "text-delta"), Stream.take(2))))
    expect(successOf(deltas).length).toBe(2)
    await server.waitForClosed()
    expect(server.requests[0]?.aborted).toBe(true)
  })

  it("the backstop timeout is a Timeout", async () => {
    const impatient = await Effect.runPromise(makeOpenAiCompatProvider({ baseUrl: `${server.url}/v1`, timeout: "100 millis" }))
    const slow = await Effect.runPromise(impatient.model("m"))
    server.enqueue({ kind: "fault", fault: "stall" })
    expect(failureOf(await call(slow, "generate")).reason._tag).toBe("Timeout")
  })

  it("a refused connection is Unavailable; isAvailable is false and never fails", async () => {
    const down = await Effect.runPromise(makeOpenAiCompatProvider({ baseUrl: `${await unusedPortUrl()}/v1`, name: "lmstudio" }))
    expect(failureOf(await call(await Effect.runPromise(down.model("lmstudio/x")), "generate")).reason._tag).toBe("Unavailable")
    expect((await Effect.runPromise(down.isAvailable)).available).toBe(false)
  })
})
