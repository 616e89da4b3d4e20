// The closing chunks of a streamed chat completion are written from a fixed part serialised once: here, byte for
// byte against `JSON.stringify` of the chunks OpenAI documents, over answers of every shape (logprobs, tool calls,
// unicode, estimated usage, several attempts, a time to first token, cached and reasoning tokens), with and without
// the usage chunk; and every chunk of a stream parses as the JSON a client expects.
import type { AttemptSummary, OrchestratedResponse } from "@orch/core"
import type { Usage } from "@orch/provider"
import { describe, expect, it } from "vitest"
import { chatChunks } from "../src/ChatCompletions.ts"

// The chunks as built before their fixed part was reused: the reference.
const usageObject = (usage: Usage) => ({
  prompt_tokens: usage.inputTokens,
  completion_tokens: usage.outputTokens,
  total_tokens: usage.inputTokens + usage.outputTokens,
  prompt_tokens_details: { cached_tokens: usage.cachedInputTokens ?? 0 },
  completion_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 }
})
const orchObject = (r: OrchestratedResponse) => ({
  request_id: r.requestId,
  provider: r.provider,
  model: `${r.provider}/${r.model}`,
  strategy: r.strategy,
  strategy_requested: r.strategyRequested,
  task_type: r.taskType,
  task_confidence: r.taskConfidence,
  task_type_source: r.taskTypeSource,
  routing: r.routing,
  attempts: r.attempts.map(({ errorMessage: _message, ...shown }) => shown),
  cost_usd: r.costUsd,
  cost_known: r.costKnown,
  latency_ms: r.latencyMs,
  ...(r.firstTokenMs !== undefined ? { first_token_ms: r.firstTokenMs } : {}),
  usage_estimated: r.usage.estimated
})
const finishReason = (r: OrchestratedResponse) =>
  r.finishReason === "length" ? "length" : r.finishReason === "content-filter" ? "content_filter" : r.finishReason === "tool-calls" ? "tool_calls" : "stop"
const logprobs = (r: OrchestratedResponse) =>
  r.logprobs === undefined ? null : { content: r.logprobs.map((l) => ({ token: l.token, logprob: l.logprob, bytes: [...Buffer.from(l.token, "utf8")], top_logprobs: [] })), refusal: null }
const referenceEnd = (id: string, created: number, model: string, includeUsage: boolean, r: OrchestratedResponse) => {
  const base = { id, object: "chat.completion.chunk", created, model, system_fingerprint: null }
  const finish = JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, logprobs: logprobs(r), finish_reason: finishReason(r) }], ...(includeUsage ? { usage: null } : {}), orch: orchObject(r) })
  const usage = includeUsage ? `data: ${JSON.stringify({ ...base, choices: [], usage: usageObject(r.usage) })}\n\n` : ""
  return `data: ${finish}\n\n${usage}data: [DONE]\n\n`
}

const attempt = (n: number, outcome: "success" | "failure" | "cancelled"): AttemptSummary => ({
  attempt: n, provider: n === 1 ? "ollama" : "openai", model: n === 1 ? "llama3.2:1b" : "gpt-4o-mini", kind: n === 1 ? "local" : "cloud", role: n === 1 ? "primary" : "fallback",
  outcome, ...(outcome === "failure" ? { error: "RateLimited", errorMessage: "slow down \"now\"" } : {}), latencyMs: 12.5 * n, inputTokens: 14, outputTokens: 8,
  estimated: n === 3, costUsd: n === 1 ? 0 : n === 3 ? null : 0.0000123
})
const plain = {
  requestId: "6f1c0a52-9a55-4a0e-8d1b-2b7c4f1de0a1",
  text: "Paris",
  finishReason: "stop",
  provider: "openai",
  model: "gpt-4o-mini",
  strategy: "cost-optimized",
  strategyRequested: "auto",
  taskType: "general",
  taskConfidence: 0.73,
  taskTypeSource: "classified",
  routing: { taskType: "general", confidence: 0.73, source: "classified", classifiedBy: "signals", models: ["openai/gpt-4o-mini"], routeStrategy: "cost-optimized", reason: "general → cheapest" },
  attempts: [attempt(1, "success")],
  usage: { inputTokens: 14, outputTokens: 8, estimated: false },
  costUsd: 0.0000069,
  costKnown: true,
  latencyMs: 41.25,
  firstTokenMs: 7.125
} as OrchestratedResponse

const answers: ReadonlyArray<readonly [string, OrchestratedResponse]> = [
  ["plain text", plain],
  ["tool calls", { ...plain, text: "", finishReason: "tool-calls", toolCalls: [{ id: "call_1", name: "get_weather", arguments: { city: "Paris" } }] }],
  ["logprobs", { ...plain, text: "Héllo 👋", logprobs: [{ token: "Hé", logprob: -0.25 }, { token: " 👋", logprob: -3.5 }] }],
  ["unicode and escapes in names", { ...plain, model: "modèle\n\"x\"", provider: "ollama", strategy: "ünï \u2028 \ud800" }],
  ["estimated usage, length", { ...plain, finishReason: "length", usage: { inputTokens: 120, outputTokens: 256, estimated: true } }],
  ["content filter, no first token time", { ...plain, finishReason: "content-filter", firstTokenMs: undefined } as unknown as OrchestratedResponse],
  ["cached and reasoning tokens", { ...plain, usage: { inputTokens: 2048, outputTokens: 512, cachedInputTokens: 1024, reasoningTokens: 300, estimated: false } }],
  ["several attempts, unknown cost", { ...plain, attempts: [attempt(1, "failure"), attempt(2, "success"), attempt(3, "cancelled")], costKnown: false, costUsd: 0 }]
]

describe("the closing chunks of a streamed chat completion", () => {
  it.each(answers)("are JSON.stringify of the documented chunks, byte for byte: %s", (_name, answer) => {
    for (const [id, model] of [["chatcmpl-abc", "orch/auto"], ["chatcmpl-\"odd\"", "álias/ü \u0001"]] as const) {
      for (const includeUsage of [false, true]) {
        expect(chatChunks(id, 1_764_547_200, model, includeUsage).end(answer)).toBe(referenceEnd(id, 1_764_547_200, model, includeUsage, answer))
      }
    }
  })

  it("every chunk of a stream parses to what a client reads", () => {
    const writer = chatChunks("chatcmpl-x", 1_764_547_200, "orch/auto", true)
    const text = writer.role + writer.delta("Hel") + writer.delta("lo \"you\"") + writer.toolCall({ id: "call_1", name: "f", arguments: { a: 1 } }) + writer.end(plain)
    const events = text.split("\n\n").filter((e) => e !== "").map((e) => e.slice("data: ".length))
    expect(events.at(-1)).toBe("[DONE]")
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e) as { id: string; created: number; choices: Array<{ delta: Record<string, unknown>; finish_reason: string | null }>; usage?: unknown; orch?: { request_id: string } })
    expect(chunks.every((c) => c.id === "chatcmpl-x" && c.created === 1_764_547_200)).toBe(true)
    expect(chunks.map((c) => c.choices[0]?.delta)).toEqual([
      { role: "assistant", content: "", refusal: null },
      { content: "Hel" },
      { content: "lo \"you\"" },
      { tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "f", arguments: "{\"a\":1}" } }] },
      {},
      undefined
    ])
    expect(chunks[4]?.choices[0]?.finish_reason).toBe("stop")
    expect(chunks[4]?.orch?.request_id).toBe(plain.requestId)
    expect(chunks[5]?.usage).toEqual({ prompt_tokens: 14, completion_tokens: 8, total_tokens: 22, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } })
  })
})
