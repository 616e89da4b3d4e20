import { describe, expect, it } from "@effect/vitest"
import { Effect, Result, Stream, Tracer } from "effect"
import {
  type CallBound,
  collectStream,
  type Completion,
  makeLanguageModel,
  makeThinkSplitter,
  providerError,
  type CompletionRequest,
  type ProviderError,
  type StreamPart,
  type WireEvent,
  type WireModel
} from "../src/index.ts"

const wire = (events: ReadonlyArray<WireEvent>, failure?: ProviderError, extra: Partial<WireModel> = {}) => {
  const sent: Array<CompletionRequest> = []
  const model = makeLanguageModel({
    provider: "fake",
    name: "m",
    kind: "local",
    spanPrefix: "FakeLanguageModel",
    stream: (request) => {
      sent.push(request)
      const body = Stream.fromIterable(events)
      return failure === undefined ? body : Stream.concat(body, Stream.fail(failure))
    },
    ...extra
  })
  return { model, sent }
}

const run = <A>(effect: Effect.Effect<A, ProviderError>) => Effect.runPromise(Effect.result(effect))
const failure = <A>(result: Result.Result<A, ProviderError>): ProviderError => {
  if (Result.isSuccess(result)) throw new Error(`expected a failure, got ${JSON.stringify(result.success)}`)
  return result.failure
}
const success = <A>(result: Result.Result<A, ProviderError>): A => {
  if (Result.isFailure(result)) throw new Error(`expected success, got ${result.failure.toString()}`)
  return result.success
}
const overloaded = providerError({ _tag: "Overloaded" }, "Overloaded", { provider: "fake", model: "m" })

