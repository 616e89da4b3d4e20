// The gateway's HTTP contract under callers that send what they should not: every field a caller may send, of the
// wrong type or out of its range, is a 400 in OpenAI's shape whose `param` names the field (as OpenAI names it,
// `messages[0].content`) and nothing reaches an upstream; JSON nested too deep is a 400, never a 500; and at the HTTP
// edge: bodies too large (413) or too slow (408) close their connection, HEAD and wrong methods on every route,
// chunked bodies, `Expect: 100-continue`, pipelined requests, and a client gone mid-body. Raw `node:http` and
// `node:net` clients against a gateway over the loopback wire servers.
import http from "node:http"
import net from "node:net"
import { gzipSync } from "node:zlib"
import OpenAI from "openai"
import { describe, expect, it } from "vitest"
import type { RunningGateway } from "../src/index.ts"
import { eventually, gatewayPerFile, generations, startGateway, type Upstreams } from "./Support.ts"

let upstreams: Upstreams
let gateway: RunningGateway

gatewayPerFile({ maxBodyBytes: 512 * 1024 }, (setup) => ({ upstreams, gateway } = setup))

interface Answer {
  readonly status: number
  readonly headers: http.IncomingHttpHeaders
  readonly body: string
}

/** One request over a fresh connection, its whole answer. */
const send = (target: RunningGateway, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const request = http.request(`${target.url}${path}`, { method, headers: { "content-type": "application/json", ...headers }, agent: false }, (response) => {
      let text = ""
      response.setEncoding("utf8")
      response.on("data", (chunk: string) => (text += chunk))
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }))
    })
    request.on("error", reject)
    request.end(body)
  })

const errorOf = (answer: Answer) => (JSON.parse(answer.body) as { error: { message: string; type: string; param: string | null; code: string | null } }).error

const chatBody = (extra: Record<string, unknown>) => JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], ...extra })
const responsesBody = (extra: Record<string, unknown>) => JSON.stringify({ model: "openai/gpt-4o-mini", input: "hi", ...extra })

/** What a raw socket received until the server closed it (or `until` held). */
const exchange = (target: RunningGateway, write: (socket: net.Socket) => void, until?: (received: string) => boolean): Promise<{ readonly received: string; readonly closedByServer: boolean }> =>
  new Promise((resolve) => {
    const socket = net.connect(Number(new URL(target.url).port), "127.0.0.1")
    let received = ""
    let settled = false
    const settle = (closedByServer: boolean) => {
      if (settled) return
      settled = true
      resolve({ received, closedByServer })
      socket.destroy()
    }
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1")
      if (until?.(received) === true) settle(false)
    })
    socket.on("end", () => settle(true))
    socket.on("close", () => settle(true))
    socket.on("error", () => settle(true))
    socket.on("connect", () => write(socket))
  })

/** The status codes of the HTTP answers in raw bytes, in order. */
const statuses = (received: string) => [...received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]))

type Case = readonly [name: string, body: string, param: string | null, code?: string]

