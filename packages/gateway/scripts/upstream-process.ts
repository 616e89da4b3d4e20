// The loopback wire server of @orch/testing in a process of its own, answering as OpenAI does (keep-alive, no
// delays, connections kept for a minute as real services keep them), for the benchmark: the upstream must not share
// the event loop of the client or of the gateway.
// Prints "listening http://HOST:PORT" when ready; stops on SIGTERM or SIGINT.
import { startWireServer } from "@orch/testing"

const server = await startWireServer({ models: ["gpt-4o-mini"], keepAlive: true, keepAliveTimeoutMs: 60_000, defaultBehavior: { kind: "synth", text: "The quick brown fox jumps over the lazy dog.", usage: { inputTokens: 12, outputTokens: 10 } } })
process.stdout.write(`listening ${server.url}\n`)
const stop = () => void server.close().then(() => process.exit(0))
process.once("SIGTERM", stop)
process.once("SIGINT", stop)
