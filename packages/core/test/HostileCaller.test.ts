// The adversarial caller of the public API, as people outside the project are: the Promise API (`createOrchestrator`
// with `complete`, `stream`, `ensemble`, `delegate`, `dispose`) and the Effect API, called with what JavaScript lets
// anyone pass, and handed providers that misbehave as a hand-written one can. The promises under test: bad input is a
// rejected promise with a typed error (never a synchronous throw, a bare TypeError or a defect) and loses nothing;
// every call ends by its deadline; no unhandled rejection; nothing printed; secrets never in errors.
import { isProviderError, type LanguageModel, type Provider, type ProviderError } from "@orch/provider"
import { scriptedModel, scriptedProvider, type ScriptedModel } from "@orch/testing"
import { inspect } from "node:util"
import { it as effectIt } from "@effect/vitest"
import { Cause, Context, Effect, Exit, Fiber, Layer, Scope, Stream } from "effect"
import { TestClock } from "effect/testing"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { createOrchestrator, getOrchestrator, ModelOrchestrator, type Orchestrator, type OrchestratorOptions } from "../src/index.ts"

const js = (value: unknown) => value as never

// Every unhandled rejection and every line printed while this file runs fails it at the end.
const unhandled: Array<unknown> = []
const onUnhandled = (reason: unknown) => { unhandled.push(reason) }
const printed: Array<ReturnType<typeof vi.spyOn>> = []
beforeAll(() => {
  process.on("unhandledRejection", onUnhandled)
  for (const method of ["log", "error", "warn", "info", "debug", "trace"] as const) printed.push(vi.spyOn(console, method))
})
afterAll(async () => {
  // Let rejections made by the last tests be reported before counting them.
  await new Promise((resolve) => setImmediate(resolve))
  await new Promise((resolve) => setImmediate(resolve))
  process.off("unhandledRejection", onUnhandled)
  const calls = printed.flatMap((spy) => spy.mock.calls)
  for (const spy of printed) spy.mockRestore()
  expect(unhandled.map(String)).toEqual([])
  expect(calls).toEqual([])
})

/** How a call ended: resolved, rejected with a typed error, rejected with anything else, threw at once, or hung. */
type Ending =
  | { readonly kind: "resolved"; readonly value: unknown }
  | { readonly kind: "typed"; readonly error: ProviderError }
  | { readonly kind: "untyped"; readonly error: unknown }
  | { readonly kind: "threw"; readonly error: unknown }
  | { readonly kind: "hung" }

/** A hang fails the test instead of the suite's timeout (a backstop, not a timed assertion: deadlines are far shorter). */
const hangBackstopMs = 15_000

const ending = async (call: () => unknown): Promise<Ending> => {
  let returned: unknown
  try {
    returned = call()
  } catch (error) {
    return { kind: "threw", error }
  }
  let timer: ReturnType<typeof setTimeout> | undefined
  const hung = new Promise<Ending>((resolve) => { timer = setTimeout(() => resolve({ kind: "hung" }), hangBackstopMs) })
  const settled = Promise.resolve(returned).then(
    (value): Ending => ({ kind: "resolved", value }),
    (error: unknown): Ending => (isProviderError(error) ? { kind: "typed", error } : { kind: "untyped", error })
  )
  try {
    return await Promise.race([settled, hung])
  } finally {
    clearTimeout(timer)
  }
}

const describeEnding = (e: Ending): string =>
  e.kind === "typed" ? `typed ${e.error.reason._tag}: ${e.error.message}` : e.kind === "resolved" ? "resolved" : e.kind === "hung" ? "hung" : `${e.kind}: ${String(e.error)}`

/** The call must reject with a typed error of `tag` (and a message matching `pattern`). */
const expectTyped = async (call: () => unknown, tag: string, pattern?: RegExp): Promise<ProviderError> => {
  const e = await ending(call)
  expect(e.kind === "typed" ? e.error.reason._tag : describeEnding(e)).toBe(tag)
  if (e.kind !== "typed") throw new Error("unreachable")
  if (pattern !== undefined) expect(e.error.message).toMatch(pattern)
  return e.error
}

const models: Array<ScriptedModel> = []
const model = (id: string, kind: "local" | "cloud", text = "hello there world"): ScriptedModel => {
  const m = scriptedModel({ id, kind, script: [{ text }] })
  models.push(m)
  return m
}
const calls = () => models.reduce((n, m) => n + m.calls.length, 0)
const baseOptions = (): OrchestratorOptions => ({
  providers: [scriptedProvider("local", "local", [model("local/a", "local"), model("local/b", "local")]), scriptedProvider("cloud", "cloud", [model("cloud/c", "cloud")])],
  deadlineMs: 2_000
})

describe("hostile prompts", () => {
  const orchestrator = createOrchestrator(baseOptions())
  afterAll(() => orchestrator.dispose())
  const lone = "caf\ud800e"
  const cases: ReadonlyArray<readonly [string, unknown, unknown?]> = [
    ["messages containing null", [null]],
    ["messages of numbers", [1, 2, 3]],
    ["an empty list of messages", []],
    ["a message of no role", [{ content: "hi" }]],
    ["a message of an unknown role", [{ role: "wizard", content: "hi" }]],
    ["a message whose content is a number", [{ role: "user", content: 42 }]],
    ["a message whose content is null", [{ role: "user", content: null }]],
    ["a content part of an unknown type", [{ role: "user", content: [{ type: "video", url: "https://x.invalid/v.mp4" }] }]],
    ["a content part that is null", [{ role: "user", content: [null] }]],
    ["a content part that is a string", [{ role: "user", content: ["hi"] }]],
    ["a lone surrogate in the text", lone],
    ["a lone surrogate in a message", [{ role: "user", content: lone }]],
    ["a lone surrogate in a content part", [{ role: "user", content: [{ type: "text", text: lone }] }]],
    ["a lone surrogate in a stop sequence", "hi", { stop: [lone] }],
    ["a lone surrogate in providerOptions", "hi", { providerOptions: { local: { x: lone } } }],
    ["a lone surrogate in a provider option's key", "hi", { providerOptions: { local: { [lone]: 1 } } }],
    ["a lone surrogate in a tool name", "hi", { tools: [{ name: lone, description: "x", parameters: { type: "object" } }] }],
    ["a request object of no prompt", {}],
    ["a request whose messages are a string", { messages: "hi" }],
    ["an empty prompt", ""],
    ["a boolean", true],
    ["a symbol", Symbol("x")],
    ["a function", () => "hi"],
    ["a bigint", 10n],
    ["a Date", new Date(0)],
    ["a Map", new Map([["role", "user"]])],
    ["a typed array", new Uint8Array(4)]
  ]
  for (const [name, input, options] of cases) {
    it(`${name} is a typed InvalidRequest from complete, ensemble and delegate, and a failed stream`, async () => {
      const before = calls()
      await expectTyped(() => orchestrator.complete(js(input), js(options ?? { model: "local/a" })), "InvalidRequest")
      await expectTyped(() => orchestrator.ensemble(js(input), js({ models: ["local/a", "local/b"], ...(options as object) })), "InvalidRequest")
      await expectTyped(() => orchestrator.delegate(js(input), js(options)), "InvalidRequest")
      const stream = orchestrator.stream(js(input), js(options ?? { model: "local/a" }))
      await expectTyped(() => stream.response, "InvalidRequest")
      await expectTyped(async () => { for await (const _ of stream) void _ }, "InvalidRequest")
      expect(calls()).toBe(before)
    })
  }

  it("a huge prompt is answered or refused typed, not a hang or a crash", async () => {
    const e = await ending(() => orchestrator.complete("x".repeat(20_000_000), { model: "local/a" }))
    expect(["resolved", "typed"]).toContain(e.kind)
  })
})

