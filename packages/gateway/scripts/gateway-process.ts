// A gateway in a process of its own, for the tests of several gateways on one ledger and for the benchmark.
// Argument: JSON { openaiBaseUrl, redisUrl?, keys?, deadlineMs? }. The upstream is an OpenAI-compatible server
// (the loopback wire server); prints "listening http://HOST:PORT" when ready and stops on SIGTERM or SIGINT.
import { makeCloudProvider } from "@orch/providers-cloud"
import { serve } from "../src/index.ts"

interface ProcessOptions {
  readonly openaiBaseUrl: string
  readonly redisUrl?: string
  readonly redisPrefix?: string
  readonly keys?: ReadonlyArray<{ readonly key: string; readonly name: string; readonly budgetUsd?: number }>
  readonly deadlineMs?: number
}

const options = JSON.parse(process.argv[2] ?? "{}") as ProcessOptions
const provider = makeCloudProvider({ openai: { apiKey: "sk-upstream-test", baseUrl: options.openaiBaseUrl } })
const running = await serve({
  port: 0,
  ...(options.keys !== undefined ? { keys: options.keys } : {}),
  orchestrator: {
    providers: [provider],
    cloudRetries: 0,
    deadlineMs: options.deadlineMs ?? 30_000,
    ...(options.redisUrl !== undefined ? { ledger: { type: "redis", url: options.redisUrl, ...(options.redisPrefix !== undefined ? { prefix: options.redisPrefix } : {}) } } : {})
  }
})
process.stdout.write(`listening ${running.url}\n`)
const stop = () => void running.close().then(() => process.exit(0))
process.once("SIGTERM", stop)
process.once("SIGINT", stop)
