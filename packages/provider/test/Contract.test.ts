import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import {
  assembleToolCalls, canonicalJson, collectStream, historyFor, isProviderError, requestFor, lastUserText, requestText, schemaIssues, textMessages,
  validateJson, validateRequest, withStructuredOutput, type Completion, type Message, type StreamPart
} from "../src/index.ts"
import { Stream } from "effect"

const issuesOf = (input: unknown): string | undefined => {
  const exit = Effect.runSync(Effect.exit(validateRequest(input)))
  if (Exit.isSuccess(exit)) return undefined
  const reason = exit.cause.reasons[0]
  const failure = reason && "error" in reason ? reason.error : undefined
  if (!isProviderError(failure) || failure.reason._tag !== "InvalidRequest") throw new Error("expected InvalidRequest")
  return failure.reason.issues.join(" | ")
}

const png = "iVBORw0KGgo="
const weather = { name: "get_weather", description: "Weather in a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false } }
const call = { id: "call_1", name: "get_weather", arguments: { city: "Oslo" } }

describe("validateRequest: parts, tools and formats", () => {
  it("accepts text, image and file parts, tool calls with their results, tools, a tool choice and a schema", () => {
    expect(issuesOf({
      messages: [
        { role: "user", content: [{ type: "text", text: "what is this?" }, { type: "image", data: png, mediaType: "image/png" }, { type: "image", url: "https://example.com/a.jpg", mediaType: "image/jpeg" }, { type: "file", data: "JVBERi0=", mediaType: "application/pdf" }] },
        { role: "assistant", toolCalls: [call] },
        { role: "tool", toolCallId: "call_1", content: "12 C" }
      ],
      tools: [weather],
      toolChoice: { name: "get_weather" },
      responseFormat: { type: "json", schema: { type: "object", properties: { answer: { type: "string" } } }, name: "answer" }
    })).toBeUndefined()
  })
  it("refuses a tool result without its call, and one answered twice", () => {
    expect(issuesOf({ messages: [{ role: "user", content: "hi" }, { role: "tool", toolCallId: "nope", content: "x" }] })).toContain(`answers the call "nope", but the latest assistant message with tool calls did not make that call`)
    expect(issuesOf({ messages: [{ role: "user", content: "hi" }, { role: "assistant", toolCalls: [call] }, { role: "tool", toolCallId: "call_1", content: "a" }, { role: "tool", toolCallId: "call_1", content: "b" }] })).toContain("a second time")
  })
  it("takes a tool-call id used again in a later turn, renamed in that turn's call and answer so every call has its own", async () => {
    const turn = (name: string) => [{ role: "assistant" as const, toolCalls: [{ id: "call_0", name, arguments: {} }] }, { role: "tool" as const, toolCallId: "call_0", content: name }]
    const checked = await Effect.runPromise(validateRequest({ messages: [{ role: "user", content: "hi" }, ...turn("a"), ...turn("b"), ...turn("c"), { role: "user", content: "thanks" }] }))
    const ids = checked.messages!.flatMap((m) => (m.role === "assistant" ? (m.toolCalls ?? []).map((c) => c.id) : m.role === "tool" ? [m.toolCallId] : []))
    expect(ids).toEqual(["call_0", "call_0", "call_0_2", "call_0_2", "call_0_3", "call_0_3"])
    // One message's calls still have ids of their own, and an answer is to the latest turn's calls.
    expect(issuesOf({ messages: [{ role: "user", content: "hi" }, { role: "assistant", toolCalls: [call, call] }] })).toContain("of another call of this message")
    expect(issuesOf({ messages: [{ role: "user", content: "hi" }, ...turn("a").slice(0, 1), { role: "assistant", toolCalls: [{ id: "x", name: "b", arguments: {} }] }, { role: "tool", toolCallId: "call_0", content: "a" }] })).toContain("latest assistant message")
  })
  it("refuses tool calls whose arguments are a string, and tools with bad names or parameter schemas", () => {
    expect(issuesOf({ messages: [{ role: "user", content: "hi" }, { role: "assistant", toolCalls: [{ id: "a", name: "f", arguments: "{\"x\":1}" }] }] })).toContain("arguments")
    expect(issuesOf({ prompt: "hi", tools: [{ name: "bad name!", parameters: { type: "object" } }] })).toContain("letters, digits")
    expect(issuesOf({ prompt: "hi", tools: [{ name: "f", parameters: "object" }] })).toContain("must be a JSON Schema object")
    expect(issuesOf({ prompt: "hi", tools: [{ name: "f", parameters: { type: "objekt" } }] })).toContain(`"type" must be one of`)
    expect(issuesOf({ prompt: "hi", tools: [{ name: "f", parameters: { type: "object", required: "city" } }] })).toContain(`"required" must be a list`)
    expect(issuesOf({ prompt: "hi", tools: [{ name: "f", parameters: { type: "string" } }] })).toContain(`must describe an object`)
    expect(issuesOf({ prompt: "hi", tools: [weather, weather] })).toContain("given twice")
  })
  it("refuses a toolChoice naming an unknown tool, and 'required' without tools", () => {
    expect(issuesOf({ prompt: "hi", tools: [weather], toolChoice: { name: "get_time" } })).toContain(`"get_time", which is not in "tools" (get_weather)`)
    expect(issuesOf({ prompt: "hi", toolChoice: "required" })).toContain("needs at least one tool")
    expect(issuesOf({ prompt: "hi", toolChoice: "sometimes" })).toContain(`toolChoice must be`)
  })
  it("refuses bad base64, data: URLs, non-image media types and parts a role cannot carry", () => {
    expect(issuesOf({ messages: [{ role: "user", content: [{ type: "image", data: "not base64!", mediaType: "image/png" }] }] })).toContain("not valid base64")
    expect(issuesOf({ messages: [{ role: "user", content: [{ type: "image", data: "iVBORw0KGgo", mediaType: "image/png" }] }] })).toContain("not valid base64")
    expect(issuesOf({ messages: [{ role: "user", content: [{ type: "image", data: `data:image/png;base64,${png}`, mediaType: "image/png" }] }] })).toContain("without the")
    expect(issuesOf({ messages: [{ role: "user", content: [{ type: "image", data: png, mediaType: "application/pdf" }] }] })).toContain("not an image type")
    expect(issuesOf({ messages: [{ role: "user", content: [{ type: "image", data: png, url: "https://x.y/z.png", mediaType: "image/png" }] }] })).toContain("exactly one of")
    expect(issuesOf({ messages: [{ role: "user", content: [{ type: "image", url: "file:///etc/passwd", mediaType: "image/png" }] }] })).toContain("http or https")
    expect(issuesOf({ messages: [{ role: "system", content: [{ type: "image", data: png, mediaType: "image/png" }] }, { role: "user", content: "hi" }] })).toContain("which this role cannot carry")
  })
  it("refuses a bad response schema", () => {
    expect(issuesOf({ prompt: "hi", responseFormat: { type: "json", schema: "an object please" } })).toContain("responseFormat schema must be a JSON Schema object")
    expect(issuesOf({ prompt: "hi", responseFormat: { type: "json", schema: { type: "object", properties: { a: { $ref: "#/$defs/missing" } } } } })).toContain("does not point into this schema")
    expect(issuesOf({ prompt: "hi", responseFormat: { type: "json", schema: { type: "string", pattern: "([" } } })).toContain("valid regular expression")
    expect(issuesOf({ prompt: "hi", responseFormat: { type: "xml" } })).toContain("responseFormat must be")
  })
  it("refuses lone surrogates anywhere: stop sequences, names, tool arguments, schemas, providerOptions keys and values", () => {
    const bad = "x\ud800y"
    expect(issuesOf({ prompt: "hi", stop: [bad] })).toContain("lone surrogate")
    expect(issuesOf({ prompt: "hi", providerOptions: { ollama: { keep_alive: bad } } })).toContain("lone surrogate")
    expect(issuesOf({ prompt: "hi", providerOptions: { ollama: { [bad]: 1 } } })).toContain("lone surrogate")
    expect(issuesOf({ prompt: "hi", tools: [{ ...weather, description: bad }] })).toContain("lone surrogate")
    expect(issuesOf({ messages: [{ role: "user", content: "hi" }, { role: "assistant", toolCalls: [{ ...call, arguments: { city: bad } }] }, { role: "tool", toolCallId: "call_1", content: "x" }] })).toContain("lone surrogate")
    expect(issuesOf({ messages: [{ role: "user", content: [{ type: "text", text: bad }] }] })).toContain("lone surrogate")
  })
  it("refuses providerOptions that override the model, the token limit, the messages, the stream flag or the choices, naming them", () => {
    expect(issuesOf({ prompt: "hi", providerOptions: { openai: { model: "gpt-4o", max_completion_tokens: 100000 } } })).toContain(`providerOptions.openai may not set "model", "max_completion_tokens"`)
    expect(issuesOf({ prompt: "hi", providerOptions: { ollama: { options: { num_predict: -1 } } } })).toContain(`"options.num_predict"`)
    expect(issuesOf({ prompt: "hi", providerOptions: { vllm: { stream: false, stream_options: {}, n: 5 } } })).toContain(`"stream", "stream_options", "n"`)
    expect(issuesOf({ prompt: "hi", providerOptions: { anthropic: { messages: [] } } })).toContain(`"messages"`)
    expect(issuesOf({ prompt: "hi", providerOptions: { ollama: { keep_alive: "5m", options: { num_ctx: 4096 } } } })).toBeUndefined()
  })
  it("turns a throwing getter into InvalidRequest, and takes a deeply nested option without overflowing", () => {
    const hostile = { prompt: "hi", get stop(): Array<string> { throw new Error("boom") } }
    expect(issuesOf(hostile)).toContain("could not be read")
    let deep: Record<string, unknown> = {}
    const root = deep
    for (let i = 0; i < 100_000; i++) {
      const next: Record<string, unknown> = {}
      deep["a"] = next
      deep = next
    }
    expect(issuesOf({ prompt: "hi", providerOptions: { ollama: { deep: root } } })).toBeUndefined()
  })
  it("finds a lone surrogate however deep, wide or cyclic the value around it", () => {
    const bad = "x\ud800y"
    let deep: Record<string, unknown> = { last: bad }
    for (let i = 0; i < 20; i++) deep = { a: deep }
    expect(issuesOf({ prompt: "hi", providerOptions: { ollama: { deep } } })).toContain("lone surrogate")
    const wide = [...Array.from({ length: 5_000 }, (_, i) => ({ n: i })), { last: bad }]
    expect(issuesOf({ prompt: "hi", providerOptions: { ollama: { wide } } })).toContain("lone surrogate")
    const cyclic: Record<string, unknown> = { name: "ok" }
    cyclic["self"] = cyclic
    expect(issuesOf({ prompt: "hi", providerOptions: { ollama: { cyclic } } })).toBeUndefined()
    cyclic["late"] = bad
    expect(issuesOf({ prompt: "hi", providerOptions: { ollama: { cyclic } } })).toContain("lone surrogate")
  })
})

describe("text helpers", () => {
  it("lastUserText reads text parts; requestText counts tool calls, tools and schemas", () => {
    const messages: ReadonlyArray<Message> = [
      { role: "user", content: [{ type: "text", text: "look" }, { type: "image", data: png, mediaType: "image/png" }] },
      { role: "assistant", toolCalls: [call] },
      { role: "tool", toolCallId: "call_1", content: "rainy" }
    ]
    expect(lastUserText({ messages })).toBe("look")
    const text = requestText({ messages, tools: [weather] })
    expect(text).toContain("look")
    expect(text).toContain(`get_weather {"city":"Oslo"}`)
    expect(text).toContain("rainy")
    expect(text).toContain("Weather in a city")
    expect(textMessages({ messages }).map((m) => m.role)).toEqual(["user", "assistant", "user"])
  })
  it("requestText is every piece on a line of its own, in order: system, messages and their calls, prompt, tools, schema", () => {
    const messages: ReadonlyArray<Message> = [
      { role: "user", content: [{ type: "text", text: "look" }, { type: "image", data: png, mediaType: "image/png" }] },
      { role: "assistant", toolCalls: [call] },
      { role: "tool", toolCallId: "call_1", content: "rainy" }
    ]
    const text = requestText({ system: "sys", messages, prompt: "next", tools: [weather], responseFormat: { type: "json", schema: { type: "object" } } })
    expect(text).toBe(
      `sys\nlook\n\nget_weather {"city":"Oslo"}\nrainy\nnext\nget_weather Weather in a city ${canonicalJson(weather.parameters)}\n{"type":"object"}`
    )
    expect(requestText({ prompt: "x" })).toBe("x")
    expect(requestText({ system: "", messages: [] })).toBe("")
  })
})

describe("JSON Schema subset", () => {
  const schema = {
    type: "object",
    properties: {
      name: { type: "string", minLength: 1 },
      age: { type: "integer", minimum: 0 },
      tags: { type: "array", items: { type: "string" }, uniqueItems: true },
      kind: { enum: ["a", "b"] },
      nested: { $ref: "#/$defs/Point" }
    },
    required: ["name"],
    additionalProperties: false,
    $defs: { Point: { type: "object", properties: { x: { type: "number" } }, required: ["x"] } }
  }
  it("accepts a matching value and names each mismatch by path", () => {
    expect(schemaIssues(schema)).toEqual([])
    expect(validateJson(schema, { name: "a", age: 3, tags: ["x"], kind: "a", nested: { x: 1.5 } })).toEqual([])
    const issues = validateJson(schema, { age: 1.5, tags: ["x", "x"], kind: "c", nested: {}, extra: 1 })
    expect(issues).toContain(`$: the property "name" is missing`)
    expect(issues.some((i) => i.startsWith("$.age: expected integer"))).toBe(true)
    expect(issues).toContain("$.tags: the items must be unique")
    expect(issues.some((i) => i.startsWith("$.kind:"))).toBe(true)
    expect(issues).toContain(`$.nested: the property "x" is missing`)
    expect(issues).toContain(`$: the property "extra" is not allowed`)
  })
  it("checks anyOf, oneOf, nullable, const and string patterns", () => {
    expect(validateJson({ anyOf: [{ type: "string" }, { type: "null" }] }, null)).toEqual([])
    expect(validateJson({ anyOf: [{ type: "string" }, { type: "null" }] }, 3)).toHaveLength(1)
    expect(validateJson({ oneOf: [{ type: "number" }, { type: "integer" }] }, 3)).toHaveLength(1)
    expect(validateJson({ type: "string", nullable: true }, null)).toEqual([])
    expect(validateJson({ const: { a: [1, 2] } }, { a: [1, 2] })).toEqual([])
    expect(validateJson({ type: "string", pattern: "^[a-z]+$" }, "abc1")).toHaveLength(1)
  })
  it("takes patterns that are valid JavaScript but not under the u flag (an escaped hyphen), and still refuses broken ones", () => {
    const phone = { type: "object", properties: { phone: { type: "string", pattern: "^\\d{3}\\-\\d{4}$" }, tag: { type: "string", pattern: "^\\#[0-9a-f]{6}$" } } }
    expect(schemaIssues(phone)).toEqual([])
    expect(validateJson(phone, { phone: "555-1234", tag: "#00ff00" })).toEqual([])
    expect(validateJson(phone, { phone: "5551234", tag: "00ff00" })).toHaveLength(2)
    expect(validateJson({ type: "string", pattern: "^\\p{Lu}" }, "Élan")).toEqual([])
    expect(schemaIssues({ type: "string", pattern: "([a-z" })).toHaveLength(1)
  })
  it("refuses a $ref that loops back without consuming the value (checking against it never ended), and keeps recursive schemas", () => {
    expect(schemaIssues({ $ref: "#" })).toHaveLength(1)
    expect(schemaIssues({ anyOf: [{ $ref: "#" }, { $ref: "#" }] })).toHaveLength(1)
    const mutual = { $defs: { a: { anyOf: [{ $ref: "#/$defs/b" }, { type: "null" }] }, b: { allOf: [{ $ref: "#/$defs/a" }] } }, properties: { x: { $ref: "#/$defs/a" } } }
    expect(schemaIssues(mutual)).toHaveLength(1)
    const tree = { $defs: { node: { type: "object", properties: { children: { type: "array", items: { $ref: "#/$defs/node" } } } } }, $ref: "#/$defs/node" }
    expect(schemaIssues(tree)).toEqual([])
    expect(validateJson(tree, { children: [{ children: [] }, { children: [{}] }] })).toEqual([])
    const shared = { $defs: { id: { type: "string" } }, properties: { a: { $ref: "#/$defs/id" }, b: { anyOf: [{ $ref: "#/$defs/id" }, { type: "null" }] } } }
    expect(schemaIssues(shared)).toEqual([])
    const exit = Effect.runSync(Effect.exit(validateRequest({ prompt: "x", tools: [{ name: "f", parameters: { type: "object", anyOf: [{ $ref: "#" }, { $ref: "#" }] } }] })))
    expect(Exit.isFailure(exit)).toBe(true)
  })
  it("canonical JSON ignores key order", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }))
    expect(canonicalJson({ b: 1, a: 2 })).toBe(`{"a":2,"b":1}`)
  })
})

