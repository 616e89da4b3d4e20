// The reference line of the benchmark: the least an HTTP proxy hop can cost. A bare `node:http` pass-through, no
// parsing, no routing, no orchestrator: each request is piped to the upstream over kept-alive connections and the
// answer piped back, headers and all. The gateway does the same hop plus its own work, so on one machine its
// throughput cannot beat this line; the gap between the two is what the gateway, the core and its upstream client add.
// Argument: the upstream's base URL (http://HOST:PORT). Prints "listening http://HOST:PORT"; stops on SIGTERM or SIGINT.
import http from "node:http"
import { runReferenceServer, upstreamFailed } from "./ReferenceServer.ts"

const upstream = new URL(process.argv[2] ?? "http://127.0.0.1:1")
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 })
const server = http.createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
  const forwarded = http.request({
    host: upstream.hostname,
    port: upstream.port,
    method: request.method,
    path: request.url,
    headers: { ...request.headers, host: upstream.host },
    agent
  }, (answer) => {
    response.writeHead(answer.statusCode ?? 502, answer.headers)
    answer.pipe(response)
  })
  forwarded.on("error", () => upstreamFailed(response))
  request.pipe(forwarded)
})
runReferenceServer(server)
