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
const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: interrupt.signal })
process.stdout.write("", () => process.stderr.write("", () => process.exit(code)))
