// A server that sends no response head (Ollama loads the model before it answers) is cut by the limits an attempt
// keeps per pull (a first-token limit, the deadline on a clock the model cannot time itself): the wait for the head
// is part of the wait for the first token, as it was before the streaming path became one layer. Real models against
// the loopback wire server; no assertion reads how long anything took.
import type { CompletionRequest, LanguageModel, ProviderError, StreamPart } from "@orch/provider"
import { makeOllamaClient, makeOllamaLanguageModel } from "@orch/providers-local"
import { attempt, type AttemptHook, type AttemptOutcome, timeout, underDeadlineStream, withAttemptHookStream } from "@orch/strategies"
import { boundedSettleMs, requestsNotCutOff, settleWithin, startWireServer, type WireServer } from "@orch/testing"
import { Effect, Result, Stream } from "effect"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"

let server: WireServer
beforeAll(async () => {
  server = await startWireServer({ models: ["llama3.2:1b"], loadedModels: ["llama3.2:1b"] })
})
afterAll(() => server.close())
beforeEach(() => server.reset())

const request: CompletionRequest = { prompt: "Tell me a story" }

/** Run to a Result; a hang fails the test (the limits under test are far shorter). */
const settle = <A>(effect: Effect.Effect<A, ProviderError>) => settleWithin(effect, boundedSettleMs)

const ollama = (): LanguageModel => makeOllamaLanguageModel(makeOllamaClient({ host: server.url }), "llama3.2:1b", { backend: "ollama" })

/** The limits an attempt keeps per pull, each with the phase of the Timeout it ends a head-less stream with. */
const limits: ReadonlyArray<{ readonly name: string; readonly phase: string; readonly stream: () => Stream.Stream<StreamPart, ProviderError> }> = [
  {
    name: "Ollama under a first-token limit: fails with the first-token Timeout, reported once, the request aborted",
    phase: "first-token",
    stream: () => timeout(attempt(ollama()), { firstTokenMs: 200 }).stream(request)
  },
  {
    name: "Ollama under a deadline with a gap limit (the deadline kept per pull): fails with the deadline's Timeout, the request aborted",
    phase: "total",
    stream: () => underDeadlineStream(timeout(attempt(ollama()), { betweenChunksMs: 5_000 }).stream(request), Date.now() + 200)
  }
]

describe("a streamed attempt whose server sends no head", () => {
  for (const { name, phase, stream } of limits) {
    it(name, async () => {
      const seen: Array<AttemptOutcome> = []
      const hook: AttemptHook = () => Effect.succeed((outcome) => Effect.sync(() => void seen.push(outcome)))
      server.setDefault({ kind: "fault", fault: "stall", beforeHead: true })
      const result = await settle(Stream.runDrain(withAttemptHookStream(stream(), hook)))
      expect(Result.isFailure(result) ? result.failure.reason : undefined).toMatchObject({ _tag: "Timeout", phase })
      expect(seen.map((outcome) => outcome._tag)).toEqual(["AttemptFailure"])
      // The limit may pass before the request is sent on a loaded machine: whatever arrived was hung up on.
      expect(await requestsNotCutOff(server)).toEqual([])
    })
  }
})
