// The gateway over a real model: the embedded engine (node-llama-cpp) on the tiny stories260K GGUF from shared/,
// one thread (the thread trap of a 2-core machine). Greedy decoding makes the answer repeatable, so the streamed
// text must equal the whole one, through the official SDK.
import { makeLocalProvider } from "@orch/providers-local"
import { requireShared, tinyChatModelPath } from "@orch/testing"
import { Effect } from "effect"
import OpenAI from "openai"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type RunningGateway, serve } from "../src/index.ts"

const haveModel = requireShared("models", "stories260K-chatml.gguf")

describe.skipIf(!haveModel)("the gateway over the embedded model", () => {
  let gateway: RunningGateway
  let client: OpenAI
  beforeAll(async () => {
    const local = await Effect.runPromise(makeLocalProvider({ llamaCpp: { model: tinyChatModelPath(), threads: 1 } }))
    gateway = await serve({ port: 0, orchestrator: { providers: [local], deadlineMs: 30_000 } })
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "none", maxRetries: 0 })
  })
  afterAll(async () => {
    await gateway?.close()
  })

  it("lists the model, answers it whole and streamed with the same greedy text, for free", async () => {
    const ids: Array<string> = []
    for await (const model of client.models.list()) ids.push(model.id)
    const id = ids.find((m) => m.startsWith("llamacpp/"))
    expect(id).toBeDefined()
    const request = { model: id!, messages: [{ role: "user" as const, content: "Once upon a time" }], max_tokens: 24, temperature: 0 }
    const { data: whole, response } = await client.chat.completions.create(request).withResponse()
    const text = whole.choices[0]?.message.content ?? ""
    expect(text.length).toBeGreaterThan(0)
    expect(whole.usage?.completion_tokens).toBeLessThanOrEqual(24)
    expect(response.headers.get("x-orch-cost-usd")).toBe("0")
    const stream = await client.chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } })
    let streamed = ""
    let usage: OpenAI.CompletionUsage | null | undefined
    for await (const chunk of stream) {
      streamed += chunk.choices[0]?.delta.content ?? ""
      if (chunk.usage) usage = chunk.usage
    }
    expect(streamed).toBe(text)
    expect(usage?.completion_tokens).toBe(whole.usage?.completion_tokens)
  })

  it("answers the virtual model orch/local-only and the Responses API with the same model", async () => {
    const viaStrategy = await client.chat.completions.create({ model: "orch/local-only", messages: [{ role: "user", content: "Lily went to the park" }], max_tokens: 16, temperature: 0 })
    expect((viaStrategy as unknown as { orch: { provider: string } }).orch.provider).toBe("llamacpp")
    const viaResponses = await client.responses.create({ model: "orch/local-only", input: "Lily went to the park", max_output_tokens: 16, temperature: 0 })
    expect(viaResponses.output_text).toBe(viaStrategy.choices[0]?.message.content)
  })
})
