// The shapes the official SDK's helpers rely on, driven through those helpers: openai-node's `ChatCompletionStream`
// (`chat.completions.stream(...).finalChatCompletion()`) over text, recorded tool-call streams and a stream that
// breaks off; its `ResponseStream` (`responses.stream(...).finalResponse()`, which checks output indexes, item ids
// and lifecycle events) over text, a tool call, a cut-off answer and a failure mid-stream (`response.failed`, then the
// `error` event it raises); `models.retrieve`; errors as the SDK's typed exceptions; and no part of the gateway's
// upstream key in any error body or `orch` object, whatever an upstream's error body echoes.
import OpenAI from "openai"
import { describe, expect, it } from "vitest"
import type { RunningGateway } from "../src/index.ts"
import { canaryKey, eventually, gatewayPerFile, generations, startGateway, type Upstreams } from "./Support.ts"

let upstreams: Upstreams
let gateway: RunningGateway
let client: OpenAI

gatewayPerFile({}, (setup) => ({ upstreams, gateway, client } = setup))

const capital = {
  type: "function" as const,
  function: { name: "get_capital", parameters: { type: "object", properties: { country: { type: "string" } }, required: ["country"] } }
}
const responsesCapital = { type: "function" as const, name: "get_capital", parameters: capital.function.parameters, strict: false }

describe("openai-node's ChatCompletionStream", () => {
  it("accumulates text, the finish reason and the usage chunk into finalChatCompletion", async () => {
    upstreams.cloud.enqueue({ kind: "synth", text: "one two three" })
    const stream = client.chat.completions.stream({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "count" }], stream_options: { include_usage: true } })
    const deltas: Array<string> = []
    stream.on("content", (delta) => deltas.push(delta))
    const final = await stream.finalChatCompletion()
    expect(final.choices[0]).toMatchObject({ index: 0, finish_reason: "stop", message: { role: "assistant", content: "one two three" } })
    expect(deltas.join("")).toBe("one two three")
    expect(final.usage).toMatchObject({ completion_tokens: 3 })
    expect(final.id).toMatch(/^chatcmpl-/)
  })

  it("accumulates a recorded tool-call stream into tool_calls with finish_reason tool_calls", async () => {
    upstreams.cloud.enqueue({ kind: "replay", fixture: "openai/chat_completion_stream_tool_call.sse" })
    const stream = client.chat.completions.stream({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Capital of the UK?" }], tools: [capital] })
    const done: Array<string> = []
    stream.on("tool_calls.function.arguments.done", (call) => done.push(`${call.name} ${call.arguments}`))
    const final = await stream.finalChatCompletion()
    expect(final.choices[0]?.finish_reason).toBe("tool_calls")
    expect(final.choices[0]?.message.tool_calls).toEqual([
      { id: expect.stringMatching(/^call_/), type: "function", function: { name: "get_capital", arguments: "{\"country\":\"UK\"}" } }
    ])
    expect(done).toEqual(["get_capital {\"country\":\"UK\"}"])
  })

  it("a stream that breaks off after its first text raises APIError with the gateway's code", async () => {
    upstreams.cloud.enqueue({ kind: "fault", fault: "reset-mid-stream", afterTokens: 2, text: "one two three four" })
    const stream = client.chat.completions.stream({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "count" }] })
    const failure = await stream.finalChatCompletion().catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(OpenAI.APIError)
    expect(failure).toMatchObject({ code: "upstream_interrupted", type: "server_error" })
  })
})

