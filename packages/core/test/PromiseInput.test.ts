// Hostile and careless JavaScript callers of the Promise API: every wrong type, a bad signal, throwing getters,
// Proxies, cycles, 130,000 messages, bad cost queries, bad orchestrator options. Each must be a rejected promise with
// a typed InvalidRequest (never a synchronous throw, a bare TypeError or a stack overflow), and no model is called.
import type { Provider } from "@orch/provider"
import { isProviderError } from "@orch/provider"
import { scriptedModel, type ScriptedModel } from "@orch/testing"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { createOrchestrator, type Orchestrator, type OrchestratorOptions } from "../src/index.ts"

const models: Array<ScriptedModel> = []
const providerOf = (kind: "local" | "cloud", ids: ReadonlyArray<string>): Provider => {
  const made = ids.map((id) => scriptedModel({ id, kind, script: [{ text: "hello there world" }] }))
  models.push(...made)
  return {
    name: kind,
    kind,
    isAvailable: Effect.succeed({ available: true }),
    listModels: Effect.succeed(made.map((m) => ({ id: m.id, name: m.name, provider: m.provider, kind }))),
    model: (id) => Effect.succeed(made.find((m) => m.id === id) ?? made[0]!)
  }
}
const options = (): OrchestratorOptions => ({ providers: [providerOf("local", ["local/a", "local/b"]), providerOf("cloud", ["cloud/c"])] })
const callsMade = () => models.reduce((n, m) => n + m.calls.length, 0)

/** Call an entry point as JavaScript would: it must return a promise (no synchronous throw) that rejects typed. */
const expectTypedRejection = async (call: () => unknown, pattern?: RegExp) => {
  let returned: unknown
  expect(() => { returned = call() }).not.toThrow()
  expect(returned).toBeInstanceOf(Promise)
  const error = await (returned as Promise<unknown>).then(() => undefined, (e: unknown) => e)
  expect(isProviderError(error), `not a ProviderError: ${String(error)}`).toBe(true)
  if (!isProviderError(error)) return
  expect(error.reason._tag).toBe("InvalidRequest")
  if (pattern !== undefined) expect(error.message).toMatch(pattern)
}

const throwingGetter = { role: "user", get content(): string { throw new Error("getter bug") } }
const hostileProxy = new Proxy({}, { ownKeys: () => { throw new Error("trap bug") }, get: () => { throw new Error("trap bug") } })
const cyclic: Record<string, unknown> = { a: 1 }
cyclic["self"] = cyclic
const deep = (() => { let v: Record<string, unknown> = {}; for (let i = 0; i < 10_000; i++) v = { v }; return v })()
const manyMessages = Array.from({ length: 130_000 }, () => ({ role: "user" as const, content: "x" }))
const js = (value: unknown) => value as never

describe("hostile callers of the Promise API", () => {
  const orchestrator: Orchestrator = createOrchestrator(options())
  const cases: ReadonlyArray<readonly [string, () => unknown, RegExp?]> = [
    ["a number as the prompt", () => orchestrator.complete(js(42)), /give a prompt/],
    ["null as the prompt", () => orchestrator.complete(js(null))],
    ["null as the options", () => orchestrator.complete("hi", js(null)), /options must be an object/],
    ["a number as the options", () => orchestrator.complete("hi", js(5)), /options must be an object/],
    ["a plain object as the signal", () => orchestrator.complete("hi", js({ signal: {} })), /signal must be an AbortSignal/],
    ["a string as the signal", () => orchestrator.complete("hi", js({ signal: "abort" })), /signal must be an AbortSignal/],
    ["a signal whose getter throws", () => orchestrator.complete("hi", js({ signal: Object.create(AbortSignal.prototype, { aborted: { get: () => { throw new Error("x") } } }) })), /signal/],
    ["a message whose getter throws", () => orchestrator.complete(js([throwingGetter])), /could not be read \(getter bug\)/],
    ["a Proxy whose traps throw as the request", () => orchestrator.complete(js(hostileProxy)), /could not be read/],
    ["a Proxy as the options", () => orchestrator.complete("hi", js(hostileProxy)), /could not be read/],
    ["a cycle in providerOptions", () => orchestrator.complete("hi", js({ providerOptions: { x: cyclic } })), /cycle/],
    ["10,000 levels of nesting", () => orchestrator.complete("hi", js({ providerOptions: { x: deep } })), /nested/],
    ["130,000 messages", () => orchestrator.complete(manyMessages), /at most 100000/],
    ["130,000 messages in a request", () => orchestrator.complete({ messages: manyMessages }), /at most 100000/],
    ["a number as the model", () => orchestrator.complete("hi", js({ model: 5 })), /model must be a string/],
    ["a string as models", () => orchestrator.complete("hi", js({ models: "local/a" })), /models must be an array/],
    ["a number among models", () => orchestrator.complete("hi", js({ models: ["local/a", 7] })), /models\[1\]/],
    ["an object as the strategy", () => orchestrator.complete("hi", js({ strategy: {} })), /strategy must be a string/],
    ["a number as the requestId", () => orchestrator.complete("hi", js({ requestId: 42 })), /requestId must be a string/],
    ["a requestId with a newline", () => orchestrator.complete("hi", js({ requestId: "abc\r\nx-injected: 1" })), /requestId must be 1 to 128/],
    ["an empty requestId", () => orchestrator.complete("hi", js({ requestId: "" })), /requestId must be 1 to 128/],
    ["a string as deadlineMs", () => orchestrator.complete("hi", js({ deadlineMs: "100" })), /deadlineMs must be a number/],
    ["NaN as deadlineMs", () => orchestrator.complete("hi", js({ deadlineMs: Number.NaN })), /deadlineMs/],
    ["a function as maxTokens", () => orchestrator.complete("hi", js({ maxTokens: () => 1 })), /plain data/],
    ["a scorer without score", () => orchestrator.complete("hi", js({ strategy: "cascade", scorers: [{ name: "x" }] })), /scorers\[0\]/],
    ["a string as normalize", () => orchestrator.ensemble("hi", js({ normalize: "lower" })), /normalize must be a function/],
    ["a number as the ensemble mode", () => orchestrator.ensemble("hi", js({ mode: 3 })), /mode must be a string/],
    ["a bad signal to delegate", () => orchestrator.delegate("hi", js({ signal: 1 })), /signal/],
    ["an unknown export format", () => orchestrator.costs.export(js("xml")), /csv.*json/],
    ["a string as the export window", () => orchestrator.costs.export("csv", js("yesterday")), /window/],
    ["a summary grouped by nonsense", () => orchestrator.costs.summary(js({ by: "model" })), /query.by/],
    ["a summary from a string time", () => orchestrator.costs.summary(js({ from: "2025-01-01" })), /query.from/]
  ]
  for (const [name, call, pattern] of cases) {
    it(`${name} is a rejected promise with a typed InvalidRequest`, () => expectTypedRejection(call, pattern))
  }

  it("a stream with bad input returns a stream whose iteration and response reject typed", async () => {
    let stream: ReturnType<Orchestrator["stream"]> | undefined
    expect(() => { stream = orchestrator.stream("hi", js({ signal: "nope" })) }).not.toThrow()
    await expectTypedRejection(() => stream!.response, /signal/)
    await expectTypedRejection(() => stream![Symbol.asyncIterator]().next(), /signal/)
  })

  it("no model was called by any of the bad calls", () => {
    expect(callsMade()).toBe(0)
  })

  it("a getter is read once: what is checked is what is sent", async () => {
    let reads = 0
    const message = { role: "user", get content() { reads++; return reads === 1 ? "a fine prompt" : "\ud800 changed after the check" } }
    const response = await orchestrator.complete([js(message)], { model: "local/a" })
    expect(response.text).toBe("hello there world")
    expect(reads).toBe(1)
  })
})

