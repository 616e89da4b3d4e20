/**
 * The entry of the `orch` command: runs the CLI on this process's arguments, streams and environment; Ctrl-C
 * cancels the call in flight.
 */
import { main } from "./Cli.ts"

const interrupt = new AbortController()
process.once("SIGINT", () => interrupt.abort())
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: interrupt.signal })
