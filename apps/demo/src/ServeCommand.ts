/**
 * `orch serve`: the OpenAI-compatible gateway of `@orch/gateway` over the orchestrator the environment (or
 * `--config`) describes. Prints exactly one line to stdout when ready, `listening http://HOST:PORT`, and on SIGTERM
 * or SIGINT stops taking calls, lets those in flight finish within the grace period (`--grace-ms`), cancels the rest
 * and exits 0, bounded in time whatever the upstreams do. The config file may add `aliases` (model names for a
 * strategy, its models and its budget), `redisUrl` (a ledger shared by several gateways; also `ORCH_REDIS_URL`),
 * `graceMs` and the gateway's limits (`maxBodyBytes`, `maxConcurrent`, `maxQueued`). No message quotes a keys file,
 * a Redis URL (it may hold a password) or a parser's excerpt of a file. The gateway's log lines go to stderr.
 */
import { type ApiKeyEntry, GatewayConfigError, parseAliases, parseKeys, type RunningGateway, serve } from "@orch/gateway"
import type { ModelAlias } from "@orch/gateway"
import { parseCommandArguments, stringFlag } from "./CommandLine.ts"
import { applyConfigValue, readJsonFile } from "./ConfigFile.ts"
import { ExitCode } from "./ExitCode.ts"
import { setupOrchestrator } from "./OrchestratorSetup.ts"
import type { Terminal } from "./Terminal.ts"
import { UsageError } from "./UsageError.ts"

/** The usage of `orch serve`. */
export const serveUsage = `orch serve [--host 127.0.0.1] [--port 8080] [--config FILE] [--keys FILE] [--grace-ms 10000]
  --host      the address to listen on (default 127.0.0.1; any other needs --keys)
  --port      the port (default 8080; 0 picks a free one)
  --config    settings as for run, plus "aliases": { "fast": { "strategy": "local_first", "models": ["ollama/llama3.2"], "budgetUsd": 1 } },
              "redisUrl" (a ledger shared by several gateways; or ORCH_REDIS_URL), "graceMs", and the limits "maxBodyBytes"
              (default 4194304), "maxConcurrent" (calls at once, default 256) and "maxQueued" (calls waiting, default 1024)
  --keys      a JSON file [{ "key": "...", "name": "team-a", "budgetUsd": 5 }]: every request then needs Authorization: Bearer <key>,
              and each key's spend is its own budget
  --grace-ms  after SIGTERM or SIGINT, how long calls in flight may take to finish before they are cancelled (default 10000)
Prints "listening http://HOST:PORT" when ready. SIGTERM or SIGINT stops it: new calls get 503, calls in flight finish
within the grace period (the rest are cancelled), then it exits 0; a second signal exits 130 at once.`

/** The gateway's limits a config file may set (checked by the gateway, which names the one that is wrong). */
const limitKeys = ["maxBodyBytes", "maxConcurrent", "maxQueued"] as const

const limitsOf = (config: Record<string, unknown>): Partial<Record<(typeof limitKeys)[number], number>> =>
  Object.fromEntries(limitKeys.flatMap((key) => (config[key] !== undefined ? [[key, config[key] as number]] : [])))

/** The grace period when neither `--grace-ms` nor the config's `graceMs` gives one. */
export const defaultGraceMs = 10_000

/**
 * After the grace period, how long cancelling the remaining calls and closing the ledger may take before `orch
 * serve` exits anyway (with code 1 and a message: the process must end whatever an upstream or Redis does).
 */
export const closeMarginMs = 5_000

/** Before it listens, how long a signal waits for the step in progress (a model load, a Redis connection). */
const startupAbortMs = 3_000

const errorCode = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === "string" ? code : undefined
}

/** A whole number in decimal digits (`Number` would also read "", "0x50", "1e3" and " "). */
const decimal = /^\d+$/

