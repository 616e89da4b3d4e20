// The second reference line of the benchmark: the least a gateway that reads what passes through can cost. A bare
// `node:http` hop like the reference proxy, but it does what any OpenAI-compatible gateway must at the least: reads
// and parses the request's JSON, posts a chat request it builds to the upstream over kept-alive connections, parses
// the answer and writes an OpenAI body of its own. No validation, routing, strategies, budgets, ledger or metrics;
// the gateway's figures read against it say what those cost.
// Argument: the upstream's base URL (http://HOST:PORT). Prints "listening http://HOST:PORT"; stops on SIGTERM or SIGINT.
import http from "node:http"
import { runReferenceServer, upstreamFailed } from "./ReferenceServer.ts"

const upstream = new URL(process.argv[2] ?? "http://127.0.0.1:1")
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 })

interface Chat { readonly model: string; readonly messages: unknown; readonly max_tokens?: number }
interface Answer { readonly choices: ReadonlyArray<{ readonly message: { readonly content: string } }>; readonly usage: unknown }

const readAll = (from: http.IncomingMessage, done: (text: string) => void) => {
  const chunks: Array<Buffer> = []
  from.on("data", (chunk: Buffer) => chunks.push(chunk))
  from.on("end", () => done(Buffer.concat(chunks).toString("utf8")))
}

const server = http.createServer({ keepAliveTimeout: 60_000, noDelay: true }, (request, response) => {
  readAll(request, (text) => {
    const chat = JSON.parse(text) as Chat
    const body = JSON.stringify({ model: chat.model.slice(chat.model.indexOf("/") + 1), messages: chat.messages, max_completion_tokens: chat.max_tokens })
    const forwarded = http.request({
      host: upstream.hostname, port: upstream.port, method: "POST", path: "/v1/chat/completions", agent,
      headers: { accept: "application/json", "content-type": "application/json", authorization: "Bearer sk-reference", "content-length": Buffer.byteLength(body) }
    }, (answer) => readAll(answer, (raw) => {
      const parsed = JSON.parse(raw) as Answer
      const json = JSON.stringify({
        id: "chatcmpl-reference", object: "chat.completion", created: Math.floor(Date.now() / 1000), model: chat.model,
        choices: [{ index: 0, message: { role: "assistant", content: parsed.choices[0]?.message.content ?? "" }, logprobs: null, finish_reason: "stop" }],
        usage: parsed.usage
      })
      response.writeHead(answer.statusCode ?? 502, { "content-type": "application/json", "content-length": Buffer.byteLength(json) })
      response.end(json)
    }))
    forwarded.on("error", () => upstreamFailed(response))
    forwarded.end(body)
  })
})
runReferenceServer(server)