// Each field as the reference documents it, given a value of the wrong type or out of its range.
const chatCases: ReadonlyArray<Case> = [
  ["temperature above 2", chatBody({ temperature: 2.5 }), "temperature", "invalid_value"],
  ["temperature below 0", chatBody({ temperature: -0.1 }), "temperature", "invalid_value"],
  ["temperature as a string", chatBody({ temperature: "0.2" }), "temperature", "invalid_type"],
  ["top_p above 1", chatBody({ top_p: 1.5 }), "top_p", "invalid_value"],
  ["max_tokens 0", chatBody({ max_tokens: 0 }), "max_tokens", "invalid_value"],
  ["max_tokens negative", chatBody({ max_tokens: -5 }), "max_tokens", "invalid_value"],
  ["max_tokens a fraction", chatBody({ max_tokens: 1.5 }), "max_tokens", "invalid_type"],
  ["max_completion_tokens huge", chatBody({ max_completion_tokens: 1e12 }), "max_completion_tokens", "invalid_value"],
  ["seed a fraction", chatBody({ seed: 1.5 }), "seed", "invalid_type"],
  ["n 2", chatBody({ n: 2 }), "n", "invalid_value"],
  ["n a string", chatBody({ n: "1" }), "n", "invalid_type"],
  ["stop a number", chatBody({ stop: 5 }), "stop", "invalid_type"],
  ["stop a list with a number", chatBody({ stop: ["a", 1] }), "stop", "invalid_type"],
  ["stop five sequences", chatBody({ stop: ["a", "b", "c", "d", "e"] }), "stop", "invalid_value"],
  ["logprobs a string", chatBody({ logprobs: "yes" }), "logprobs", "invalid_type"],
  ["user a number", chatBody({ user: 5 }), "user", "invalid_type"],
  ["metadata a string", chatBody({ metadata: "x" }), "metadata", "invalid_type"],
  ["metadata a number value", chatBody({ metadata: { a: 1 } }), "metadata", "invalid_type"],
  ["metadata 17 pairs", chatBody({ metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, "v"])) }), "metadata", "invalid_type"],
  ["store a string", chatBody({ store: "yes" }), "store", "invalid_type"],
  ["parallel_tool_calls a string", chatBody({ parallel_tool_calls: "no" }), "parallel_tool_calls", "invalid_type"],
  ["service_tier a number", chatBody({ service_tier: 1 }), "service_tier", "invalid_type"],
  ["stream a string", chatBody({ stream: "true" }), "stream", "invalid_type"],
  ["stream_options without stream", chatBody({ stream_options: { include_usage: true } }), "stream_options", "invalid_value"],
  ["stream_options a string", chatBody({ stream: true, stream_options: "usage" }), "stream_options", "invalid_type"],
  ["stream_options.include_usage a string", chatBody({ stream: true, stream_options: { include_usage: "yes" } }), "stream_options.include_usage", "invalid_type"],
  ["messages not a list", chatBody({ messages: "hi" }), "messages", "invalid_type"],
  ["messages empty", chatBody({ messages: [] }), "messages", "invalid_value"],
  ["a message not an object", chatBody({ messages: ["hi"] }), "messages[0]", "invalid_type"],
  ["no user message", chatBody({ messages: [{ role: "system", content: "Be brief." }] }), "messages", "invalid_value"],
  ["an unknown role", chatBody({ messages: [{ role: "function", content: "x" }] }), "messages[0].role", "invalid_value"],
  ["a user message of a number", chatBody({ messages: [{ role: "user", content: 5 }] }), "messages[0].content", "invalid_type"],
  ["an empty user message", chatBody({ messages: [{ role: "user", content: "" }] }), "messages[0].content", "invalid_value"],
  ["a user message of no parts", chatBody({ messages: [{ role: "user", content: [] }] }), "messages[0].content", "invalid_value"],
  ["a text part without text", chatBody({ messages: [{ role: "user", content: [{ type: "text", text: 5 }] }] }), "messages[0].content[0].text", "invalid_type"],
  ["an input_audio part", chatBody({ messages: [{ role: "user", content: [{ type: "input_audio", input_audio: { data: "AAAA", format: "wav" } }] }] }), "messages[0].content[0].type", "invalid_value"],
  ["an image_url part without a url", chatBody({ messages: [{ role: "user", content: [{ type: "image_url", image_url: {} }] }] }), "messages[0].content[0].image_url"],
  ["an image_url of ftp", chatBody({ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "ftp://x/y.png" } }] }] }), "messages[0].content[0].image_url"],
  ["a file part by id", chatBody({ messages: [{ role: "user", content: [{ type: "file", file: { file_id: "file-1" } }] }] }), "messages[0].content[0].file"],
  ["a name of a number", chatBody({ messages: [{ role: "user", content: "hi", name: 5 }] }), "messages[0].name", "invalid_type"],
  ["a system message of an image", chatBody({ messages: [{ role: "system", content: [{ type: "image_url", image_url: { url: "https://x/y.png" } }] }, { role: "user", content: "hi" }] }), "messages[0].content[0]", "invalid_value"],
  ["tool_calls not a list", chatBody({ messages: [{ role: "user", content: "hi" }, { role: "assistant", content: null, tool_calls: {} }] }), "messages[1].tool_calls", "invalid_type"],
  ["a tool call without an id", chatBody({ messages: [{ role: "user", content: "hi" }, { role: "assistant", content: null, tool_calls: [{ type: "function", function: { name: "f", arguments: "{}" } }] }] }), "messages[1].tool_calls[0]", "invalid_type"],
  ["tool call arguments not JSON", chatBody({ messages: [{ role: "user", content: "hi" }, { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{oops" } }] }] }), "messages[1].tool_calls[0]", "invalid_value"],
  ["tool call arguments a list", chatBody({ messages: [{ role: "user", content: "hi" }, { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "[1]" } }] }] }), "messages[1].tool_calls[0]", "invalid_value"],
  ["a tool message without tool_call_id", chatBody({ messages: [{ role: "user", content: "hi" }, { role: "tool", content: "x" }] }), "messages[1].tool_call_id", "invalid_type"],
  ["a tool message answering no call", chatBody({ messages: [{ role: "user", content: "hi" }, { role: "tool", tool_call_id: "c9", content: "x" }] }), "messages[1].tool_call_id", "invalid_value"],
  ["a tool call answered twice", chatBody({ messages: [{ role: "user", content: "hi" }, { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }] }, { role: "tool", tool_call_id: "c1", content: "x" }, { role: "tool", tool_call_id: "c1", content: "y" }] }), "messages[3].tool_call_id", "invalid_value"],
  ["two tool calls of one id", chatBody({ messages: [{ role: "user", content: "hi" }, { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }, { id: "c1", type: "function", function: { name: "g", arguments: "{}" } }] }] }), "messages[1].tool_calls[1].id", "invalid_value"],
  ["a tool call of a bad name", chatBody({ messages: [{ role: "user", content: "hi" }, { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "get weather", arguments: "{}" } }] }] }), "messages[1].tool_calls[0]", "invalid_value"],
  ["an image data: URL of text", chatBody({ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "data:text/plain;base64,aGk=" } }] }] }), "messages[0].content[0].image_url", "invalid_value"],
  ["an image data: URL of bad base64", chatBody({ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "data:image/png;base64,not base64!" } }] }] }), "messages[0].content[0].image_url", "invalid_value"],
  ["an image URL that is no URL", chatBody({ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://exa mple.com/x.png" } }] }] }), "messages[0].content[0].image_url", "invalid_value"],
  ["a file of bad base64", chatBody({ messages: [{ role: "user", content: [{ type: "file", file: { file_data: "data:application/pdf;base64,%%%", filename: "a.pdf" } }] }] }), "messages[0].content[0].file", "invalid_value"],
  ["tools not a list", chatBody({ tools: { type: "function" } }), "tools", "invalid_type"],
  ["a tool of another type", chatBody({ tools: [{ type: "web_search" }] }), "tools[0].type", "invalid_value"],
  ["a tool without a name", chatBody({ tools: [{ type: "function", function: { parameters: {} } }] }), "tools[0].function.name", "invalid_type"],
  ["a tool name with spaces", chatBody({ tools: [{ type: "function", function: { name: "get weather" } }] }), "tools[0].function.name", "invalid_value"],
  ["a tool name of 65 characters", chatBody({ tools: [{ type: "function", function: { name: "f".repeat(65) } }] }), "tools[0].function.name", "invalid_value"],
  ["tool parameters a string", chatBody({ tools: [{ type: "function", function: { name: "f", parameters: "{}" } }] }), "tools[0].function.parameters", "invalid_type"],
  ["two tools of one name", chatBody({ tools: [{ type: "function", function: { name: "f" } }, { type: "function", function: { name: "f" } }] }), "tools[1]", "invalid_value"],
  ["tool_choice a number", chatBody({ tool_choice: 1 }), "tool_choice", "invalid_value"],
  ["tool_choice required without tools", chatBody({ tool_choice: "required" }), "tool_choice", "invalid_value"],
  ["tool_choice naming a function not in tools", chatBody({ tools: [{ type: "function", function: { name: "f" } }], tool_choice: { type: "function", function: { name: "g" } } }), "tool_choice", "invalid_value"],
  ["response_format a string", chatBody({ response_format: "json" }), "response_format", "invalid_type"],
  ["response_format of an unknown type", chatBody({ response_format: { type: "yaml" } }), "response_format.type", "invalid_value"],
  ["json_schema without a schema", chatBody({ response_format: { type: "json_schema", json_schema: { name: "x" } } }), "response_format.json_schema.schema", "invalid_type"],
  ["json_schema with a bad name", chatBody({ response_format: { type: "json_schema", json_schema: { name: "a b", schema: { type: "object" } } } }), "response_format.json_schema.name", "invalid_value"],
  ["reasoning_effort", chatBody({ reasoning_effort: "high" }), "reasoning_effort"],
  ["verbosity low", chatBody({ verbosity: "low" }), "verbosity"],
  ["modalities with audio", chatBody({ modalities: ["text", "audio"] }), "modalities"],
  ["logit_bias", chatBody({ logit_bias: { "50256": -100 } }), "logit_bias"],
  ["a model of a number", chatBody({ model: 5 }), "model"],
  ["a model id of 100 000 characters", chatBody({ model: `openai/${"m".repeat(100_000)}` }), "model", "invalid_value"],
  // Other OpenAI-compatible servers' sampling fields (vLLM, llama.cpp; LiteLLM's extra_body) change the answer.
  ["top_k", chatBody({ top_k: 40 }), "top_k"],
  ["min_p", chatBody({ min_p: 0.1 }), "min_p"],
  ["repetition_penalty", chatBody({ repetition_penalty: 1.2 }), "repetition_penalty"],
  ["guided_json", chatBody({ guided_json: { type: "object" } }), "guided_json"],
  ["ignore_eos", chatBody({ ignore_eos: true }), "ignore_eos"],
  ["min_tokens", chatBody({ min_tokens: 10 }), "min_tokens"],
  // A field OpenAI does not document: refused as OpenAI refuses it, never dropped.
  ["an unknown field", chatBody({ skip_special_tokens: false }), "skip_special_tokens", "unknown_parameter"],
  ["a misspelt field", chatBody({ max_token: 5 }), "max_token", "unknown_parameter"],
  // The Responses API's fields, which Chat Completions would otherwise ignore (an unbounded answer, no instructions).
  ["max_output_tokens", chatBody({ max_output_tokens: 5 }), "max_output_tokens"],
  ["instructions", chatBody({ instructions: "Answer in French." }), "instructions"],
  ["text.format", chatBody({ text: { format: { type: "json_object" } } }), "text"]
]

const responsesCases: ReadonlyArray<Case> = [
  ["input a number", responsesBody({ input: 5 }), "input", "invalid_type"],
  ["input empty", responsesBody({ input: [] }), "input", "invalid_value"],
  ["no user message", responsesBody({ input: [{ role: "developer", content: "Be brief." }] }), "input", "invalid_value"],
  ["an item of an unknown type", responsesBody({ input: [{ type: "item_reference", id: "x" }] }), "input[0].type", "invalid_value"],
  ["an item of an unknown role", responsesBody({ input: [{ role: "tool", content: "x" }] }), "input[0].role", "invalid_value"],
  ["an input_text of a number", responsesBody({ input: [{ role: "user", content: [{ type: "input_text", text: 1 }] }] }), "input[0].content[0].text", "invalid_type"],
  ["an input_audio part", responsesBody({ input: [{ role: "user", content: [{ type: "input_audio" }] }] }), "input[0].content[0].type", "invalid_value"],
  ["a function_call without call_id", responsesBody({ input: [{ type: "function_call", name: "f", arguments: "{}" }] }), "input[0]", "invalid_type"],
  ["a function_call_output without call_id", responsesBody({ input: [{ type: "function_call_output", output: "x" }] }), "input[0].call_id", "invalid_type"],
  ["a function_call_output answering no call", responsesBody({ input: [{ type: "function_call_output", call_id: "c9", output: "x" }] }), "input[0].call_id", "invalid_value"],
  ["two function calls of one call_id", responsesBody({ input: [{ type: "function_call", call_id: "c", name: "f", arguments: "{}" }, { type: "function_call", call_id: "c", name: "f", arguments: "{}" }] }), "input[1].call_id", "invalid_value"],
  ["a function_call_output of a number", responsesBody({ input: [{ type: "function_call", call_id: "c", name: "f", arguments: "{}" }, { type: "function_call_output", call_id: "c", output: 5 }] }), "input[1].output", "invalid_type"],
  ["instructions a list", responsesBody({ instructions: ["be brief"] }), "instructions", "invalid_type"],
  ["stream a string", responsesBody({ stream: "yes" }), "stream", "invalid_type"],
  ["text a number", responsesBody({ text: 5 }), "text", "invalid_type"],
  ["text.format of an unknown type", responsesBody({ text: { format: { type: "yaml" } } }), "text.format.type", "invalid_value"],
  ["text with the format's fields on it", responsesBody({ text: { type: "json_schema", schema: { type: "object" } } }), "text.type", "unknown_parameter"],
  ["text.verbosity high", responsesBody({ text: { verbosity: "high" } }), "text.verbosity"],
  ["a json_schema format without a schema", responsesBody({ text: { format: { type: "json_schema", name: "x" } } }), "text.format.schema", "invalid_type"],
  ["max_output_tokens 0", responsesBody({ max_output_tokens: 0 }), "max_output_tokens", "invalid_value"],
  ["temperature 3", responsesBody({ temperature: 3 }), "temperature", "invalid_value"],
  ["a tool name with spaces", responsesBody({ tools: [{ type: "function", name: "get weather", parameters: { type: "object" } }] }), "tools[0].name", "invalid_value"],
  ["a web_search tool", responsesBody({ tools: [{ type: "web_search" }] }), "tools[0].type", "invalid_value"],
  ["tool_choice naming a function not in tools", responsesBody({ tools: [{ type: "function", name: "f" }], tool_choice: { type: "function", name: "g" } }), "tool_choice", "invalid_value"],
  ["metadata a list", responsesBody({ metadata: ["x"] }), "metadata", "invalid_type"],
  ["truncation other", responsesBody({ truncation: "sometimes" }), "truncation", "invalid_type"],
  ["stream_options without stream", responsesBody({ stream_options: { include_obfuscation: false } }), "stream_options", "invalid_value"],
  ["max_tool_calls", responsesBody({ max_tool_calls: 2 }), "max_tool_calls"],
  ["top_k", responsesBody({ top_k: 40 }), "top_k"],
  ["an unknown field", responsesBody({ max_output_token: 5 }), "max_output_token", "unknown_parameter"],
  // Chat Completions' fields, which the Responses API would otherwise ignore.
  ["max_tokens", responsesBody({ max_tokens: 5 }), "max_tokens"],
  ["max_completion_tokens", responsesBody({ max_completion_tokens: 5 }), "max_completion_tokens"],
  ["response_format", responsesBody({ response_format: { type: "json_object" } }), "response_format"],
  ["messages next to input", responsesBody({ messages: [{ role: "user", content: "hi" }] }), "messages"],
  ["n 2", responsesBody({ n: 2 }), "n"]
]

const rows = (path: string, cases: ReadonlyArray<Case>) => cases.map(([name, body, param, code]) => ({ name: `${path} ${name}`, path, body, param, code }))

describe("request validation: a 400 naming the field, nothing sent upstream", () => {
  it.each([...rows("/v1/chat/completions", chatCases), ...rows("/v1/responses", responsesCases)])("$name", async ({ path, body, param, code }) => {
    const answer = await send(gateway, "POST", path, body)
    expect(answer.status, answer.body).toBe(400)
    expect(errorOf(answer)).toMatchObject({ type: "invalid_request_error", param })
    if (code !== undefined) expect(errorOf(answer).code).toBe(code)
    expect(generations(upstreams.cloud)).toHaveLength(0)
  })

  it("accepts every documented field at a valid value (labels, nulls, defaults) and answers", async () => {
    const body = chatBody({
      messages: [
        { role: "system", content: "" },
        { role: "developer", content: [{ type: "text", text: "Be brief." }], name: "ops" },
        { role: "user", content: [{ type: "text", text: "hi" }], name: "ann" },
        { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{\"a\":1}" } }] },
        { role: "tool", tool_call_id: "c1", content: [{ type: "text", text: "42" }] }
      ],
      tools: [{ type: "function", function: { name: "f", parameters: { type: "object", properties: { a: { type: "number" } } } } }],
      tool_choice: "auto", parallel_tool_calls: false, n: 1, stop: "\n\n", temperature: 0, top_p: 1, max_tokens: 64, seed: 3,
      user: "u-1", metadata: { team: "a" }, store: false, service_tier: "auto", safety_identifier: "s", prompt_cache_key: "k",
      frequency_penalty: 0, presence_penalty: 0, logit_bias: {}, top_logprobs: 0, logprobs: false, modalities: ["text"],
      verbosity: "medium", response_format: { type: "text" }, stream: false, stream_options: null, functions: null,
      // Other servers' sampling fields at their no-op values.
      top_k: -1, min_p: 0, repetition_penalty: 1, ignore_eos: false, min_tokens: 0, best_of: 1, echo: false
    })
    const answer = await send(gateway, "POST", "/v1/chat/completions", body)
    expect(answer.status, answer.body).toBe(200)
    const sent = generations(upstreams.cloud)[0]?.body as { messages: Array<{ role: string }>; max_tokens?: number; max_completion_tokens?: number }
    // The empty system prompt is left out; the developer message is the system message.
    expect(sent.messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "tool"])
  })

  it("a tool call id used again in a later turn is that turn's (local models number their calls per turn), on both APIs", async () => {
    const call = (name: string) => ({ id: "call_0", type: "function", function: { name, arguments: "{}" } })
    const chat = await send(gateway, "POST", "/v1/chat/completions", chatBody({
      messages: [
        { role: "user", content: "weather, then time" },
        { role: "assistant", content: null, tool_calls: [call("weather")] },
        { role: "tool", tool_call_id: "call_0", content: "sunny" },
        { role: "assistant", content: null, tool_calls: [call("time")] },
        { role: "tool", tool_call_id: "call_0", content: "noon" }
      ]
    }))
    expect(chat.status, chat.body).toBe(200)
    // Upstream, each turn's call has an id of its own, and its answer names it.
    const sent = generations(upstreams.cloud)[0]?.body as { messages: Array<{ role: string; tool_call_id?: string; tool_calls?: Array<{ id: string }> }> }
    expect(sent.messages.map((m) => m.role)).toEqual(["user", "assistant", "tool", "assistant", "tool"])
    expect(sent.messages.map((m) => m.tool_calls?.[0]?.id ?? m.tool_call_id ?? null)).toEqual([null, "call_0", "call_0", "call_0_2", "call_0_2"])
    const responses = await send(gateway, "POST", "/v1/responses", responsesBody({
      input: [
        { role: "user", content: "weather, then time" },
        { type: "function_call", call_id: "call_0", name: "weather", arguments: "{}" },
        { type: "function_call_output", call_id: "call_0", output: "sunny" },
        { type: "function_call", call_id: "call_0", name: "time", arguments: "{}" },
        { type: "function_call_output", call_id: "call_0", output: "noon" }
      ]
    }))
    expect(responses.status, responses.body).toBe(200)
    // Within one turn an id is still one call's, and an answer must be to the latest turn's calls.
    const twice = await send(gateway, "POST", "/v1/chat/completions", chatBody({
      messages: [
        { role: "user", content: "hi" },
        { role: "assistant", content: null, tool_calls: [{ ...call("weather"), id: "c1" }] },
        { role: "tool", tool_call_id: "c1", content: "sunny" },
        { role: "assistant", content: null, tool_calls: [{ ...call("time"), id: "c2" }] },
        { role: "tool", tool_call_id: "c1", content: "again" }
      ]
    }))
    expect(twice.status).toBe(400)
    expect(errorOf(twice)).toMatchObject({ param: "messages[4].tool_call_id", code: "invalid_value" })
  })

  it("a stream with stream_options answers with the usage chunk", async () => {
    const answer = await send(gateway, "POST", "/v1/chat/completions", chatBody({ stream: true, stream_options: { include_usage: true, include_obfuscation: false } }))
    expect(answer.status).toBe(200)
    expect(answer.body).toMatch(/"choices":\[\],"usage":\{"prompt_tokens"/)
    expect(answer.body.endsWith("data: [DONE]\n\n")).toBe(true)
  })
})

