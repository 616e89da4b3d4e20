/**
 * Anthropic keeps a caller's bound on its own timer, against the loopback wire server: a stream (`streamBounded`, the
 * event reader's timer) and a non-streamed call (`generateBounded`, one plain timer aborting the SDK's request) end at
 * the bound with its error, whatever they wait for (the head, the next event, the rest of a body), the request
 * aborted; a far bound completes as the plain call does and leaves no timer behind; an interrupted caller aborts the
 * request; a bound already past sends nothing. The stream cases are the ones every such wire passes
 * (`boundedStreamCases` in @orch/testing); Anthropic's own are here. No assertion reads how long anything took.
 */
import type { LanguageModel, ProviderError } from "@orch/provider"
import { boundedSettleMs, boundedStreamCases, boundsFor, farBoundMs, readStream as read, settleWithin, startSilentServer, startWireServer, watchTimers, type WireServer } from "@orch/testing"
import { Effect, Fiber, Result } from "effect"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { anthropicModel } from "../src/index.ts"

let server: WireServer
beforeAll(async () => {
  server = await startWireServer()
})
afterAll(() => server.close())
beforeEach(() => server.reset())

const apiKey = "sk-ant-bound-test-0123456789"
const model = (baseUrl = server.url): LanguageModel => anthropicModel("claude-3-5-haiku-latest", { apiKey, baseUrl, defaultMaxTokens: 64 })

/** Bounds naming the model: the error a bound ends a call with, and a bound that counts how many times it made it. */
const bounds = boundsFor({ provider: "anthropic", model: "claude-3-5-haiku-latest" })
const { boundError, boundIn } = bounds
/** Run to a Result; a hang fails the test (the bounds under test are far shorter). */
const settle = <A, E>(effect: Effect.Effect<A, E>) => settleWithin(effect, boundedSettleMs)
const failureOf = <A>(result: Result.Result<A, ProviderError>): ProviderError | undefined => (Result.isFailure(result) ? result.failure : undefined)

/** Anthropic SSE events as the Messages API sends them (`event:` line, then the JSON data). */
const sse = (events: ReadonlyArray<Record<string, unknown>>): string => events.map((event) => `event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`).join("")
const messageStart = {
  type: "message_start",
  message: { id: "msg_bound", type: "message", role: "assistant", model: "claude-3-5-haiku-latest", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 5, output_tokens: 1 } }
}
const textDelta = (text: string) => ({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } })
/** A streamed answer's first events, sent and then held open (a model still generating). */
const stallAfter = (pieces: ReadonlyArray<string>) => ({
  kind: "raw" as const,
  body: sse([messageStart, { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }, ...pieces.map(textDelta)]),
  stallAfter: true
})

describe("Anthropic streamBounded", () => {
  for (const { name, run } of boundedStreamCases({ server: () => server, model, bounds, stallAfter })) it(name, run)

  it("errors other than the bound are unchanged", async () => {
    server.enqueue({ kind: "fault", fault: "overloaded-529" }, { kind: "fault", fault: "overloaded-529" })
    const plain = failureOf((await read(model().stream({ prompt: "x" }))).result)
    const bounded = failureOf((await read(model().streamBounded!({ prompt: "x" }, boundIn(farBoundMs)))).result)
    expect(plain?.reason._tag).toBe("Overloaded")
    expect(bounded).toEqual(plain)
  })
})

describe("Anthropic generateBounded", () => {
  it("is offered", () => {
    expect(model().generateBounded).toBeTypeOf("function")
  })

  it("a server that never answers: the call fails with the bound's error, once, and the connection is closed", async () => {
    const silent = await startSilentServer()
    try {
      const bound = boundIn(50)
      const result = await settle(model(silent.url).generateBounded!({ prompt: "x" }, bound))
      expect(failureOf(result)).toEqual(boundError(50))
      expect(bound.made()).toBe(1)
      await silent.allClosed()
    } finally {
      await silent.close()
    }
  })

  it("a body that stops after its head is cut at the bound too (the SDK's own timeout ends at the head)", async () => {
    server.enqueue({ kind: "raw", contentType: "application/json", body: `{"id":"msg_bound","type":"message","role":"assistant","content":[{"type":"text","text":"Hel`, stallAfter: true })
    const bound = boundIn(300)
    const result = await settle(model().generateBounded!({ prompt: "x" }, bound))
    expect(failureOf(result)).toEqual(boundError(300))
    expect(bound.made()).toBe(1)
    await server.waitForClosed()
    expect(server.requests[0]?.aborted).toBe(true)
  })

  it("a stalled request (no head) is aborted at the bound on the wire server too", async () => {
    server.enqueue({ kind: "fault", fault: "stall" })
    const result = await settle(model().generateBounded!({ prompt: "x" }, boundIn(50)))
    expect(failureOf(result)).toEqual(boundError(50))
    await server.waitForClosed()
    expect(server.requests.filter((request) => !request.aborted)).toEqual([])
  })

  it("a far bound: the answer is generate's and the timer is cleared", async () => {
    server.enqueue({ kind: "synth", text: "in time" }, { kind: "synth", text: "in time" })
    const plain = await settle(model().generate({ prompt: "x" }))
    const watched = await watchTimers(() => settle(model().generateBounded!({ prompt: "x" }, boundIn(farBoundMs))))
    expect(Result.isSuccess(plain) && Result.isSuccess(watched.value)).toBe(true)
    if (Result.isSuccess(plain) && Result.isSuccess(watched.value)) {
      expect(watched.value.success.text).toBe("in time")
      const { text, finishReason, usage, model: answeredBy } = plain.success
      expect(watched.value.success).toMatchObject({ text, finishReason, usage, model: answeredBy })
    }
    expect(watched.set).toHaveLength(1)
    expect(watched.pending).toEqual([])
    expect(server.requests[1]?.aborted).toBe(false)
  })

  it("an interrupted call clears the timer and aborts the request", async () => {
    server.enqueue({ kind: "fault", fault: "stall" })
    const watched = await watchTimers(async () => {
      const fiber = Effect.runFork(model().generateBounded!({ prompt: "x" }, boundIn(farBoundMs)))
      while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
      await Effect.runPromise(Fiber.interrupt(fiber))
    })
    expect(watched.set).toHaveLength(1)
    expect(watched.pending).toEqual([])
    await server.waitForClosed()
    expect(server.requests[0]?.aborted).toBe(true)
  })

  it("a bound already past sends nothing", async () => {
    const bound = boundIn(-1)
    const result = await settle(model().generateBounded!({ prompt: "x" }, bound))
    expect(failureOf(result)).toEqual(boundError(-1))
    expect(bound.made()).toBe(1)
    expect(server.requests).toHaveLength(0)
  })

  it("errors other than the bound are unchanged, and the timer is cleared when the call fails", async () => {
    server.enqueue({ kind: "fault", fault: "rate-limit", retryAfter: "7" }, { kind: "fault", fault: "rate-limit", retryAfter: "7" })
    const plain = failureOf(await settle(model().generate({ prompt: "x" })))
    const watched = await watchTimers(() => settle(model().generateBounded!({ prompt: "x" }, boundIn(farBoundMs))))
    expect(plain?.reason._tag).toBe("RateLimited")
    expect(failureOf(watched.value)).toEqual(plain)
    expect(watched.set).toHaveLength(1)
    expect(watched.pending).toEqual([])
  })
})