describe("hostile call options", () => {
  const orchestrator = createOrchestrator(baseOptions())
  afterAll(() => orchestrator.dispose())
  const cases: ReadonlyArray<readonly [string, Record<string, unknown>]> = [
    ["maxTokens NaN", { maxTokens: Number.NaN }],
    ["maxTokens Infinity", { maxTokens: Number.POSITIVE_INFINITY }],
    ["maxTokens -1", { maxTokens: -1 }],
    ["maxTokens 0", { maxTokens: 0 }],
    ["maxTokens 1.5", { maxTokens: 1.5 }],
    ["maxTokens '5'", { maxTokens: "5" }],
    ["temperature NaN", { temperature: Number.NaN }],
    ["temperature -1", { temperature: -1 }],
    ["temperature Infinity", { temperature: Number.POSITIVE_INFINITY }],
    ["temperature 'hot'", { temperature: "hot" }],
    ["topP 5", { topP: 5 }],
    ["stop as a number", { stop: 5 }],
    ["stop of null", { stop: [null] }],
    ["deadlineMs -1", { deadlineMs: -1 }],
    ["deadlineMs 0", { deadlineMs: 0 }],
    ["deadlineMs Infinity", { deadlineMs: Number.POSITIVE_INFINITY }],
    ["deadlineMs -Infinity", { deadlineMs: Number.NEGATIVE_INFINITY }],
    ["an unknown strategy", { strategy: "fastest_please" }],
    ["strategy __proto__", { strategy: "__proto__" }],
    ["strategy constructor", { strategy: "constructor" }],
    ["strategy toString", { strategy: "toString" }],
    ["strategy hasOwnProperty", { strategy: "hasOwnProperty" }],
    ["an unknown task type", { taskType: "world_domination" }],
    ["taskType __proto__", { taskType: "__proto__" }],
    ["taskType constructor", { taskType: "constructor" }],
    ["a scope key that is a number", { scopeKey: 7 }],
    ["responseFormat of an unknown type", { responseFormat: { type: "yaml" } }],
    ["tools that are a string", { tools: "all" }],
    ["providerOptions that override the model", { providerOptions: { local: { model: "gpt-5" } } }]
  ]
  for (const [name, options] of cases) {
    it(`${name} is a typed error and calls no model`, async () => {
      const before = calls()
      const error = await expectTyped(() => orchestrator.complete("hi", js(options)), "InvalidRequest")
      expect(error.message.length).toBeLessThan(2_000)
      expect(calls()).toBe(before)
    })
  }

  it("unknown models, task types and strategies are typed for every method", async () => {
    await expectTyped(() => orchestrator.complete("hi", { model: "nope/x" }), "ModelNotFound", /nope\/x/)
    await expectTyped(() => orchestrator.complete("hi", { model: "" }), "ModelNotFound")
    await expectTyped(() => orchestrator.complete("hi", { model: "__proto__" }), "ModelNotFound")
    await expectTyped(() => orchestrator.complete("hi", { models: [""] }), "ModelNotFound")
    await expectTyped(() => orchestrator.delegate("hi", { model: "nope/x" }), "ModelNotFound", /nope\/x/)
    await expectTyped(() => orchestrator.delegate("hi", { models: ["nope/x", "local/a"] }), "ModelNotFound", /nope\/x/)
    await expectTyped(() => orchestrator.delegate("hi", js({ taskType: "world_domination" })), "InvalidRequest", /world_domination/)
    await expectTyped(() => orchestrator.ensemble("hi", { models: ["nope/x", "nope/y"] }), "ModelNotFound", /nope\/x.*nope\/y/)
    await expectTyped(() => orchestrator.ensemble("hi", js({ mode: "mob" })), "InvalidRequest", /mob/)
    await expectTyped(() => orchestrator.ensemble("hi", js({ mode: "__proto__" })), "InvalidRequest")
    await expectTyped(() => orchestrator.ensemble("hi", js({ strategy: "everything" })), "InvalidRequest", /everything/)
    const stream = orchestrator.stream("hi", js({ strategy: "constructor" }))
    await expectTyped(() => stream.response, "InvalidRequest")
  })

  const huge = "x".repeat(5_000_000)
  const names: ReadonlyArray<readonly [string, () => unknown, RegExp]> = [
    ["a model id of 5 MB", () => orchestrator.complete("hi", { model: huge }), /model is 5000000 characters long/],
    ["models of 5 MB ids", () => orchestrator.complete("hi", { models: [huge, `${huge}y`] }), /models\[0\] is 5000000 characters long/],
    ["an ensemble of 5 MB ids", () => orchestrator.ensemble("hi", { models: [huge] }), /models\[0\]/],
    ["a task type of 5 MB", () => orchestrator.delegate("hi", { taskType: huge }), /taskType is 5000000/],
    ["a scope key of 5 MB", () => orchestrator.complete("hi", { model: "local/a", scopeKey: huge }), /scopeKey is 5000000/],
    ["a lone surrogate in the model id", () => orchestrator.complete("hi", { model: "local/\ud800" }), /model holds a lone surrogate/],
    ["a lone surrogate in models", () => orchestrator.complete("hi", { models: ["local/a", "local/\udfff"] }), /models\[1\] holds a lone surrogate/],
    ["a lone surrogate in the task type", () => orchestrator.complete("hi", { taskType: "code\ud800" }), /taskType holds a lone surrogate/],
    ["a lone surrogate in the scope key", () => orchestrator.complete("hi", { model: "local/a", scopeKey: "\ud800" }), /scopeKey holds a lone surrogate/],
    ["an ensemble of no models", () => orchestrator.ensemble("hi", { models: [] }), /models is empty/],
    ["an ensemble naming one model twice", () => orchestrator.ensemble("hi", { models: ["local/a", "local/a"] }), /names "local\/a" twice.*samples/]
  ]
  for (const [name, call, pattern] of names) {
    it(`${name} is a short typed InvalidRequest, with no model called and nothing kept`, async () => {
      const before = calls()
      const records = (await orchestrator.costs.summary()).totals.attempts
      const error = await expectTyped(call, "InvalidRequest", pattern)
      expect(error.message.length).toBeLessThan(2_000)
      expect(calls()).toBe(before)
      expect((await orchestrator.costs.summary()).totals.attempts).toBe(records)
    })
  }

  it("a cascade scorer that returns a rejected promise fails the call typed, and the rejection is not left unhandled", async () => {
    await expectTyped(() => orchestrator.complete("hi", { strategy: "cascade", scorers: [{ name: "async", score: js(() => Promise.reject(new Error("scorer bug"))) }] }), "InvalidRequest", /scorer "async" must return an Effect, not a Promise/)
  })

  it("a key given by mistake as a model id, task type or strategy never shows in the error, its fields or its JSON", async () => {
    const key = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWx1234"
    const calls: ReadonlyArray<() => Promise<unknown>> = [
      () => orchestrator.complete("hi", { model: key }),
      () => orchestrator.complete("hi", { model: `local/${key}` }),
      () => orchestrator.complete("hi", { models: [`local/${key}`, `cloud/${key}`] }),
      () => orchestrator.ensemble("hi", { models: [`local/${key}`, "local/a"] }),
      () => orchestrator.stream("hi", { model: `local/${key}` }).response,
      () => orchestrator.delegate("hi", { taskType: key }),
      () => orchestrator.complete("hi", { strategy: key })
    ]
    for (const call of calls) {
      const e = await ending(call)
      expect(e.kind).toBe("typed")
      if (e.kind !== "typed") continue
      for (const seen of [String(e.error), JSON.stringify(e.error), JSON.stringify(e.error.reason), inspect(e.error, { depth: 10 }), e.error.model ?? "", e.error.provider ?? ""]) {
        expect(seen).not.toContain(key.slice(8, 20))
      }
    }
  })

  const samples: ReadonlyArray<readonly [string, unknown]> = [["NaN", Number.NaN], ["0", 0], ["-1", -1], ["Infinity", Number.POSITIVE_INFINITY], ["2.5", 2.5], ["'3'", "3"], ["1e9", 1e9]]
  for (const [name, value] of samples) {
    it(`ensemble samples ${name} is a typed InvalidRequest`, async () => {
      const before = calls()
      await expectTyped(() => orchestrator.ensemble("hi", js({ models: ["local/a"], samples: value })), "InvalidRequest", /samples/)
      expect(calls()).toBe(before)
    })
  }
})

