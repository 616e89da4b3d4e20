import { assert, describe, it } from "@effect/vitest"
import { collectStream, type CompletionRequest } from "@orch/provider"
import { scriptedModel } from "@orch/testing"
import { Effect, Fiber, Stream } from "effect"
import { TestClock } from "effect/testing"
import { answerKey, cascade, fallback, jsonMatchesSchema, race, toolArgumentsMatchParameters, vote } from "../src/index.ts"

const weather = {
  name: "get_weather",
  parameters: { type: "object", properties: { city: { type: "string" }, unit: { enum: ["C", "F"] } }, required: ["city"], additionalProperties: false }
}
const toolRequest: CompletionRequest = { prompt: "Weather in Oslo?", tools: [weather] }
const jsonRequest: CompletionRequest = {
  prompt: "Give me n",
  responseFormat: { type: "json", schema: { type: "object", properties: { n: { type: "integer" } }, required: ["n"] } }
}
const callOslo = (id: string, args: Record<string, unknown> = { city: "Oslo", unit: "C" }) => ({ id, name: "get_weather", arguments: args })

describe("tool calls and structured answers through the strategies", () => {
  it.effect("vote compares tool calls by name and canonical arguments, ignoring ids and key order", () =>
    Effect.gen(function*() {
      const a = scriptedModel({ id: "local/a", script: [{ toolCalls: [callOslo("call_1", { city: "Oslo", unit: "C" })] }] })
      const b = scriptedModel({ id: "local/b", script: [{ toolCalls: [callOslo("toolu_9", { unit: "C", city: "Oslo" })] }] })
      const c = scriptedModel({ id: "cloud/c", script: [{ toolCalls: [callOslo("x", { city: "Bergen" })] }] })
      const result = yield* vote([a, b, c], { quorum: 3 }).run(toolRequest)
      assert.strictEqual(result.votes, 2)
      assert.strictEqual(result.key, `tool-calls: get_weather({"city":"Oslo","unit":"C"})`)
      assert.deepStrictEqual(result.completion.toolCalls?.[0]?.arguments, { city: "Oslo", unit: "C" })
      assert.strictEqual(result.completion.finishReason, "tool-calls")
    }))

  it.effect("vote compares structured answers by parsed value, not by spelling", () =>
    Effect.gen(function*() {
      const a = scriptedModel({ id: "local/a", script: [{ text: `{"n": 4, "why": "sum"}` }] })
      const b = scriptedModel({ id: "local/b", script: [{ text: `{"why":"sum","n":4}` }] })
      const c = scriptedModel({ id: "local/c", script: [{ text: `{"n": 5}` }] })
      const result = yield* vote([a, b, c], { quorum: 3 }).run(jsonRequest)
      assert.strictEqual(result.votes, 2)
      assert.strictEqual(result.key, `json: {"n":4,"why":"sum"}`)
    }))

  it("answerKey: a text answer keeps its normalised text; several calls in any order are one answer", () => {
    const base = { finishReason: "stop" as const, usage: { inputTokens: 1, outputTokens: 1, estimated: false }, provider: "p", model: "m", timings: { totalMs: 1 } }
    assert.strictEqual(answerKey({ ...base, text: " Four. " }), "four")
    const one = answerKey({ ...base, text: "", toolCalls: [callOslo("1"), callOslo("2", { city: "Rome" })] })
    const two = answerKey({ ...base, text: "", toolCalls: [callOslo("9", { city: "Rome" }), callOslo("8")] })
    assert.strictEqual(one, two)
  })

  it.effect("cascade escalates when the JSON does not match its schema, and says where", () =>
    Effect.gen(function*() {
      const cheap = scriptedModel({ id: "local/cheap", script: [{ text: `{"n": "four"}` }] })
      const strong = scriptedModel({ id: "cloud/strong", script: [{ text: `{"n": 4}` }] })
      const result = yield* cascade([cheap, strong]).run(jsonRequest)
      assert.strictEqual(result.stage, 1)
      assert.strictEqual(result.rejections[0]?.scorer, "json-matches-schema")
      assert.include(result.rejections[0]?.reason ?? "", "$.n: expected integer")
    }))

  it.effect("cascade escalates when a tool call's arguments do not match its parameters, and accepts a good call as an answer", () =>
    Effect.gen(function*() {
      const cheap = scriptedModel({ id: "local/cheap", script: [{ toolCalls: [callOslo("1", { town: "Oslo" })] }] })
      const strong = scriptedModel({ id: "cloud/strong", script: [{ toolCalls: [callOslo("2")] }] })
      const result = yield* cascade([cheap, strong]).run(toolRequest)
      assert.strictEqual(result.stage, 1)
      assert.isTrue(result.accepted)
      assert.strictEqual(result.rejections[0]?.scorer, "tool-arguments-match-parameters")
      assert.include(result.rejections[0]?.reason ?? "", `the property "city" is missing`)
      const direct = yield* cascade([strong], { scorers: [jsonMatchesSchema(), toolArgumentsMatchParameters()] }).run(toolRequest)
      assert.isTrue(direct.accepted)
    }))

  it.effect("cascade's default scorers take a tool-call answer (no text) as an answer, not as empty", () =>
    Effect.gen(function*() {
      const cheap = scriptedModel({ id: "local/cheap", script: [{ toolCalls: [callOslo("1")] }] })
      const strong = scriptedModel({ id: "cloud/strong", script: [{ text: "x" }] })
      const result = yield* cascade([cheap, strong]).run(toolRequest)
      assert.strictEqual(result.stage, 0)
      assert.isTrue(result.accepted)
      assert.strictEqual(strong.calls.length, 0)
    }))

  it.effect("fallback takes a tool-call answer (empty text) as an answer", () =>
    Effect.gen(function*() {
      const first = scriptedModel({ id: "local/a", script: [{ toolCalls: [callOslo("1")] }] })
      const second = scriptedModel({ id: "cloud/b", script: [{ text: "no tools here" }] })
      const completion = yield* fallback([first, second]).generate(toolRequest)
      assert.deepStrictEqual(completion.toolCalls?.map((c) => c.name), ["get_weather"])
      assert.strictEqual(second.calls.length, 0)
    }))

  it.effect("a streamed race is won by the first complete tool call; the slower text answer is cancelled", () =>
    Effect.gen(function*() {
      const tools = scriptedModel({ id: "local/tools", script: [{ toolCalls: [callOslo("1")], latencyMs: 10 }] })
      const slow = scriptedModel({ id: "cloud/slow", script: [{ text: "it is sunny", firstTokenMs: 100 }] })
      const fiber = yield* Effect.forkChild(collectStream(race([tools, slow]).stream(toolRequest)))
      yield* TestClock.adjust(10)
      const done = yield* Fiber.join(fiber)
      assert.deepStrictEqual(done.toolCalls?.map((c) => c.id), ["1"])
      assert.strictEqual(slow.calls[0]?.outcome, "interrupted")
    }))

  it.effect("vote and cascade stream their tool calls", () =>
    Effect.gen(function*() {
      const a = scriptedModel({ id: "local/a", script: [{ toolCalls: [callOslo("1")] }] })
      const parts = yield* Stream.runCollect(vote([a], { samples: 1 }).stream(toolRequest))
      assert.isTrue(parts.some((p) => p.type === "tool-call"))
    }))
})
