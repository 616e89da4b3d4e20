/**
 * The `--config file.json` of the `orch` command: the same settings as the environment variables, as JSON keys,
 * validated with errors that name the key and the fix. Values from the file win over the environment.
 *
 * ```json
 * { "strategy": "local_first", "budgetUsd": 0.5, "ollamaHost": "http://127.0.0.1:11434",
 *   "llamaModel": "../shared/models/stories260K-chatml.gguf", "costDb": "./ledger.sqlite" }
 * ```
 */
import fs from "node:fs"
import type { Environment } from "./DataDirectories.ts"
import { UsageError } from "./UsageError.ts"

/** Each config-file key, the environment variable it sets, and its JSON type. */
export const configKeys = {
  strategy: { variable: "ORCH_STRATEGY", type: "string" },
  budgetUsd: { variable: "ORCH_BUDGET_USD", type: "number" },
  deadlineMs: { variable: "ORCH_DEADLINE_MS", type: "number" },
  defaultMaxTokens: { variable: "ORCH_DEFAULT_MAX_TOKENS", type: "number" },
  costDb: { variable: "ORCH_COST_DB", type: "string" },
  ollamaHost: { variable: "OLLAMA_HOST", type: "string" },
  vllmBaseUrl: { variable: "VLLM_BASE_URL", type: "string" },
  servers: { variable: "ORCH_SERVERS", type: "string" },
  llamaModel: { variable: "ORCH_LLAMA_MODEL", type: "string" },
  llamaThreads: { variable: "ORCH_LLAMA_THREADS", type: "number" },
  openaiBaseUrl: { variable: "OPENAI_BASE_URL", type: "string" },
  anthropicBaseUrl: { variable: "ANTHROPIC_BASE_URL", type: "string" },
  lightningBaseUrl: { variable: "LIGHTNING_BASE_URL", type: "string" }
} as const satisfies Record<string, { readonly variable: string; readonly type: "string" | "number" }>

const keyHint = "API keys are read from the environment only (OPENAI_API_KEY, ANTHROPIC_API_KEY, LIGHTNING_API_KEY), never from a file"

/** The largest JSON file read (a config or keys file holds a handful of entries). */
const maxFileBytes = 1_048_576

/** What kind of file system entry this is, for an error that names it. */
const kindOf = (stat: fs.Stats): string =>
  stat.isDirectory() ? "a directory"
    : `${stat.isFIFO() ? "a FIFO (named pipe)" : stat.isSocket() ? "a socket" : stat.isCharacterDevice() || stat.isBlockDevice() ? "a device" : "something else"}: it is not a regular file`

/** Why a file could not be read, in words (its error code, never a message that might quote the path's contents). */
const readProblem = (error: unknown): string => {
  const code = (error as { code?: unknown } | null)?.code
  return code === "EACCES" || code === "EPERM" ? "permission denied" : typeof code === "string" ? code : "unreadable"
}

/**
 * The JSON value of the file a flag names (`--config`, `--keys`, ...). Only a regular file of at most 1 MB is read: a
 * FIFO or a device would block the process (and Ctrl-C with it). A file that is not JSON is said to be so, with where
 * when the parser says, never with the parser's excerpt of its text: a config or keys file may hold a secret.
 */
export const readJsonFile = (flag: string, file: string, command?: string): unknown => {
  let stat: fs.Stats | undefined
  try {
    stat = fs.statSync(file, { throwIfNoEntry: false })
  } catch (error) {
    throw new UsageError(`--${flag}: cannot read ${file} (${readProblem(error)})`, command)
  }
  if (stat === undefined) throw new UsageError(`--${flag}: no such file: ${file}`, command)
  if (!stat.isFile()) throw new UsageError(`--${flag}: ${file} is ${kindOf(stat)}; give a JSON file`, command)
  if (stat.size > maxFileBytes) throw new UsageError(`--${flag}: ${file} is ${stat.size} bytes; at most 1 MB is read`, command)
  let text: string
  try {
    text = fs.readFileSync(file, "utf8")
  } catch (error) {
    throw new UsageError(`--${flag}: cannot read ${file} (${readProblem(error)})`, command)
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    const at = /line \d+ column \d+|position \d+/.exec(error instanceof Error ? error.message : "")?.[0]
    throw new UsageError(`--${flag}: ${file} is not valid JSON${at !== undefined ? ` (at ${at})` : ""}`, command)
  }
}

/**
 * Read and validate a config file; the environment with the file's settings applied over it. `commandKeys` are keys
 * one command reads itself (e.g. `orch serve`'s `aliases`): allowed, and left to it.
 */
export const applyConfigFile = (file: string, env: Environment, commandKeys: ReadonlyArray<string> = []): Environment =>
  applyConfigValue(file, readJsonFile("config", file), env, commandKeys)

/** `applyConfigFile` for a config file already read (`readJsonFile`). */
export const applyConfigValue = (file: string, parsed: unknown, env: Environment, commandKeys: ReadonlyArray<string> = []): Environment => {
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`--config: ${file} must hold a JSON object such as {"strategy": "local_first"}`)
  }
  const problems: Array<string> = []
  const settings: Record<string, string> = {}
  for (const [key, value] of Object.entries(parsed)) {
    // A credential's name (apiKey, hfToken, secret, password), but not a count of tokens (defaultMaxTokens).
    if (/api_?key|token$|secret|password/i.test(key)) { problems.push(`"${key}": ${keyHint}`); continue }
    if (commandKeys.includes(key)) continue
    const known = Object.hasOwn(configKeys, key) ? (configKeys as Record<string, { readonly variable: string; readonly type: string }>)[key] : undefined
    if (known === undefined) { problems.push(`"${key}" is not a setting; use one of ${Object.keys(configKeys).join(", ")}`); continue }
    if (typeof value !== known.type || (known.type === "number" && !Number.isFinite(value))) {
      problems.push(`"${key}" must be a ${known.type}, not ${JSON.stringify(value)?.slice(0, 40)}`)
      continue
    }
    settings[known.variable] = String(value)
  }
  if (problems.length > 0) throw new UsageError(`--config: ${file} is invalid:\n  ${problems.join("\n  ")}`)
  return { ...env, ...settings }
}