/** A model whose calls start, signal it, and then wait `firstTokenMs` (on the real clock) before each word. */
const slowModel = (id: string, kind: "local" | "cloud", firstTokenMs: number, perTokenMs = 0) => {
  let started!: () => void
  const firstStart = new Promise<void>((resolve) => { started = resolve })
  const m = scriptedModel({ id, kind, script: () => { started(); return { text: "one two three four", firstTokenMs, perTokenMs } } })
  models.push(m)
  return { model: m, started: firstStart }
}

/** Wait (without a clock) until `done()` holds, turning the event loop; fails after many turns. */
const until = async (done: () => boolean, what: string) => {
  for (let i = 0; i < 10_000 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 1))
  if (!done()) throw new Error(`never happened: ${what}`)
}

describe("signals", () => {
  it("a signal already aborted rejects Cancelled at once and calls no model, for every method", async () => {
    const orchestrator = createOrchestrator(baseOptions())
    const signal = AbortSignal.abort()
    const before = calls()
    await expectTyped(() => orchestrator.complete("hi", { model: "local/a", signal }), "Cancelled")
    await expectTyped(() => orchestrator.delegate("hi", { signal }), "Cancelled")
    await expectTyped(() => orchestrator.ensemble("hi", { models: ["local/a", "local/b"], signal }), "Cancelled")
    const stream = orchestrator.stream("hi", { model: "local/a", signal })
    await expectTyped(() => stream.response, "Cancelled")
    await expectTyped(async () => { for await (const _ of stream) void _ }, "Cancelled")
    expect(calls()).toBe(before)
    await orchestrator.dispose()
  })

  it("an abort mid-call rejects Cancelled and interrupts the model", async () => {
    const slow = slowModel("local/slow", "local", 60_000)
    const orchestrator = createOrchestrator({ providers: [scriptedProvider("local", "local", [slow.model])], deadlineMs: 120_000 })
    const controller = new AbortController()
    const call = orchestrator.complete("hi", { model: "local/slow", signal: controller.signal })
    await slow.started
    controller.abort()
    await expectTyped(() => call, "Cancelled")
    await until(() => slow.model.calls[0]?.outcome === "interrupted", "the model call interrupted")
    await orchestrator.dispose()
  })

  it("an abort mid-stream ends the loop and the response with Cancelled and interrupts the model", async () => {
    const slow = slowModel("local/slow", "local", 0, 60_000)
    const orchestrator = createOrchestrator({ providers: [scriptedProvider("local", "local", [slow.model])], deadlineMs: 120_000 })
    const controller = new AbortController()
    const stream = orchestrator.stream("hi", { model: "local/slow", signal: controller.signal })
    const seen: Array<string> = []
    await expectTyped(async () => {
      for await (const delta of stream) {
        seen.push(delta)
        controller.abort()
      }
    }, "Cancelled")
    expect(seen).toEqual(["one "])
    await expectTyped(() => stream.response, "Cancelled")
    await until(() => slow.model.calls[0]?.outcome === "interrupted", "the model call interrupted")
    await orchestrator.dispose()
  })

  it("a signal whose addEventListener throws is a typed InvalidRequest from every method, and no model is called", async () => {
    const orchestrator = createOrchestrator(baseOptions())
    const signal = new AbortController().signal
    Object.defineProperty(signal, "addEventListener", { value: () => { throw new Error("listener bug") } })
    const before = calls()
    await expectTyped(() => orchestrator.complete("hi", { model: "local/a", signal }), "InvalidRequest", /signal/)
    await expectTyped(() => orchestrator.delegate("hi", { signal }), "InvalidRequest", /signal/)
    await expectTyped(() => orchestrator.ensemble("hi", { models: ["local/a", "local/b"], signal }), "InvalidRequest", /signal/)
    const stream = orchestrator.stream("hi", { model: "local/a", signal })
    await expectTyped(() => stream.response, "InvalidRequest", /signal/)
    expect(calls()).toBe(before)
    await orchestrator.dispose()
  })

  it("one signal shared by many calls leaves no listener behind (no MaxListeners warning)", async () => {
    const warnings: Array<Error> = []
    const onWarning = (w: Error) => warnings.push(w)
    process.on("warning", onWarning)
    const orchestrator = createOrchestrator(baseOptions())
    const controller = new AbortController()
    for (let i = 0; i < 30; i++) {
      await orchestrator.complete("hi", { model: "local/a", signal: controller.signal })
      const stream = orchestrator.stream("hi", { model: "local/a", signal: controller.signal })
      for await (const _ of stream) void _
    }
    await new Promise((resolve) => setImmediate(resolve))
    process.off("warning", onWarning)
    expect(warnings.map(String)).toEqual([])
    await orchestrator.dispose()
  })
})

