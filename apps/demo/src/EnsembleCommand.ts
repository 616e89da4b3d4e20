/**
 * `orch ensemble "<prompt>" --mode vote|chain|parallel [--models a,b,c]`: several models on one prompt; shows each
 * member's answer, the agreement and the final answer (or one JSON object with `--json`).
 */
import { parseCommandArguments, positiveIntegerFlag, promptOf, stringFlag } from "./CommandLine.ts"
import { applyConfigFile } from "./ConfigFile.ts"
import { ExitCode } from "./ExitCode.ts"
import { setupOrchestrator } from "./OrchestratorSetup.ts"
import { attemptTable, describeRouting, responseJson } from "./ResponseReport.ts"
import { strategyFromArgument } from "./StrategyAliases.ts"
import { formatUsd, renderTable } from "./Table.ts"
import type { Terminal } from "./Terminal.ts"
import { UsageError } from "./UsageError.ts"

/** The usage of `orch ensemble`. */
export const ensembleUsage = `orch ensemble "<prompt>" --mode vote|chain|parallel [--models a,b,c] [--samples N] [--max-tokens N] [--json] [--config FILE]
  vote: the members answer and the most common answer wins (one model: --samples answers); chain: a local draft,
  reviewed by a second model; parallel: the first member to answer wins, the rest are cancelled.`

const modes = ["vote", "chain", "parallel"]

/** Run `orch ensemble`. */
export const ensembleCommand = async (args: ReadonlyArray<string>, terminal: Terminal): Promise<number> => {
  const parsed = parseCommandArguments("ensemble", args, {
    mode: { type: "string" }, models: { type: "string" }, samples: { type: "string" }, "max-tokens": { type: "string" },
    strategy: { type: "string" }, json: { type: "boolean" }, config: { type: "string" }
  })
  if (parsed.values["help"] === true) { terminal.stdout.write(`${ensembleUsage}\n`); return ExitCode.Ok }
  const prompt = promptOf("ensemble", parsed)
  const mode = (stringFlag(parsed, "mode") ?? "vote").toLowerCase()
  if (!modes.includes(mode)) throw new UsageError(`--mode must be one of ${modes.join(", ")}, not "${mode.slice(0, 40)}"`, "ensemble")
  const models = stringFlag(parsed, "models")?.split(",").map((m) => m.trim()).filter((m) => m !== "")
  const samples = positiveIntegerFlag("ensemble", parsed, "samples")
  const maxTokens = positiveIntegerFlag("ensemble", parsed, "max-tokens")
  const strategy = stringFlag(parsed, "strategy")
  const config = stringFlag(parsed, "config")
  const env = config !== undefined ? applyConfigFile(config, terminal.env) : terminal.env
  const named = strategy !== undefined ? strategyFromArgument(strategy) : undefined
  const { orchestrator } = await setupOrchestrator({ env, progress: terminal.progress ?? terminal.stderr, embeddedDefault: true, ...(named !== undefined ? { strategy: named } : {}), ...(models !== undefined ? { models } : {}) })
  try {
    const response = await orchestrator.ensemble(prompt, {
      mode,
      ...(models !== undefined && models.length > 0 ? { models } : {}),
      ...(samples !== undefined ? { samples } : {}),
      ...(maxTokens !== undefined ? { maxTokens } : {}),
      ...(named !== undefined ? { strategy: named } : {}),
      signal: terminal.signal
    })
    if (parsed.values["json"] === true) {
      terminal.stdout.write(`${JSON.stringify({ ...responseJson(response), mode: response.mode, agreement: response.agreement, members: response.members })}\n`)
      return ExitCode.Ok
    }
    terminal.stdout.write(`${renderTable(["provider", "model", "outcome", "error", "latency ms", "cost", "answer"], response.members.map((m) => [
      m.provider, m.model, m.outcome, m.error, m.latencyMs, formatUsd(m.costUsd), (m.text ?? "").replace(/\s+/g, " ").slice(0, 60)
    ]))}\n\n`)
    terminal.stdout.write(`${response.mode}: agreement ${(response.agreement * 100).toFixed(0)}%; answer:\n${response.text}\n\n${describeRouting(response)}\n\n${attemptTable(response.attempts)}\n`)
    return ExitCode.Ok
  } finally {
    await orchestrator.dispose()
  }
}
