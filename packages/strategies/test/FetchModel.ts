// Test support: the smallest real HTTP model, an OpenAI-compatible chat completion over global fetch, aborted through
// the fiber's AbortSignal when interrupted. Each instance asks the wire server for a behaviour by header.
import { errorFromHttp, type LanguageModel, providerError, type StreamPart } from "@orch/provider"
import { Effect, Stream } from "effect"

export const fetchModel = (id: string, baseUrl: string, behavior: unknown): LanguageModel => {
  const [provider = "wire", name = id] = id.split("/")
  const generate: LanguageModel["generate"] = (request) =>
    Effect.tryPromise({
      try: async (signal) => {
        const response = await fetch(`${baseUrl}/v1/chat/completions`, {
          method: "POST",
          signal,
          headers: { "content-type": "application/json", "x-orch-behavior": JSON.stringify(behavior) },
          body: JSON.stringify({ model: name, messages: [{ role: "user", content: request.prompt ?? "" }] })
        })
        return { status: response.status, headers: response.headers, body: await response.text() }
      },
      catch: (cause) => providerError({ _tag: "Unavailable", cause: String(cause).slice(0, 120) }, "fetch failed", { provider, model: name })
    }).pipe(Effect.flatMap((reply) => {
      if (reply.status !== 200) return Effect.fail(errorFromHttp({ status: reply.status, headers: reply.headers, body: reply.body, nowMs: Date.now() }, { provider, model: name }))
      const json = JSON.parse(reply.body) as { choices: Array<{ message: { content: string } }>; usage?: { prompt_tokens: number; completion_tokens: number } }
      return Effect.succeed({
        text: json.choices[0]?.message.content ?? "",
        finishReason: "stop" as const,
        usage: { inputTokens: json.usage?.prompt_tokens ?? 0, outputTokens: json.usage?.completion_tokens ?? 0, estimated: json.usage === undefined },
        provider,
        model: name,
        timings: { totalMs: 0 }
      })
    }))
  const stream: LanguageModel["stream"] = (request) =>
    Stream.unwrap(Effect.map(generate(request), (c) => Stream.fromIterable<StreamPart>([
      { type: "text-start" }, { type: "text-delta", delta: c.text }, { type: "text-end" },
      { type: "finish", finishReason: c.finishReason, usage: c.usage, provider: c.provider, model: c.model, timings: c.timings }
    ])))
  return { id, provider, name, kind: "cloud", generate, stream }
}