describe("seeded random requests: every answer a 200 or a 4xx in OpenAI's error shape, never a 500 or a hang", () => {
  // A seeded generator (the same requests every run): fields set to values of every kind, messages and input items
  // of every role and part, whole and streamed, against both endpoints.
  let state = 20_261_201
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) & 0x7fffffff
    return state / 0x7fffffff
  }
  const pick = <T>(values: ReadonlyArray<T>): T => values[Math.floor(random() * values.length)]!
  const values: ReadonlyArray<unknown> = [
    null, true, false, 0, 1, -1, 0.5, 2, 1e308, -1e308, "", "x", "auto", "none", "required", "text", "function", "user", [], {}, [{}], [null], ["a"],
    { type: "function" }, { type: "text" }, { type: "json_schema" }, { type: "function", function: {} }, { type: "function", function: { name: "f" } },
    { name: "f" }, { include_usage: true }, { url: "data:image/png;base64,AAAA" }, "x".repeat(5000)
  ]
  const chatFields = ["model", "messages", "temperature", "top_p", "max_tokens", "max_completion_tokens", "n", "stop", "seed", "logprobs", "top_logprobs", "user", "metadata", "store",
    "parallel_tool_calls", "tools", "tool_choice", "response_format", "stream", "stream_options", "frequency_penalty", "logit_bias", "modalities", "service_tier", "verbosity", "top_k"]
  const responsesFields = ["model", "input", "instructions", "temperature", "top_p", "max_output_tokens", "tools", "tool_choice", "text", "stream", "metadata", "store",
    "parallel_tool_calls", "truncation", "include", "reasoning", "background"]
  const message = () => {
    const m: Record<string, unknown> = { role: pick(["user", "assistant", "system", "developer", "tool", "function", 5, null]) }
    if (random() < 0.9) {
      m.content = pick([...values, [{ type: "text", text: "hi" }], [{ type: "image_url", image_url: pick(values) }], [{ type: "file", file: pick(values) }],
        [{ type: pick(["text", "image_url", "input_audio", "refusal", null]), text: pick(values) }]])
    }
    if (random() < 0.3) m.tool_calls = pick([...values, [{ id: "c", type: "function", function: { name: "f", arguments: pick(["{}", "{", "[]", "null", "{\"a\":1}"]) } }], [{ id: pick(values), function: pick(values) }]])
    if (random() < 0.3) m.tool_call_id = pick(values)
    if (random() < 0.2) m.name = pick(values)
    return m
  }
  const item = () => pick<unknown>([
    ...values,
    { role: pick(["user", "assistant", "system", "developer", "tool"]), content: pick([...values, [{ type: pick(["input_text", "output_text", "input_image", "input_file", "refusal"]), text: pick(values), image_url: pick(values), file_data: pick(values) }]]) },
    { type: "function_call", call_id: pick(values), name: pick(values), arguments: pick(values) },
    { type: "function_call_output", call_id: pick(values), output: pick(values) },
    { type: pick(["message", "reasoning", "item_reference", null]), role: "user", content: "hi" }
  ])

  it("300 of them", async () => {
    const statuses = new Map<number, number>()
    for (let i = 0; i < 300; i++) {
      const chat = random() < 0.6
      const body: Record<string, unknown> = chat
        ? { model: pick(["openai/gpt-4o-mini", "ollama/llama3.2:1b", "orch/auto", "orch/parallel"]), messages: [{ role: "user", content: "hi" }] }
        : { model: "openai/gpt-4o-mini", input: "hi" }
      for (let k = 1 + Math.floor(random() * 3); k > 0; k--) {
        const field = pick(chat ? chatFields : responsesFields)
        if (field === "messages") body.messages = random() < 0.5 ? pick(values) : Array.from({ length: 1 + Math.floor(random() * 3) }, message)
        else if (field === "input") body.input = random() < 0.3 ? pick(values) : Array.from({ length: 1 + Math.floor(random() * 3) }, item)
        else body[field] = pick(values)
      }
      const answer = await send(gateway, "POST", chat ? "/v1/chat/completions" : "/v1/responses", JSON.stringify(body))
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1)
      const what = `${answer.status} for ${JSON.stringify(body).slice(0, 300)}: ${answer.body.slice(0, 200)}`
      expect([200, 400, 404], what).toContain(answer.status)
      if (answer.status !== 200) expect(errorOf(answer), what).toMatchObject({ type: "invalid_request_error", message: expect.any(String) })
      else if (answer.headers["content-type"]?.startsWith("text/event-stream") === true) expect(answer.body, what).not.toMatch(/^data: \{"error"|^event: error/m)
    }
    // The generator reaches answers as well as refusals.
    expect(statuses.get(200)).toBeGreaterThan(10)
    expect(statuses.get(400)).toBeGreaterThan(100)
  })
})

