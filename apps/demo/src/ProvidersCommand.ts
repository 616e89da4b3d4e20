/**
 * `orch providers`: what is configured and available right now, one row per backend (Ollama with its models and
 * which are loaded, vLLM, the embedded engine, OpenAI / Anthropic / Lightning with their keys present or not).
 */
import { parseCommandArguments, stringFlag } from "./CommandLine.ts"
import { applyConfigFile } from "./ConfigFile.ts"
import { ExitCode } from "./ExitCode.ts"
import { cachedEmbeddedDefault, embeddedDefaultModel, setupOrchestrator } from "./OrchestratorSetup.ts"
import { renderTable } from "./Table.ts"
import type { Terminal } from "./Terminal.ts"

/** The usage of `orch providers`. */
export const providersUsage = `orch providers [--config FILE]
  Lists every backend, whether it can answer now (and if not, the fix), and its models (* = loaded in memory).`

/** Run `orch providers`. */
export const providersCommand = async (args: ReadonlyArray<string>, terminal: Terminal): Promise<number> => {
  const parsed = parseCommandArguments("providers", args, { config: { type: "string" } })
  if (parsed.values["help"] === true) { terminal.stdout.write(`${providersUsage}\n`); return ExitCode.Ok }
  const config = stringFlag(parsed, "config")
  const env = config !== undefined ? applyConfigFile(config, terminal.env) : terminal.env
  const { orchestrator } = await setupOrchestrator({ env, progress: terminal.progress ?? terminal.stderr, embeddedDefault: false })
  try {
    const statuses = await orchestrator.providers()
    const rows: Array<ReadonlyArray<string>> = []
    for (const status of statuses) {
      const backends = status.availability.backends ?? [{ name: status.name, available: status.availability.available, ...(status.availability.reason !== undefined ? { reason: status.availability.reason } : {}) }]
      for (const backend of backends) {
        const models = status.models.filter((m) => m.provider === backend.name).map((m) => `${m.name}${m.loaded === true ? "*" : ""}`)
        rows.push([backend.name, status.kind, backend.available ? "yes" : "no", backend.available ? (status.listError ?? "") : (backend.reason ?? ""), models.join(", ")])
      }
    }
    if (env["ORCH_LLAMA_MODEL"] === undefined || env["ORCH_LLAMA_MODEL"].trim() === "") {
      const cached = cachedEmbeddedDefault(env)
      rows.push(["llamacpp (default)", "local", cached !== undefined ? "yes" : "on first run", cached !== undefined ? `cached at ${cached}` : `downloads ${embeddedDefaultModel} when no other model is reachable; or set ORCH_LLAMA_MODEL`, ""])
    }
    terminal.stdout.write(`${renderTable(["backend", "kind", "available", "note", "models (* loaded)"], rows)}\n`)
    const anyAvailable = statuses.some((s) => s.availability.available)
    if (!anyAvailable) terminal.stdout.write("\nNo model can answer now: `orch run` will use the embedded default model (downloaded on first use), or set ORCH_LLAMA_MODEL, OLLAMA_HOST or a cloud key.\n")
    return ExitCode.Ok
  } finally {
    await orchestrator.dispose()
  }
}