describe("makeLanguageModel", () => {
  it("assembles text, reasoning and the finish, estimating usage the service did not report", async () => {
    const { model } = wire([{ _tag: "start", model: "m-1" }, { _tag: "reasoning", text: "hmm" }, { _tag: "text", text: "Hi" }, { _tag: "text", text: " there" }, { _tag: "finish", finishReason: "stop" }])
    const completion = success(await run(model.generate({ prompt: "say hi please" })))
    expect(completion).toMatchObject({ text: "Hi there", reasoning: "hmm", finishReason: "stop", model: "m-1", provider: "fake" })
    expect(completion.usage.estimated).toBe(true)
    expect(completion.usage.inputTokens).toBeGreaterThan(0)
  })

  it("distrusts reported usage that is negative, fractional or not a number", async () => {
    const { model } = wire([{ _tag: "text", text: "ok" }, { _tag: "finish", finishReason: "stop", usage: { inputTokens: -5, outputTokens: 1.5 } }])
    const completion = success(await run(model.generate({ prompt: "x" })))
    expect(completion.usage.estimated).toBe(true)
    expect(completion.usage.inputTokens).toBeGreaterThanOrEqual(0)
  })

  it("an in-band error before any text keeps its reason; after text it is StreamInterrupted with the text", async () => {
    const before = failure(await run(collectStream(wire([{ _tag: "start" }], overloaded).model.stream({ prompt: "x" }))))
    expect(before.reason._tag).toBe("Overloaded")
    const after = failure(await run(collectStream(wire([{ _tag: "text", text: "partial" }], overloaded).model.stream({ prompt: "x" }))))
    expect(after.reason).toMatchObject({ _tag: "StreamInterrupted", partialText: "partial", upstreamType: "Overloaded" })
  })

  it("fails a second message start inside one answer, before and after text", async () => {
    const early = failure(await run(wire([{ _tag: "start" }, { _tag: "start" }, { _tag: "text", text: "a" }, { _tag: "finish", finishReason: "stop" }]).model.generate({ prompt: "x" })))
    expect(early.reason._tag).toBe("MalformedResponse")
    const late = failure(await run(wire([{ _tag: "start" }, { _tag: "text", text: "a" }, { _tag: "start" }, { _tag: "text", text: "b" }, { _tag: "finish", finishReason: "stop" }]).model.generate({ prompt: "x" })))
    expect(late.reason).toMatchObject({ _tag: "StreamInterrupted", partialText: "a" })
  })

  it("a refusal is a content-filter finish with the refusal's text", async () => {
    const { model } = wire([{ _tag: "refusal", text: "I can't help with that." }, { _tag: "finish", finishReason: "stop" }])
    const completion = success(await run(model.generate({ prompt: "x" })))
    expect(completion).toMatchObject({ text: "I can't help with that.", finishReason: "content-filter" })
  })

  it("carries log-probabilities: the mean always, per token when asked", async () => {
    const events: ReadonlyArray<WireEvent> = [
      { _tag: "text", text: "a" }, { _tag: "logprobs", values: [{ token: "a", logprob: -1 }] },
      { _tag: "text", text: "b" }, { _tag: "logprobs", values: [{ token: "b", logprob: -3 }] },
      { _tag: "finish", finishReason: "stop" }
    ]
    const parts = success(await run(Stream.runCollect(wire(events).model.stream({ prompt: "x" }))))
    const finish = parts[parts.length - 1] as Extract<StreamPart, { type: "finish" }>
    expect(finish.meanLogprob).toBe(-2)
    expect(finish.logprobs).toBeUndefined()
    const asked = success(await run(wire(events).model.generate({ prompt: "x", logprobs: true })))
    expect(asked.meanLogprob).toBe(-2)
    expect(asked.logprobs).toEqual([{ token: "a", logprob: -1 }, { token: "b", logprob: -3 }])
  })

  it("refuses a request that cannot fit a known context window before sending it", async () => {
    const { model, sent } = wire([{ _tag: "finish", finishReason: "stop" }], undefined, { contextWindow: () => 100 })
    const error = failure(await run(model.generate({ prompt: "word ".repeat(200) })))
    expect(error.reason).toEqual({ _tag: "ContextLengthExceeded", limit: 100 })
    expect(sent).toHaveLength(0)
    const maxed = failure(await run(model.generate({ prompt: "hi", maxTokens: 101 })))
    expect(maxed.reason._tag).toBe("ContextLengthExceeded")
    success(await run(model.generate({ prompt: "hi", maxTokens: 50 })))
    expect(sent).toHaveLength(1)
  })

  it("an answer without its terminator is StreamInterrupted with the text so far", async () => {
    const error = failure(await run(wire([{ _tag: "text", text: "cut" }]).model.generate({ prompt: "x" })))
    expect(error.reason).toMatchObject({ _tag: "StreamInterrupted", partialText: "cut" })
  })

  it("validates once and names the model in InvalidRequest", async () => {
    const { model, sent } = wire([{ _tag: "finish", finishReason: "stop" }])
    const error = failure(await run(model.generate({ prompt: "  " })))
    expect(error).toMatchObject({ provider: "fake", model: "m" })
    expect(error.reason._tag).toBe("InvalidRequest")
    expect(sent).toHaveLength(0)
  })
})

describe("<think> at the start of an answer", () => {
  const answer = "  <think>Let me think.\nOK</think>\n\nThe answer is <think>4</think>."
  const cut = (text: string, seed: number): ReadonlyArray<string> => {
    const pieces: Array<string> = []
    let state = seed
    let at = 0
    while (at < text.length) {
      state = (state * 1103515245 + 12345) % 2147483648
      const size = 1 + (state % 5)
      pieces.push(text.slice(at, at + size))
      at += size
    }
    return pieces
  }

  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`is reasoning, the rest is text, wherever the deltas are cut (seed ${seed})`, async () => {
      const events: Array<WireEvent> = cut(answer, seed).map((text) => ({ _tag: "text", text }))
      const completion = success(await run(wire([...events, { _tag: "finish", finishReason: "stop" }]).model.generate({ prompt: "x" })))
      expect(completion.reasoning).toBe("Let me think.\nOK")
      expect(completion.text).toBe("The answer is <think>4</think>.")
    })
  }

  it("can be turned off", async () => {
    const completion = success(await run(wire([{ _tag: "text", text: "<think>x</think>y" }, { _tag: "finish", finishReason: "stop" }], undefined, { thinkTags: false }).model.generate({ prompt: "x" })))
    expect(completion.text).toBe("<think>x</think>y")
  })

  it("text that only starts like a tag stays text", () => {
    const splitter = makeThinkSplitter()
    expect([...splitter.push("<thi"), ...splitter.push("s is text"), ...splitter.end()]).toEqual([{ kind: "text", text: "<this is text" }])
    const short = makeThinkSplitter()
    expect([...short.push("<th"), ...short.end()]).toEqual([{ kind: "text", text: "<th" }])
  })
})

