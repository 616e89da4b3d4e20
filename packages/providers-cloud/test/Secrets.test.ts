/**
 * The canary key: planted as every backend's key, and echoed back by the server in error bodies, it must appear in
 * no error message, `toString`, JSON of the error, and no log line (Effect logs captured at debug level), on every
 * error path of every backend.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Logger, References, Stream } from "effect"
import { collectStream, type LanguageModel, type ProviderError } from "@orch/provider"
import { faults, startWireServer, unusedPortUrl, type Behavior, type WireServer } from "@orch/testing"
import { afterAll, beforeAll, beforeEach } from "vitest"
import { makeCloudProvider } from "../src/index.ts"

const canary = "canary-7f3a9c1e5b2d4680aa11"

let server: WireServer
let deadUrl: string
beforeAll(async () => {
  server = await startWireServer()
  deadUrl = await unusedPortUrl()
})
afterAll(() => server.close())
beforeEach(() => server.reset())

const echoes: ReadonlyArray<Behavior> = [
  { kind: "json", status: 401, body: { error: { message: `Incorrect API key provided: ${canary}`, type: "invalid_request_error", code: "invalid_api_key" } } },
  { kind: "json", status: 400, body: { type: "error", error: { type: "invalid_request_error", message: `bad key ${canary} in x-api-key` } } },
  { kind: "json", status: 429, body: { error: { message: `key ${canary} exceeded quota` } }, headers: { "retry-after": "1" } },
  { kind: "json", status: 500, body: `<html><title>500 ${canary}</title></html>` }
]
const behaviors: ReadonlyArray<Behavior> = [
  ...faults.filter((f) => f !== "stall" && f !== "slow-drip" && f !== "ollama-busy-503" && f !== "duplicate-done").map((fault): Behavior => ({ kind: "fault", fault, afterTokens: 1 })),
  ...echoes
]

const models = (baseUrl: string): ReadonlyArray<Effect.Effect<LanguageModel, ProviderError>> => {
  const cloud = makeCloudProvider({
    openai: { apiKey: canary, baseUrl: `${baseUrl}/v1` },
    anthropic: { apiKey: canary, baseUrl },
    lightning: { apiKey: canary, baseUrl: `${baseUrl}/v1` }
  })
  return [cloud.model("openai/gpt-4o-mini"), cloud.model("anthropic/claude-3-5-haiku-latest"), cloud.model("lightning/openai/gpt-5")]
}

describe("the API key never leaks", () => {
  it.effect("in no error and no log line, on every error path of every backend", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      const capture = Logger.make((options) => {
        lines.push(`${options.logLevel} ${JSON.stringify(options.message)} ${String(options.cause)}`)
      })
      const errors: Array<ProviderError> = []
      const run = Effect.gen(function*() {
        for (const modelEffect of models(server.url)) {
          const model = yield* modelEffect
          for (const behavior of behaviors) {
            server.enqueue(behavior, behavior)
            errors.push(yield* Effect.flip(model.generate({ prompt: "hi" })))
            errors.push(yield* Effect.flip(collectStream(model.stream({ prompt: "hi" }))))
          }
        }
        for (const modelEffect of models(deadUrl)) {
          const model = yield* modelEffect
          errors.push(yield* Effect.flip(model.generate({ prompt: "hi" })))
          errors.push(yield* Effect.flip(collectStream(model.stream({ prompt: "hi" }))))
        }
      })
      yield* run.pipe(Effect.provide(Logger.layer([capture])), Effect.provideService(References.MinimumLogLevel, "Debug"))
      expect(errors.length).toBe(3 * behaviors.length * 2 + 3 * 2)
      expect(new Set(errors.map((e) => e.reason._tag)).size).toBeGreaterThanOrEqual(8)
      expect(lines.length).toBe(errors.length)
      for (const error of errors) {
        expect(error.message).not.toContain(canary)
        expect(error.toString()).not.toContain(canary)
        expect(JSON.stringify(error)).not.toContain(canary)
        expect(JSON.stringify(error.reason)).not.toContain(canary)
      }
      for (const line of lines) expect(line).not.toContain(canary)
      // The server did receive the key: the test would catch a leak if there were one.
      expect(server.requests.length).toBeGreaterThan(0)
    }))

  it.effect("a canary-keyed stream that is cut off leaks nothing either", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "fault", fault: "truncated-stream", text: `some ${canary} text`, afterTokens: 1 })
      const model = yield* models(server.url)[0]!
      const error = yield* Effect.flip(Stream.runDrain(model.stream({ prompt: "hi" })))
      expect(error.reason._tag).toBe("StreamInterrupted")
      expect(error.message).not.toContain(canary)
    }))
})
