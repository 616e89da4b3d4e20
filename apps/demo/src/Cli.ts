/**
 * The `orch` command: dispatches to `providers`, `run`, `ensemble`, `classify`, `costs` and `serve`, and turns every
 * failure into a message a person understands (with the fix) and an exit code a script can use (see ExitCode.ts).
 */
import { isProviderError } from "@orch/provider"
import { classifyCommand, classifyUsage } from "./ClassifyCommand.ts"
import { costsCommand, costsUsage } from "./CostsCommand.ts"
import { ensembleCommand, ensembleUsage } from "./EnsembleCommand.ts"
import { explainError } from "./ErrorAdvice.ts"
import { ExitCode, exitCodeOf } from "./ExitCode.ts"
import { providersCommand, providersUsage } from "./ProvidersCommand.ts"
import { runCommand, runUsage } from "./RunCommand.ts"
import { serveCommand, serveUsage } from "./ServeCommand.ts"
import type { Terminal } from "./Terminal.ts"
import { sanitizedOutput, sanitizeForTerminal } from "./TerminalText.ts"
import { isUsageError } from "./UsageError.ts"

/**
 * A command: how to run it, its usage, and whether it bounds its own stop after Ctrl-C (`serve`, whose grace period
 * is its own setting) instead of being cut short by the CLI after `interruptGraceMs`.
 */
interface Command {
  readonly run: (args: ReadonlyArray<string>, terminal: Terminal) => Promise<number>
  readonly usage: string
  readonly boundsItsStop?: true
}

const commands: Readonly<Record<string, Command>> = {
  providers: { run: providersCommand, usage: providersUsage },
  run: { run: runCommand, usage: runUsage },
  ensemble: { run: ensembleCommand, usage: ensembleUsage },
  classify: { run: classifyCommand, usage: classifyUsage },
  costs: { run: costsCommand, usage: costsUsage },
  serve: { run: serveCommand, usage: serveUsage, boundsItsStop: true }
}

/** The usage of the whole command, with the exit codes. */
export const usage = `orch: @orch orchestrating local and cloud models

Usage:
  ${[providersUsage, runUsage, ensembleUsage, classifyUsage, costsUsage, serveUsage].map((text) => text.split("\n")[0]).join("\n  ")}
  orch <command> --help

Configuration: the environment (OLLAMA_HOST, VLLM_BASE_URL, ORCH_LLAMA_MODEL, OPENAI_API_KEY / OPENAI_BASE_URL,
ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL, LIGHTNING_API_KEY / LIGHTNING_BASE_URL, ORCH_STRATEGY, ORCH_BUDGET_USD,
ORCH_DEADLINE_MS, ORCH_COST_DB, ORCH_DEFAULT_MAX_TOKENS) or --config file.json. With nothing configured, run uses
the embedded engine with a small model downloaded on first use (or ORCH_LLAMA_MODEL=path/to/model.gguf).

Exit codes: 0 ok, 1 a model or service failed, 2 usage or configuration error, 3 budget exceeded,
4 no provider or model can answer (nothing configured, key missing, server down, model not pulled), 130 interrupted.`

/** After Ctrl-C, how long a command may take to cancel its call and close the ledger before `orch` gives up on it. */
export const interruptGraceMs = 3_000

/** Resolves when the signal aborts and then the grace period has passed (never, while it does not abort). */
const interrupted = (signal: AbortSignal): Promise<"interrupted"> =>
  new Promise((resolve) => {
    const expire = () => setTimeout(() => resolve("interrupted"), interruptGraceMs).unref()
    if (signal.aborted) expire()
    else signal.addEventListener("abort", expire, { once: true })
  })

/** Run the command line; resolves with the exit code, never rejects. */
export const main = async (argv: ReadonlyArray<string>, rawTerminal: Terminal): Promise<number> => {
  const [name, ...args] = argv
  const json = args.includes("--json")
  // Human output never carries raw control characters; with --json, stdout is exact JSON (which escapes its own).
  const terminal: Terminal = {
    ...rawTerminal,
    stdout: json ? rawTerminal.stdout : sanitizedOutput(rawTerminal.stdout),
    stderr: sanitizedOutput(rawTerminal.stderr),
    progress: rawTerminal.progress ?? rawTerminal.stderr
  }
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    terminal.stdout.write(`${usage}\n`)
    return name === undefined ? ExitCode.Usage : ExitCode.Ok
  }
  // Own commands only: `orch constructor` or `orch __proto__` must not find Object's.
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined
  const fail = (reason: string, message: string, lines: ReadonlyArray<string>, code: number): number => {
    if (json) terminal.stdout.write(`${JSON.stringify({ error: { reason, message } })}\n`)
    terminal.stderr.write(`${lines.join("\n")}\n`)
    return code
  }
  if (command === undefined) {
    return fail("Usage", `unknown command "${name.slice(0, 40)}"`, [`orch: unknown command "${sanitizeForTerminal(name.slice(0, 40))}"`, "", usage], ExitCode.Usage)
  }
  try {
    // Ctrl-C cancels the call in flight; a command still busy after the grace period (a probe, a download) is left.
    const running = command.run(args, terminal)
    const outcome = await (command.boundsItsStop === true ? running : Promise.race([running, interrupted(terminal.signal)]))
    if (outcome === "interrupted") return fail("Cancelled", "interrupted", ["orch: interrupted"], ExitCode.Interrupted)
    return outcome
  } catch (error) {
    if (isUsageError(error)) {
      return fail("Usage", error.message, [`orch ${name}: ${error.message}`, "", `usage: ${command.usage}`], ExitCode.Usage)
    }
    if (isProviderError(error)) {
      if (terminal.signal.aborted) return fail("Cancelled", "interrupted", ["orch: interrupted"], ExitCode.Interrupted)
      return fail(error.reason._tag, error.message, explainError(error), exitCodeOf(error))
    }
    if (terminal.signal.aborted) return fail("Cancelled", "interrupted", ["orch: interrupted"], ExitCode.Interrupted)
    const message = error instanceof Error ? error.message : String(error)
    return fail("Defect", message, [`orch: unexpected failure (a bug in orch, please report it): ${message}`], ExitCode.Failure)
  }
}
