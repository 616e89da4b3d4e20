/**
 * How the `orch` command builds its orchestrator: the environment (or `--config`) as `getOrchestrator` reads it,
 * the local provider rebuilt so that model downloads show a progress bar, the ledger in SQLite under the user's
 * data directory, and the embedded default: with nothing configured (no server address, no cloud key, no
 * `ORCH_LLAMA_MODEL`) and no model reachable, a small instruct model that node-llama-cpp downloads on first use into
 * the cache directory. A server or key the user configured is never silently replaced by it: when none of them can
 * answer, the setup fails naming each one, its problem and the fix.
 */
import fs from "node:fs"
import path from "node:path"
import { ModelOrchestrator, optionsFromEnvironment, type Orchestrator, orchestratorFromLayer, type OrchestratorOptions } from "@orch/core"
import { type Provider, providerError } from "@orch/provider"
import { localProviderConfig, makeLocalProvider, type LocalProviderConfig } from "@orch/providers-local"
import { ConfigProvider, Effect, Layer, Logger } from "effect"
import { type Environment, ledgerPath, modelCacheDirectory, prepareLedgerFile } from "./DataDirectories.ts"
import { makeProgressBar, type ProgressOutput } from "./ProgressBar.ts"
import { strategyFromArgument } from "./StrategyAliases.ts"
import { sanitizeForTerminal } from "./TerminalText.ts"
import { UsageError } from "./UsageError.ts"

/** The model the embedded default downloads: Qwen2.5 0.5B Instruct, 4-bit (about 400 MB, fine on a laptop). */
export const embeddedDefaultModel = "hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf"

const embeddedDefaultFile = "qwen2.5-0.5b-instruct-q4_k_m.gguf"

/** What a command asks of the setup. */
export interface SetupOptions {
  readonly env: Environment
  /** Where progress bars go (stderr). */
  readonly progress: ProgressOutput
  /** Add the embedded default when no other model is reachable (`run`, `ensemble`); `providers` only reports it. */
  readonly embeddedDefault: boolean
  /** The call's strategy, when the command line names one (CLOUD_ONLY never uses the embedded default). */
  readonly strategy?: string
  /** The models the command line names (`--model`, `--models`): a named backend other than the embedded one rules the default out. */
  readonly models?: ReadonlyArray<string>
}

/** The variables that configure a server or service; any of them set means the user chose what to call. */
const configuringVariables = ["OLLAMA_HOST", "VLLM_BASE_URL", "ORCH_SERVERS", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "LIGHTNING_API_KEY"] as const

/** The variable that configures each backend. */
const backendVariables: Readonly<Record<string, string>> = {
  ollama: "OLLAMA_HOST", vllm: "VLLM_BASE_URL", openai: "OPENAI_API_KEY", anthropic: "ANTHROPIC_API_KEY", lightning: "LIGHTNING_API_KEY"
}

/** A millisecond setting from the environment, in decimal digits only (`0x10` is not 16). */
const decimalMs = (env: Environment, variable: string, fallback: number): number => {
  const text = env[variable]
  if (text === undefined || text.trim() === "") return fallback
  if (!/^\s*\d+\s*$/.test(text)) throw new UsageError(`${variable} must be a whole number of milliseconds in decimal digits, not "${text.slice(0, 40)}"`)
  return Number(text)
}

/** The built orchestrator and what the setup decided. */
export interface Setup {
  readonly orchestrator: Orchestrator
  readonly options: OrchestratorOptions
  /** The SQLite ledger file. */
  readonly ledgerPath: string
  /** Whether the embedded default model was added. */
  readonly usesEmbeddedDefault: boolean
}

/** The cached file of the embedded default model, if it was downloaded before. */
export const cachedEmbeddedDefault = (env: Environment): string | undefined => {
  const directory = modelCacheDirectory(env)
  if (!fs.existsSync(directory)) return undefined
  const found = fs.readdirSync(directory).find((name) => name.toLowerCase().endsWith(embeddedDefaultFile))
  return found === undefined ? undefined : path.join(directory, found)
}

/** Each provider's availability (the embedded engine is not probed: that would load a model). */
const availabilityOf = (providers: ReadonlyArray<Provider>) =>
  Effect.runPromise(Effect.forEach(providers, (provider) => Effect.map(provider.isAvailable, (availability) => ({ provider, availability })), { concurrency: "unbounded" }))