describe("streams used carelessly", () => {
  it("breaking out of `for await` early interrupts the model, and the response rejects Cancelled", async () => {
    const slow = slowModel("local/slow", "local", 0, 60_000)
    const orchestrator = createOrchestrator({ providers: [scriptedProvider("local", "local", [slow.model])], deadlineMs: 120_000 })
    const stream = orchestrator.stream("hi", { model: "local/slow" })
    for await (const delta of stream) {
      expect(delta).toBe("one ")
      break
    }
    await expectTyped(() => stream.response, "Cancelled")
    await until(() => slow.model.calls[0]?.outcome === "interrupted", "the model call interrupted")
    await orchestrator.dispose()
  })

  it("a stream never iterated still ends: its response settles and dispose returns", async () => {
    const orchestrator = createOrchestrator(baseOptions())
    const stream = orchestrator.stream("hi", { model: "local/a" })
    const e = await ending(() => stream.response)
    expect(e.kind).toBe("resolved")
    // Never iterated, never awaited: dispose must not wait on a reader.
    orchestrator.stream("hi", { model: "local/a" })
    expect((await ending(() => orchestrator.dispose())).kind).toBe("resolved")
  })

  it("two iterators over one stream share its text without losing or repeating a delta", async () => {
    const orchestrator = createOrchestrator(baseOptions())
    const stream = orchestrator.stream("hi", { model: "local/a" })
    const read = async () => { const out: Array<string> = []; for await (const d of stream) out.push(d); return out }
    const [a, b] = await Promise.all([read(), read()])
    expect([...a, ...b].sort().join("|")).toBe(["hello ", "there ", "world"].sort().join("|"))
    await orchestrator.dispose()
  })

  it("next() after the end says done again; after a failure it throws the same typed error again", async () => {
    const orchestrator = createOrchestrator(baseOptions())
    const ok = orchestrator.stream("hi", { model: "local/a" })[Symbol.asyncIterator]()
    while ((await ok.next()).done !== true) { /* drain */ }
    expect(await ok.next()).toEqual({ value: undefined, done: true })
    const bad = orchestrator.stream("hi", { model: "nope/x" })[Symbol.asyncIterator]()
    const first = await ending(() => bad.next())
    const second = await ending(() => bad.next())
    expect(describeEnding(first)).toMatch(/typed ModelNotFound/)
    expect(describeEnding(second)).toBe(describeEnding(first))
    await orchestrator.dispose()
  })

  it("return() ends the iteration: the next next() is done, not an error", async () => {
    const slow = slowModel("local/slow", "local", 0, 60_000)
    const orchestrator = createOrchestrator({ providers: [scriptedProvider("local", "local", [slow.model])], deadlineMs: 120_000 })
    const iterator = orchestrator.stream("hi", { model: "local/slow" })[Symbol.asyncIterator]()
    expect((await iterator.next()).value).toBe("one ")
    await iterator.return?.()
    expect(describeEnding(await ending(() => iterator.next()))).toBe("resolved")
    await orchestrator.dispose()
  })
})

describe("dispose", () => {
  it("calls after dispose reject Cancelled, for every method", async () => {
    const orchestrator = createOrchestrator(baseOptions())
    await orchestrator.complete("hi", { model: "local/a" })
    await orchestrator.dispose()
    await expectTyped(() => orchestrator.complete("hi", { model: "local/a" }), "Cancelled")
    await expectTyped(() => orchestrator.delegate("hi"), "Cancelled")
    await expectTyped(() => orchestrator.ensemble("hi"), "Cancelled")
    await expectTyped(() => orchestrator.providers(), "Cancelled")
    await expectTyped(() => orchestrator.models(), "Cancelled")
    await expectTyped(() => orchestrator.costs.summary(), "Cancelled")
    const stream = orchestrator.stream("hi", { model: "local/a" })
    await expectTyped(() => stream.response, "Cancelled")
    await expectTyped(async () => { for await (const _ of stream) void _ }, "Cancelled")
  })

  it("dispose before the orchestrator was ever built, with a call starting, ends both", async () => {
    const orchestrator = createOrchestrator(baseOptions())
    const call = orchestrator.complete("hi", { model: "local/a" })
    const disposed = orchestrator.dispose()
    expect(["resolved", "typed"]).toContain((await ending(() => call)).kind)
    expect((await ending(() => disposed)).kind).toBe("resolved")
  })

  it("dispose during calls cancels them (Cancelled), interrupts the models and closes the providers", async () => {
    const slow = slowModel("local/slow", "local", 60_000)
    let closed = 0
    const provider: Provider = { ...scriptedProvider("local", "local", [slow.model]), close: Effect.sync(() => { closed++ }) }
    const orchestrator = createOrchestrator({ providers: [provider], deadlineMs: 120_000 })
    // The caller awaits the call's promise (a handler is on it) while it disposes.
    const call = ending(() => orchestrator.complete("hi", { model: "local/slow" }))
    const stream = orchestrator.stream("hi", { model: "local/slow" })
    await slow.started
    await until(() => slow.model.calls.length === 2, "both calls started")
    await orchestrator.dispose()
    expect(describeEnding(await call)).toBe("typed Cancelled: The call was cancelled")
    await expectTyped(() => stream.response, "Cancelled")
    expect(slow.model.calls.map((c) => c.outcome)).toEqual(["interrupted", "interrupted"])
    expect(closed).toBe(1)
  })

  it("a second dispose, made while the first runs, resolves only once the providers are closed", async () => {
    let closed = 0
    let release!: () => void
    const closing = new Promise<void>((resolve) => { release = resolve })
    const provider: Provider = { ...scriptedProvider("local", "local", [model("local/a", "local")]), close: Effect.promise(() => closing).pipe(Effect.andThen(Effect.sync(() => { closed++ }))) }
    const orchestrator = createOrchestrator({ providers: [provider] })
    await orchestrator.complete("hi", { model: "local/a" })
    const first = orchestrator.dispose()
    let secondDone = false
    const second = orchestrator.dispose().then(() => { secondDone = true })
    // The first dispose waits on the providers' close, which waits on `release`: nothing can finish before it.
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve))
    expect(secondDone).toBe(false)
    release()
    await Promise.all([first, second])
    expect(closed).toBe(1)
  })
})

