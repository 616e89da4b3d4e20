// Tools, images and structured output through the orchestrator: capability routing refuses before anything is
// sent, tool calls and parsed objects reach the response, and an Effect Schema comes back decoded. Models that say
// what they can do are scripted at the service seam; structured output also runs over the loopback OpenAI server.
import { afterEach, describe, expect, it } from "vitest"
import { scriptedModel, scriptedProvider } from "@orch/testing"
import { Effect, Schema } from "effect"
import { completeObject, createOrchestrator, ModelOrchestrator, type Orchestrator } from "../src/index.ts"
import { failure, startSubstrate, type Substrate } from "./substrate.ts"

let substrate: Substrate | undefined
const made: Array<Orchestrator> = []
afterEach(async () => {
  await substrate?.close()
  substrate = undefined
  for (const o of made.splice(0)) await o.dispose()
})

const png = "iVBORw0KGgo="
const weather = { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } }

const textOnly = () => scriptedModel({ id: "ollama/tiny", kind: "local", script: [{ text: "I see nothing" }], info: { capabilities: { tools: false, images: false } } })
const vision = () => scriptedModel({ id: "openai/gpt-4o-mini", kind: "cloud", script: [{ text: "a cat" }] })

const orchestratorOver = (local: ReturnType<typeof scriptedModel>, cloud?: ReturnType<typeof scriptedModel>) => {
  const providers = [scriptedProvider("ollama", "local", [local]), ...(cloud !== undefined ? [scriptedProvider("openai", "cloud", [cloud])] : [])]
  const orchestrator = createOrchestrator({ providers, deadlineMs: 10_000 })
  made.push(orchestrator)
  return orchestrator
}

describe("capability routing", () => {
  it("sends an image only to a model that can take images", async () => {
    const local = textOnly()
    const cloud = vision()
    const response = await orchestratorOver(local, cloud).complete(
      [{ role: "user", content: [{ type: "text", text: "what is this?" }, { type: "image", data: png, mediaType: "image/png" }] }],
      { strategy: "local_first" }
    )
    expect(response.text).toBe("a cat")
    expect(local.calls).toHaveLength(0)
    expect(cloud.calls).toHaveLength(1)
  })

  it("refuses before anything is sent when no model can take what the request needs, naming the capability", async () => {
    const local = textOnly()
    const error = await failure(orchestratorOver(local).complete("weather?", { tools: [weather], model: "ollama/tiny" }))
    expect(error.reason._tag).toBe("InvalidRequest")
    if (error.reason._tag !== "InvalidRequest") return
    expect(error.reason.missingCapabilities).toEqual(["tools"])
    expect(error.message).toContain("ollama/tiny cannot take tools")
    expect(local.calls).toHaveLength(0)
    const images = await failure(orchestratorOver(textOnly()).complete([{ role: "user", content: [{ type: "text", text: "describe this" }, { type: "image", data: png, mediaType: "image/png" }] }]))
    expect(images.reason._tag === "InvalidRequest" && images.reason.missingCapabilities).toEqual(["images"])
  })

  it("a model that does not say is asked (the service decides); toolChoice none needs no tools", async () => {
    const unknown = scriptedModel({ id: "ollama/plain", kind: "local", script: [{ text: "ok" }] })
    const response = await orchestratorOver(unknown).complete("hi", { tools: [weather], model: "ollama/plain" })
    expect(response.text).toBe("ok")
    const none = await orchestratorOver(textOnly()).complete("hi", { tools: [weather], toolChoice: "none", model: "ollama/tiny" })
    expect(none.text).toBe("I see nothing")
  })
})

describe("tool calls and objects in the response", () => {
  it("complete and stream carry the tool calls, with finish reason tool-calls", async () => {
    const call = { id: "call_1", name: "get_weather", arguments: { city: "Oslo" } }
    const model = scriptedModel({ id: "ollama/agent", kind: "local", script: [{ toolCalls: [call] }] })
    const orchestrator = orchestratorOver(model)
    const response = await orchestrator.complete("weather in Oslo?", { tools: [weather], strategy: "local_first" })
    expect(response.toolCalls).toEqual([call])
    expect(response.finishReason).toBe("tool-calls")
    const stream = orchestrator.stream("weather in Oslo?", { tools: [weather] })
    for await (const _ of stream) { /* no text */ }
    expect((await stream.response).toolCalls).toEqual([call])
  })

  it("over the OpenAI wire: the JSON answer is parsed into object; JSON that misses the schema is MalformedResponse with the text", async () => {
    substrate = await startSubstrate()
    const schema = { type: "object", properties: { n: { type: "integer" } }, required: ["n"] }
    substrate.cloud.enqueue({ kind: "synth", text: `{"n": 4}` })
    const orchestrator = substrate.make()
    const response = await orchestrator.complete("2+2 as JSON", { model: "openai/gpt-4o-mini", responseFormat: { type: "json", schema } })
    expect(response.object).toEqual({ n: 4 })
    substrate.cloud.enqueue({ kind: "synth", text: `{"n": "four"}` })
    substrate.cloud.enqueue({ kind: "synth", text: `{"n": "four"}` })
    const error = await failure(orchestrator.complete("2+2 as JSON", { model: "openai/gpt-4o-mini", responseFormat: { type: "json", schema } }))
    expect(error.reason._tag).toBe("MalformedResponse")
    expect(error.reason._tag === "MalformedResponse" && error.reason.text).toBe(`{"n": "four"}`)
  })

  it("the Effect API takes an Effect Schema and returns its decoded type", async () => {
    const Answer = Schema.Struct({ city: Schema.String, celsius: Schema.Number })
    const model = scriptedModel({ id: "openai/gpt-4o-mini", kind: "cloud", script: [{ text: `{"celsius": 12.5, "city": "Oslo"}` }] })
    const layer = ModelOrchestrator.layer({ providers: [scriptedProvider("openai", "cloud", [model])], deadlineMs: 10_000 })
    const response = await Effect.runPromise(completeObject(Answer, "weather in Oslo as JSON", { model: "openai/gpt-4o-mini" }).pipe(Effect.provide(layer)))
    const typed: { readonly city: string; readonly celsius: number } = response.object
    expect(typed).toEqual({ city: "Oslo", celsius: 12.5 })
    const sent = model.calls[0]?.request.responseFormat
    expect(sent?.type === "json" && sent.schema).toMatchObject({ type: "object", required: ["city", "celsius"] })
  })
})