describe("openai-node's ResponseStream", () => {
  it("accumulates the text events into finalResponse, with output_text", async () => {
    upstreams.cloud.enqueue({ kind: "synth", text: "alpha beta gamma" })
    const stream = client.responses.stream({ model: "openai/gpt-4o-mini", input: "go", instructions: "Be brief." })
    const deltas: Array<string> = []
    const sequence: Array<number> = []
    stream.on("response.output_text.delta", (event) => deltas.push(event.delta))
    stream.on("event", (event) => sequence.push(event.sequence_number))
    const final = await stream.finalResponse()
    expect(final.status).toBe("completed")
    expect(final.output_text).toBe("alpha beta gamma")
    expect(deltas.join("")).toBe("alpha beta gamma")
    expect(final.output).toEqual([expect.objectContaining({ type: "message", status: "completed", role: "assistant" })])
    expect(final.usage).toMatchObject({ output_tokens: 3 })
    // Events arrive in the order of their sequence numbers, 0, 1, 2, ...
    expect(sequence).toEqual(sequence.map((_, i) => i))
  })

  it("accumulates a tool call into a completed function_call item", async () => {
    upstreams.cloud.enqueue({ kind: "replay", fixture: "openai/chat_completion_stream_tool_call.sse" })
    const stream = client.responses.stream({ model: "openai/gpt-4o-mini", input: "Capital of the UK?", tools: [responsesCapital] })
    const sequence: Array<number> = []
    stream.on("event", (event) => sequence.push(event.sequence_number))
    const final = await stream.finalResponse()
    expect(sequence).toEqual(sequence.map((_, i) => i))
    expect(final.status).toBe("completed")
    expect(final.output).toEqual([expect.objectContaining({ type: "function_call", status: "completed", name: "get_capital", arguments: "{\"country\":\"UK\"}", call_id: expect.stringMatching(/^call_/) })])
  })

  it("an answer cut at max_output_tokens ends as incomplete, with its text", async () => {
    upstreams.cloud.enqueue({ kind: "synth", text: "one two", finishReason: "length" })
    const final = await client.responses.stream({ model: "openai/gpt-4o-mini", input: "go", max_output_tokens: 16 }).finalResponse()
    expect(final.status).toBe("incomplete")
    expect(final.incomplete_details).toEqual({ reason: "max_output_tokens" })
    expect(final.output_text).toBe("one two")
  })

  it("a failure mid-stream sends response.failed with the output so far, then the error event the SDK raises", async () => {
    upstreams.cloud.enqueue({ kind: "fault", fault: "reset-mid-stream", afterTokens: 2, text: "one two three four" })
    const stream = client.responses.stream({ model: "openai/gpt-4o-mini", input: "count" })
    const failed: Array<OpenAI.Responses.ResponseFailedEvent> = []
    stream.on("response.failed", (event) => failed.push(event))
    const failure = await stream.finalResponse().catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(OpenAI.APIError)
    expect(failure).toMatchObject({ code: "upstream_interrupted", type: "server_error" })
    expect(failed).toHaveLength(1)
    const response = failed[0]!.response
    expect(response).toMatchObject({ status: "failed", error: { code: "upstream_interrupted" } })
    expect(response.output).toEqual([expect.objectContaining({ type: "message", status: "incomplete" })])
    const text = (response.output[0] as OpenAI.Responses.ResponseOutputMessage).content[0]
    expect(text).toMatchObject({ type: "output_text", text: "one two" })
  })

  it("a client that aborts a Responses stream mid-way cancels the call: the upstream request is aborted", async () => {
    // The upstream would go on for minutes: only the cancellation can end its request.
    upstreams.cloud.enqueue({ kind: "synth", text: Array.from({ length: 40 }, (_, i) => `word${i}`).join(" "), perTokenDelayMs: 5_000 })
    const stream = client.responses.stream({ model: "openai/gpt-4o-mini", input: "long story" })
    const seen: Array<string> = []
    for await (const event of stream) {
      if (event.type === "response.output_text.delta") {
        seen.push(event.delta)
        break
      }
    }
    expect(seen).toEqual(["word0"])
    await upstreams.cloud.waitForClosed(10_000)
    expect(generations(upstreams.cloud)[0]?.aborted).toBe(true)
    await eventually(() => gateway.gateway.inFlight() === 0)
  })

  it("the error event carries its error nested (what the Python SDK raises on) and flat (the published schema)", async () => {
    upstreams.cloud.enqueue({ kind: "fault", fault: "reset-mid-stream", afterTokens: 2, text: "one two three four" })
    const response = await fetch(`${gateway.url}/v1/responses`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "openai/gpt-4o-mini", input: "count", stream: true }) })
    const events = (await response.text()).split("\n\n").filter((e) => e !== "").map((e) => ({ event: /^event: (.*)$/m.exec(e)?.[1], data: JSON.parse(/^data: (.*)$/m.exec(e)![1]!) as Record<string, unknown> }))
    expect(events.slice(-2).map((e) => e.event)).toEqual(["response.failed", "error"])
    const error = events.at(-1)!.data
    expect(error).toMatchObject({ type: "error", code: "upstream_interrupted", message: expect.any(String), error: { type: "server_error", code: "upstream_interrupted", message: error.message } })
    // Every event's sequence_number rises by one.
    expect(events.map((e) => e.data.sequence_number)).toEqual(events.map((_, i) => i))
  })

  it("a failure before any output is an HTTP error the SDK raises as its typed exception", async () => {
    upstreams.cloud.enqueue({ kind: "fault", fault: "rate-limit", retryAfter: "7" })
    const failure = await client.responses.stream({ model: "openai/gpt-4o-mini", input: "hi" }).finalResponse().catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(OpenAI.RateLimitError)
    expect((failure as InstanceType<typeof OpenAI.RateLimitError>).headers?.get("retry-after")).toBe("7")
  })
})

