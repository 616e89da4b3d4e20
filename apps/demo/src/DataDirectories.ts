/**
 * Where `orch` keeps its files, following the XDG base directories: the cost ledger under the data directory
 * ($XDG_DATA_HOME/orch, default ~/.local/share/orch) and downloaded models under the cache directory
 * ($XDG_CACHE_HOME/orch/models, default ~/.cache/orch/models).
 */
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { UsageError } from "./UsageError.ts"

/** The environment variables `orch` reads. */
export type Environment = Readonly<Record<string, string | undefined>>

/**
 * A base directory from the environment, as the XDG spec reads it: unset or empty means the default; a relative
 * path is invalid (it would put the ledger wherever the command happens to run), and says so.
 */
const baseDirectory = (env: Environment, variable: string, fallback: () => string): string => {
  const value = env[variable]
  if (value === undefined || value.trim() === "") return fallback()
  if (!path.isAbsolute(value)) throw new UsageError(`${variable} must be an absolute path, not "${value.slice(0, 80)}" (or leave it unset for the default)`)
  return value
}

const homeOf = (env: Environment): string => baseDirectory(env, "HOME", () => os.homedir())

/** The SQLite ledger: `ORCH_COST_DB` when set, else `ledger.sqlite` in the data directory. */
export const ledgerPath = (env: Environment): string => {
  const configured = env["ORCH_COST_DB"]
  if (configured !== undefined && configured.trim() !== "") return configured
  const dataHome = baseDirectory(env, "XDG_DATA_HOME", () => path.join(homeOf(env), ".local", "share"))
  return path.join(dataHome, "orch", "ledger.sqlite")
}

/**
 * The ledger file, ready to open: its directory made, and a clear UsageError when the path is a directory or
 * something else that is not a file, or the directory cannot be made.
 */
export const prepareLedgerFile = (file: string): string => {
  const stat = fs.statSync(file, { throwIfNoEntry: false })
  if (stat !== undefined && !stat.isFile()) {
    throw new UsageError(`the cost ledger ${file} is ${stat.isDirectory() ? "a directory" : "not a regular file"}: set ORCH_COST_DB (or "costDb" in --config) to a file path such as ${path.join(file, "ledger.sqlite")}`)
  }
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true })
  } catch (error) {
    throw new UsageError(`the cost ledger's directory ${path.dirname(file)} cannot be made (${(error as NodeJS.ErrnoException).code ?? "error"}): set ORCH_COST_DB (or XDG_DATA_HOME) to a writable place`)
  }
  return file
}

/** The directory downloaded models are kept in. */
export const modelCacheDirectory = (env: Environment): string => {
  const cacheHome = baseDirectory(env, "XDG_CACHE_HOME", () => path.join(homeOf(env), ".cache"))
  return path.join(cacheHome, "orch", "models")
}
