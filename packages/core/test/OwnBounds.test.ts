// An attempt under a deadline on the real clock hands the deadline to an Anthropic or Ollama model that keeps it on
// its own timer (`streamBounded`, `generateBounded`), against the loopback wire server: a stalled answer
// ends with the attempt's deadline error naming the model, the text that arrived is in the attempt's outcome, and the
// upstream request is aborted. The models are the real ones; a wrapper only counts which of their calls the attempt
// made. No assertion reads how long anything took.
import type { CallBound, CompletionRequest, LanguageModel, ProviderError } from "@orch/provider"
import { anthropicModel } from "@orch/providers-cloud"
import { makeOllamaClient, makeOllamaLanguageModel } from "@orch/providers-local"
import { attempt, type AttemptHook, type AttemptOutcome, underDeadline, underDeadlineStream, withAttemptHook, withAttemptHookStream } from "@orch/strategies"
import { boundedSettleMs, requestsNotCutOff, settleWithin, startWireServer, type Behavior, type WireServer } from "@orch/testing"
import { Effect, Result, Stream } from "effect"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"

let server: WireServer
beforeAll(async () => {
  server = await startWireServer({ models: ["llama3.2:1b"], loadedModels: ["llama3.2:1b"] })
})
afterAll(() => server.close())
beforeEach(() => server.reset())

const request: CompletionRequest = { prompt: "Tell me a story" }

/** The model as it is, counting the bounded calls the attempt makes (and the bounds it hands over). */
const counted = (model: LanguageModel) => {
  const bounds: Array<CallBound> = []
  const wrapped: LanguageModel = {
    ...model,
    ...(model.streamBounded !== undefined ? { streamBounded: (input, bound) => (bounds.push(bound), model.streamBounded!(input, bound)) } : {}),
    ...(model.generateBounded !== undefined ? { generateBounded: (input, bound) => (bounds.push(bound), model.generateBounded!(input, bound)) } : {})
  }
  return { model: wrapped, bounds }
}

/** The attempts' outcomes as the hook is told them. */
const outcomes = () => {
  const seen: Array<AttemptOutcome> = []
  const hook: AttemptHook = () => Effect.succeed((outcome) => Effect.sync(() => void seen.push(outcome)))
  return { seen, hook }
}

/** Run to a Result; a hang fails the test (the deadlines under test are far shorter). */
const settle = <A>(effect: Effect.Effect<A, ProviderError>) => settleWithin(effect, boundedSettleMs)
const failureOf = <A>(result: Result.Result<A, ProviderError>): ProviderError | undefined => (Result.isFailure(result) ? result.failure : undefined)

const anthropic = () => anthropicModel("claude-3-5-haiku-latest", { apiKey: "sk-ant-own-bounds-0123456789", baseUrl: server.url, defaultMaxTokens: 64 })
const ollama = () => makeOllamaLanguageModel(makeOllamaClient({ host: server.url }), "llama3.2:1b", { backend: "ollama" })

const anthropicStall: Behavior = {
  kind: "raw",
  body: [
    { type: "message_start", message: { id: "msg_1", type: "message", role: "assistant", model: "claude-3-5-haiku-latest", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 4, output_tokens: 1 } } },
    { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Once" } },
    { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: " upon" } }
  ].map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join(""),
  stallAfter: true
}
const ollamaStall: Behavior = {
  kind: "raw",
  contentType: "application/x-ndjson",
  body: ["Once", " upon"].map((content) => `${JSON.stringify({ model: "llama3.2:1b", created_at: "2026-12-01T03:00:00Z", message: { role: "assistant", content }, done: false })}\n`).join(""),
  stallAfter: true
}

describe("a streamed attempt under a deadline, on a model that keeps it itself", () => {
  for (const [name, make, stall] of [["Anthropic", anthropic, anthropicStall], ["Ollama", ollama, ollamaStall]] as const) {
    it(`${name}: a stalled stream ends with the attempt's deadline error, the text so far in the outcome, the request aborted`, async () => {
      const { model, bounds } = counted(make())
      const { seen, hook } = outcomes()
      server.enqueue(stall)
      // A second: long enough for the first events to arrive on a loaded machine, as the text check needs.
      const deadline = Date.now() + 1_000
      const result = await settle(Stream.runDrain(withAttemptHookStream(underDeadlineStream(attempt(model).stream(request), deadline), hook)))
      const error = failureOf(result)
      expect(error?.reason).toMatchObject({ _tag: "Timeout", phase: "total" })
      expect(error?.message).toContain("deadline")
      expect(error?.provider).toBe(model.provider)
      expect(error?.model).toBe(model.name)
      expect(bounds.map((bound) => bound.atMs)).toEqual([deadline])
      expect(seen).toHaveLength(1)
      expect(seen[0]?._tag).toBe("AttemptFailure")
      expect(seen[0]?.text).toBe("Once upon")
      await server.waitForClosed()
      expect(server.requests[0]?.aborted).toBe(true)
    })
  }
})

describe("a one-shot attempt under a deadline on a model that keeps it itself", () => {
  // Ollama's answers are its collected stream: its generateBounded is its bounded stream, collected.
  for (const [name, make] of [["Anthropic", anthropic], ["Ollama", ollama]] as const) {
  it(`${name}: a server that never answers ends with the attempt's deadline error, through generateBounded, the request aborted`, async () => {
    const { model, bounds } = counted(make())
    const { seen, hook } = outcomes()
    server.setDefault({ kind: "fault", fault: "stall" })
    const deadline = Date.now() + 200
    const result = await settle(withAttemptHook(underDeadline(attempt(model).generate(request), deadline), hook))
    const error = failureOf(result)
    expect(error?.reason).toMatchObject({ _tag: "Timeout", phase: "total" })
    expect(error?.model).toBe(model.name)
    expect(bounds.map((bound) => bound.atMs)).toEqual([deadline])
    expect(seen.map((outcome) => outcome._tag)).toEqual(["AttemptFailure"])
    // The deadline may pass before the request is sent on a loaded machine: whatever arrived was hung up on.
    expect(await requestsNotCutOff(server)).toEqual([])
  })
  }
})
