/**
 * Ollama keeps a caller's bound on its own timer (`streamBounded`, the event reader's), against the loopback wire
 * server speaking `/api/chat` NDJSON: a stream ends at the bound with its error whatever it waits for (the head, the
 * next line, the rest of one), the request aborted; a far bound completes as `stream` does and leaves no timer
 * behind; an interrupted consumer aborts the request; a bound already past sends nothing. `generate` is the kit's
 * collection of the stream and offers no `generateBounded`. The stream cases are the ones every such wire passes
 * (`boundedStreamCases` in @orch/testing); Ollama's own are here. No assertion reads how long anything took.
 */
import type { LanguageModel, ProviderError } from "@orch/provider"
import { boundedSettleMs, boundedStreamCases, boundsFor, farBoundMs, readStream as read, requestsNotCutOff, settleWithin, startWireServer, type WireServer } from "@orch/testing"
import { type Effect, Result } from "effect"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { makeOllamaClient, makeOllamaLanguageModel } from "../src/index.ts"

let server: WireServer
beforeAll(async () => {
  server = await startWireServer({ models: ["llama3.2:1b"], loadedModels: ["llama3.2:1b"] })
})
afterAll(() => server.close())
beforeEach(() => server.reset())

const model = (host = server.url): LanguageModel => makeOllamaLanguageModel(makeOllamaClient({ host }), "llama3.2:1b", { backend: "ollama" })

/** Bounds naming the model: the error a bound ends a call with, and a bound that counts how many times it made it. */
const bounds = boundsFor({ provider: "ollama", model: "llama3.2:1b" })
const { boundError, boundIn } = bounds
/** Run to a Result; a hang fails the test (the bounds under test are far shorter). */
const settle = <A, E>(effect: Effect.Effect<A, E>) => settleWithin(effect, boundedSettleMs)
const failureOf = <A>(result: Result.Result<A, ProviderError>): ProviderError | undefined => (Result.isFailure(result) ? result.failure : undefined)

/** One `/api/chat` NDJSON line, as Ollama streams it. */
const line = (content: string) => `${JSON.stringify({ model: "llama3.2:1b", created_at: "2026-12-01T03:00:00Z", message: { role: "assistant", content }, done: false })}\n`
/** A streamed answer's first lines, sent and then held open (a model still generating). */
const stallAfter = (pieces: ReadonlyArray<string>) => ({ kind: "raw" as const, contentType: "application/x-ndjson", body: pieces.map(line).join(""), stallAfter: true })

describe("Ollama streamBounded", () => {
  for (const { name, run } of boundedStreamCases({ server: () => server, model, bounds, stallAfter })) it(name, run)

  it("generateBounded is offered (generate collects the stream)", () => {
    expect(model().generateBounded).toBeTypeOf("function")
  })

  it("generateBounded: a stream that stalls fails with the bound's error, once, and the request is aborted; a far bound answers as generate does", async () => {
    server.enqueue(stallAfter(["Hel", "lo"]))
    const bound = boundIn(500)
    expect(failureOf(await settle(model().generateBounded!({ prompt: "x" }, bound)))).toEqual(boundError(500))
    expect(bound.made()).toBe(1)
    // The bound may pass before the request is sent on a loaded machine: whatever arrived was hung up on, and a
    // stall no request took is not left for the next call.
    expect(await requestsNotCutOff(server)).toEqual([])
    server.reset()
    server.setDefault({ kind: "synth", text: "all of it" })
    const answered = await settle(model().generateBounded!({ prompt: "x" }, boundIn(farBoundMs)))
    expect(Result.isSuccess(answered) ? answered.success.text : answered.failure.message).toBe("all of it")
  })

  it("errors other than the bound are unchanged (an in-band error line, a missing model with its pull hint)", async () => {
    server.enqueue({ kind: "fault", fault: "in-band-error" }, { kind: "fault", fault: "in-band-error" })
    const plain = failureOf((await read(model().stream({ prompt: "x" }))).result)
    const bounded = failureOf((await read(model().streamBounded!({ prompt: "x" }, boundIn(farBoundMs)))).result)
    expect(plain).toBeDefined()
    expect(bounded).toEqual(plain)
    const missing = { kind: "json" as const, status: 404, body: { error: "model 'llama3.2:1b' not found, try pulling it first" } }
    server.enqueue(missing, missing)
    const plainMissing = failureOf((await read(model().stream({ prompt: "x" }))).result)
    const boundedMissing = failureOf((await read(model().streamBounded!({ prompt: "x" }, boundIn(farBoundMs)))).result)
    expect(plainMissing?.reason._tag).toBe("ModelNotFound")
    expect(plainMissing?.message).toContain("ollama pull")
    expect(boundedMissing).toEqual(plainMissing)
  })
})