describe("models and typed errors", () => {
  it("retrieves a model, a virtual model and an id with a slash, each in the model shape", async () => {
    for (const id of ["openai/gpt-4o-mini", "orch/auto", "ollama/llama3.2:1b"]) {
      const model = await client.models.retrieve(id)
      expect(model).toEqual({ id, object: "model", created: expect.any(Number), owned_by: expect.any(String) })
    }
    const missing = await client.models.retrieve("nope/none").catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError)
    expect(missing).toMatchObject({ code: "model_not_found", param: "model" })
  })

  it("each failure reaches the SDK as its typed exception", async () => {
    const call = (body: Partial<OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming> = {}) =>
      client.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], ...body }).catch((e: unknown) => e)
    expect(await call({ temperature: 9 })).toBeInstanceOf(OpenAI.BadRequestError)
    expect(await call({ temperature: 9 })).toMatchObject({ param: "temperature", code: "invalid_value" })
    expect(await call({ model: "openai/no-such-model" })).toBeInstanceOf(OpenAI.NotFoundError)
    upstreams.cloud.enqueue({ kind: "fault", fault: "rate-limit", retryAfter: "3" })
    expect(await call()).toBeInstanceOf(OpenAI.RateLimitError)
    upstreams.cloud.enqueue({ kind: "fault", fault: "server-500" })
    expect(await call()).toBeInstanceOf(OpenAI.InternalServerError)
    upstreams.cloud.enqueue({ kind: "json", status: 401, body: { error: { message: "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key" } } })
    // The upstream refused the gateway's key: the gateway's failure (502), not the client's (401).
    expect(await call()).toMatchObject({ status: 502, code: "upstream_auth" })
  })
})

describe("a client's own timeout", () => {
  it("is the SDK's APIConnectionTimeoutError, and the call it gave up on is cancelled upstream", async () => {
    upstreams.cloud.enqueue({ kind: "fault", fault: "stall" })
    const impatient = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: "none", maxRetries: 0, timeout: 300 })
    const failure = await impatient.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(OpenAI.APIConnectionTimeoutError)
    await upstreams.cloud.waitForClosed(10_000)
    expect(generations(upstreams.cloud)[0]?.aborted).toBe(true)
    await eventually(() => gateway.gateway.inFlight() === 0)
    expect(gateway.gateway.metrics()).toMatch(/orch_gateway_requests_total\{route="\/v1\/chat\/completions",status="499"\} \d+/)
  })
})

