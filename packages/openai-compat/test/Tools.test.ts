/**
 * Tools, content parts and structured output on the OpenAI chat wire: the request mapping, tool calls from a JSON
 * body and from streamed deltas (arguments split across chunks, several calls in one answer), the recordings.
 */
import { collectStream, type CompletionRequest } from "@orch/provider"
import { requireShared, startWireServer, type WireServer } from "@orch/testing"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { makeOpenAiCompatClient, makeOpenAiCompatLanguageModel, resolveSettings } from "../src/index.ts"
import { chunk, failureOf, seeds, settle, sse, successOf } from "./support.ts"

const hasFixtures = requireShared("fixtures", "wire", "openai")
let server: WireServer
beforeAll(async () => {
  server = await startWireServer()
})
afterAll(() => server.close())
beforeEach(() => server.reset())

const model = () => makeOpenAiCompatLanguageModel(makeOpenAiCompatClient(resolveSettings({ backend: "openai", baseUrl: `${server.url}/v1` })), { name: "gpt-4o-mini", kind: "cloud" })
const weather = { name: "get_weather", description: "The weather in a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } }

describe("the request", () => {
  it("maps tools, the tool choice, images, files, assistant tool calls and tool results", async () => {
    server.enqueue({ kind: "synth", text: "ok" })
    const request: CompletionRequest = {
      messages: [
        { role: "user", content: [{ type: "text", text: "What is in this picture, and the weather in Paris?" }, { type: "image", data: "iVBORw0KGgo=", mediaType: "image/png" }, { type: "file", data: "JVBERi0=", mediaType: "application/pdf", filename: "a.pdf" }] },
        { role: "assistant", toolCalls: [{ id: "call_1", name: "get_weather", arguments: { city: "Paris" } }] },
        { role: "tool", toolCallId: "call_1", content: "18 C" }
      ],
      tools: [weather],
      toolChoice: { name: "get_weather" }
    }
    successOf(await settle(model().generate(request)))
    expect(server.requests[0]?.body).toMatchObject({
      messages: [
        { role: "user", content: [{ type: "text" }, { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } }, { type: "file", file: { filename: "a.pdf", file_data: "data:application/pdf;base64,JVBERi0=" } }] },
        { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: "{\"city\":\"Paris\"}" } }] },
        { role: "tool", tool_call_id: "call_1", content: "18 C" }
      ],
      tools: [{ type: "function", function: { name: "get_weather", parameters: weather.parameters } }],
      tool_choice: { type: "function", function: { name: "get_weather" } }
    })
  })
  it("asks for a JSON schema", async () => {
    server.enqueue({ kind: "synth", text: "{\"a\":1}" })
    successOf(await settle(model().generate({ prompt: "json", responseFormat: { type: "json", schema: { type: "object" }, name: "thing" } })))
    expect(server.requests[0]?.body).toMatchObject({ response_format: { type: "json_schema", json_schema: { name: "thing", schema: { type: "object" } } } })
  })
})

describe("tool calls in the answer", () => {
  it("from a JSON body, several in one answer", async () => {
    server.enqueue({ kind: "json", status: 200, body: { id: "chatcmpl-x", object: "chat.completion", model: "gpt-4o-mini", choices: [{ index: 0, message: { role: "assistant", content: null, tool_calls: [{ id: "call_a", type: "function", function: { name: "get_weather", arguments: "{\"city\":\"Paris\"}" } }, { id: "call_b", type: "function", function: { name: "get_weather", arguments: "{\"city\":\"Rome\"}" } }] }, finish_reason: "tool_calls" }], usage: { prompt_tokens: 20, completion_tokens: 30, total_tokens: 50 } } })
    const completion = successOf(await settle(model().generate({ prompt: "weather", tools: [weather] })))
    expect(completion.finishReason).toBe("tool-calls")
    expect(completion.toolCalls).toEqual([{ id: "call_a", name: "get_weather", arguments: { city: "Paris" } }, { id: "call_b", name: "get_weather", arguments: { city: "Rome" } }])
  })
  for (const seed of seeds) {
    it(`streamed, arguments split across chunks, two calls (seed ${seed})`, async () => {
      const call = (index: number, extra: Record<string, unknown>) => chunk({ tool_calls: [{ index, ...extra }] })
      server.enqueue({ kind: "raw", split: { seed, maxChunk: 9 }, body: sse([
        chunk({ role: "assistant", content: null }),
        call(0, { id: "call_a", type: "function", function: { name: "get_weather", arguments: "" } }),
        call(0, { function: { arguments: "{\"ci" } }),
        call(0, { function: { arguments: "ty\":\"Par" } }),
        call(1, { id: "call_b", type: "function", function: { name: "get_weather", arguments: "{\"city\"" } }),
        call(0, { function: { arguments: "is\"}" } }),
        call(1, { function: { arguments: ":\"Rome\"}" } }),
        chunk({}, "tool_calls")
      ]) })
      const parts = successOf(await settle(collectStream(model().stream({ prompt: "weather", tools: [weather] }))))
      expect(parts.finishReason).toBe("tool-calls")
      expect(parts.toolCalls).toEqual([{ id: "call_a", name: "get_weather", arguments: { city: "Paris" } }, { id: "call_b", name: "get_weather", arguments: { city: "Rome" } }])
    })
  }
  it("a streamed call whose arguments never complete is MalformedResponse", async () => {
    server.enqueue({ kind: "raw", body: sse([chunk({ tool_calls: [{ index: 0, id: "call_a", type: "function", function: { name: "get_weather", arguments: "{\"city\":" } }] }), chunk({}, "tool_calls")]) })
    expect(failureOf(await settle(model().generate({ prompt: "weather", tools: [weather] }).pipe()))).toMatchObject({ reason: { _tag: "MalformedResponse" } })
  })
  it.skipIf(!hasFixtures)("the recorded tool-call stream and JSON answer", async () => {
    server.enqueue({ kind: "replay", fixture: "openai/chat_completion_stream_tool_call.sse", split: { seed: 3, maxChunk: 13 } })
    const streamed = successOf(await settle(collectStream(model().stream({ prompt: "weather", tools: [weather] }))))
    expect(streamed.finishReason).toBe("tool-calls")
    expect(streamed.toolCalls?.length).toBeGreaterThan(0)
    expect(typeof streamed.toolCalls?.[0]?.arguments).toBe("object")
    server.enqueue({ kind: "replay", fixture: "openai/chat_completion_tool_calls.json" })
    const whole = successOf(await settle(model().generate({ prompt: "weather", tools: [weather] })))
    expect(whole.finishReason).toBe("tool-calls")
    expect(whole.toolCalls?.length).toBeGreaterThan(0)
  })
})
