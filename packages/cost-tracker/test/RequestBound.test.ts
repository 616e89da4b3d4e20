// `conservativeRequestTokens` runs on every call's path, so it counts without building the list of messages. This
// holds it to the rule as first written (over `toMessages`, kept here as the reference) for any request: a system
// text (absent, empty or not), a prompt, messages of every role with text, parts, tool calls and tool results, images,
// files, reasoning, tools, a JSON schema and provider options.
import { describe, it } from "@effect/vitest"
import { canonicalJson, type CompletionRequest, type Message, requestText, toMessages } from "@orch/provider"
import fc from "fast-check"
import { conservativeRequestTokens, conservativeTokenCount } from "../src/index.ts"

/** The bound as first written: per message of `toMessages` (see the constants' reasons in TokenEstimate.ts). */
const reference = (request: CompletionRequest): number => {
  const messages = toMessages(request)
  const format = request.responseFormat
  let tokens = conservativeTokenCount(requestText(request)) + (format?.type === "json" ? conservativeTokenCount(format.name ?? "") : 0)
  const tools = request.tools ?? []
  tokens += tools.length * 8
  if (tools.length > 0 || (format?.type === "json" && format.schema !== undefined)) tokens += 600
  if (request.providerOptions !== undefined) tokens += conservativeTokenCount(canonicalJson(request.providerOptions))
  for (const message of messages) {
    tokens += 1 + 8
    if (message.role === "assistant") {
      for (const call of message.toolCalls ?? []) tokens += 8 + conservativeTokenCount(call.id)
    } else if (message.role === "tool") {
      tokens += conservativeTokenCount(message.toolCallId) + conservativeTokenCount(message.name ?? "")
    }
    if (typeof message.content === "string" || message.content === undefined) continue
    for (const part of message.content) {
      if (part.type === "image") tokens += 50_000
      else if (part.type === "file") tokens += Math.ceil((part.data.length * 3) / 4) * 8 + 50_000 + conservativeTokenCount(part.filename ?? "")
      else if (part.type === "reasoning") tokens += conservativeTokenCount(part.text) + conservativeTokenCount(part.redactedData ?? "")
    }
  }
  return tokens + 8
}

const text = fc.string({ unit: "binary", maxLength: 40 })
const textPart = fc.record({ type: fc.constant("text" as const), text })
const image = fc.record({ type: fc.constant("image" as const), data: fc.base64String({ maxLength: 16 }), mediaType: fc.constant("image/png") })
const file = fc.record({ type: fc.constant("file" as const), data: fc.base64String({ maxLength: 64 }), mediaType: fc.constant("application/pdf"), filename: text }, { requiredKeys: ["type", "data", "mediaType"] })
const reasoning = fc.record({ type: fc.constant("reasoning" as const), text, redactedData: text }, { requiredKeys: ["type", "text"] })
const toolCall = fc.record({ id: text, name: text, arguments: fc.dictionary(text, fc.oneof(text, fc.integer())) })
const message: fc.Arbitrary<Message> = fc.oneof(
  fc.record({ role: fc.constant("system" as const), content: fc.oneof(text, fc.array(textPart, { maxLength: 3 })) }),
  fc.record({ role: fc.constant("user" as const), content: fc.oneof(text, fc.array(fc.oneof(textPart, image, file), { maxLength: 4 })) }),
  fc.record({ role: fc.constant("assistant" as const), content: fc.oneof(text, fc.array(fc.oneof(textPart, reasoning), { maxLength: 3 })), toolCalls: fc.array(toolCall, { maxLength: 3 }) }, { requiredKeys: ["role"] }) as fc.Arbitrary<Message>,
  fc.record({ role: fc.constant("tool" as const), toolCallId: text, content: fc.oneof(text, fc.array(textPart, { maxLength: 2 })), name: text }, { requiredKeys: ["role", "toolCallId", "content"] })
)
const request: fc.Arbitrary<CompletionRequest> = fc.record({
  system: fc.oneof(fc.constant(""), text),
  prompt: text,
  messages: fc.array(message, { maxLength: 6 }),
  maxTokens: fc.integer({ min: 1, max: 10_000 }),
  tools: fc.array(fc.record({ name: text, description: text, parameters: fc.dictionary(text, text) }, { requiredKeys: ["name", "parameters"] }), { maxLength: 3 }),
  responseFormat: fc.oneof(
    fc.constant({ type: "text" as const }),
    fc.record({ type: fc.constant("json" as const), schema: fc.dictionary(text, text), name: text }, { requiredKeys: ["type"] })
  ),
  providerOptions: fc.dictionary(fc.constantFrom("openai", "anthropic"), fc.dictionary(text, text))
}, { requiredKeys: [] })

describe("the worst-case input bound of a request", () => {
  it("is the bound as first written, for any request", () => {
    fc.assert(fc.property(request, (generated) => conservativeRequestTokens(generated) === reference(generated)), { numRuns: 2_000 })
  })
})