describe("parallel_tool_calls: false", () => {
  // OpenAI's documented answer with two tool calls in one turn, whole and as the chunks of a stream.
  const call = (i: number, city: string) => ({ id: `call_${i}`, type: "function", function: { name: "get_capital", arguments: JSON.stringify({ country: city }) } })
  const whole = {
    id: "chatcmpl-two", object: "chat.completion", created: 1, model: "gpt-4o-mini",
    choices: [{ index: 0, message: { role: "assistant", content: null, tool_calls: [call(1, "UK"), call(2, "France")] }, logprobs: null, finish_reason: "tool_calls" }],
    usage: { prompt_tokens: 20, completion_tokens: 30, total_tokens: 50 }
  }
  const chunk = (delta: unknown, finish: string | null) =>
    `data: ${JSON.stringify({ id: "chatcmpl-two", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini", choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`
  const streamed = chunk({ role: "assistant", content: null }, null) +
    chunk({ tool_calls: [{ index: 0, ...call(1, "UK"), function: { name: "get_capital", arguments: "" } }] }, null) +
    chunk({ tool_calls: [{ index: 0, function: { arguments: "{\"country\":\"UK\"}" } }] }, null) +
    chunk({ tool_calls: [{ index: 1, ...call(2, "France"), function: { name: "get_capital", arguments: "" } }] }, null) +
    chunk({ tool_calls: [{ index: 1, function: { arguments: "{\"country\":\"France\"}" } }] }, null) +
    chunk({}, "tool_calls") + "data: [DONE]\n\n"
  const messages = [{ role: "user" as const, content: "Capitals of the UK and France?" }]

  it("Chat Completions answers the first tool call only, whole and streamed; by default every call", async () => {
    upstreams.cloud.enqueue({ kind: "json", status: 200, body: whole })
    const single = await client.chat.completions.create({ model: "openai/gpt-4o-mini", messages, tools: [capital], parallel_tool_calls: false })
    expect(single.choices[0]?.message.tool_calls?.map((c) => c.id)).toEqual(["call_1"])
    expect(single.choices[0]?.finish_reason).toBe("tool_calls")
    upstreams.cloud.enqueue({ kind: "raw", body: streamed })
    const stream = await client.chat.completions.stream({ model: "openai/gpt-4o-mini", messages, tools: [capital], parallel_tool_calls: false }).finalChatCompletion()
    expect(stream.choices[0]?.message.tool_calls?.map((c) => c.id)).toEqual(["call_1"])
    upstreams.cloud.enqueue({ kind: "json", status: 200, body: whole })
    const both = await client.chat.completions.create({ model: "openai/gpt-4o-mini", messages, tools: [capital] })
    expect(both.choices[0]?.message.tool_calls?.map((c) => c.id)).toEqual(["call_1", "call_2"])
  })

  it("the Responses API answers one function_call item, whole and streamed, and echoes the setting", async () => {
    upstreams.cloud.enqueue({ kind: "json", status: 200, body: whole })
    const single = await client.responses.create({ model: "openai/gpt-4o-mini", input: "Capitals?", tools: [responsesCapital], parallel_tool_calls: false, metadata: { team: "a" } })
    expect(single.metadata).toEqual({ team: "a" })
    expect(single.output.map((item) => item.type === "function_call" ? item.call_id : item.type)).toEqual(["call_1"])
    expect(single.parallel_tool_calls).toBe(false)
    upstreams.cloud.enqueue({ kind: "raw", body: streamed })
    const stream = await client.responses.stream({ model: "openai/gpt-4o-mini", input: "Capitals?", tools: [responsesCapital], parallel_tool_calls: false }).finalResponse()
    expect(stream.output.map((item) => item.type === "function_call" ? item.call_id : item.type)).toEqual(["call_1"])
    upstreams.cloud.enqueue({ kind: "raw", body: streamed })
    const both = await client.responses.stream({ model: "openai/gpt-4o-mini", input: "Capitals?", tools: [responsesCapital] }).finalResponse()
    expect(both.output.map((item) => item.type === "function_call" ? item.call_id : item.type)).toEqual(["call_1", "call_2"])
  })
})

