// The gateway driven by the official OpenAI SDK, over the real provider packages and loopback wire servers that
// answer as Ollama and OpenAI do: chat (whole and streamed), Responses, models, routing, errors as the SDK's typed
// exceptions, client aborts reaching the upstream, body bounds and backpressure.
import { defaultText } from "@orch/testing"
import OpenAI from "openai"
import { describe, expect, it } from "vitest"
import { type RunningGateway, virtualModels } from "../src/index.ts"
import { canaryKey, clientOf, gatewayPerFile, generations, startGateway, type Upstreams } from "./Support.ts"

interface OrchObject {
  readonly request_id: string
  readonly model: string
  readonly strategy: string
  readonly task_type: string
  readonly task_type_source: string
  readonly attempts: ReadonlyArray<{ readonly provider: string; readonly outcome: string }>
  readonly cost_usd: number
}
const orchOf = (value: unknown): OrchObject => (value as { orch: OrchObject }).orch

let upstreams: Upstreams
let gateway: RunningGateway
let client: OpenAI

gatewayPerFile({ aliases: { fast: { strategy: "local_only", models: ["ollama/llama3.2:1b"], description: "local" } } }, (setup) => ({ upstreams, gateway, client } = setup))

describe("chat completions", () => {
  it("answers a real model through the SDK, with the orch object and the x-orch headers", async () => {
    const { data, response } = await client.chat.completions.create({
      model: "openai/gpt-4o-mini",
      messages: [{ role: "developer", content: "Be brief." }, { role: "user", content: "Say hello" }],
      max_completion_tokens: 40, temperature: 0.2, stop: ["\n\n"], seed: 7
    }).withResponse()
    expect(data.object).toBe("chat.completion")
    expect(data.choices[0]?.message).toMatchObject({ role: "assistant", content: defaultText })
    expect(data.choices[0]?.finish_reason).toBe("stop")
    expect(data.usage?.completion_tokens).toBeGreaterThan(0)
    expect(data.model).toBe("openai/gpt-4o-mini")
    const orch = orchOf(data)
    expect(orch).toMatchObject({ model: "openai/gpt-4o-mini", strategy: "model", task_type: "general", task_type_source: "given" })
    expect(orch.attempts).toHaveLength(1)
    expect(response.headers.get("x-orch-request-id")).toMatch(/^[0-9a-f-]{36}$/)
    // One id for the call: the header, the orch object (the ledger's request id) and the completion id.
    expect(orch.request_id).toBe(response.headers.get("x-orch-request-id"))
    expect(data.id).toBe(`chatcmpl-${orch.request_id}`)
    expect(Number(response.headers.get("x-orch-cost-usd"))).toBeCloseTo(orch.cost_usd, 12)
    expect(orch.cost_usd).toBeGreaterThan(0)
    // What reached the upstream: the options mapped, the system message first.
    const [sent] = generations(upstreams.cloud)
    expect(sent?.body).toMatchObject({ model: "gpt-4o-mini", temperature: 0.2, seed: 7, stop: ["\n\n"] })
    expect((sent?.body as { messages: Array<{ role: string }> }).messages[0]?.role).toBe("system")
    expect(generations(upstreams.local)).toHaveLength(0)
  })

  it("streams SSE chunks, the usage chunk when asked, and the same text", async () => {
    upstreams.cloud.enqueue({ kind: "synth", text: "one two three four five" })
    const stream = await client.chat.completions.create({
      model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "count" }], stream: true, stream_options: { include_usage: true }
    })
    const chunks: Array<OpenAI.Chat.Completions.ChatCompletionChunk> = []
    for await (const chunk of stream) chunks.push(chunk)
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant")
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("one two three four five")
    const finish = chunks.find((c) => c.choices[0]?.finish_reason !== null && c.choices[0]?.finish_reason !== undefined)
    expect(finish?.choices[0]?.finish_reason).toBe("stop")
    const last = chunks.at(-1)!
    expect(last.choices).toEqual([])
    expect(last.usage).toMatchObject({ completion_tokens: 5 })
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true)
    expect(orchOf(finish).model).toBe("openai/gpt-4o-mini")
    expect(chunks.every((c) => c.id === `chatcmpl-${orchOf(finish).request_id}`)).toBe(true)
  })

  it("routes virtual strategy models, aliases and the x-orch headers", async () => {
    const local = await client.chat.completions.create({ model: "orch/local-first", messages: [{ role: "user", content: "Summarize: the cat sat." }] })
    expect(orchOf(local)).toMatchObject({ model: "ollama/llama3.2:1b", strategy: "local_first", task_type_source: "classified" })
    const cloud = await client.chat.completions.create({ model: "orch/cloud-only", messages: [{ role: "user", content: "hi" }] })
    expect(orchOf(cloud)).toMatchObject({ model: "openai/gpt-4o-mini", strategy: "cloud_only" })
    const alias = await client.chat.completions.create({ model: "fast", messages: [{ role: "user", content: "hi" }] })
    expect(orchOf(alias)).toMatchObject({ model: "ollama/llama3.2:1b", strategy: "local_only" })
    const headers = await client.chat.completions.create(
      { model: "orch/auto", messages: [{ role: "user", content: "hi" }] },
      { headers: { "x-orch-strategy": "CLOUD_ONLY", "x-orch-task-type": "code_review" } }
    )
    expect(orchOf(headers)).toMatchObject({ strategy: "cloud_only", task_type: "code_review", task_type_source: "given" })
  })

  it("answers through every virtual strategy model", async () => {
    for (const [model, strategy] of Object.entries(virtualModels)) {
      const answer = await client.chat.completions.create({ model, messages: [{ role: "user", content: "Say hello" }] })
      expect(answer.choices[0]?.message.content, model).toBeTruthy()
      expect((answer as unknown as { orch: { strategy_requested: string } }).orch.strategy_requested, model).toBe(strategy)
    }
  })

  it("answers even when the upstream names its model with characters a header cannot carry", async () => {
    upstreams.cloud.enqueue({ kind: "synth", text: "fine", model: "gpt-4o-mini\r\nx-injected: 1 ✓" })
    const { data, response } = await client.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }).withResponse()
    expect(data.choices[0]?.message.content).toBe("fine")
    expect(response.headers.get("x-injected")).toBeNull()
    expect(response.headers.get("x-orch-model")).toMatch(/^openai\/gpt-4o-mini\?\?x-injected: 1 \?$/)
  })

  it("sends tools upstream on OpenAI's wire and returns the recorded tool call", async () => {
    upstreams.cloud.enqueue({ kind: "replay", fixture: "openai/chat_completion_tool_calls.json" })
    const weather = { type: "function" as const, function: { name: "get_current_weather", parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"] } } }
    const answer = await client.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Weather in San Francisco?" }], tools: [weather] })
    expect(answer.choices[0]?.finish_reason).toBe("tool_calls")
    expect(answer.choices[0]?.message.tool_calls).toEqual([{ id: "call_NnblzAO7oa78mQTzjUYLcouN", type: "function", function: { name: "get_current_weather", arguments: "{\"location\":\"San Francisco\"}" } }])
    const [sent] = generations(upstreams.cloud)
    expect((sent?.body as { tools?: Array<{ function: { name: string } }> }).tools?.[0]?.function.name).toBe("get_current_weather")
  })

  it("returns the tokens' log-probabilities the upstream gave when logprobs is asked for, whole and streamed", async () => {
    // OpenAI's documented shapes: choices[0].logprobs.content, one entry per token (in a stream, per chunk).
    const tokens = [{ token: "Hi", logprob: -0.25 }, { token: " thé", logprob: -1.5 }]
    const entry = (t: { token: string; logprob: number }) => ({ ...t, bytes: [...Buffer.from(t.token)], top_logprobs: [] })
    upstreams.cloud.enqueue({ kind: "json", status: 200, body: {
      id: "chatcmpl-lp", object: "chat.completion", created: 1, model: "gpt-4o-mini",
      choices: [{ index: 0, message: { role: "assistant", content: "Hi thé", refusal: null }, logprobs: { content: tokens.map(entry), refusal: null }, finish_reason: "stop" }],
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 }
    } })
    const whole = await client.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], logprobs: true })
    expect(whole.choices[0]?.logprobs?.content).toEqual(tokens.map(entry))
    expect(generations(upstreams.cloud)[0]?.body).toMatchObject({ logprobs: true })
    const chunk = (delta: object, t: { token: string; logprob: number } | undefined, finish: string | null) =>
      `data: ${JSON.stringify({ id: "chatcmpl-lp", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini", choices: [{ index: 0, delta, logprobs: t === undefined ? null : { content: [entry(t)], refusal: null }, finish_reason: finish }] })}\n\n`
    upstreams.cloud.enqueue({ kind: "raw", body: chunk({ role: "assistant", content: "" }, undefined, null) + chunk({ content: "Hi" }, tokens[0], null) + chunk({ content: " thé" }, tokens[1], null) +
      chunk({}, undefined, "stop") + `data: ${JSON.stringify({ id: "chatcmpl-lp", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini", choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } })}\n\ndata: [DONE]\n\n` })
    const stream = await client.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], logprobs: true, stream: true })
    const seen: Array<unknown> = []
    let text = ""
    for await (const part of stream) {
      text += part.choices[0]?.delta.content ?? ""
      seen.push(...(part.choices[0]?.logprobs?.content ?? []))
    }
    expect(text).toBe("Hi thé")
    expect(seen).toEqual(tokens.map(entry))
    // Not asked for: null, as OpenAI answers.
    const plain = await client.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] })
    expect(plain.choices[0]?.logprobs).toBeNull()
  })

  it("maps response_format to the upstream's JSON mode", async () => {
    upstreams.cloud.enqueue({ kind: "synth", text: "{\"answer\": 4}" })
    const schema = { type: "object", properties: { answer: { type: "number" } }, required: ["answer"] }
    const answer = await client.chat.completions.create({
      model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "2+2 as JSON" }],
      response_format: { type: "json_schema", json_schema: { name: "sum", schema } }
    })
    expect(JSON.parse(answer.choices[0]?.message.content ?? "")).toEqual({ answer: 4 })
    const [sent] = generations(upstreams.cloud)
    expect((sent?.body as { response_format?: { type: string } }).response_format?.type).toBe("json_schema")
  })
})