const completion = (text: string, extra: Partial<Completion> = {}): Completion => ({
  text, finishReason: "stop", usage: { inputTokens: 1, outputTokens: 1, estimated: false }, provider: "openai", model: "m", timings: { totalMs: 1 }, ...extra
})

describe("structured output", () => {
  const request = { prompt: "x", responseFormat: { type: "json" as const, schema: { type: "object", properties: { n: { type: "number" } }, required: ["n"] } } }
  const run = (c: Completion) => Effect.runSync(Effect.exit(withStructuredOutput(request, c)))
  it("parses and checks the answer, tolerating a code fence", () => {
    const exit = run(completion("```json\n{\"n\": 4}\n```"))
    expect(Exit.isSuccess(exit) && exit.value.object).toEqual({ n: 4 })
  })
  it("fails MalformedResponse with the text on invalid or missing JSON", () => {
    for (const text of ["not json at all", "{\"n\": \"four\"}", ""]) {
      const exit = run(completion(text))
      expect(Exit.isFailure(exit)).toBe(true)
      if (Exit.isFailure(exit)) {
        const reason = exit.cause.reasons[0]
        const error = reason && "error" in reason ? reason.error : undefined
        expect(isProviderError(error) && error.reason._tag === "MalformedResponse" && error.reason.text).toBe(text)
      }
    }
  })
  it("leaves a text request and a tool-call answer alone", () => {
    expect(Exit.isSuccess(Effect.runSync(Effect.exit(withStructuredOutput({ prompt: "x" }, completion("plain")))))).toBe(true)
    expect(Exit.isSuccess(run(completion("", { toolCalls: [call], finishReason: "tool-calls" })))).toBe(true)
  })
  it("collectStream gathers complete tool calls and the object", () => {
    const parts: Array<StreamPart> = [
      { type: "tool-call-delta", index: 0, id: "c1", name: "get_weather", argumentsDelta: "{\"ci" },
      { type: "tool-call-delta", index: 0, argumentsDelta: "ty\":\"Oslo\"}" },
      { type: "tool-call", id: "c1", name: "get_weather", arguments: { city: "Oslo" } },
      { type: "tool-call", id: "c2", name: "get_weather", arguments: { city: "Rome" } },
      { type: "finish", finishReason: "tool-calls", usage: { inputTokens: 1, outputTokens: 2, estimated: false }, provider: "p", model: "m", timings: { totalMs: 1 } }
    ]
    const done = Effect.runSync(collectStream(Stream.fromIterable(parts)))
    expect(done.toolCalls?.map((c) => c.arguments)).toEqual([{ city: "Oslo" }, { city: "Rome" }])
    expect(done.finishReason).toBe("tool-calls")
  })
})

