/**
 * Where the library's log lines go when `orch` runs: stderr, one line each (`orch: warning: ...`), never stdout,
 * whose `--json` output must stay one JSON object. Effect's default logger would print to the console's stdout.
 */
import { type Layer, Logger } from "effect"
import type { Output } from "./Terminal.ts"

/** The text of a log message (a string, or several parts). */
const textOf = (message: unknown): string =>
  (Array.isArray(message) ? message : [message]).map((part) => (typeof part === "string" ? part : String(part))).join(" ")

/** A layer that sends every log line to `output` (stderr) instead of the console. */
export const cliLogger = (output: Output): Layer.Layer<never> =>
  Logger.layer([Logger.make((options) => { output.write(`orch: ${String(options.logLevel).toLowerCase()}: ${textOf(options.message)}\n`) })])