/** A provider over one model `bad/x` whose pieces the test replaces with hostile ones. */
const hostileProvider = (override: Partial<Record<keyof Provider, unknown>>, modelOverride: Partial<Record<keyof LanguageModel, unknown>> = {}): Provider => {
  const inner = model("bad/x", "local")
  const broken = { ...inner, calls: inner.calls, ...modelOverride } as unknown as LanguageModel
  return {
    name: "bad",
    kind: "local",
    isAvailable: Effect.succeed({ available: true }),
    listModels: Effect.succeed([{ id: "bad/x", name: "x", provider: "bad", kind: "local" }]),
    model: () => Effect.succeed(broken),
    ...override
  } as Provider
}

describe("providers that misbehave", () => {
  const cases: ReadonlyArray<readonly [string, Partial<Record<keyof Provider, unknown>>, Partial<Record<keyof LanguageModel, unknown>>?]> = [
    ["model() throws synchronously", { model: () => { throw new Error("provider bug") } }],
    ["model() returns a rejected promise", { model: () => Promise.reject(new Error("provider bug")) }],
    ["model() returns undefined", { model: () => undefined }],
    ["model() returns a string", { model: () => "bad/x" }],
    ["model() succeeds with null", { model: () => Effect.succeed(null) }],
    ["model() dies", { model: () => Effect.die(new Error("provider bug")) }],
    ["model() fails with a plain Error", { model: () => Effect.fail(new Error("provider bug")) }],
    ["model() never settles", { model: () => Effect.never }],
    ["listModels dies", { listModels: Effect.die(new Error("provider bug")) }],
    ["listModels fails with a plain Error", { listModels: Effect.fail(new Error("provider bug")) }],
    ["listModels succeeds with null", { listModels: Effect.succeed(null) }],
    ["listModels lists garbage", { listModels: Effect.succeed([null, 5, { id: 7 }]) }],
    ["listModels never settles", { listModels: Effect.never }],
    ["isAvailable dies", { isAvailable: Effect.die(new Error("provider bug")) }],
    ["isAvailable succeeds with null", { isAvailable: Effect.succeed(null) }],
    ["isAvailable never settles", { isAvailable: Effect.never }],
    ["generate throws synchronously", {}, { generate: () => { throw new Error("model bug") }, stream: () => { throw new Error("model bug") } }],
    ["generate returns a rejected promise", {}, { generate: () => Promise.reject(new Error("model bug")), stream: () => Promise.reject(new Error("model bug")) }],
    ["generate returns undefined", {}, { generate: () => undefined, stream: () => undefined }],
    ["generate succeeds with null", {}, { generate: () => Effect.succeed(null), stream: () => Stream.make(null) }],
    ["generate succeeds with a completion of wrong types", {}, {
      generate: () => Effect.succeed({ text: 5, finishReason: "stop", usage: null, provider: "bad", model: "x", timings: null }),
      stream: () => Stream.make({ type: "text-delta", delta: 5 }, { type: "finish", finishReason: "stop", usage: null, provider: "bad", model: "x", timings: null })
    }],
    ["generate dies", {}, { generate: () => Effect.die(new Error("model bug")), stream: () => Stream.die(new Error("model bug")) }],
    ["generate fails with a plain Error", {}, { generate: () => Effect.fail(new Error("model bug")), stream: () => Stream.fail(new Error("model bug")) }],
    ["generate never settles", {}, { generate: () => Effect.never, stream: () => Stream.never }],
    ["the stream ends without a finish", {}, { generate: () => Effect.never, stream: () => Stream.make({ type: "text-delta", delta: "half" }) }]
  ]
  for (const [name, override, modelOverride] of cases) {
    it(`${name}: every method ends by its deadline with a typed error (or an answer), nothing printed or leaked`, async () => {
      const orchestrator = createOrchestrator({ providers: [hostileProvider(override, modelOverride)], deadlineMs: 300 })
      const endings = [
        await ending(() => orchestrator.complete("hi", { model: "bad/x" })),
        await ending(() => orchestrator.complete("hi")),
        await ending(() => orchestrator.delegate("hi")),
        await ending(() => orchestrator.ensemble("hi", { models: ["bad/x"], samples: 2 })),
        await ending(() => orchestrator.stream("hi", { model: "bad/x" }).response),
        await ending(async () => { for await (const _ of orchestrator.stream("hi")) void _ }),
        await ending(() => orchestrator.providers()),
        await ending(() => orchestrator.models())
      ]
      for (const e of endings) expect(["resolved", "typed"], describeEnding(e)).toContain(e.kind)
      expect((await ending(() => orchestrator.dispose())).kind).toBe("resolved")
    })
  }

  it("a provider bug is Unavailable naming the provider, a wrong shape MalformedResponse: reasons a caller can switch on", async () => {
    const bug = createOrchestrator({ providers: [hostileProvider({ model: () => { throw new TypeError("x is not a function") } })], deadlineMs: 300 })
    const error = await expectTyped(() => bug.complete("hi", { model: "bad/x" }), "Unavailable", /bad broke its contract: model\(\) threw TypeError: x is not a function/)
    expect(error.provider).toBe("bad")
    const shape = createOrchestrator({ providers: [hostileProvider({}, { generate: () => Effect.succeed({ text: 5 }), stream: () => Stream.make({ type: "text-delta", delta: 5 }) })], deadlineMs: 300 })
    await expectTyped(() => shape.complete("hi", { model: "bad/x" }), "MalformedResponse", /text is number/)
    await expectTyped(() => shape.stream("hi", { model: "bad/x" }).response, "MalformedResponse", /delta is number/)
    await bug.dispose()
    await shape.dispose()
  })

  it("a broken local provider loses nothing: AUTO falls over to a healthy cloud model", async () => {
    const cloud = model("cloud/c", "cloud")
    const orchestrator = createOrchestrator({
      providers: [hostileProvider({}, { generate: () => { throw new Error("model bug") }, stream: () => { throw new Error("model bug") } }), scriptedProvider("cloud", "cloud", [cloud])],
      deadlineMs: 2_000
    })
    const response = await orchestrator.complete("hi", { models: ["bad/x", "cloud/c"] })
    expect(response.model).toBe("c")
    expect(response.attempts.map((a) => `${a.provider}/${a.model} ${a.outcome} ${a.error ?? ""}`.trim())).toEqual(["bad/x failure Unavailable", "cloud/c success"])
    const streamed: Array<string> = []
    for await (const delta of orchestrator.stream("hi", { models: ["bad/x", "cloud/c"] })) streamed.push(delta)
    expect(streamed.join("")).toBe("hello there world")
    await orchestrator.dispose()
  })

  it("a key in what a provider threw never reaches the error", async () => {
    const key = "sk-live-9f8e7d6c5b4a39281706abcdef"
    const orchestrator = createOrchestrator({ providers: [hostileProvider({ model: () => { throw new Error(`request failed: Authorization: Bearer ${key}`) } })], deadlineMs: 300 })
    const error = await expectTyped(() => orchestrator.complete("hi", { model: "bad/x" }), "Unavailable")
    expect(JSON.stringify({ message: error.message, reason: error.reason })).not.toContain(key.slice(8, 20))
    await orchestrator.dispose()
  })

  it("options changed after createOrchestrator (a garbage provider pushed, a deadline set to NaN) change nothing", async () => {
    const options = { ...baseOptions(), deadlineMs: 2_000 }
    const orchestrator = createOrchestrator(options)
    ;(options.providers as Array<unknown>).push({ name: "junk" })
    ;(options as { deadlineMs: number }).deadlineMs = Number.NaN
    const response = await orchestrator.complete("hi", { model: "local/a" })
    expect(response.text).toBe("hello there world")
    expect((await orchestrator.providers()).map((p) => p.name)).toEqual(["local", "cloud"])
    await orchestrator.dispose()
  })

  it("a provider whose property getter throws is a typed error from every call, not a throw from createOrchestrator", async () => {
    const provider = { name: "bad", kind: "local", get listModels(): never { throw new Error("getter bug") }, isAvailable: Effect.succeed({ available: true }), model: () => Effect.never }
    let orchestrator: Orchestrator | undefined
    expect(() => { orchestrator = createOrchestrator(js({ providers: [provider] })) }).not.toThrow()
    await expectTyped(() => orchestrator!.complete("hi"), "InvalidRequest", /providers\[0\]/)
    expect((await ending(() => orchestrator!.dispose())).kind).toBe("resolved")
  })

  it("a provider whose close dies, fails or throws still lets dispose resolve", async () => {
    for (const close of [Effect.die(new Error("close bug")), Effect.fail(new Error("close bug")), Effect.sync(() => { throw new Error("close bug") })]) {
      const orchestrator = createOrchestrator({ providers: [{ ...hostileProvider({}), close: close as unknown as Effect.Effect<void> }] })
      await orchestrator.complete("hi", { model: "bad/x" })
      expect(describeEnding(await ending(() => orchestrator.dispose()))).toBe("resolved")
    }
  })
})

