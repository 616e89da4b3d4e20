// The worst-case input bound counts what a request with tools, tool calls, tool results and images sends, not only
// its plain text: the tool definitions, every call's arguments, each result, and a ceiling per image.
import { describe, expect, it } from "vitest"
import type { CompletionRequest } from "@orch/provider"
import { conservativeRequestTokens } from "../src/index.ts"

const parameters = { type: "object", properties: { city: { type: "string", description: "x".repeat(2_000) } }, required: ["city"] }
const base: CompletionRequest = { messages: [{ role: "user", content: "weather?" }] }

describe("the request bound with tools and media", () => {
  it("counts tool definitions, tool-call arguments and tool results", () => {
    const plain = conservativeRequestTokens(base)
    expect(conservativeRequestTokens({ ...base, tools: [{ name: "get_weather", parameters }] })).toBeGreaterThanOrEqual(plain + Buffer.byteLength(JSON.stringify(parameters)))
    const args = { city: "ü".repeat(1_000) }
    const history: CompletionRequest = {
      messages: [
        { role: "user", content: "weather?" },
        { role: "assistant", toolCalls: [{ id: "call_1", name: "get_weather", arguments: args }] },
        { role: "tool", toolCallId: "call_1", content: [{ type: "text", text: "r".repeat(3_000) }] }
      ]
    }
    expect(conservativeRequestTokens(history)).toBeGreaterThanOrEqual(plain + Buffer.byteLength(JSON.stringify(args)) + 3_000)
  })
  it("gives each image the most any documented model bills for one, and a file its bytes besides", () => {
    const plain = conservativeRequestTokens({ messages: [{ role: "user", content: [{ type: "text", text: "what is this?" }] }] })
    const withImage = conservativeRequestTokens({ messages: [{ role: "user", content: [{ type: "text", text: "what is this?" }, { type: "image", data: "iVBORw0KGgo=", mediaType: "image/png" }] }] })
    expect(withImage - plain).toBeGreaterThanOrEqual(48_169)
    const pdf = Buffer.alloc(30_000, 65).toString("base64")
    const withFile = conservativeRequestTokens({ messages: [{ role: "user", content: [{ type: "text", text: "what is this?" }, { type: "file", data: pdf, mediaType: "application/pdf" }] }] })
    expect(withFile - plain).toBeGreaterThanOrEqual(30_000)
  })
})