describe("JSON nested too deep: a 400, never a 500, whole or streamed", () => {
  const deep = (levels: number) => `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`
  const deepString = (levels: number) => JSON.stringify(deep(levels))
  const cases: ReadonlyArray<readonly [string, string, string, string | null]> = [
    ["tool parameters", "/v1/chat/completions", `{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":${deep(20_000)}}}]}`, null],
    ["a json_schema", "/v1/chat/completions", `{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":${deep(20_000)}}}}`, null],
    ["metadata", "/v1/chat/completions", `{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"metadata":${deep(500)}}`, null],
    ["tool call arguments (a JSON string)", "/v1/chat/completions", `{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":${deepString(20_000)}}}]},{"role":"tool","tool_call_id":"c","content":"x"}]}`, "messages[1].tool_calls[0]"],
    ["a function_call_output", "/v1/responses", `{"model":"openai/gpt-4o-mini","input":[{"type":"function_call","call_id":"c","name":"f","arguments":"{}"},{"type":"function_call_output","call_id":"c","output":${deep(20_000)}}]}`, null],
    ["Responses tool parameters, streamed", "/v1/responses", `{"model":"openai/gpt-4o-mini","stream":true,"input":"hi","tools":[{"type":"function","name":"f","parameters":${deep(20_000)}}]}`, null],
    ["function_call arguments (a JSON string)", "/v1/responses", `{"model":"openai/gpt-4o-mini","input":[{"type":"function_call","call_id":"c","name":"f","arguments":${deepString(20_000)}}]}`, "input[0]"],
    ["a deep list as the body", "/v1/chat/completions", `${"[".repeat(20_000)}${"]".repeat(20_000)}`, null]
  ]
  it.each(cases)("%s", async (_name, path, body, param) => {
    const answer = await send(gateway, "POST", path, body)
    expect(answer.status, answer.body).toBe(400)
    expect(errorOf(answer)).toMatchObject({ type: "invalid_request_error", param })
    expect(errorOf(answer).message).toMatch(/nests arrays and objects more than 128 levels/)
    expect(generations(upstreams.cloud)).toHaveLength(0)
  })

  it("a schema nested to a depth real schemas use is accepted", async () => {
    let schema: Record<string, unknown> = { type: "string" }
    for (let i = 0; i < 20; i++) schema = { type: "object", properties: { a: schema } }
    upstreams.cloud.enqueue({ kind: "synth", text: "{}" })
    const answer = await send(gateway, "POST", "/v1/chat/completions", chatBody({ response_format: { type: "json_schema", json_schema: { name: "x", schema } } }))
    expect(answer.status, answer.body).toBe(200)
  })
})

