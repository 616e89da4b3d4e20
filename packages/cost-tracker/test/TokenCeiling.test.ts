// The reservation is a true ceiling: the worst-case input count is at least the real count for ANY text, under every
// tokenizer that ships in the repository (js-tiktoken's gpt2, p50k_base, cl100k_base and o200k_base), proved with
// random bytes, any Unicode, base64, hex and punctuation: the dense texts that beat the old "a third of the bytes".
import { describe, expect, it } from "@effect/vitest"
import type { CompletionRequest } from "@orch/provider"
import fc from "fast-check"
import { Tiktoken } from "js-tiktoken/lite"
import cl100k from "js-tiktoken/ranks/cl100k_base"
import gpt2 from "js-tiktoken/ranks/gpt2"
import o200k from "js-tiktoken/ranks/o200k_base"
import p50k from "js-tiktoken/ranks/p50k_base"
import { conservativeRequestTokens, conservativeTokenCount } from "../src/index.ts"

const encoders = { gpt2: new Tiktoken(gpt2), p50k_base: new Tiktoken(p50k), cl100k_base: new Tiktoken(cl100k), o200k_base: new Tiktoken(o200k) }
const count = (encoder: Tiktoken, text: string): number => encoder.encode(text, [], []).length

const chars = (alphabet: string) => fc.constantFrom(...alphabet)
const hex = fc.string({ unit: chars("0123456789abcdef"), maxLength: 3000 })
const base64 = fc.base64String({ maxLength: 3000 })
const punctuation = fc.string({ unit: chars("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"), maxLength: 3000 })
const randomAscii = fc.string({ unit: "binary-ascii", maxLength: 3000 })
const anyUnicode = fc.string({ unit: "binary", maxLength: 1500 })
const graphemes = fc.string({ unit: "grapheme", maxLength: 500 })
// Random bytes as a server would see them after decoding: as Latin-1 (one character a byte) and as UTF-8 (invalid
// sequences become U+FFFD).
const latin1Bytes = fc.uint8Array({ maxLength: 3000 }).map((bytes) => Buffer.from(bytes).toString("latin1"))
const utf8Bytes = fc.uint8Array({ maxLength: 3000 }).map((bytes) => Buffer.from(bytes).toString("utf8"))
const mixed = fc.array(fc.oneof(hex, base64, punctuation, anyUnicode, graphemes), { maxLength: 6 }).map((parts) => parts.join(""))

const families = { hex, base64, punctuation, randomAscii, anyUnicode, graphemes, latin1Bytes, utf8Bytes, mixed }

describe("the worst-case input bound holds for any text under every shipped tokenizer", () => {
  for (const [family, arbitrary] of Object.entries(families)) {
    it(`${family}: tokens <= the bound, for gpt2, p50k_base, cl100k_base and o200k_base`, () => {
      fc.assert(fc.property(arbitrary, (text) => {
        const bound = conservativeTokenCount(text)
        for (const encoder of Object.values(encoders)) {
          if (count(encoder, text) > bound) return false
        }
        return true
      }), { numRuns: 150 })
    })
  }

  it("the texts that beat the old bound (a third of the bytes, or four characters a token) stay under the new one", () => {
    const dense = ["0f3a9c".repeat(500), "!?#&".repeat(700), "\u0001\u0002\u0003\u0004".repeat(600), "a1B2-c3D4_".repeat(300)]
    for (const text of dense) {
      const o200 = count(encoders.o200k_base, text)
      expect(o200, text.slice(0, 12)).toBeLessThanOrEqual(conservativeTokenCount(text))
    }
    // Control characters take a token each: a third of the bytes was 3x too low.
    const control = "\u0001\u0002\u0003\u0004".repeat(600)
    expect(count(encoders.o200k_base, control)).toBeGreaterThan(Math.ceil(Buffer.byteLength(control) / 3))
  })

  it("a whole chat request, counted as OpenAI bills it, stays under the request bound", () => {
    const role = fc.constantFrom<"system" | "user" | "assistant">("system", "user", "assistant")
    const message = fc.record({ role, content: fc.oneof(hex, punctuation, anyUnicode, latin1Bytes) })
    const request = fc.record({ messages: fc.array(message, { minLength: 1, maxLength: 8 }), prompt: fc.option(fc.oneof(hex, anyUnicode), { nil: undefined }) })
    fc.assert(fc.property(request, (generated) => {
      const chat: CompletionRequest = generated.prompt === undefined ? { messages: generated.messages } : { messages: generated.messages, prompt: generated.prompt }
      const messages = [...generated.messages, ...(generated.prompt !== undefined ? [{ role: "user" as const, content: generated.prompt }] : [])]
      const bound = conservativeRequestTokens(chat)
      for (const encoder of Object.values(encoders)) {
        // OpenAI's guide: 3 tokens a message, plus its role and content, plus 3 to prime the answer.
        const billed = messages.reduce((sum, item) => sum + 3 + count(encoder, item.role) + count(encoder, item.content), 3)
        if (billed > bound) return false
      }
      return true
    }), { numRuns: 100 })
  })

  it("counts the JSON schema of a structured answer, and a cyclic schema still gives a finite bound", () => {
    const schema = { type: "object", properties: { answer: { type: "string", description: "0f3a9c".repeat(100) } } }
    const plain = conservativeRequestTokens({ prompt: "x" })
    expect(conservativeRequestTokens({ prompt: "x", responseFormat: { type: "json", schema } })).toBeGreaterThanOrEqual(plain + count(encoders.o200k_base, JSON.stringify(schema)))
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    const cyclicBound = conservativeRequestTokens({ prompt: "x", responseFormat: { type: "json", schema: cyclic } })
    expect(Number.isFinite(cyclicBound) && cyclicBound >= plain).toBe(true)
  })

  it("allows for images, files and tool definitions, which cost input tokens too", () => {
    const text = conservativeRequestTokens({ messages: [{ role: "user", content: [{ type: "text", text: "what is this?" }] }] })
    const withImage = conservativeRequestTokens({ messages: [{ role: "user", content: [{ type: "text", text: "what is this?" }, { type: "image", url: "https://example.com/a.png", mediaType: "image/png" }] }] })
    expect(withImage - text).toBeGreaterThanOrEqual(48_169)
    const pdf = "JVBERi0xLjQK".repeat(100)
    const withFile = conservativeRequestTokens({ messages: [{ role: "user", content: [{ type: "text", text: "what is this?" }, { type: "file", data: pdf, mediaType: "application/pdf" }] }] })
    expect(withFile - text).toBeGreaterThanOrEqual(pdf.length)
    const tool = { name: "lookup", description: "find a gene by symbol", parameters: { type: "object", properties: { symbol: { type: "string" } } } }
    const withTool = conservativeRequestTokens({ prompt: "x", tools: [tool] })
    expect(withTool - conservativeRequestTokens({ prompt: "x" })).toBeGreaterThanOrEqual(Buffer.byteLength(JSON.stringify(tool.parameters)))
  })
})
