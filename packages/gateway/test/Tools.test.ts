// Tools, images and tool results through the gateway, driven by the official SDK: OpenAI's wire shapes read into the
// request contract (what the model receives is checked) and tool calls written back (whole, streamed, and in the
// Responses API). The models are scripted at the service seam, since they must answer with tool calls; capability
// routing refuses an image no model can take with a 400 before anything is sent.
import { scriptedModel, scriptedProvider } from "@orch/testing"
import type { CompletionRequest } from "@orch/provider"
import OpenAI from "openai"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type RunningGateway, serve } from "../src/index.ts"

const png = "iVBORw0KGgo="
const weatherTool = { type: "function" as const, function: { name: "get_weather", description: "Weather in a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } }

// The cloud model calls get_weather when offered it and no result is in yet, else answers in text.
const cloud = scriptedModel({
  id: "openai/gpt-4o-mini",
  kind: "cloud",
  script: (_index, request: CompletionRequest) => {
    const hasResult = (request.messages ?? []).some((m) => m.role === "tool")
    return (request.tools?.length ?? 0) > 0 && !hasResult && request.toolChoice !== "none"
      ? { text: "Let me check.", toolCalls: [{ id: "call_w1", name: "get_weather", arguments: { city: "Paris" } }] }
      : { text: hasResult ? "It is sunny in Paris." : "A cat on a mat." }
  }
})
const textOnly = scriptedModel({ id: "ollama/tiny", kind: "local", script: [{ text: "words only" }], info: { capabilities: { tools: false, images: false } } })

let gateway: RunningGateway
let client: OpenAI
beforeAll(async () => {
  gateway = await serve({ port: 0, orchestrator: { providers: [scriptedProvider("openai", "cloud", [cloud]), scriptedProvider("ollama", "local", [textOnly])], deadlineMs: 10_000 } })
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "none", maxRetries: 0 })
})
afterAll(async () => {
  await gateway?.close()
})

const lastRequest = () => cloud.calls.at(-1)!.request

