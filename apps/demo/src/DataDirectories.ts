/**
 * Where `orch` keeps its files, following the XDG base directories: the cost ledger under the data directory
 * ($XDG_DATA_HOME/orch, default ~/.local/share/orch) and downloaded models under the cache directory
 * ($XDG_CACHE_HOME/orch/models, default ~/.cache/orch/models).
 */
import os from "node:os"
import path from "node:path"

/** The environment variables `orch` reads. */
export type Environment = Readonly<Record<string, string | undefined>>

const homeOf = (env: Environment): string => env["HOME"] ?? os.homedir()

/** The SQLite ledger: `ORCH_COST_DB` when set, else `ledger.sqlite` in the data directory. */
export const ledgerPath = (env: Environment): string => {
  const configured = env["ORCH_COST_DB"]
  if (configured !== undefined && configured.trim() !== "") return configured
  const dataHome = env["XDG_DATA_HOME"] ?? path.join(homeOf(env), ".local", "share")
  return path.join(dataHome, "orch", "ledger.sqlite")
}

/** The directory downloaded models are kept in. */
export const modelCacheDirectory = (env: Environment): string => {
  const cacheHome = env["XDG_CACHE_HOME"] ?? path.join(homeOf(env), ".cache")
  return path.join(cacheHome, "orch", "models")
}
