/**
 * The upstream of the peer benchmark, run in its own process so its CPU is not the clients': an OpenAI-style server
 * on loopback (keep-alive) that lists two models and answers chat completions as OpenAI does, as one JSON body or
 * as server-sent events (role chunk, text chunks, a finish chunk and a usage chunk when asked), with no delay.
 * Run: `node apps/proving-ground/src/PeerUpstream.ts [chunks]`; it prints its URL on the first line of stdout.
 */
import * as http from "node:http"

const chunkCount = Math.max(1, Number.parseInt(process.argv[2] ?? "8", 10) || 8)
const models = ["gpt-4o-mini", "gpt-4.1-mini"]
const words = Array.from({ length: chunkCount }, (_, i) => (i === 0 ? "Paris" : ` word${i}`))
const text = words.join("")

const listBody = JSON.stringify({ object: "list", data: models.map((id) => ({ id, object: "model", created: 1738683828, owned_by: "system" })) })

const completionBody = (model: string, promptTokens: number): string => JSON.stringify({
  id: "chatcmpl-peer", object: "chat.completion", created: 1738683828, model,
  choices: [{ index: 0, message: { role: "assistant", content: text, refusal: null }, logprobs: null, finish_reason: "stop" }],
  usage: { prompt_tokens: promptTokens, completion_tokens: chunkCount, total_tokens: promptTokens + chunkCount },
  service_tier: "default", system_fingerprint: "fp_peer"
})

const chunk = (model: string, delta: object, finish: string | null, usage: object | null = null): string =>
  `data: ${JSON.stringify({ id: "chatcmpl-peer", object: "chat.completion.chunk", created: 1738683828, model, service_tier: "default", system_fingerprint: "fp_peer", choices: usage === null ? [{ index: 0, delta, logprobs: null, finish_reason: finish }] : [], usage })}\n\n`

const streamBody = (model: string, promptTokens: number, withUsage: boolean): string =>
  chunk(model, { role: "assistant", content: "", refusal: null }, null) +
  words.map((w) => chunk(model, { content: w }, null)).join("") +
  chunk(model, {}, "stop") +
  (withUsage ? chunk(model, {}, null, { prompt_tokens: promptTokens, completion_tokens: chunkCount, total_tokens: promptTokens + chunkCount }) : "") +
  "data: [DONE]\n\n"

const server = http.createServer((request, response) => {
  const body: Array<Buffer> = []
  request.on("data", (piece: Buffer) => body.push(piece))
  request.on("end", () => {
    if (request.method === "GET" && request.url?.endsWith("/models")) {
      response.writeHead(200, { "content-type": "application/json" })
      response.end(listBody)
      return
    }
    if (request.method !== "POST" || !request.url?.endsWith("/chat/completions")) {
      response.writeHead(404, { "content-type": "application/json" })
      response.end(JSON.stringify({ error: { message: "not found", type: "invalid_request_error" } }))
      return
    }
    const parsed = JSON.parse(Buffer.concat(body).toString("utf8")) as { model?: string; stream?: boolean; stream_options?: { include_usage?: boolean }; messages?: ReadonlyArray<{ content?: unknown }> }
    const model = parsed.model ?? models[0]!
    const promptTokens = Math.max(1, JSON.stringify(parsed.messages ?? []).length >> 2)
    if (parsed.stream === true) {
      response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" })
      response.end(streamBody(model, promptTokens, parsed.stream_options?.include_usage === true))
      return
    }
    response.writeHead(200, { "content-type": "application/json" })
    response.end(completionBody(model, promptTokens))
  })
})
server.keepAliveTimeout = 60_000
server.listen(0, "127.0.0.1", () => {
  const address = server.address()
  if (address !== null && typeof address === "object") process.stdout.write(`http://127.0.0.1:${address.port}\n`)
})
process.on("SIGTERM", () => server.close(() => process.exit(0)))
