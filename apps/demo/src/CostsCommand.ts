/**
 * `orch costs [--since ...] [--by model|provider|task|strategy|day] [--csv]`: the ledger (the SQLite file at
 * `ORCH_COST_DB`, default under the user's data directory) as a table of totals per group, or its records as CSV.
 */
import { ModelOrchestrator } from "@orch/core"
import { Clock, Effect } from "effect"
import { parseCommandArguments, stringFlag } from "./CommandLine.ts"
import { cliLogger } from "./CliLogger.ts"
import { applyConfigFile } from "./ConfigFile.ts"
import { ledgerPath, prepareLedgerFile } from "./DataDirectories.ts"
import { ExitCode } from "./ExitCode.ts"
import { formatUsd, renderTable } from "./Table.ts"
import type { Terminal } from "./Terminal.ts"
import { UsageError } from "./UsageError.ts"

/** The usage of `orch costs`. */
export const costsUsage = `orch costs [--since 24h|7d|2025-01-31] [--by model|provider|task|strategy|day] [--csv] [--json] [--config FILE]
  Totals from the ledger (ORCH_COST_DB, default $XDG_DATA_HOME/orch/ledger.sqlite); --csv prints every attempt's record.`

const dimensions = { model: "model", provider: "provider", task: "taskType", strategy: "strategy", day: "day", hour: "hour", month: "month" } as const

const units: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/** The start of the window: a duration back from now (`30m`, `24h`, `7d`, `2w`) or a date (`2025-01-31`). */
export const sinceToEpochMs = (since: string, now: number): number => {
  const relative = /^(\d+(?:\.\d+)?)\s*([mhdw])$/i.exec(since.trim())
  if (relative !== null) return now - Number(relative[1]) * units[relative[2]!.toLowerCase()]!
  const date = Date.parse(since)
  if (Number.isNaN(date)) throw new UsageError(`--since takes a duration such as 24h, 7d or 30m, or a date such as 2025-01-31; not "${since.slice(0, 40)}"`, "costs")
  return date
}

/** Run `orch costs`. */
export const costsCommand = async (args: ReadonlyArray<string>, terminal: Terminal): Promise<number> => {
  const parsed = parseCommandArguments("costs", args, { since: { type: "string" }, by: { type: "string" }, csv: { type: "boolean" }, json: { type: "boolean" }, config: { type: "string" } })
  if (parsed.values["help"] === true) { terminal.stdout.write(`${costsUsage}\n`); return ExitCode.Ok }
  const by = stringFlag(parsed, "by") ?? "model"
  const dimension = Object.hasOwn(dimensions, by.toLowerCase()) ? (dimensions as Record<string, (typeof dimensions)[keyof typeof dimensions]>)[by.toLowerCase()] : undefined
  if (dimension === undefined) throw new UsageError(`--by must be one of ${Object.keys(dimensions).join(", ")}, not "${by.slice(0, 40)}"`, "costs")
  const config = stringFlag(parsed, "config")
  const env = config !== undefined ? applyConfigFile(config, terminal.env) : terminal.env
  const since = stringFlag(parsed, "since")
  const path = prepareLedgerFile(ledgerPath(env))
  const program = Effect.gen(function*() {
    const orchestrator = yield* ModelOrchestrator
    const now = yield* Clock.currentTimeMillis
    const window = since !== undefined ? { from: sinceToEpochMs(since, now) } : {}
    if (parsed.values["csv"] === true) return { csv: yield* orchestrator.costs.export("csv", window) }
    return { summary: yield* orchestrator.costs.summary({ ...window, by: [dimension] }) }
  }).pipe(Effect.provide(ModelOrchestrator.layer({ providers: [], ledger: { type: "sqlite", path } })), Effect.provide(cliLogger(terminal.stderr)))
  const result = await Effect.runPromise(program)
  if ("csv" in result) { terminal.stdout.write(result.csv.endsWith("\n") ? result.csv : `${result.csv}\n`); return ExitCode.Ok }
  const summary = result.summary
  if (parsed.values["json"] === true) { terminal.stdout.write(`${JSON.stringify({ ledger: path, ...summary })}\n`); return ExitCode.Ok }
  const row = (label: string, t: typeof summary.totals) =>
    [label, t.attempts, t.successes, t.failures, t.cancelled, t.inputTokens, t.outputTokens, `${formatUsd(t.costUsd)}${t.unknownCostAttempts > 0 ? ` (+${t.unknownCostAttempts} unpriced)` : ""}`]
  terminal.stdout.write(`ledger: ${path}\n`)
  terminal.stdout.write(`${renderTable([by, "attempts", "ok", "failed", "cancelled", "in tok", "out tok", "cost"], [
    ...summary.groups.map((g) => row(g.key[dimension] ?? "-", g)),
    row("total", summary.totals)
  ])}\n`)
  return ExitCode.Ok
}