const portOf = (text: string | undefined): number => {
  if (text === undefined) return 8080
  const port = decimal.test(text) ? Number(text) : Number.NaN
  if (!Number.isSafeInteger(port) || port > 65_535) throw new UsageError(`--port must be a whole number from 0 to 65535, not "${text.slice(0, 20)}"`, "serve")
  return port
}

const graceOf = (flag: string | undefined, config: unknown): number => {
  if (flag !== undefined) {
    const grace = decimal.test(flag) ? Number(flag) : Number.NaN
    if (!Number.isSafeInteger(grace) || grace > 3_600_000) throw new UsageError(`--grace-ms must be a whole number of milliseconds from 0 to 3600000, not "${flag.slice(0, 20)}"`, "serve")
    return grace
  }
  if (config === undefined) return defaultGraceMs
  if (typeof config !== "number" || !Number.isSafeInteger(config) || config < 0 || config > 3_600_000) {
    throw new UsageError(`--config: "graceMs" must be a whole number of milliseconds from 0 to 3600000`, "serve")
  }
  return config
}

/** The Redis URL, checked without ever quoting it (it may carry a password). */
const redisUrlOf = (source: string, value: string): string | undefined => {
  const url = value.trim()
  if (url === "") return undefined
  const parsed = URL.canParse(url) ? new URL(url) : undefined
  if (parsed === undefined || (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") || parsed.hostname === "") {
    throw new UsageError(`${source} must be a URL such as "redis://127.0.0.1:6379" (redis: or rediss:)`, "serve")
  }
  return url
}

/** Why the address could not be bound, in words. */
const listenProblem = (code: string | undefined): string => {
  switch (code) {
    case "EADDRINUSE": return "the port is in use"
    case "EADDRNOTAVAIL": return "the address is not one of this machine's"
    case "EACCES": return "permission denied (ports below 1024 need privileges)"
    case "ENOTFOUND": case "EAI_AGAIN": case "EAI_NONAME": return "the host name does not resolve"
    default: return "the address cannot be bound"
  }
}

/** Resolves when the signal aborts (at once when it has). */
const aborted = (signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve()
    signal.addEventListener("abort", () => resolve(), { once: true })
  })

/** Resolves with "late" `ms` after `start` resolves (the timer does not hold the process). */
const lateAfter = (start: Promise<void>, ms: number): Promise<"late"> =>
  start.then(() => new Promise((resolve) => setTimeout(() => resolve("late"), ms).unref()))

/**
 * Run `orch serve` until the terminal's signal aborts; resolves with the exit code. It bounds its own stop (the CLI
 * does not cut it short): before listening, a signal ends it with 130 once the current step ends or
 * `startupAbortMs` passes; after, it exits 0 once stopped, or 1 when closing outlasts the grace period by `closeMarginMs`.
 */
