/**
 * The CloudProvider: configuration from the environment (through a `ConfigProvider`) or options, availability per
 * backend with the reason, model ids per backend, model listing, and Lightning as its own backend.
 */
import { assert, describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Redacted } from "effect"
import { collectStream } from "@orch/provider"
import { startWireServer, type WireServer } from "@orch/testing"
import { afterAll, beforeAll, beforeEach } from "vitest"
import { CloudProvider, cloudProviderFromConfig, lightningModel, makeCloudProvider } from "../src/index.ts"

let server: WireServer
beforeAll(async () => {
  server = await startWireServer({ models: ["gpt-4o-mini", "gpt-4o"] })
})
afterAll(() => server.close())
beforeEach(() => server.reset())

const withEnvironment = (environment: Record<string, string>) => Effect.provide(ConfigProvider.layer(ConfigProvider.fromUnknown(environment)))

describe("CloudProvider configuration", () => {
  it.effect("with only OPENAI_API_KEY: OpenAI works, the others say which key to set", () =>
    Effect.gen(function*() {
      const provider = yield* cloudProviderFromConfig().pipe(
        withEnvironment({ OPENAI_API_KEY: "sk-only-openai-000000", OPENAI_BASE_URL: `${server.url}/v1` })
      )
      expect(provider.kind).toBe("cloud")
      const availability = yield* provider.isAvailable
      expect(availability.available).toBe(true)
      expect(availability.backends).toEqual([
        { name: "openai", available: true },
        { name: "anthropic", available: false, reason: "set ANTHROPIC_API_KEY" },
        { name: "lightning", available: false, reason: "set LIGHTNING_API_KEY" }
      ])
      server.enqueue({ kind: "synth", text: "from openai" })
      const openai = yield* provider.model("openai/gpt-4o-mini")
      expect((yield* openai.generate({ prompt: "hi" })).text).toBe("from openai")
      const anthropic = yield* Effect.flip(provider.model("anthropic/claude-3-5-haiku-latest"))
      expect(anthropic.reason._tag).toBe("Authentication")
      expect(anthropic.message).toBe("anthropic is not available: set ANTHROPIC_API_KEY")
      expect(anthropic.isRetryable).toBe(false)
      const lightning = yield* Effect.flip(provider.model("lightning/openai/gpt-5"))
      expect(lightning.message).toContain("set LIGHTNING_API_KEY")
      expect(server.requests).toHaveLength(1)
    }))

  it.effect("with no key at all: not available, and says every variable", () =>
    Effect.gen(function*() {
      const provider = yield* cloudProviderFromConfig().pipe(withEnvironment({}))
      const availability = yield* provider.isAvailable
      expect(availability.available).toBe(false)
      expect(availability.reason).toContain("set OPENAI_API_KEY")
      expect(availability.reason).toContain("set ANTHROPIC_API_KEY")
      expect(availability.reason).toContain("set LIGHTNING_API_KEY")
      expect(yield* provider.listModels).toEqual([])
    }))

  it.effect("a blank key counts as missing; a bad base URL says so", () =>
    Effect.gen(function*() {
      const provider = makeCloudProvider({ openai: { apiKey: "   " }, anthropic: { apiKey: "k-1234", baseUrl: "not a url" } })
      const availability = yield* provider.isAvailable
      expect(availability.backends?.[0]).toEqual({ name: "openai", available: false, reason: "set OPENAI_API_KEY" })
      expect(availability.backends?.[1]).toEqual({ name: "anthropic", available: false, reason: "ANTHROPIC_BASE_URL is not a valid URL" })
    }))

  it.effect("explicit options win over the environment; the layer provides the service", () =>
    Effect.gen(function*() {
      const provider = yield* CloudProvider.pipe(
        Effect.provide(CloudProvider.layer({ openai: { baseUrl: `${server.url}/v1`, apiKey: Redacted.make("sk-explicit-000000") } })),
        withEnvironment({ OPENAI_API_KEY: "sk-env-000000", OPENAI_BASE_URL: "http://127.0.0.1:9/v1" })
      )
      server.enqueue({ kind: "synth", text: "ok" })
      const completion = yield* Effect.flatMap(provider.model("gpt-4o-mini"), (m) => m.generate({ prompt: "hi" }))
      expect(completion.text).toBe("ok")
    }))
})