describe("the Effect API under hostile input", () => {
  const run = <A>(use: (o: typeof ModelOrchestrator.Service) => Effect.Effect<A, ProviderError>) =>
    Effect.runPromiseExit(Effect.flatMap(ModelOrchestrator, use).pipe(Effect.provide(ModelOrchestrator.layer(baseOptions())), Effect.scoped))
  const typedFailure = async (exit: Exit.Exit<unknown, ProviderError>, tag: string) => {
    expect(exit._tag).toBe("Failure")
    if (exit._tag !== "Failure") return
    const error = Cause.findErrorOption(exit.cause)
    expect(error._tag === "Some" ? error.value.reason._tag : `not a typed failure: ${Cause.pretty(exit.cause)}`).toBe(tag)
  }
  const throwingOptions = { get maxTokens(): number { throw new Error("getter bug") } }
  const cases: ReadonlyArray<readonly [string, (o: typeof ModelOrchestrator.Service) => Effect.Effect<unknown, ProviderError>]> = [
    ["a number as the prompt", (o) => o.complete(js(42))],
    ["null as the prompt", (o) => o.complete(js(null))],
    ["null as the options", (o) => o.complete("hi", js(null))],
    ["options whose getter throws", (o) => o.complete("hi", js(throwingOptions))],
    ["a message whose getter throws", (o) => o.complete(js([{ role: "user", get content(): string { throw new Error("getter bug") } }]))],
    ["a Proxy as the request", (o) => o.complete(js(new Proxy({}, { get: () => { throw new Error("trap bug") }, ownKeys: () => { throw new Error("trap bug") } })))],
    ["a string as models", (o) => o.complete("hi", js({ models: "local/a" }))],
    ["a number as the model", (o) => o.complete("hi", js({ model: 5 }))],
    ["a number as the strategy", (o) => o.complete("hi", js({ strategy: 5 }))],
    ["a number as the task type", (o) => o.complete("hi", js({ taskType: 5 }))],
    ["a string as deadlineMs", (o) => o.complete("hi", js({ deadlineMs: "100" }))],
    ["a number as the requestId", (o) => o.complete("hi", js({ requestId: 5 }))],
    ["scorers that are not scorers", (o) => o.complete("hi", js({ strategy: "cascade", scorers: [null] }))],
    ["a delegate with a throwing getter", (o) => o.delegate("hi", js(throwingOptions))],
    ["an ensemble with a number as the mode", (o) => o.ensemble("hi", js({ mode: 5 }))],
    ["an ensemble with a string as normalize", (o) => o.ensemble("hi", js({ models: ["local/a", "local/b"], normalize: "lower" }))],
    ["an ensemble with a string as the samples", (o) => o.ensemble("hi", js({ models: ["local/a"], samples: "3" }))],
    ["a stream with a throwing getter", (o) => Stream.runDrain(o.stream("hi", js(throwingOptions)))],
    ["a stream with null options", (o) => Stream.runDrain(o.stream("hi", js(null)))]
  ]
  for (const [name, use] of cases) {
    it(`${name} fails with a typed InvalidRequest, not a defect`, async () => {
      const before = calls()
      await typedFailure(await run(use), "InvalidRequest")
      expect(calls()).toBe(before)
    })
  }
})