export const serveCommand = async (args: ReadonlyArray<string>, terminal: Terminal): Promise<number> => {
  const parsed = parseCommandArguments("serve", args, {
    host: { type: "string" }, port: { type: "string" }, config: { type: "string" }, keys: { type: "string" }, "grace-ms": { type: "string" }
  })
  if (parsed.values["help"] === true) { terminal.stdout.write(`${serveUsage}\n`); return ExitCode.Ok }
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]!.slice(0, 40)}"`, "serve")
  // An IPv6 address may come as it appears in a URL, in brackets.
  const host = (stringFlag(parsed, "host") ?? "127.0.0.1").trim().replace(/^\[(.*)\]$/, "$1")
  if (host === "") throw new UsageError("--host must name an address, such as 127.0.0.1 or ::1", "serve")
  const port = portOf(stringFlag(parsed, "port"))
  const configFile = stringFlag(parsed, "config")
  const configValue = configFile !== undefined ? readJsonFile("config", configFile, "serve") : {}
  const env = configFile !== undefined ? applyConfigValue(configFile, configValue, terminal.env, ["aliases", "redisUrl", "graceMs", ...limitKeys]) : terminal.env
  const config = configValue as Record<string, unknown>
  const graceMs = graceOf(stringFlag(parsed, "grace-ms"), config["graceMs"])
  const aliasCheck = parseAliases(config["aliases"])
  if ("problems" in aliasCheck) throw new UsageError(`--config: ${aliasCheck.problems.join("; ")}`, "serve")
  const aliases: Readonly<Record<string, ModelAlias>> = aliasCheck.aliases
  if (config["redisUrl"] !== undefined && typeof config["redisUrl"] !== "string") throw new UsageError(`--config: "redisUrl" must be a string such as "redis://127.0.0.1:6379"`, "serve")
  const redisUrl = typeof config["redisUrl"] === "string"
    ? redisUrlOf(`--config: "redisUrl"`, config["redisUrl"])
    : env["ORCH_REDIS_URL"] !== undefined ? redisUrlOf("ORCH_REDIS_URL", env["ORCH_REDIS_URL"]) : undefined
  const keysFile = stringFlag(parsed, "keys")
  let keys: ReadonlyArray<ApiKeyEntry> | undefined
  if (keysFile !== undefined) {
    const checked = parseKeys(readJsonFile("keys", keysFile, "serve"))
    if ("problems" in checked) throw new UsageError(`--keys: ${checked.problems.join("; ")}`, "serve")
    keys = checked.keys
  }

  const stopped = aborted(terminal.signal)
  const interrupted = lateAfter(stopped, startupAbortMs)
  const start = async (): Promise<RunningGateway> => {
    const setup = await setupOrchestrator({ env, progress: terminal.stderr, embeddedDefault: true })
    // The gateway builds its own orchestrator (with the keys' budgets); the one the setup made was never used.
    await setup.orchestrator.dispose()
    const ledger = redisUrl !== undefined ? { type: "redis" as const, url: redisUrl } : setup.options.ledger
    try {
      return await serve({
        host, port, aliases, graceMs, ...limitsOf(config),
        // The gateway's log lines (a price missing, a record the ledger could not take) are the server's to print.
        orchestrator: { ...setup.options, ...(ledger !== undefined ? { ledger } : {}), onLog: ({ level, message }) => terminal.stderr.write(`orch serve: ${level.toLowerCase()}: ${message}\n`) },
        ...(keys !== undefined ? { keys } : {})
      })
    } catch (error) {
      if (error instanceof GatewayConfigError) throw new UsageError(error.message, "serve")
      const syscall = (error as { syscall?: unknown } | null)?.syscall
      if (syscall === "listen" || syscall === "bind" || syscall === "getaddrinfo") {
        const code = errorCode(error)
        throw new UsageError(`cannot listen on ${host}:${port}: ${listenProblem(code)}${code !== undefined ? ` (${code})` : ""}`, "serve")
      }
      throw error
    }
  }
  const starting = start()
  const first = await Promise.race([starting, interrupted])
  if (first === "late") {
    // Still starting: whatever it builds is closed once built, and the process exits now.
    void starting.then((running) => running.close(), () => undefined)
    return ExitCode.Interrupted
  }
  const running = first
  // The stop is bounded whenever the signal came: the calls' grace period and the margin for the ledger, no longer.
  const closeBounded = (): Promise<"closed" | "late"> =>
    Promise.race([running.close().then(() => "closed" as const), lateAfter(Promise.resolve(), graceMs + closeMarginMs)])
  if (terminal.signal.aborted) {
    await closeBounded()
    return ExitCode.Interrupted
  }
  terminal.stdout.write(`listening ${running.url}\n`)
  await stopped
  const closed = await closeBounded()
  if (closed === "late") {
    terminal.stderr.write(`orch serve: the calls and the ledger did not close within ${graceMs + closeMarginMs} ms of the signal; exiting without them\n`)
    return ExitCode.Failure
  }
  return ExitCode.Ok
}
