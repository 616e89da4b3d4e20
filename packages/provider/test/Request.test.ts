import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Schema } from "effect"
import { CompletionRequestSchema, isProviderError, lastUserText, toMessages, validateRequest } from "../src/index.ts"

const issuesOf = (input: unknown) =>
  Effect.runSync(Effect.exit(validateRequest(input))).pipe((exit) => {
    if (Exit.isSuccess(exit)) return undefined
    const error = exit.cause.reasons[0]
    const failure = error && "error" in error ? error.error : undefined
    if (!isProviderError(failure) || failure.reason._tag !== "InvalidRequest") throw new Error("expected InvalidRequest")
    return failure.reason.issues.join(" | ")
  })

describe("validateRequest", () => {
  it("checks a request once: the checked request again is not read again, a bad one is never remembered", () => {
    let reads = 0
    const request = { get prompt() { reads++; return "hi" } }
    const first = Effect.runSync(validateRequest(request))
    const afterFirst = reads
    expect(afterFirst).toBeGreaterThan(0)
    expect(Effect.runSync(validateRequest(first))).toBe(first)
    expect(reads).toBe(afterFirst)
    expect(Object.getOwnPropertySymbols(request)).toEqual([])
    expect(Object.keys(first)).toEqual(["prompt"])
    const derived = { ...first, maxTokens: -1 }
    expect(issuesOf(derived)).toMatch(/greater than 0/)
    const bad = { prompt: "" }
    expect(issuesOf(bad)).toContain("the prompt is empty")
    expect(issuesOf(bad)).toContain("the prompt is empty")
  })
  it("reads plain requests by hand to the same fields the schema's decode keeps", () => {
    const inputs: ReadonlyArray<Record<string, unknown>> = [
      { prompt: "hi" },
      { prompt: "hi", extra: 1, nested: { a: 1 } },
      { messages: [{ role: "user", content: "hi" }], system: "be brief", maxTokens: 10_000_000, temperature: 2, topP: 0, stop: ["\n", "END"], logprobs: false },
      { prompt: "hi", temperature: 0, topP: 1, maxTokens: 1, tools: [], toolChoice: "auto", responseFormat: { type: "text" } },
      Object.assign(Object.create(null), { prompt: "hi" }) as Record<string, unknown>
    ]
    for (const input of inputs) {
      expect({ ...Effect.runSync(validateRequest(input)) }).toEqual({ ...Schema.decodeUnknownSync(CompletionRequestSchema)(input) })
    }
  })
  it("accepts a prompt, messages, and both", () => {
    expect(issuesOf({ prompt: "hi" })).toBeUndefined()
    expect(issuesOf({ messages: [{ role: "user", content: "hi" }], maxTokens: 5, temperature: 0 })).toBeUndefined()
  })
  it("rejects empty and whitespace prompts, empty message lists, no user turn", () => {
    expect(issuesOf({ prompt: "" })).toContain("the prompt is empty")
    expect(issuesOf({ prompt: "  \n\t" })).toContain("the prompt is empty")
    expect(issuesOf({ messages: [] })).toContain("the message list is empty")
    expect(issuesOf({})).toContain("give a prompt or a list of messages")
    expect(issuesOf({ messages: [{ role: "system", content: "be brief" }] })).toContain("no user message")
  })
  it("rejects an unknown role, a negative or fractional maxTokens, an out-of-range temperature", () => {
    expect(issuesOf({ messages: [{ role: "wizard", content: "hi" }] })).toMatch(/system|user|assistant/)
    expect(issuesOf({ prompt: "hi", maxTokens: -1 })).toMatch(/greater than 0/)
    expect(issuesOf({ prompt: "hi", maxTokens: 1.5 })).toBeDefined()
    expect(issuesOf({ prompt: "hi", temperature: 7 })).toBeDefined()
    expect(issuesOf({ prompt: "hi", temperature: Number.NaN })).toBeDefined()
  })
  it("rejects lone surrogates", () => {
    expect(issuesOf({ prompt: "bad \ud800 text" })).toContain("not valid Unicode")
  })
})

describe("message helpers", () => {
  it("orders system, messages, then prompt; finds the last user turn", () => {
    const request = { system: "s", messages: [{ role: "user" as const, content: "a" }, { role: "assistant" as const, content: "b" }], prompt: "c" }
    expect(toMessages(request).map((m) => m.role)).toEqual(["system", "user", "assistant", "user"])
    expect(lastUserText({ messages: [{ role: "user", content: "first" }, { role: "assistant", content: "x" }, { role: "user", content: "last" }] })).toBe("last")
  })
})

describe("a very long conversation", () => {
  it("130,000 messages make one list without overflowing the stack", () => {
    const messages = Array.from({ length: 130_000 }, (_, i) => ({ role: "user" as const, content: `m${i}` }))
    const all = toMessages({ system: "s", messages, prompt: "last" })
    expect(all.length).toBe(130_002)
    expect(all[130_001]).toEqual({ role: "user", content: "last" })
  })
})
