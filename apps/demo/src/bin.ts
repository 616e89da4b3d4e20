/**
 * The entry of the `orch` command: runs the CLI on this process's arguments, streams and environment; Ctrl-C or
 * SIGTERM cancels the call in flight (`orch serve` stops gracefully). The process exits with the CLI's code once
 * stdout is flushed, so a download still retrying in node-llama-cpp after a failed call cannot keep it alive.
 */
import { main } from "./Cli.ts"

const interrupt = new AbortController()
process.once("SIGINT", () => interrupt.abort())
process.once("SIGTERM", () => interrupt.abort())
const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: interrupt.signal })
process.stdout.write("", () => process.stderr.write("", () => process.exit(code)))