describe("history across providers", () => {
  const openAiHistory: ReadonlyArray<Message> = [
    { role: "user", content: "weather in Oslo and Rome?" },
    {
      role: "assistant",
      content: [{ type: "reasoning", text: "two calls", signature: "sig-abc", provider: "anthropic" }, { type: "text", text: "Checking." }],
      toolCalls: [
        { id: "call_QxZ9.r/8+abc:def", name: "get_weather", arguments: { city: "Oslo" } },
        { id: "call_" + "x".repeat(60), name: "get_weather", arguments: { city: "Rome" } }
      ]
    },
    { role: "user", content: "also, be quick" },
    { role: "tool", toolCallId: "call_" + "x".repeat(60), content: "20 C" }
  ]
  it("rewrites ids for Anthropic, pairs results right after their call, fills a missing one, drops foreign reasoning", () => {
    const out = historyFor("openai", openAiHistory)
    const anthropic = historyFor("anthropic", openAiHistory)
    for (const messages of [out, anthropic]) {
      const assistant = messages[1]
      if (assistant?.role !== "assistant") throw new Error("expected the assistant turn second")
      const ids = (assistant.toolCalls ?? []).map((c) => c.id)
      expect(ids.every((id) => /^[a-zA-Z0-9_-]+$/.test(id))).toBe(true)
      expect(new Set(ids).size).toBe(2)
      expect(messages[2]).toMatchObject({ role: "tool", toolCallId: ids[0], isError: true, name: "get_weather" })
      expect(messages[3]).toMatchObject({ role: "tool", toolCallId: ids[1], content: "20 C" })
      expect(messages[4]).toMatchObject({ role: "user", content: "also, be quick" })
    }
    const openAiIds = (out[1] as { toolCalls: ReadonlyArray<{ id: string }> }).toolCalls.map((c) => c.id)
    expect(openAiIds.every((id) => id.length <= 40)).toBe(true)
    expect(out[1]).toMatchObject({ content: "Checking." })
    expect(anthropic[1]).toMatchObject({ content: [{ type: "reasoning", signature: "sig-abc" }, { type: "text", text: "Checking." }] })
    const mistral = historyFor("mistral", openAiHistory)
    expect((mistral[1] as { toolCalls: ReadonlyArray<{ id: string }> }).toolCalls.every((c) => /^[a-zA-Z0-9]{9}$/.test(c.id))).toBe(true)
  })
  it("is deterministic, and the rewritten history validates", () => {
    expect(historyFor("anthropic", openAiHistory)).toEqual(historyFor("anthropic", openAiHistory))
    expect(issuesOf({ messages: historyFor("anthropic", openAiHistory) })).toBeUndefined()
  })
  it("keeps an orphan tool result as a user message instead of losing it", () => {
    const out = historyFor("ollama", [{ role: "user", content: "hi" }, { role: "tool", toolCallId: "gone", name: "lookup", content: "42" }])
    expect(out[1]).toEqual({ role: "user", content: "Result of the tool call lookup:\n42" })
  })
  it("leaves a plain history as it is (the same request), and adapts any other as historyFor does", () => {
    const plain = { messages: [{ role: "system", content: "be brief" }, { role: "user", content: "hi" }, { role: "assistant", content: "hello" }, { role: "user", content: "bye" }] as ReadonlyArray<Message> }
    expect(requestFor("anthropic", plain)).toBe(plain)
    expect(historyFor("anthropic", plain.messages)).toEqual(plain.messages)
    const emptyTurn = { messages: [{ role: "user", content: "hi" }, { role: "assistant", content: "" }, { role: "user", content: "again" }] as ReadonlyArray<Message> }
    expect(requestFor("anthropic", emptyTurn).messages).toEqual(historyFor("anthropic", emptyTurn.messages))
    expect(requestFor("anthropic", emptyTurn).messages).toHaveLength(2)
    const withTools = { messages: openAiHistory }
    expect(requestFor("anthropic", withTools).messages).toEqual(historyFor("anthropic", openAiHistory))
  })
})

