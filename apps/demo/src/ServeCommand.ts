/**
 * `orch serve`: the OpenAI-compatible gateway of `@orch/gateway` over the orchestrator the environment (or
 * `--config`) describes. Prints exactly one line to stdout when ready, `listening http://HOST:PORT`, and on SIGTERM
 * or SIGINT stops taking calls, lets those in flight finish within the grace period, and exits 0. The config file
 * may add `aliases` (model names for a strategy, its models and its budget) and `redisUrl` (a ledger shared by
 * several gateways; also `ORCH_REDIS_URL`).
 */
import fs from "node:fs"
import { type ApiKeyEntry, GatewayConfigError, parseAliases, parseKeys, serve } from "@orch/gateway"
import type { ModelAlias } from "@orch/gateway"
import { parseCommandArguments, stringFlag } from "./CommandLine.ts"
import { applyConfigFile } from "./ConfigFile.ts"
import { ExitCode } from "./ExitCode.ts"
import { setupOrchestrator } from "./OrchestratorSetup.ts"
import type { Terminal } from "./Terminal.ts"
import { UsageError } from "./UsageError.ts"

/** The usage of `orch serve`. */
export const serveUsage = `orch serve [--host 127.0.0.1] [--port 8080] [--config FILE] [--keys FILE]
  --host    the address to listen on (default 127.0.0.1; any other needs --keys)
  --port    the port (default 8080; 0 picks a free one)
  --config  settings as for run, plus "aliases": { "fast": { "strategy": "local_first", "models": ["ollama/llama3.2"], "budgetUsd": 1 } }
            and "redisUrl" (a ledger shared by several gateways; or ORCH_REDIS_URL)
  --keys    a JSON file [{ "key": "...", "name": "team-a", "budgetUsd": 5 }]: every request then needs Authorization: Bearer <key>,
            and each key's spend is its own budget
Prints "listening http://HOST:PORT" when ready; SIGTERM or SIGINT stops it gracefully.`

const readJson = (flag: string, file: string): unknown => {
  if (!fs.existsSync(file)) throw new UsageError(`--${flag}: no such file: ${file}`, "serve")
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"))
  } catch {
    // The parser's message can quote the file's text, and a keys file holds secrets.
    throw new UsageError(`--${flag}: ${file} is not valid JSON`, "serve")
  }
}

const portOf = (text: string | undefined): number => {
  if (text === undefined) return 8080
  const port = Number(text)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`--port must be a whole number from 0 to 65535, not "${text.slice(0, 20)}"`, "serve")
  return port
}

/** Run `orch serve` until the terminal's signal aborts; resolves with the exit code. */
export const serveCommand = async (args: ReadonlyArray<string>, terminal: Terminal): Promise<number> => {
  const parsed = parseCommandArguments("serve", args, { host: { type: "string" }, port: { type: "string" }, config: { type: "string" }, keys: { type: "string" } })
  if (parsed.values["help"] === true) { terminal.stdout.write(`${serveUsage}\n`); return ExitCode.Ok }
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]!.slice(0, 40)}"`, "serve")
  const host = stringFlag(parsed, "host") ?? "127.0.0.1"
  const port = portOf(stringFlag(parsed, "port"))
  const configFile = stringFlag(parsed, "config")
  const config = configFile !== undefined ? readJson("config", configFile) as Record<string, unknown> : {}
  const env = configFile !== undefined ? applyConfigFile(configFile, terminal.env, ["aliases", "redisUrl"]) : terminal.env
  const aliasCheck = parseAliases(config["aliases"])
  if ("problems" in aliasCheck) throw new UsageError(`--config: ${aliasCheck.problems.join("; ")}`, "serve")
  const aliases: Readonly<Record<string, ModelAlias>> = aliasCheck.aliases
  const redisUrl = typeof config["redisUrl"] === "string" ? config["redisUrl"] : env["ORCH_REDIS_URL"]
  if (config["redisUrl"] !== undefined && typeof config["redisUrl"] !== "string") throw new UsageError(`--config: "redisUrl" must be a string such as "redis://127.0.0.1:6379"`, "serve")
  const keysFile = stringFlag(parsed, "keys")
  let keys: ReadonlyArray<ApiKeyEntry> | undefined
  if (keysFile !== undefined) {
    const checked = parseKeys(readJson("keys", keysFile))
    if ("problems" in checked) throw new UsageError(`--keys: ${checked.problems.join("; ")}`, "serve")
    keys = checked.keys
  }

  const setup = await setupOrchestrator({ env, progress: terminal.stderr, embeddedDefault: true })
  // The gateway builds its own orchestrator (with the keys' budgets); the one the setup made was never used.
  await setup.orchestrator.dispose()
  const ledger = redisUrl !== undefined && redisUrl.trim() !== "" ? { type: "redis" as const, url: redisUrl.trim() } : setup.options.ledger
  let running
  try {
    running = await serve({
      host, port, aliases,
      orchestrator: { ...setup.options, ...(ledger !== undefined ? { ledger } : {}) },
      ...(keys !== undefined ? { keys } : {})
    })
  } catch (error) {
    if (error instanceof GatewayConfigError) throw new UsageError(error.message, "serve")
    const code = (error as { code?: unknown }).code
    if (code === "EADDRINUSE" || code === "EADDRNOTAVAIL" || code === "EACCES") throw new UsageError(`cannot listen on ${host}:${port} (${String(code)})`, "serve")
    throw error
  }
  terminal.stdout.write(`listening ${running.url}\n`)
  await new Promise<void>((resolve) => {
    if (terminal.signal.aborted) return resolve()
    terminal.signal.addEventListener("abort", () => resolve(), { once: true })
  })
  await running.close()
  return ExitCode.Ok
}
