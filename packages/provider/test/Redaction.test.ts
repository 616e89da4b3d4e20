import { describe, expect, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { collectStream, redact, summarizeBody, type StreamPart } from "../src/index.ts"

describe("redact", () => {
  it("removes given secrets and key-shaped text", () => {
    expect(redact("key is my-secret-value!", ["my-secret-value"])).toBe("key is [REDACTED]!")
    expect(redact("Authorization: Bearer abcdefghijklmnop")).not.toContain("abcdefghijklmnop")
    expect(redact("sk-proj-AAAAAAAAAAAAAAAAAAAA leaked")).toBe("[REDACTED] leaked")
    expect(redact("x-api-key=supersecret123")).not.toContain("supersecret123")
    expect(summarizeBody(`{"error":"bad key sk-ant-api03-ABCDEFGHIJKLMNOP"}`)).not.toContain("ABCDEFGHIJ")
  })
})

describe("collectStream", () => {
  const finish: StreamPart = { type: "finish", finishReason: "stop", usage: { inputTokens: 3, outputTokens: 2, estimated: false }, provider: "p", model: "m", timings: { totalMs: 1 } }
  it("joins deltas and keeps the finish metadata", async () => {
    const parts: Array<StreamPart> = [{ type: "text-start" }, { type: "text-delta", delta: "he" }, { type: "text-delta", delta: "llo" }, { type: "text-end" }, finish]
    const completion = await Effect.runPromise(collectStream(Stream.fromIterable(parts)))
    expect(completion.text).toBe("hello")
    expect(completion.usage.outputTokens).toBe(2)
  })
  it("fails with StreamInterrupted and the partial text when no finish came", async () => {
    const error = await Effect.runPromise(Effect.flip(collectStream(Stream.fromIterable<StreamPart>([{ type: "text-delta", delta: "part" }]))))
    expect(error.reason).toEqual({ _tag: "StreamInterrupted", partialText: "part" })
  })
})