describe("tool calls assembled from a stream", () => {
  const finish: StreamPart = { type: "finish", finishReason: "tool-calls", usage: { inputTokens: 1, outputTokens: 1, estimated: false }, provider: "openai", model: "m", timings: { totalMs: 1 } }
  const run = (parts: ReadonlyArray<StreamPart>) => Effect.runSync(Effect.exit(collectStream(assembleToolCalls(Stream.fromIterable(parts), () => "call_fresh"))))
  it("joins arguments split anywhere, several calls interleaved, in index order, before finish", () => {
    const exit = run([
      { type: "tool-call-delta", index: 1, id: "call_b", name: "get_weather", argumentsDelta: "" },
      { type: "tool-call-delta", index: 0, id: "call_a", name: "get_weather", argumentsDelta: "{\"ci" },
      { type: "tool-call-delta", index: 1, argumentsDelta: "{\"city\":\"Ro" },
      { type: "tool-call-delta", index: 0, argumentsDelta: "ty\":\"Oslo\"}" },
      { type: "tool-call-delta", index: 1, argumentsDelta: "me\"}" },
      { type: "tool-call-delta", index: 2, name: "now", argumentsDelta: "" },
      finish
    ])
    expect(Exit.isSuccess(exit) && exit.value.toolCalls).toEqual([
      { id: "call_a", name: "get_weather", arguments: { city: "Oslo" } },
      { id: "call_b", name: "get_weather", arguments: { city: "Rome" } },
      { id: "call_fresh", name: "now", arguments: {} }
    ])
  })
  it("two calls that share an index but not an id stay two calls (Ollama's and Grok's OpenAI-compatible streams label every call index 0)", () => {
    const exit = run([
      { type: "tool-call-delta", index: 0, id: "call_a", name: "read_file", argumentsDelta: "" },
      { type: "tool-call-delta", index: 0, argumentsDelta: "{\"path\":\"a\"}" },
      { type: "tool-call-delta", index: 0, id: "call_b", name: "read_file", argumentsDelta: "{\"path\":" },
      { type: "tool-call-delta", index: 0, id: "call_b", argumentsDelta: "\"b\"}" },
      finish
    ])
    expect(Exit.isSuccess(exit) && exit.value.toolCalls).toEqual([
      { id: "call_a", name: "read_file", arguments: { path: "a" } },
      { id: "call_b", name: "read_file", arguments: { path: "b" } }
    ])
  })
  it("arguments that are not a JSON object fail MalformedResponse with the text; a call the adapter emitted whole is kept once", () => {
    const bad = run([{ type: "tool-call-delta", index: 0, id: "c", name: "f", argumentsDelta: "{\"a\": 1" }, finish])
    expect(Exit.isFailure(bad)).toBe(true)
    if (Exit.isFailure(bad)) {
      const reason = bad.cause.reasons[0]
      const error = reason && "error" in reason ? reason.error : undefined
      expect(isProviderError(error) && error.reason._tag === "MalformedResponse" && error.reason.text).toBe("{\"a\": 1")
    }
    const whole = run([
      { type: "tool-call-delta", index: 0, id: "c", name: "f", argumentsDelta: "{}" },
      { type: "tool-call", id: "c", name: "f", arguments: {} },
      finish
    ])
    expect(Exit.isSuccess(whole) && whole.value.toolCalls?.length).toBe(1)
  })
})