describe("retries the SDK should not make", () => {
  it("a spent budget is a RateLimitError with x-should-retry: false, so an SDK that retries 429s asks once", async () => {
    const spent = await startGateway(upstreams, { aliases: { broke: { strategy: "cloud_only", budgetUsd: 0 } } })
    try {
      const retrying = new OpenAI({ baseURL: `${spent.url}/v1`, apiKey: "none", maxRetries: 2, timeout: 20_000 })
      const failure = await retrying.chat.completions.create({ model: "broke", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e)
      expect(failure).toBeInstanceOf(OpenAI.RateLimitError)
      expect(failure).toMatchObject({ type: "insufficient_quota", code: "insufficient_quota" })
      expect((failure as InstanceType<typeof OpenAI.RateLimitError>).headers?.get("x-should-retry")).toBe("false")
      expect(spent.gateway.metrics()).toMatch(/orch_gateway_requests_total\{route="\/v1\/chat\/completions",status="429"\} 1\n/)
      expect(generations(upstreams.cloud)).toHaveLength(0)
    } finally {
      await spent.close()
    }
  })

  it("an upstream rate limit stays retryable (retry-after, no x-should-retry)", async () => {
    upstreams.cloud.enqueue({ kind: "fault", fault: "rate-limit", retryAfter: "2" })
    const failure = await client.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e)
    const headers = (failure as InstanceType<typeof OpenAI.RateLimitError>).headers
    expect(headers?.get("retry-after")).toBe("2")
    expect(headers?.get("x-should-retry")).toBeNull()
  })
})

describe("the upstream key in no part of any answer", () => {
  // How upstreams echo a key: whole, masked the way OpenAI masks it (first 8 and last 4), and in fragments.
  const echoes = `whole ${canaryKey}; masked ${canaryKey.slice(0, 8)}****${canaryKey.slice(-4)}; tail ${canaryKey.slice(-10)}; UPSTREAM-SAYS`
  const fragments = [canaryKey.slice(-4), canaryKey.slice(0, 8), canaryKey.slice(8, 14), "UPSTREAM-SAYS"]
  const leaks = (text: string) => fragments.filter((fragment) => text.includes(fragment))

  it.each([
    ["a 400", 400, { error: { message: echoes, type: "invalid_request_error", param: null, code: null } }, 400],
    ["a 422", 422, { error: { message: echoes } }, 400],
    ["a context length error", 400, { error: { message: `maximum context length ${echoes}`, type: "invalid_request_error", param: "messages", code: "context_length_exceeded" } }, 400],
    ["a model not found", 404, { error: { message: echoes, type: "invalid_request_error", code: "model_not_found" } }, 404],
    ["a 500", 500, { error: { message: echoes } }, 502]
  ] as const)("an upstream's %s that echoes it", async (_name, status, body, expected) => {
    upstreams.cloud.enqueue({ kind: "json", status, body })
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] })
    })
    const text = await response.text()
    expect(response.status, text).toBe(expected)
    expect(leaks(text)).toEqual([])
    expect(leaks(JSON.stringify([...response.headers]))).toEqual([])
  })

  it("a failed attempt before a fallback that answered: the orch object's attempts carry the reason, not the echo", async () => {
    upstreams.cloud.enqueue({ kind: "json", status: 500, body: { error: { message: echoes } } })
    const { data, response } = await client.chat.completions.create({ model: "orch/cloud-first", messages: [{ role: "user", content: "hi" }] }).withResponse()
    const attempts = (data as unknown as { orch: { attempts: Array<{ outcome: string; error?: string }> } }).orch.attempts
    expect(attempts.map((a) => a.outcome)).toEqual(["failure", "success"])
    expect(attempts[0]?.error).toBe("ServerError")
    expect(generations(upstreams.local)).toHaveLength(1)
    expect(leaks(JSON.stringify(data))).toEqual([])
    expect(leaks(JSON.stringify([...response.headers]))).toEqual([])
    expect(leaks(gateway.gateway.metrics())).toEqual([])
  })
})