describe("budgets and orchestrator options of the wrong kind", () => {
  const paid = () => scriptedProvider("openai", "cloud", [model("openai/gpt-4o-mini", "cloud")])
  it("a budget of 0 refuses a paid call before it is made", async () => {
    const orchestrator = createOrchestrator({ providers: [paid()], budgetUsd: 0 })
    const before = calls()
    await expectTyped(() => orchestrator.complete("hi", { model: "openai/gpt-4o-mini" }), "BudgetExceeded")
    expect(calls()).toBe(before)
    await orchestrator.dispose()
  })

  const budgets: ReadonlyArray<readonly [string, unknown]> = [
    ["a NaN limit", [{ name: "b", limitUsd: Number.NaN, period: "total", mode: "hard" }]],
    ["a negative limit", [{ name: "b", limitUsd: -1, period: "total", mode: "hard" }]],
    ["an infinite limit", [{ name: "b", limitUsd: Number.POSITIVE_INFINITY, period: "total", mode: "hard" }]],
    ["a string limit", [{ name: "b", limitUsd: "5", period: "total", mode: "hard" }]],
    ["an unknown period", [{ name: "b", limitUsd: 1, period: "fortnight", mode: "hard" }]],
    ["an unknown mode", [{ name: "b", limitUsd: 1, period: "total", mode: "strict" }]],
    ["a null budget", [null]],
    ["budgets that are a string", "lots"],
    ["budgets that are an object", { b: 1 }]
  ]
  for (const [name, value] of budgets) {
    it(`costs.budgets with ${name} is a typed InvalidRequest from every call`, async () => {
      let orchestrator: Orchestrator | undefined
      expect(() => { orchestrator = createOrchestrator(js({ providers: [paid()], costs: { budgets: value } })) }).not.toThrow()
      const before = calls()
      await expectTyped(() => orchestrator!.complete("hi", { model: "openai/gpt-4o-mini" }), "InvalidRequest")
      expect(calls()).toBe(before)
      expect((await ending(() => orchestrator!.dispose())).kind).toBe("resolved")
    })
  }

  const others: ReadonlyArray<readonly [string, Record<string, unknown>]> = [
    ["routes that are a string", { routes: "fast" }],
    ["routes naming an unknown strategy", { routes: { code_generation: { strategy: "yolo" } } }],
    ["a classifier threshold of NaN", { classifier: { threshold: Number.NaN } }],
    ["prices that are a string", { costs: { prices: "cheap" } }],
    ["defaultMaxOutputTokens of -1", { costs: { defaultMaxOutputTokens: -1 } }],
    ["defaultMaxOutputTokens of NaN", { costs: { defaultMaxOutputTokens: Number.NaN } }],
    ["reservationTtlMs of 0", { costs: { reservationTtlMs: 0 } }],
    ["backlogLimit of -5", { costs: { backlogLimit: -5 } }],
    ["onLog that is a string", { onLog: "console" }],
    ["a negative price", { costs: { prices: { overrides: { "openai/gpt-4o-mini": { _tag: "PerToken", inputPerMillion: -1e6, outputPerMillion: -1e6, currency: "USD", source: "x", readOn: "" } } } } }],
    ["a NaN price", { costs: { prices: { overrides: { "openai/gpt-4o-mini": { _tag: "PerToken", inputPerMillion: Number.NaN, outputPerMillion: 1, currency: "USD", source: "x", readOn: "" } } } } }],
    ["a price that is a string", { costs: { prices: { overrides: { "openai/gpt-4o-mini": "cheap" } } } }],
    ["an hourly price of Infinity", { costs: { prices: { overrides: { ollama: { _tag: "PerHour", usdPerHour: Number.POSITIVE_INFINITY, worstCaseSeconds: 60, currency: "USD", source: "x", readOn: "" } } } } }],
    ["price overrides that are a string", { costs: { prices: { overrides: "x" } } }],
    ["price files that are paths", { costs: { prices: { files: ["/etc/prices.json"] } } }],
    ["a price table whose lookup is a number", { costs: { prices: { lookup: 5 } } }],
    ["a budget scope that is a string", { costs: { budgets: [{ name: "b", limitUsd: 1, period: "total", mode: "hard", scope: "tenant-a" }] } }],
    ["a budget scope key that is a number", { costs: { budgets: [{ name: "b", limitUsd: 1, period: "total", mode: "hard", scope: { key: 5 } }] } }],
    ["a budget scope of a misspelt key", { costs: { budgets: [{ name: "b", limitUsd: 1, period: "total", mode: "hard", scope: { tenant: "a" } }] } }],
    ["a scope key with a lone surrogate", { scopeKey: "tenant\ud800" }],
    ["providers that is a Proxy", { providers: new Proxy([], { get: () => { throw new Error("trap bug") } }) }],
    ["a ledger whose getter throws", { ledger: { get type(): string { throw new Error("getter bug") } } }]
  ]
  for (const [name, extra] of others) {
    it(`${name} is a typed InvalidRequest from every call, not a throw or a defect`, async () => {
      let orchestrator: Orchestrator | undefined
      expect(() => { orchestrator = createOrchestrator(js({ providers: [paid()], ...extra })) }).not.toThrow()
      await expectTyped(() => orchestrator!.complete("hi", { model: "openai/gpt-4o-mini" }), "InvalidRequest")
      expect((await ending(() => orchestrator!.dispose())).kind).toBe("resolved")
    })
  }
})