describe("a one-shot generate is assembled like a stream", () => {
  const scripts: ReadonlyArray<{ readonly name: string; readonly events: ReadonlyArray<WireEvent> }> = [
    { name: "text, reasoning, logprobs and reported usage", events: [{ _tag: "metadata", model: "m-2", responseId: "r-1" }, { _tag: "reasoning", text: "hmm" }, { _tag: "text", text: "<think>x</think>Hi" }, { _tag: "logprobs", values: [{ token: "Hi", logprob: -0.5 }] }, { _tag: "finish", finishReason: "stop", usage: { inputTokens: 3, outputTokens: 1 } }] },
    { name: "a complete tool call", events: [{ _tag: "tool-call", name: "lookup", arguments: { q: "x" } }, { _tag: "finish", finishReason: "stop" }] },
    { name: "streamed tool-call pieces", events: [{ _tag: "tool-call-delta", index: 0, id: "c1", name: "lookup", argumentsDelta: "{\"q\":" }, { _tag: "tool-call-delta", index: 0, argumentsDelta: "\"x\"}" }, { _tag: "finish", finishReason: "tool-calls" }] },
    { name: "a malformed tool call after text", events: [{ _tag: "text", text: "calling" }, { _tag: "tool-call-delta", index: 0, name: "lookup", argumentsDelta: "{\"q\":" }, { _tag: "finish", finishReason: "tool-calls" }] },
    { name: "a second message start after text", events: [{ _tag: "start" }, { _tag: "text", text: "a" }, { _tag: "start" }, { _tag: "finish", finishReason: "stop" }] },
    { name: "a refusal", events: [{ _tag: "refusal", text: "No." }, { _tag: "finish", finishReason: "stop" }] },
    { name: "no terminator", events: [{ _tag: "text", text: "cut" }] }
  ]
  for (const script of scripts) {
    it(`gives what the streamed path gives: ${script.name}`, async () => {
      const streamed = await run(wire(script.events).model.generate({ prompt: "x", logprobs: true }))
      const oneShot = await run(wire([], undefined, { generate: () => Effect.succeed(script.events) }).model.generate({ prompt: "x", logprobs: true }))
      // A backend that reads its answer in its own callback hands the events over there.
      const reading = await run(wire([], undefined, { generateWith: (_request, read) => Effect.suspend(() => Effect.fromResult(read(script.events))) }).model.generate({ prompt: "x", logprobs: true }))
      // A call the service sent without an id gets a fresh one on each path: ids are compared by their shape.
      const comparable = (result: Result.Result<unknown, ProviderError>) => {
        if (Result.isFailure(result)) return { error: result.failure.reason, message: result.failure.message }
        const completion = result.success as Completion
        return { ...completion, timings: undefined, ...(completion.toolCalls !== undefined ? { toolCalls: completion.toolCalls.map((call) => ({ ...call, id: call.id.startsWith("call_") ? "call_" : call.id })) } : {}) }
      }
      expect(comparable(oneShot)).toEqual(comparable(streamed))
      expect(comparable(reading)).toEqual(comparable(streamed))
    })
  }

  it("a call sent without an id, in an answer without one, gets a fresh id each answer (the next turn's history stays unambiguous)", async () => {
    const events: ReadonlyArray<WireEvent> = [{ _tag: "tool-call", name: "lookup", arguments: { q: "x" } }, { _tag: "finish", finishReason: "tool-calls" }]
    const { model } = wire([], undefined, { generate: () => Effect.succeed(events) })
    const ids = await Promise.all([1, 2].map(async () => (success(await run(model.generate({ prompt: "x" }))).toolCalls ?? []).map((call) => call.id)))
    expect(ids[0]).toHaveLength(1)
    expect(ids[0]![0]).toMatch(/^call_[a-zA-Z0-9]+$/)
    expect(ids[1]).not.toEqual(ids[0])
  })

  it("a failure of the call keeps its reason, and the request is validated first", async () => {
    let calls = 0
    const { model } = wire([], undefined, { generate: () => Effect.sync(() => calls++).pipe(Effect.andThen(Effect.fail(overloaded))) })
    expect(failure(await run(model.generate({ prompt: "x" }))).reason._tag).toBe("Overloaded")
    expect(failure(await run(model.generate({ prompt: " " }))).reason._tag).toBe("InvalidRequest")
    expect(calls).toBe(1)
  })

  it("generateWith is used instead of generate, and its own failure keeps its reason", async () => {
    let generated = 0
    const { model } = wire([], undefined, {
      generate: () => Effect.sync(() => generated++).pipe(Effect.andThen(Effect.succeed([]))),
      generateWith: () => Effect.fail(overloaded)
    })
    expect(failure(await run(model.generate({ prompt: "x" }))).reason._tag).toBe("Overloaded")
    expect(generated).toBe(0)
  })

  it("a model made with generateWith offers generateBounded and hands the bound to the backend; one without does not", async () => {
    const seen: Array<CallBound | undefined> = []
    const { model } = wire([], undefined, {
      generateWith: (_request, read, bound) => Effect.suspend(() => {
        seen.push(bound)
        return Effect.fromResult(read([{ _tag: "text", text: "ok" }, { _tag: "finish", finishReason: "stop" }]))
      })
    })
    const bound: CallBound = { atMs: 123, error: () => overloaded }
    expect(success(await run(model.generate({ prompt: "x" }))).text).toBe("ok")
    expect(success(await run(model.generateBounded!({ prompt: "x" }, bound))).text).toBe("ok")
    expect(seen).toEqual([undefined, bound])
    expect(failure(await run(model.generateBounded!({ prompt: " " }, bound))).reason._tag).toBe("InvalidRequest")
    expect(seen).toHaveLength(2)
    expect(wire([], undefined, { generate: () => Effect.succeed([]) }).model.generateBounded).toBeUndefined()
    expect(wire([]).model.generateBounded).toBeUndefined()
  })

  it("a model made with streamBounded offers it, validates first and assembles the bounded stream's events; one without does not", async () => {
    const seen: Array<CallBound | undefined> = []
    const events: ReadonlyArray<WireEvent> = [{ _tag: "text", text: "ok" }, { _tag: "finish", finishReason: "stop" }]
    const { model } = wire(events, undefined, {
      streamBounded: (_request, bound) => {
        seen.push(bound)
        return Stream.fromIterable(events)
      }
    })
    const bound: CallBound = { atMs: 123, error: () => overloaded }
    expect(success(await run(collectStream(model.streamBounded!({ prompt: "x" }, bound)))).text).toBe("ok")
    expect(success(await run(collectStream(model.stream({ prompt: "x" })))).text).toBe("ok")
    expect(seen).toEqual([bound])
    expect(failure(await run(collectStream(model.streamBounded!({ prompt: " " }, bound)))).reason._tag).toBe("InvalidRequest")
    expect(seen).toHaveLength(1)
    expect(wire([]).model.streamBounded).toBeUndefined()
  })
})

describe("spans", () => {
  it("are named after the backend when a tracer is installed", async () => {
    const names: Array<string> = []
    const tracer = Tracer.make({ span: (options) => { names.push(options.name); return Tracer.nativeTracer.span(options) } })
    const { model } = wire([{ _tag: "text", text: "hi" }, { _tag: "finish", finishReason: "stop" }])
    success(await run(model.generate({ prompt: "x" }).pipe(Effect.withTracer(tracer))))
    success(await run(collectStream(model.stream({ prompt: "x" })).pipe(Effect.withTracer(tracer))))
    expect(names).toContain("FakeLanguageModel.generate")
    expect(names).toContain("FakeLanguageModel.stream")
  })
})