/** Build the orchestrator for a command. Rejects with the core's InvalidRequest on a bad configuration. */
export const setupOrchestrator = async (setup: SetupOptions): Promise<Setup> => {
  const strategy = setup.env["ORCH_STRATEGY"]
  const env: Environment = strategy !== undefined && strategy.trim() !== "" ? { ...setup.env, ORCH_STRATEGY: strategyFromArgument(strategy) } : setup.env
  const ledger = prepareLedgerFile(ledgerPath(env))
  const fromEnvironment = await Effect.runPromise(optionsFromEnvironment({ env }))
  const configProvider = ConfigProvider.fromUnknown(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined)))
  const localConfig: LocalProviderConfig = await Effect.runPromise(localProviderConfig.pipe(Effect.provide(ConfigProvider.layer(configProvider))))
  const bar = makeProgressBar("Downloading model", setup.progress)
  const downloads = {
    modelsDirectory: modelCacheDirectory(env),
    downloadStallTimeout: decimalMs(env, "ORCH_DOWNLOAD_STALL_MS", 15_000),
    onDownloadProgress: (progress: { readonly downloadedBytes: number; readonly totalBytes: number }) => {
      bar.update(progress.downloadedBytes, progress.totalBytes)
      if (progress.totalBytes > 0 && progress.downloadedBytes >= progress.totalBytes) bar.done()
    }
  }
  const others = fromEnvironment.providers.filter((provider) => provider.kind !== "local")
  let usesEmbeddedDefault = false
  let llamaCpp = localConfig.llamaCpp !== undefined ? { ...localConfig.llamaCpp, ...downloads } : undefined
  const cloudOnly = (setup.strategy ?? env["ORCH_STRATEGY"]) === "cloud_only"
  const configured = configuringVariables.filter((variable) => (env[variable] ?? "").trim() !== "")
  const namedBackends = (setup.models ?? []).map((id) => id.split("/")[0] ?? "").filter((backend) => backend !== "llamacpp")
  if (llamaCpp === undefined && setup.embeddedDefault && !cloudOnly) {
    const { llamaCpp: _none, ...serversOnly } = localConfig
    const servers = await Effect.runPromise(makeLocalProvider(serversOnly))
    const states = await availabilityOf([...servers.backends, ...others])
    await Effect.runPromise(servers.close ?? Effect.void)
    if (!states.some((state) => state.availability.available)) {
      if (configured.length > 0 || namedBackends.length > 0) {
        // What the user configured is down: say which and how to fix it, never swap in the embedded default.
        const all = states.flatMap((state) => (state.availability.backends ?? [{ name: state.provider.name, available: false, reason: state.availability.reason }])
          .map((backend) => ({ name: backend.name, reason: backend.reason })))
        // The backends the command line named first (the fix shown is the first one's), then the configured ones.
        const chosen = all.filter((backend) => namedBackends.includes(backend.name) || configured.some((variable) => backendVariables[backend.name] === variable))
          .sort((a, b) => Number(namedBackends.includes(b.name)) - Number(namedBackends.includes(a.name)))
        const down = chosen.length > 0 ? chosen : all
        const reasons = down.map((backend) => `${backend.name}: ${backend.reason ?? "not available"}`).join("; ")
        throw providerError(
          { _tag: "Unavailable", cause: reasons },
          `no configured model can answer (${configured.length > 0 ? configured.join(", ") : `--model ${setup.models?.join(", ")}`} set). ${reasons}. Start the server or fix its address or key; unset ${configured.length > 0 ? configured.join(", ") : "--model"} to use the embedded default model instead`,
          down[0] !== undefined ? { provider: down[0].name } : {}
        )
      }
      usesEmbeddedDefault = true
      const cached = cachedEmbeddedDefault(env)
      if (cached === undefined) setup.progress.write(sanitizeForTerminal(`No model is configured or reachable: using the embedded default ${embeddedDefaultModel} (downloaded once into ${downloads.modelsDirectory}; set ORCH_LLAMA_MODEL=path/to/model.gguf to use your own)`) + "\n")
      llamaCpp = { model: cached ?? embeddedDefaultModel, modelName: "qwen2.5-0.5b-instruct", ...downloads }
    }
  }
  const local = await Effect.runPromise(makeLocalProvider({ ...localConfig, ...(llamaCpp !== undefined ? { llamaCpp } : {}) }))
  if (usesEmbeddedDefault) {
    // Load (download on first use) now, so a machine without network hears why, and what to set instead.
    const engine = local.backends.find((backend) => backend.name === "llamacpp")
    const loaded = await Effect.runPromise(Effect.result(engine?.listModels ?? Effect.succeed([])))
    if (loaded._tag === "Failure") {
      await Effect.runPromise(local.close ?? Effect.void)
      throw loaded.failure
    }
  }
  const options: OrchestratorOptions = { ...fromEnvironment, providers: [local, ...others], ledger: { type: "sqlite", path: ledger } }
  // Log lines (e.g. the cost tracker's usage warnings) go to stderr: stdout carries the answer (`--json`: one object).
  const orchestrator = orchestratorFromLayer(Layer.merge(ModelOrchestrator.layer(options), Layer.succeed(Logger.LogToStderr, true)))
  return { orchestrator, options, ledgerPath: ledger, usesEmbeddedDefault }
}
