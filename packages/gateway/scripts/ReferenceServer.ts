// What the benchmark's reference hops share: an upstream failure answered as a 502 (or the connection cut once the
// answer has begun), and a server on a free loopback port that prints "listening http://HOST:PORT" and stops on
// SIGTERM or SIGINT.
import type http from "node:http"

/** The hop's upstream request failed: 502, or cut the connection when the answer has already begun. */
export const upstreamFailed = (response: http.ServerResponse): void => {
  if (!response.headersSent) response.writeHead(502).end()
  else response.destroy()
}

/** Listen on a free loopback port, print where, and stop on SIGTERM or SIGINT. */
export const runReferenceServer = (server: http.Server): void => {
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    process.stdout.write(`listening http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}\n`)
  })
  const stop = () => server.close(() => process.exit(0))
  process.once("SIGTERM", stop)
  process.once("SIGINT", stop)
}