describe("chat completions with tools", () => {
  it("passes the tools and the choice to the model and returns its tool calls as OpenAI's", async () => {
    const answer = await client.chat.completions.create({
      model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Weather in Paris?" }], tools: [weatherTool], tool_choice: "required"
    })
    expect(lastRequest().tools).toEqual([{ name: "get_weather", description: "Weather in a city", parameters: weatherTool.function.parameters }])
    expect(lastRequest().toolChoice).toBe("required")
    const choice = answer.choices[0]!
    expect(choice.finish_reason).toBe("tool_calls")
    expect(choice.message.content).toBe("Let me check.")
    expect(choice.message.tool_calls).toEqual([{ id: "call_w1", type: "function", function: { name: "get_weather", arguments: "{\"city\":\"Paris\"}" } }])
  })

  it("sends the assistant's tool calls and the tool's result back to the model", async () => {
    const answer = await client.chat.completions.create({
      model: "openai/gpt-4o-mini",
      tools: [weatherTool],
      messages: [
        { role: "user", content: "Weather in Paris?" },
        { role: "assistant", content: null, tool_calls: [{ id: "call_w1", type: "function", function: { name: "get_weather", arguments: "{\"city\":\"Paris\"}" } }] },
        { role: "tool", tool_call_id: "call_w1", content: "sunny, 21 C" }
      ]
    })
    expect(answer.choices[0]?.message.content).toBe("It is sunny in Paris.")
    expect(lastRequest().messages).toEqual([
      { role: "user", content: "Weather in Paris?" },
      { role: "assistant", toolCalls: [{ id: "call_w1", name: "get_weather", arguments: { city: "Paris" } }] },
      { role: "tool", toolCallId: "call_w1", content: "sunny, 21 C" }
    ])
  })

  it("streams a tool call as one delta chunk with its index, id, name and arguments", async () => {
    const stream = await client.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Weather?" }], tools: [weatherTool], stream: true })
    const calls: Array<OpenAI.Chat.Completions.ChatCompletionChunk.Choice.Delta.ToolCall> = []
    let text = ""
    let finish: string | null | undefined
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? ""
      calls.push(...(chunk.choices[0]?.delta.tool_calls ?? []))
      finish = chunk.choices[0]?.finish_reason ?? finish
    }
    expect(text).toBe("Let me check.")
    expect(calls).toEqual([{ index: 0, id: "call_w1", type: "function", function: { name: "get_weather", arguments: "{\"city\":\"Paris\"}" } }])
    expect(finish).toBe("tool_calls")
  })

  it("passes image parts as the contract's, and refuses an image no model can take with a 400", async () => {
    const answer = await client.chat.completions.create({
      model: "orch/cloud-first",
      messages: [{ role: "user", content: [{ type: "text", text: "What is this?" }, { type: "image_url", image_url: { url: `data:image/png;base64,${png}` } }] }]
    })
    expect(answer.choices[0]?.message.content).toBe("A cat on a mat.")
    expect(lastRequest().messages?.[0]?.content).toEqual([{ type: "text", text: "What is this?" }, { type: "image", data: png, mediaType: "image/png" }])
    const refused = await client.chat.completions.create({
      model: "ollama/tiny", messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: `data:image/png;base64,${png}` } }] }]
    }).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError)
    expect((refused as Error).message).toMatch(/images/)
    expect(textOnly.calls).toHaveLength(0)
  })

  it("refuses what the contract cannot carry, naming the parameter", async () => {
    const bad = async (body: Record<string, unknown>) => {
      const error = await client.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], ...body } as never).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(OpenAI.BadRequestError)
      return error as InstanceType<typeof OpenAI.BadRequestError>
    }
    expect((await bad({ tools: [{ type: "web_search" }] })).param).toBe("tools[0].type")
    expect((await bad({ tool_choice: { type: "function", function: { name: "get_weather" } } })).param).toBe("tool_choice")
    expect((await bad({ messages: [{ role: "assistant", content: null, tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{not json" } }] }, { role: "user", content: "hi" }] })).param).toBe("messages[0].tool_calls[0]")
    expect((await bad({ messages: [{ role: "user", content: [{ type: "file", file: { file_id: "file-abc" } }] }] })).message).toMatch(/file ids are not supported/)
    expect((await bad({ messages: [{ role: "user", content: [{ type: "input_audio", input_audio: { data: "AAAA", format: "wav" } }] }] })).param).toBe("messages[0].content[0].type")
  })
})

describe("the Responses API with function tools", () => {
  const responsesTool = { type: "function" as const, name: "get_weather", description: "Weather in a city", parameters: weatherTool.function.parameters, strict: false }

  it("returns function_call items, and takes function_call and function_call_output items back", async () => {
    const first = await client.responses.create({ model: "openai/gpt-4o-mini", input: "Weather in Paris?", tools: [responsesTool] })
    const call = first.output.find((item) => item.type === "function_call")
    expect(call).toMatchObject({ type: "function_call", call_id: "call_w1", name: "get_weather", arguments: "{\"city\":\"Paris\"}", status: "completed" })
    const second = await client.responses.create({
      model: "openai/gpt-4o-mini", tools: [responsesTool],
      input: [
        { role: "user", content: "Weather in Paris?" },
        { type: "function_call", call_id: "call_w1", name: "get_weather", arguments: "{\"city\":\"Paris\"}" },
        { type: "function_call_output", call_id: "call_w1", output: "sunny, 21 C" }
      ]
    })
    expect(second.output_text).toBe("It is sunny in Paris.")
    expect(lastRequest().messages?.slice(1)).toEqual([
      { role: "assistant", toolCalls: [{ id: "call_w1", name: "get_weather", arguments: { city: "Paris" } }] },
      { role: "tool", toolCallId: "call_w1", content: "sunny, 21 C" }
    ])
  })

  it("streams the function call as its output item and argument events", async () => {
    const stream = await client.responses.create({ model: "openai/gpt-4o-mini", input: "Weather?", tools: [responsesTool], stream: true })
    const types: Array<string> = []
    let args = ""
    let completed: OpenAI.Responses.Response | undefined
    for await (const event of stream) {
      types.push(event.type)
      if (event.type === "response.function_call_arguments.done") args = event.arguments
      if (event.type === "response.completed") completed = event.response
    }
    expect(args).toBe("{\"city\":\"Paris\"}")
    expect(types).toEqual(expect.arrayContaining(["response.output_item.added", "response.function_call_arguments.delta", "response.output_item.done"]))
    expect(types.at(-1)).toBe("response.completed")
    expect(completed?.output.map((item) => item.type)).toEqual(["message", "function_call"])
  })
})