describe("CloudProvider models", () => {
  const provider = () =>
    makeCloudProvider({
      openai: { apiKey: "sk-a-000000", baseUrl: `${server.url}/v1` },
      anthropic: { apiKey: "sk-ant-b-000000", baseUrl: server.url },
      lightning: { apiKey: "lt-c-000000", baseUrl: `${server.url}/v1` }
    })

  it.effect("ids name the backend; bare names resolve by family; unknown backends are refused", () =>
    Effect.gen(function*() {
      const cloud = provider()
      const openai = yield* cloud.model("openai/gpt-4o-mini")
      expect([openai.id, openai.provider, openai.name, openai.kind]).toEqual(["openai/gpt-4o-mini", "openai", "gpt-4o-mini", "cloud"])
      const lightning = yield* cloud.model("lightning/openai/gpt-5")
      expect([lightning.provider, lightning.name]).toEqual(["lightning", "openai/gpt-5"])
      expect((yield* cloud.model("claude-3-5-haiku-latest")).provider).toBe("anthropic")
      expect((yield* cloud.model("gpt-4o")).provider).toBe("openai")
      expect((yield* Effect.flip(cloud.model("mystery-model"))).reason._tag).toBe("InvalidRequest")
      expect((yield* Effect.flip(cloud.model("mistral/large"))).reason._tag).toBe("ModelNotFound")
      expect((yield* Effect.flip(cloud.model("openai/"))).reason._tag).toBe("InvalidRequest")
    }))

  it.effect("Lightning is its own backend: the openai client, max_tokens, its name in the completion", () =>
    Effect.gen(function*() {
      server.enqueue({ kind: "synth", text: "lit" }, { kind: "synth", text: "lit stream" })
      const model = yield* provider().model("lightning/openai/gpt-5")
      const completion = yield* model.generate({ prompt: "hi", maxTokens: 9 })
      expect(completion.provider).toBe("lightning")
      expect(server.requests[0]?.path).toBe("/v1/chat/completions")
      expect(server.requests[0]?.body).toMatchObject({ model: "openai/gpt-5", max_tokens: 9 })
      const streamed = yield* collectStream(model.stream({ prompt: "hi" }))
      expect(streamed.text).toBe("lit stream")
      expect(streamed.provider).toBe("lightning")
    }))

  it.effect("lists the models of every configured backend, prefixed with its name", () =>
    Effect.gen(function*() {
      const models = yield* makeCloudProvider({
        openai: { apiKey: "sk-a-000000", baseUrl: `${server.url}/v1` },
        lightning: { apiKey: "lt-c-000000", baseUrl: `${server.url}/v1` }
      }).listModels
      expect(models.map((m) => m.id).sort()).toEqual(["lightning/gpt-4o", "lightning/gpt-4o-mini", "openai/gpt-4o", "openai/gpt-4o-mini"])
      expect(models.every((m) => m.kind === "cloud")).toBe(true)
    }))

  it.effect("listing fails only when every backend fails", () =>
    Effect.gen(function*() {
      server.enqueueFor("/v1/models", { kind: "fault", fault: "server-500" })
      const partial = yield* makeCloudProvider({
        openai: { apiKey: "sk-a-000000", baseUrl: `${server.url}/v1` },
        lightning: { apiKey: "lt-c-000000", baseUrl: `${server.url}/v1` }
      }).listModels
      expect(partial).toHaveLength(2)
      server.enqueueFor("/v1/models", { kind: "fault", fault: "server-500" })
      const error = yield* Effect.flip(makeCloudProvider({ openai: { apiKey: "sk-a-000000", baseUrl: `${server.url}/v1` } }).listModels)
      assert(error.reason._tag === "ServerError")
    }))

  it.effect("plain constructors without a key fail at once, making no request", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(lightningModel("openai/gpt-5").generate({ prompt: "hi" }))
      expect(error.message).toBe("lightning is not available: set LIGHTNING_API_KEY")
      expect(server.requests).toHaveLength(0)
    }))
})