describe("errors are OpenAI's, so the SDK raises its typed exceptions", () => {
  it("404 for an unknown model, 400 for a bad request, naming the parameter", async () => {
    const missing = await client.chat.completions.create({ model: "openai/gpt-9-imaginary", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError)
    expect((missing as InstanceType<typeof OpenAI.NotFoundError>).code).toBe("model_not_found")
    const empty = await client.chat.completions.create({ model: "orch/auto", messages: [] }).catch((e: unknown) => e)
    expect(empty).toBeInstanceOf(OpenAI.BadRequestError)
    expect((empty as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("messages")
    const hot = await client.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], temperature: 7 }).catch((e: unknown) => e)
    expect(hot).toBeInstanceOf(OpenAI.BadRequestError)
    expect((hot as Error).message).toContain("temperature")
    expect(generations(upstreams.cloud)).toHaveLength(0)
  })

  it("502 when every upstream failed, without the upstream's body or key", async () => {
    upstreams.cloud.enqueue({ kind: "json", status: 500, body: { error: { message: `internal failure, key ${canaryKey}` } } })
    const failed = await client.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e)
    expect(failed).toBeInstanceOf(OpenAI.InternalServerError)
    expect((failed as InstanceType<typeof OpenAI.APIError>).status).toBe(502)
    expect(JSON.stringify((failed as InstanceType<typeof OpenAI.APIError>).error)).not.toContain(canaryKey)
    upstreams.cloud.enqueue({ kind: "fault", fault: "rate-limit", retryAfter: "3" })
    const limited = await client.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e)
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError)
    expect((limited as InstanceType<typeof OpenAI.RateLimitError>).code).toBe("rate_limit_exceeded")
  })

  it("503 when the upstream is down, 504 at the request's deadline", async () => {
    upstreams.cloud.enqueue({ kind: "fault", fault: "reset-before-headers" })
    const down = await client.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e)
    expect((down as InstanceType<typeof OpenAI.APIError>).status).toBe(503)
    const quick = await startGateway(upstreams, { deadlineMs: 300 })
    try {
      upstreams.cloud.enqueue({ kind: "fault", fault: "stall" })
      const late = await clientOf(quick).chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e)
      expect((late as InstanceType<typeof OpenAI.APIError>).status).toBe(504)
      expect((late as InstanceType<typeof OpenAI.APIError>).code).toBe("timeout")
    } finally {
      await quick.close()
    }
  })

  it("400 naming the field for what the gateway cannot honour, instead of an answer that quietly ignored it", async () => {
    const refused: ReadonlyArray<readonly [string, unknown]> = [
      ["frequency_penalty", 0.5], ["presence_penalty", -1], ["logit_bias", { "50256": -100 }], ["top_logprobs", 3],
      ["functions", [{ name: "f", parameters: { type: "object" } }]], ["function_call", "auto"], ["modalities", ["text", "audio"]],
      ["audio", { voice: "alloy", format: "wav" }], ["prediction", { type: "content", content: "x" }], ["reasoning_effort", "high"]
    ]
    for (const [field, value] of refused) {
      const error = await client.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], [field]: value } as never).catch((e: unknown) => e)
      expect(error, field).toBeInstanceOf(OpenAI.BadRequestError)
      expect((error as InstanceType<typeof OpenAI.BadRequestError>).param, field).toBe(field)
    }
    expect(generations(upstreams.cloud)).toHaveLength(0)
    // Their defaults, and fields that only label a call, are accepted.
    const answer = await client.chat.completions.create({
      model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], frequency_penalty: 0, presence_penalty: 0, logit_bias: {},
      top_logprobs: 0, modalities: ["text"], user: "u-1", metadata: { team: "a" }, store: false, parallel_tool_calls: true
    })
    expect(answer.choices[0]?.message.content).toBe(defaultText)
  })

  it("413 for a body over the bound, 404 for an unknown route, in OpenAI's error shape", async () => {
    const small = await startGateway(upstreams, { maxBodyBytes: 1024 })
    try {
      const big = await clientOf(small).chat.completions.create({ model: "orch/auto", messages: [{ role: "user", content: "x".repeat(4096) }] }).catch((e: unknown) => e)
      expect((big as InstanceType<typeof OpenAI.APIError>).status).toBe(413)
      const unknown = await fetch(`${small.url}/v1/embeddings`, { method: "POST", body: "{}" })
      expect(unknown.status).toBe(404)
      expect(unknown.headers.get("x-orch-request-id")).toMatch(/^[0-9a-f-]{36}$/)
      expect(unknown.headers.get("x-orch-cost-usd")).toBe("0")
      expect(await unknown.json()).toMatchObject({ error: { type: "invalid_request_error", code: "unknown_url" } })
      for (const [body, message] of [["", "empty"], ["  \n", "empty"], ["{\"model\":", "not valid JSON"]] as const) {
        const bad = await fetch(`${small.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body })
        expect(bad.status).toBe(400)
        expect(bad.headers.get("x-orch-request-id")).toMatch(/^[0-9a-f-]{36}$/)
        expect(((await bad.json()) as { error: { message: string } }).error.message).toContain(message)
      }
    } finally {
      await small.close()
    }
  })
})

describe("cancellation and load", () => {
  it("a client that aborts mid-stream cancels the call: the upstream request is aborted", async () => {
    upstreams.cloud.enqueue({ kind: "synth", text: Array.from({ length: 40 }, (_, i) => `word${i}`).join(" "), perTokenDelayMs: 500 })
    const controller = new AbortController()
    const stream = await client.chat.completions.create(
      { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "long story" }], stream: true },
      { signal: controller.signal }
    )
    const seen: Array<string> = []
    for await (const chunk of stream) {
      const text = chunk.choices[0]?.delta.content
      if (text) seen.push(text)
      if (seen.length === 1) controller.abort()
    }
    expect(seen).toEqual(["word0"])
    await upstreams.cloud.waitForClosed(10_000)
    const [upstream] = generations(upstreams.cloud)
    expect(upstream?.aborted).toBe(true)
    expect(upstream?.finishedAtMs).toBeUndefined()
  })

  it("a stream that breaks off after its first text ends with an error event the SDK raises", async () => {
    upstreams.cloud.enqueue({ kind: "fault", fault: "reset-mid-stream", afterTokens: 2, text: "one two three four" })
    const stream = await client.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "count" }], stream: true })
    let text = ""
    const failure = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ""
    })().then(() => undefined, (e: unknown) => e)
    expect(text).toBe("one two")
    expect(failure).toBeInstanceOf(OpenAI.APIError)
    expect((failure as InstanceType<typeof OpenAI.APIError>).code).toBe("upstream_interrupted")
  })

  it("a client that disconnects from a whole (non-streamed) call cancels it too", async () => {
    upstreams.cloud.enqueue({ kind: "fault", fault: "stall" })
    const controller = new AbortController()
    const pending = fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST", headers: { "content-type": "application/json" }, signal: controller.signal,
      body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] })
    }).catch((e: unknown) => e)
    // Abort once the upstream holds the request.
    await new Promise<void>((resolve) => {
      const check = () => (generations(upstreams.cloud).length > 0 ? resolve() : setImmediate(check))
      check()
    })
    controller.abort()
    await pending
    await upstreams.cloud.waitForClosed(10_000)
    expect(generations(upstreams.cloud)[0]?.aborted).toBe(true)
  })

  it("beyond its limit of calls in flight and waiting, the gateway answers 503 with retry-after", async () => {
    const narrow = await startGateway(upstreams, { maxConcurrent: 1, maxQueued: 0 })
    try {
      upstreams.cloud.enqueue({ kind: "synth", text: "a b c d e f", perTokenDelayMs: 200 })
      const sdk = clientOf(narrow)
      const first = await sdk.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], stream: true })
      const second = await fetch(`${narrow.url}/v1/chat/completions`, {
        method: "POST", body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] })
      })
      expect(second.status).toBe(503)
      expect(second.headers.get("retry-after")).toBe("1")
      let text = ""
      for await (const chunk of first) text += chunk.choices[0]?.delta.content ?? ""
      expect(text).toBe("a b c d e f")
    } finally {
      await narrow.close()
    }
  })
})

describe("models, responses, health and metrics", () => {
  it("lists the models that can answer, the virtual strategy models and the aliases", async () => {
    const ids: Array<string> = []
    for await (const model of client.models.list()) ids.push(model.id)
    expect(ids).toEqual(expect.arrayContaining(["ollama/llama3.2:1b", "openai/gpt-4o-mini", "orch/auto", "orch/local-first", "orch/cloud-first",
      "orch/local-only", "orch/cloud-only", "orch/parallel", "orch/cascade", "orch/ensemble", "fast"]))
    expect((await client.models.retrieve("orch/cascade")).owned_by).toBe("orch")
    await expect(client.models.retrieve("nope/none")).rejects.toBeInstanceOf(OpenAI.NotFoundError)
    expect((await client.models.retrieve("openai/gpt-4o-mini")).owned_by).toBe("openai")
    expect((await fetch(`${gateway.url}/v1/models/%E0%A4%A`)).status).toBe(400)
  })

  it("answers the Responses API, whole and as its stream of events", async () => {
    const whole = await client.responses.create({ model: "openai/gpt-4o-mini", instructions: "Be brief.", input: "Say hello", max_output_tokens: 50 })
    expect(whole.status).toBe("completed")
    expect(whole.output_text).toBe(defaultText)
    expect(whole.usage?.output_tokens).toBeGreaterThan(0)
    const [sent] = generations(upstreams.cloud)
    expect((sent?.body as { messages: Array<{ role: string; content: string }> }).messages[0]).toMatchObject({ role: "system", content: "Be brief." })

    upstreams.cloud.enqueue({ kind: "synth", text: "alpha beta gamma" })
    const stream = await client.responses.create({ model: "openai/gpt-4o-mini", input: [{ role: "user", content: "go" }], stream: true })
    const types: Array<string> = []
    let text = ""
    let completed: OpenAI.Responses.Response | undefined
    for await (const event of stream) {
      types.push(event.type)
      if (event.type === "response.output_text.delta") text += event.delta
      if (event.type === "response.completed") completed = event.response
    }
    expect(text).toBe("alpha beta gamma")
    expect(types[0]).toBe("response.created")
    expect(types).toEqual(expect.arrayContaining(["response.in_progress", "response.output_item.added", "response.content_part.added", "response.output_text.done", "response.output_item.done"]))
    expect(types.at(-1)).toBe("response.completed")
    expect(completed?.output_text ?? (completed?.output[0] as { content: Array<{ text: string }> } | undefined)?.content[0]?.text).toBe("alpha beta gamma")
  })

  it("refuses previous_response_id: the gateway keeps no state", async () => {
    await expect(client.responses.create({ model: "openai/gpt-4o-mini", input: "hi", previous_response_id: "resp_1" })).rejects.toBeInstanceOf(OpenAI.BadRequestError)
  })

  it("refuses, naming the field, what a stateless gateway cannot honour on the Responses API, and accepts the defaults", async () => {
    const refused: ReadonlyArray<readonly [string, unknown]> = [
      ["conversation", "conv_1"], ["prompt", { id: "pmpt_1" }], ["background", true], ["reasoning", { effort: "high" }],
      ["include", ["message.output_text.logprobs"]], ["top_logprobs", 2], ["logit_bias", { "50256": -100 }]
    ]
    for (const [field, value] of refused) {
      const error = await client.responses.create({ model: "openai/gpt-4o-mini", input: "hi", [field]: value } as never).catch((e: unknown) => e)
      expect(error, field).toBeInstanceOf(OpenAI.BadRequestError)
      expect((error as InstanceType<typeof OpenAI.BadRequestError>).param, field).toBe(field)
    }
    expect(generations(upstreams.cloud)).toHaveLength(0)
    const answer = await client.responses.create({ model: "openai/gpt-4o-mini", input: "hi", background: false, include: [], reasoning: { effort: null }, top_logprobs: 0, store: false, user: "u-1" } as never)
    expect((answer as { output_text: string }).output_text).toBe(defaultText)
  })

  it("reports health and Prometheus metrics: requests, errors, latency, tokens and cost by model and strategy", async () => {
    await client.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] })
    await client.chat.completions.create({ model: "nope/none", messages: [{ role: "user", content: "hi" }] }).catch(() => undefined)
    const health = await fetch(`${gateway.url}/health`)
    expect(health.status).toBe(200)
    expect(health.headers.get("x-orch-request-id")).toMatch(/^[0-9a-f-]{36}$/)
    expect(await health.json()).toMatchObject({ status: "ok" })
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text()
    expect(metrics).toMatch(/^orch_gateway_requests_total\{route="\/v1\/chat\/completions",status="200"\} \d+$/m)
    expect(metrics).toMatch(/^orch_gateway_errors_total\{route="\/v1\/chat\/completions",type="invalid_request_error"\} \d+$/m)
    expect(metrics).toMatch(/^orch_gateway_request_duration_seconds_bucket\{route="\/v1\/chat\/completions",le="\+Inf"\} \d+$/m)
    expect(metrics).toMatch(/^orch_gateway_tokens_total\{model="openai\/gpt-4o-mini",strategy="model",direction="output"\} [1-9]\d*$/m)
    expect(metrics).toMatch(/^orch_gateway_cost_usd_total\{model="openai\/gpt-4o-mini",strategy="model"\} \d/m)
    expect(metrics).not.toContain(canaryKey)
  })
})
