import { assert, describe, it } from "@effect/vitest"
import { collectStream, type CompletionRequest, type LanguageModel, providerError, type StreamPart } from "@orch/provider"
import { scriptedModel } from "@orch/testing"
import { Effect, Exit, Fiber, Stream } from "effect"
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

  it.effect("a complete tool call reaches the caller as text does: it wins a streamed race before its stream finishes", () =>
    Effect.gen(function*() {
      // A model at the service seam whose call is complete at 10 ms but whose stream only finishes at 50 ms.
      const parts: ReadonlyArray<readonly [number, StreamPart]> = [
        [10, { type: "tool-call-delta", index: 0, id: "c1", name: "get_weather", argumentsDelta: "{\"city\":\"Oslo\"}" }],
        [0, { type: "tool-call", id: "c1", name: "get_weather", arguments: { city: "Oslo" } }],
        [40, { type: "finish", finishReason: "tool-calls", usage: { inputTokens: 1, outputTokens: 1, estimated: false }, provider: "local", model: "slow-finish", timings: { totalMs: 50 } }]
      ]
      const slowFinish: LanguageModel = {
        id: "local/slow-finish", provider: "local", name: "slow-finish", kind: "local",
        stream: () => Stream.fromIterable(parts).pipe(Stream.mapEffect(([wait, part]) => Effect.as(Effect.sleep(wait), part))),
        generate: (request) => collectStream(slowFinish.stream(request))
      }
      const text = scriptedModel({ id: "cloud/text", script: [{ text: "sunny", firstTokenMs: 30 }] })
      const fiber = yield* Effect.forkChild(collectStream(race([slowFinish, text]).stream(toolRequest)))
      yield* TestClock.adjust(10)
      assert.strictEqual(text.calls[0]?.outcome, "interrupted")
      yield* TestClock.adjust(40)
      const done = yield* Fiber.join(fiber)
      assert.deepStrictEqual(done.toolCalls?.map((c) => c.name), ["get_weather"])
    }))

  it.effect("a stream continued after text is not continued after a tool call reached the caller (the call would be made twice)", () =>
    Effect.gen(function*() {
      const breaks: LanguageModel = {
        id: "local/breaks", provider: "local", name: "breaks", kind: "local",
        stream: () => Stream.concat(
          Stream.fromIterable<StreamPart>([{ type: "tool-call", id: "c1", name: "get_weather", arguments: { city: "Oslo" } }]),
          Stream.fail(providerError({ _tag: "ServerError", status: 500 }, "broke after the call", { provider: "local", model: "breaks" }))
        ),
        generate: (request) => collectStream(breaks.stream(request))
      }
      const next = scriptedModel({ id: "cloud/next", script: [{ toolCalls: [callOslo("c2")] }] })
      const exit = yield* Effect.exit(Stream.runCollect(fallback([breaks, next], { continueAfterText: true }).stream(toolRequest)))
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) assert.include(String(exit.cause), "StreamInterrupted")
      assert.strictEqual(next.calls.length, 0)
    }))

  it.effect("vote and cascade stream their tool calls", () =>
    Effect.gen(function*() {
      const a = scriptedModel({ id: "local/a", script: [{ toolCalls: [callOslo("1")] }] })
      const parts = yield* Stream.runCollect(vote([a], { samples: 1 }).stream(toolRequest))
      assert.isTrue(parts.some((p) => p.type === "tool-call"))
    }))
})