describe("the HTTP edge", () => {
  it("malformed JSON, JSON that is not an object, and an empty body are 400s", async () => {
    for (const body of ["{\"model\":", "[1,2]", "\"text\"", "null", "", "   "]) {
      const answer = await send(gateway, "POST", "/v1/chat/completions", body)
      expect(answer.status, body).toBe(400)
      expect(errorOf(answer).type).toBe("invalid_request_error")
    }
  })

  it("a body that starts with a byte order mark is read; a compressed body is a 415 that closes the connection", async () => {
    expect((await send(gateway, "POST", "/v1/chat/completions", `\uFEFF${chatBody({})}`)).status).toBe(200)
    const body = gzipSync(chatBody({}))
    const compressed = await exchange(gateway, (socket) => {
      socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: ${body.length}\r\n\r\n`)
      socket.write(body)
    })
    expect(statuses(compressed.received)).toEqual([415])
    expect(compressed.received).toMatch(/"code":"unsupported_content_encoding"/)
    expect(compressed.closedByServer).toBe(true)
    expect(generations(upstreams.cloud)).toHaveLength(1)
  })

  it("a body over the bound is a 413 that closes the connection, declared or while arriving", async () => {
    // Declared: refused before a byte of the body is read, and the connection ends (the body is never read).
    const declared = await exchange(gateway, (socket) => socket.write("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n{"))
    expect(statuses(declared.received)).toEqual([413])
    expect(declared.received).toMatch(/\r\nconnection: close\r\n/i)
    expect(declared.received).toMatch(/"code":"request_too_large"/)
    expect(declared.closedByServer).toBe(true)
    // Chunked, growing past the bound while the client keeps sending.
    const chunk = " ".repeat(16 * 1024)
    const growing = await exchange(gateway, (socket) => {
      socket.write("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
      const more = () => {
        if (socket.destroyed || socket.writableEnded) return
        socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`, () => setImmediate(more))
      }
      more()
    })
    expect(statuses(growing.received)).toEqual([413])
    expect(growing.received).toMatch(/\r\nconnection: close\r\n/i)
    expect(growing.closedByServer).toBe(true)
    await eventually(() => gateway.gateway.inFlight() === 0)
  })

  it("a request refused before its body is read (unknown URL, wrong method, unknown key) closes the connection; the body is not read", async () => {
    const keyed = await startGateway(upstreams, { keys: [{ key: "sk-gateway-test-key-0123456789", name: "team" }] })
    try {
      for (const [target, path] of [[gateway, "/v1/unknown"], [gateway, "/health"], [keyed, "/v1/chat/completions"]] as const) {
        const endless = await exchange(target, (socket) => {
          socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`)
          const more = () => {
            if (socket.destroyed || socket.writableEnded) return
            socket.write("4000\r\n" + " ".repeat(0x4000) + "\r\n", () => setImmediate(more))
          }
          more()
        })
        expect(statuses(endless.received), path).toEqual([path === "/v1/unknown" ? 404 : path === "/health" ? 405 : 401])
        expect(endless.received).toMatch(/\r\nconnection: close\r\n/i)
        expect(endless.closedByServer).toBe(true)
      }
    } finally {
      await keyed.close()
    }
  })

  it("a client that sends its headers and never its body is answered 408 at the deadline and its connection closed", async () => {
    const quick = await startGateway(upstreams, { deadlineMs: 300 })
    try {
      const stalled = await exchange(quick, (socket) => socket.write("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"mo"))
      expect(statuses(stalled.received)).toEqual([408])
      expect(stalled.received).toMatch(/"code":"request_timeout"/)
      expect(stalled.closedByServer).toBe(true)
      expect(quick.gateway.inFlight()).toBe(0)
      expect(generations(upstreams.cloud)).toHaveLength(0)
    } finally {
      await quick.close()
    }
  })

  it("the deadline runs from the request's arrival: time spent before the call (the body, a slot) is not given to it again", async () => {
    // A monotonic clock that says the body took all but 40 ms of a minute's deadline: the call gets those 40 ms.
    let reads = 0
    const late = await startGateway(upstreams, { deadlineMs: 60_000, monotonicNow: () => (reads++ === 0 ? 0 : 59_960) })
    try {
      upstreams.cloud.setDefault({ kind: "fault", fault: "stall" })
      const answer = await send(late, "POST", "/v1/chat/completions", chatBody({}))
      expect(answer.status, answer.body).toBe(504)
      // The call's limit is what was left of the 40 ms when it was set, not a new minute.
      const limit = /\((?:total|first-token), (\d+) ms\)/.exec(errorOf(answer).message)
      expect(limit, errorOf(answer).message).not.toBeNull()
      expect(Number(limit![1])).toBeLessThanOrEqual(40)
    } finally {
      await late.close()
    }
  })

  it("a client that disconnects mid-body ends its call; the gateway serves on", async () => {
    const gone = await exchange(gateway, (socket) => {
      socket.write("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"model\":\"openai/gpt-4o-mini\"", () => socket.destroy())
    })
    expect(gone.received).toBe("")
    await eventually(() => gateway.gateway.inFlight() === 0)
    expect(generations(upstreams.cloud)).toHaveLength(0)
    expect((await send(gateway, "POST", "/v1/chat/completions", chatBody({}))).status).toBe(200)
  })

  it("a client that leaves while its call waits for a slot frees the slot when admitted; the next call is served", async () => {
    const narrow = await startGateway(upstreams, { maxConcurrent: 1, maxQueued: 4 })
    try {
      const sdk = new OpenAI({ baseURL: `${narrow.url}/v1`, apiKey: "none", maxRetries: 0, timeout: 20_000 })
      upstreams.cloud.enqueue({ kind: "fault", fault: "stall" })
      const holder = new AbortController()
      const held = sdk.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hold" }] }, { signal: holder.signal }).catch((e: unknown) => e)
      await eventually(() => generations(upstreams.cloud).length === 1)
      // A second call waits for the slot; its client leaves.
      const waiting = net.connect(Number(new URL(narrow.url).port), "127.0.0.1")
      const body = chatBody({})
      waiting.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`)
      await eventually(() => narrow.gateway.inFlight() === 2)
      await new Promise((resolve) => waiting.destroy().once("close", resolve))
      // A request on a fresh connection answered after the gone client's close reached the gateway (its close came first).
      expect((await send(narrow, "GET", "/health")).status).toBe(200)
      // The first call ends; the one that waited is admitted with its client gone, and must not keep the slot.
      holder.abort()
      expect(await held).toBeInstanceOf(OpenAI.APIUserAbortError)
      await eventually(() => narrow.gateway.inFlight() === 0)
      expect(narrow.gateway.metrics()).toMatch(/orch_gateway_requests_total\{route="\/v1\/chat\/completions",status="499"\} 2/)
      expect((await sdk.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "next" }] })).choices[0]?.message.content).toBeTruthy()
    } finally {
      await narrow.close()
    }
  })

  it("chunked request bodies and Expect: 100-continue are read", async () => {
    const body = chatBody({})
    const chunked = await exchange(gateway, (socket) => socket.write(
      `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${(7).toString(16)}\r\n${body.slice(0, 7)}\r\n${(body.length - 7).toString(16)}\r\n${body.slice(7)}\r\n0\r\n\r\n`))
    expect(statuses(chunked.received)).toEqual([200])
    const continued = await exchange(gateway, (socket) => {
      socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`)
      socket.once("data", () => socket.write(body))
    })
    expect(statuses(continued.received)).toEqual([100, 200])
  })

  it("Expect: 100-continue gets no 100 for a request refused before its body is read, only the refusal", async () => {
    const keyed = await startGateway(upstreams, { keys: [{ key: "sk-gateway-test-key-0123456789", name: "team" }] })
    try {
      const refusals = [
        [gateway, "POST /v1/chat/completions", "Content-Length: 100000000", 413],
        [gateway, "POST /v1/unknown", "Content-Length: 10", 404],
        [gateway, "PUT /v1/chat/completions", "Content-Length: 10", 405],
        [gateway, "POST /v1/chat/completions", "Content-Length: 10\r\nContent-Encoding: gzip", 415],
        [keyed, "POST /v1/chat/completions", "Content-Length: 10", 401]
      ] as const
      for (const [target, line, headers, status] of refusals) {
        // The client waits for the 100 (or the refusal) before it sends a byte of its body.
        const answer = await exchange(target, (socket) => socket.write(`${line} HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Type: application/json\r\n${headers}\r\n\r\n`), (received) => /\r\n\r\n/.test(received))
        expect(statuses(answer.received), `${line} ${headers}`).toEqual([status])
      }
    } finally {
      await keyed.close()
    }
  })

  it("an HTTP/1.0 client gets its stream (no chunked encoding, so no trailer), ended by the connection's close", async () => {
    for (const [path, body, last] of [
      ["/v1/chat/completions", chatBody({ stream: true, stream_options: { include_usage: true } }), "data: [DONE]\n\n"],
      ["/v1/responses", responsesBody({ stream: true }), "\"type\":\"response.completed\""]
    ] as const) {
      const old = await exchange(gateway, (socket) => socket.write(`POST ${path} HTTP/1.0\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`))
      expect(statuses(old.received), path).toEqual([200])
      expect(old.received, path).toMatch(/content-type: text\/event-stream/i)
      expect(old.received, path).not.toMatch(/\r\ntrailer:/i)
      expect(old.received, path).toContain(last)
      expect(old.closedByServer).toBe(true)
    }
    // HTTP/1.1 declares the trailer that carries the cost.
    const current = await exchange(gateway, (socket) => {
      const body = chatBody({ stream: true })
      socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`)
    })
    expect(current.received).toMatch(/\r\ntrailer: x-orch-cost-usd\r\n/i)
    expect(current.received).toMatch(/\r\nx-orch-cost-usd: [0-9.e-]+\r\n/i)
  })

  it("pipelined requests on one connection are each answered, in order", async () => {
    const body = chatBody({})
    const head = (last: boolean) => `POST /v1/chat/completions?api-version=1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n${last ? "Connection: close\r\n" : ""}\r\n`
    const both = await exchange(gateway, (socket) => socket.write(head(false) + body + head(false) + body + head(true) + body))
    expect(statuses(both.received)).toEqual([200, 200, 200])
    const ids = [...both.received.matchAll(/x-orch-request-id: ([0-9a-f-]+)/gi)].map((m) => m[1])
    expect(new Set(ids).size).toBe(3)
  })

  it("HEAD answers like GET without a body; a wrong method is a 405 with allow; an unknown URL a 404", async () => {
    for (const path of ["/health", "/metrics", "/v1/models", "/v1/models/orch/auto"]) {
      const head = await send(gateway, "HEAD", path)
      expect(head.status, path).toBe(200)
      expect(head.body, path).toBe("")
    }
    for (const [method, path, allow] of [["POST", "/health", "GET, HEAD"], ["DELETE", "/metrics", "GET, HEAD"], ["POST", "/v1/models", "GET, HEAD"], ["GET", "/v1/chat/completions", "POST"], ["PUT", "/v1/responses", "POST"], ["HEAD", "/v1/chat/completions", "POST"]] as const) {
      const answer = await send(gateway, method, path, method === "HEAD" || method === "GET" ? undefined : "{}")
      expect(answer.status, `${method} ${path}`).toBe(405)
      expect(answer.headers.allow, `${method} ${path}`).toBe(allow)
      if (method !== "HEAD") expect(errorOf(answer)).toMatchObject({ type: "invalid_request_error", code: "method_not_allowed" })
    }
    const unknown = await send(gateway, "POST", "/v1/completions", "{}")
    expect(unknown.status).toBe(404)
    expect(errorOf(unknown)).toMatchObject({ type: "invalid_request_error", code: "unknown_url" })
  })

  it("the paths without /v1 (a client whose base URL has none, as llama.cpp's and LiteLLM's servers take it) route the same", async () => {
    const chat = await send(gateway, "POST", "/chat/completions", chatBody({}))
    expect(chat.status).toBe(200)
    expect(JSON.parse(chat.body)).toMatchObject({ object: "chat.completion" })
    expect(JSON.parse((await send(gateway, "POST", "/responses", responsesBody({}))).body)).toMatchObject({ object: "response", status: "completed" })
    expect(JSON.parse((await send(gateway, "GET", "/models")).body)).toMatchObject({ object: "list" })
    expect(JSON.parse((await send(gateway, "GET", "/models/orch/auto")).body)).toMatchObject({ id: "orch/auto", object: "model" })
    expect(gateway.gateway.metrics()).toMatch(/orch_gateway_requests_total\{route="\/v1\/chat\/completions",status="200"\}/)
    expect((await send(gateway, "POST", "/v2/chat/completions", chatBody({}))).status).toBe(404)
  })

  it("a query string does not change the route", async () => {
    expect((await send(gateway, "POST", "/v1/chat/completions?stream=true", chatBody({}))).headers["content-type"]).toBe("application/json")
    expect((await send(gateway, "GET", "/health?x=1")).status).toBe(200)
  })
})
