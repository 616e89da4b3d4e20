// A conversation survives failover: a history written by one backend (its tool-call ids, its signed reasoning) is
// made acceptable to another by `requestFor` and sent through the real provider packages to loopback servers that
// answer as OpenAI, Anthropic and Ollama, and to the embedded engine. Whatever each adapter sends of the history, it
// carries no id the target would refuse and no reasoning signed by another backend, and the call succeeds.
import { makeCloudProvider } from "@orch/providers-cloud"
import { makeLocalProvider } from "@orch/providers-local"
import { type CompletionRequest, historyFor, type Message, type Provider, requestFor, validateRequest } from "@orch/provider"
import { requireShared, startWireServer, tinyChatModelPath, type WireServer } from "@orch/testing"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const hasModel = requireShared("models", "stories260K-chatml.gguf")
let server: WireServer
let cloud: Provider
let local: Provider

beforeAll(async () => {
  server = await startWireServer({ models: ["llama3.2:1b", "gpt-4o-mini", "claude-3-5-haiku-latest"], loadedModels: ["llama3.2:1b"] })
  cloud = makeCloudProvider({
    openai: { apiKey: "sk-test-history", baseUrl: `${server.url}/v1` },
    anthropic: { apiKey: "sk-ant-test-history", baseUrl: server.url }
  })
  local = await Effect.runPromise(makeLocalProvider({
    ollama: { host: server.url },
    ...(hasModel ? { llamaCpp: { model: tinyChatModelPath(), contextSize: 512 } } : {})
  }))
})
afterAll(async () => {
  await Effect.runPromise(local.close ?? Effect.void)
  await server.close()
})

const tools = [{ name: "get_current_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } }]

/** A conversation as OpenAI wrote it: its long call ids, a second call whose result never came. */
const fromOpenAi: ReadonlyArray<Message> = [
  { role: "user", content: "Weather in Paris and Oslo?" },
  {
    role: "assistant",
    content: "",
    toolCalls: [
      { id: "call_NnblzAO7oa78mQTzjUYLcouN.part:1/2+extra-long-suffix", name: "get_current_weather", arguments: { city: "Paris" } },
      { id: "call_second", name: "get_current_weather", arguments: { city: "Oslo" } }
    ]
  },
  { role: "tool", toolCallId: "call_NnblzAO7oa78mQTzjUYLcouN.part:1/2+extra-long-suffix", content: "18 C, light rain" },
  { role: "user", content: "And tomorrow?" }
]

/** A conversation as Anthropic wrote it: `toolu_` ids and thinking signed by Anthropic. */
const signature = "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"
const fromAnthropic: ReadonlyArray<Message> = [
  { role: "user", content: "Weather in Paris?" },
  {
    role: "assistant",
    content: [{ type: "reasoning", text: "I should call the tool.", signature, provider: "anthropic" }, { type: "text", text: "Let me check." }],
    toolCalls: [{ id: "toolu_01A09q90qw90lq917835lq9", name: "get_current_weather", arguments: { city: "Paris" } }]
  },
  { role: "tool", toolCallId: "toolu_01A09q90qw90lq917835lq9", content: "18 C, light rain" },
  { role: "user", content: "Thanks. Umbrella?" }
]

const lastBody = (path: string): string => JSON.stringify(server.requests.filter((r) => r.path === path).at(-1)?.body ?? null)
const idsIn = (body: string): ReadonlyArray<string> => [...body.matchAll(/"(?:id|tool_call_id|tool_use_id)":"([^"]*)"/g)].map((m) => m[1] ?? "")

const continueOn = async (provider: Provider, id: string, history: ReadonlyArray<Message>, extra: Partial<CompletionRequest> = {}) => {
  const model = await Effect.runPromise(provider.model(id))
  const request = requestFor(model.provider, { messages: history, tools, maxTokens: 8, ...extra })
  await Effect.runPromise(validateRequest(request))
  return Effect.runPromise(model.generate(request))
}

describe("a conversation continued on another backend", () => {
  it("OpenAI -> Anthropic: ids match ^[a-zA-Z0-9_-]+$, every call has its result, the call succeeds", async () => {
    server.enqueue({ kind: "synth", text: "Tomorrow: sunny." })
    const completion = await continueOn(cloud, "anthropic/claude-3-5-haiku-latest", fromOpenAi)
    expect(completion.text).toBe("Tomorrow: sunny.")
    const body = lastBody("/v1/messages")
    for (const id of idsIn(body)) expect(id).toMatch(/^[a-zA-Z0-9_-]{1,64}$/)
    expect(body).toContain("18 C, light rain")
    const prepared = historyFor("anthropic", fromOpenAi)
    expect(prepared.filter((m) => m.role === "tool")).toHaveLength(2)
  })

  it("OpenAI -> Ollama: the call succeeds with the tool result in the history", async () => {
    server.enqueue({ kind: "synth", text: "Sunny." })
    const completion = await continueOn(local, "ollama/llama3.2:1b", fromOpenAi)
    expect(completion.text).toBe("Sunny.")
    expect(lastBody("/api/chat")).toContain("18 C, light rain")
  })

  it.skipIf(!hasModel)("OpenAI -> the embedded engine: the history as text turns, and an answer", async () => {
    const completion = await continueOn(local, "llamacpp/stories260K-chatml", fromOpenAi, { maxTokens: 4 })
    expect(completion.provider).toBe("llamacpp")
    expect(completion.usage.outputTokens).toBeGreaterThan(0)
  })

  it("Anthropic -> OpenAI and Ollama: the Anthropic signature never leaves, ids fit OpenAI's 40 characters", async () => {
    server.enqueue({ kind: "synth", text: "Yes, take one." })
    await continueOn(cloud, "openai/gpt-4o-mini", fromAnthropic)
    const openAiBody = lastBody("/v1/chat/completions")
    expect(openAiBody).not.toContain(signature)
    for (const id of idsIn(openAiBody)) expect(id.length).toBeLessThanOrEqual(40)
    server.enqueue({ kind: "synth", text: "Yes." })
    await continueOn(local, "ollama/llama3.2:1b", fromAnthropic)
    expect(lastBody("/api/chat")).not.toContain(signature)
  })

  it("Anthropic -> Anthropic keeps its own signed reasoning", () => {
    const same = historyFor("anthropic", fromAnthropic)
    expect(JSON.stringify(same)).toContain(signature)
  })

  it.skipIf(!hasModel)("Anthropic -> the embedded engine: an answer from the rewritten history", async () => {
    const completion = await continueOn(local, "llamacpp/stories260K-chatml", fromAnthropic, { maxTokens: 4 })
    expect(completion.provider).toBe("llamacpp")
  })
})