describe("every call ends by its deadline, whatever the strategy (TestClock)", () => {
  // Models that never give a first token: only the call's deadline can end the call. The first-token limit of
  // LOCAL_FIRST (10 s by default) is far longer than the deadline, and must not outlast it.
  const never = (id: string, kind: "local" | "cloud") => scriptedModel({ id, kind, script: [{ text: "late", firstTokenMs: 3_600_000 }] })
  const deadlineMs = 300
  const layer = () => ModelOrchestrator.layer({ providers: [scriptedProvider("local", "local", [never("local/x", "local")]), scriptedProvider("cloud", "cloud", [never("cloud/y", "cloud")])], deadlineMs })
  const methods: ReadonlyArray<readonly [string, (o: typeof ModelOrchestrator.Service) => Effect.Effect<unknown, ProviderError>]> = [
    ...["auto", "local_first", "local_only", "cloud_first", "cloud_only", "cascade", "parallel", "ensemble"].flatMap((strategy) => [
      [`complete ${strategy}`, (o: typeof ModelOrchestrator.Service) => o.complete("Tell me a story", { strategy })] as const,
      [`stream ${strategy}`, (o: typeof ModelOrchestrator.Service) => Stream.runDrain(o.stream("Tell me a story", { strategy }))] as const
    ]),
    ["delegate", (o) => o.delegate("Tell me a story")],
    ["ensemble vote", (o) => o.ensemble("Tell me a story", { models: ["local/x", "cloud/y"] })],
    ["ensemble chain", (o) => o.ensemble("Tell me a story", { mode: "chain" })],
    ["ensemble parallel", (o) => o.ensemble("Tell me a story", { mode: "parallel" })]
  ]
  for (const [name, use] of methods) {
    effectIt.effect(`${name} has failed with a Timeout when the deadline passes, not later`, () =>
      Effect.gen(function*() {
        const orchestrator = yield* ModelOrchestrator
        const fiber = yield* Effect.forkChild(Effect.result(use(orchestrator)))
        yield* TestClock.adjust(deadlineMs)
        const ended = fiber.pollUnsafe()
        expect(ended, "still running at the deadline").toBeDefined()
        const result = yield* Fiber.join(fiber)
        expect(result._tag).toBe("Failure")
        if (result._tag === "Failure") {
          const reasons = result.failure.reason._tag === "AllAttemptsFailed" ? result.failure.reason.errors.map((e) => e.reason._tag) : [result.failure.reason._tag]
          expect(reasons.every((tag) => tag === "Timeout"), result.failure.message).toBe(true)
        }
      }).pipe(Effect.provide(layer())))
  }
})

describe("shutting down past a provider that never closes (TestClock)", () => {
  const closes: ReadonlyArray<readonly [string, Effect.Effect<void>]> = [["never closes", Effect.never], ["never closes and cannot be interrupted", Effect.uninterruptible(Effect.never)]]
  for (const [name, close] of closes) {
    effectIt.effect(`providers that ${name} hold the orchestrator's shutdown for at most its deadline, not one deadline each`, () =>
      Effect.gen(function*() {
        const provider: Provider = { ...scriptedProvider("local", "local", [model("local/a", "local")]), close }
        const second: Provider = { ...scriptedProvider("cloud", "cloud", [model("cloud/b", "cloud")]), close }
        const scope = yield* Scope.make()
        const orchestrator = yield* Layer.buildWithScope(ModelOrchestrator.layer({ providers: [provider, second], deadlineMs: 1_000 }), scope)
        const answer = yield* Context.get(orchestrator, ModelOrchestrator).complete("hi", { model: "local/a" })
        expect(answer.text).toBe("hello there world")
        const closing = yield* Effect.forkChild(Scope.close(scope, Exit.void))
        yield* TestClock.adjust(999)
        expect(closing.pollUnsafe(), "closed before the limit").toBeUndefined()
        yield* TestClock.adjust(1)
        expect(closing.pollUnsafe(), "still closing at the limit").toBeDefined()
      }))
  }
})

describe("the Effect API's service kept past its layer's scope", () => {
  it("fails every call Cancelled at once, calling no model", async () => {
    const scope = Effect.runSync(Scope.make())
    const context = await Effect.runPromise(Layer.buildWithScope(ModelOrchestrator.layer(baseOptions()), scope))
    const orchestrator = Context.get(context, ModelOrchestrator)
    expect((await Effect.runPromise(orchestrator.complete("hi", { model: "local/a" }))).text).toBe("hello there world")
    await Effect.runPromise(Scope.close(scope, Exit.void))
    const before = calls()
    for (const call of [
      orchestrator.complete("hi", { model: "local/a" }), orchestrator.complete("hi"), orchestrator.delegate("hi"),
      orchestrator.ensemble("hi", { models: ["local/a", "local/b"] }), Stream.runDrain(orchestrator.stream("hi", { model: "local/a" }))
    ]) {
      const exit = await Effect.runPromiseExit(call as Effect.Effect<unknown, ProviderError>)
      const error = exit._tag === "Failure" ? Cause.findErrorOption(exit.cause) : undefined
      expect(error?._tag === "Some" ? `${error.value.reason._tag}: ${error.value.message}` : "not a typed failure").toBe("Cancelled: The orchestrator is closed (its layer's scope ended, or it was disposed)")
    }
    expect(calls()).toBe(before)
  })
})

describe("getOrchestrator under hostile options", () => {
  it("options that are not an object, or a provider whose probe throws, reject with a typed InvalidRequest", async () => {
    await expectTyped(() => getOrchestrator(js(null)), "InvalidRequest", /takes an object of options/)
    await expectTyped(() => getOrchestrator(js({ env: {}, strategy: 5 })), "InvalidRequest")
    const dying: Provider = { ...scriptedProvider("x", "cloud", []), isAvailable: Effect.die(new Error("probe bug")) }
    await expectTyped(() => getOrchestrator({ env: { ORCH_STRATEGY: "cloud_only" }, extraProviders: [dying] }), "InvalidRequest", /probe bug/)
  })

  it("prints nothing: its log lines go to onLog", async () => {
    const lines: Array<string> = []
    const closeFails: Provider = { ...scriptedProvider("local", "local", [model("local/a", "local")]), close: Effect.fail(new Error("close bug")) as unknown as Effect.Effect<void> }
    const orchestrator = await getOrchestrator({ env: {}, extraProviders: [closeFails], onLog: (entry) => lines.push(entry.message) })
    await orchestrator.complete("hi", { model: "local/a" })
    await orchestrator.dispose()
    expect(lines.some((line) => line.includes("close bug"))).toBe(true)
    const silent = await getOrchestrator({ env: {}, extraProviders: [closeFails] })
    await silent.complete("hi", { model: "local/a" })
    await silent.dispose()
    // The file's console spies fail it at the end if anything was printed.
  })
})
