import { requireShared, startWireServer, tinyChatModelPath, unusedPortUrl, type WireServer } from "@orch/testing"
import { Effect } from "effect"
import { afterAll, beforeAll, expect, it } from "vitest"
import { makeLocalProvider, type LocalProvider } from "../src/index.ts"
import { successOf, withDeadline } from "./wireCalls.ts"

const hasModel = requireShared("models", "stories260K-chatml.gguf")
let server: WireServer
let local: LocalProvider

beforeAll(async () => {
  server = await startWireServer({ models: ["llama3.2:1b"] })
  local = await Effect.runPromise(makeLocalProvider({
    // Probes with no real-time limit to speak of: a loaded machine (the embedded model loading beside them) must not
    // turn a server that answers into an unavailable one; the dead port refuses at once anyway.
    ollama: { host: server.url, probeTimeout: "5 minutes" },
    openAiCompatible: [{ baseUrl: `${await unusedPortUrl()}/v1`, probeTimeout: "5 minutes" }],
    ...(hasModel ? { llamaCpp: { model: tinyChatModelPath(), contextSize: 256, pricing: { kind: "per-hour", usdPerHour: 0.5 } } } : {})
  }))
})
afterAll(async () => {
  await Effect.runPromise(local.close ?? Effect.void)
  await server.close()
})

it.skipIf(!hasModel)("groups the available backends: merged models, routing by id prefix, per-backend availability", async () => {
  // Load the embedded model first: a native load holds the event loop, and would starve the other probes' timers.
  for (const backend of local.backends) if (backend.name === "llamacpp") await Effect.runPromise(backend.isAvailable)
  const availability = await Effect.runPromise(local.isAvailable)
  expect(availability.available, JSON.stringify(availability)).toBe(true)
  expect(availability.backends?.[0]?.reason).toBeUndefined()
  expect(availability.backends?.map((b) => [b.name, b.available])).toEqual([["ollama", true], ["vllm", false], ["llamacpp", true]])
  const models = successOf(await withDeadline(local.listModels, 20_000))
  expect(models.map((m) => m.id)).toEqual(["ollama/llama3.2:1b", "llamacpp/stories260K-chatml"])
  expect(models[1]?.pricing).toBeUndefined()
  expect(local.pricing["llamacpp"]).toEqual({ kind: "per-hour", usdPerHour: 0.5 })
  const ollama = await Effect.runPromise(local.model("ollama/llama3.2:1b"))
  expect(successOf(await withDeadline(ollama.generate({ prompt: "hi" }))).provider).toBe("ollama")
  const embedded = await Effect.runPromise(local.model("llamacpp/stories260K-chatml"))
  expect(successOf(await withDeadline(embedded.generate({ prompt: "hi", maxTokens: 3 }), 20_000)).usage.outputTokens).toBe(3)
  const unknown = await Effect.runPromise(Effect.result(local.model("nope/x")))
  expect(unknown._tag === "Failure" && unknown.failure.reason._tag).toBe("ModelNotFound")
  const bare = await Effect.runPromise(Effect.result(local.model("x")))
  expect(bare._tag === "Failure" && bare.failure.reason._tag).toBe("InvalidRequest")
})
