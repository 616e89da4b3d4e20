/**
 * The entry of the `orch` command: runs the CLI on this process's arguments, streams and environment; Ctrl-C or
 * SIGTERM cancels the call in flight (`orch serve` stops gracefully). The process exits with the CLI's code once
 * stdout is flushed, so a download still retrying in node-llama-cpp after a failed call cannot keep it alive.
 */
import { main } from "./Cli.ts"

const interrupt = new AbortController()
// Persistent listeners, not `once`: node-llama-cpp's signal-exit re-raises a signal that finds no other listener, which
// would kill the process before the command could stop cleanly. A second signal exits at once.
const stop = () => {
  if (interrupt.signal.aborted) process.exit(130)
  interrupt.abort()
}
process.on("SIGINT", stop)
process.on("SIGTERM", stop)
// A reader of stdout that went away (`orch serve | head -0`, a supervisor that closed the pipe) must not kill the
// process with an unhandled EPIPE: what was left to print there is lost, which stderr says once.
let stdoutLost = false
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (stdoutLost) return
  stdoutLost = true
  process.stderr.write(`orch: stdout is closed (${error.code ?? "write failed"}); what was left to print there is lost\n`)
})
const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: interrupt.signal })
process.stdout.write("", () => process.stderr.write("", () => process.exit(code)))