describe("a Promise-API stream", () => {
  it("answers two concurrent next() calls instead of hanging", async () => {
    const orchestrator = createOrchestrator(options())
    const stream = orchestrator.stream("hello", { model: "local/a" })
    const iterator = stream[Symbol.asyncIterator]()
    const [first, second] = await Promise.all([iterator.next(), iterator.next()])
    const rest: Array<string> = []
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) rest.push(next.value)
    expect([first.value, second.value, ...rest].join("")).toBe("hello there world")
    await stream.response
    await orchestrator.dispose()
  })
})

describe("orchestrator options", () => {
  const bad: ReadonlyArray<readonly [string, unknown, RegExp]> = [
    ["maxModelsPerKind: 0", { maxModelsPerKind: 0 }, /maxModelsPerKind must be a whole number from 1/],
    ["maxModelsPerKind: NaN", { maxModelsPerKind: Number.NaN }, /maxModelsPerKind/],
    ["deadlineMs: NaN", { deadlineMs: Number.NaN }, /deadlineMs must be a positive number/],
    ["deadlineMs: Infinity", { deadlineMs: Number.POSITIVE_INFINITY }, /deadlineMs/],
    ["localFirstTokenMs: -1", { localFirstTokenMs: -1 }, /localFirstTokenMs/],
    ["cloudRetries: 2.5", { cloudRetries: 2.5 }, /cloudRetries/],
    ["budgetUsd: '5'", { budgetUsd: "5" }, /budgetUsd/],
    ["budgetUsd: NaN", { budgetUsd: Number.NaN }, /budgetUsd/],
    ["a ledger of no known type", { ledger: { type: "postgres" } }, /ledger/],
    ["providers that are not providers", { providers: [{}] }, /providers\[0\] is not a provider/]
  ]
  for (const [name, extra, pattern] of bad) {
    it(`${name} makes every call reject with an InvalidRequest naming it`, async () => {
      const orchestrator = createOrchestrator({ ...options(), ...(extra as Partial<OrchestratorOptions>) })
      await expectTypedRejection(() => orchestrator.complete("hi"), pattern)
      await orchestrator.dispose()
    })
  }
  it("options that are not an object are a typed error, not a synchronous throw", async () => {
    let orchestrator: Orchestrator | undefined
    expect(() => { orchestrator = createOrchestrator(js(null)) }).not.toThrow()
    await expectTypedRejection(() => orchestrator!.complete("hi"), /must be an object/)
  })
})

describe("models the caller names", () => {
  it("an unknown id is an error naming it, not a quiet vote of the one model left", async () => {
    const orchestrator = createOrchestrator(options())
    const before = callsMade()
    const error = await orchestrator.ensemble("hi", { models: ["local/a", "local/nope"] }).then(() => undefined, (e: unknown) => e)
    expect(isProviderError(error) && error.reason._tag).toBe("ModelNotFound")
    expect(isProviderError(error) && error.message).toContain("nope")
    const two = await orchestrator.complete("hi", { models: ["local/zzz", "cloud/yyy"] }).then(() => undefined, (e: unknown) => e)
    expect(isProviderError(two) && two.message).toMatch(/local\/zzz.*cloud\/yyy/)
    expect(callsMade()).toBe(before)
    await orchestrator.dispose()
  })
})
