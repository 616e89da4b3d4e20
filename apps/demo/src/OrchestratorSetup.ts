/**
 * How the `orch` command builds its orchestrator: the environment (or `--config`) as `getOrchestrator` reads it,
 * the local provider rebuilt so that model downloads show a progress bar, the ledger in SQLite under the user's
 * data directory, and the embedded default: with no model reachable and no `ORCH_LLAMA_MODEL`, a small instruct
 * model that node-llama-cpp downloads on first use into the cache directory.
 */
import fs from "node:fs"
import path from "node:path"
import { ModelOrchestrator, optionsFromEnvironment, type Orchestrator, orchestratorFromLayer, type OrchestratorOptions } from "@orch/core"
import type { Provider } from "@orch/provider"
import { localProviderConfig, makeLocalProvider, type LocalProviderConfig } from "@orch/providers-local"
import { ConfigProvider, Effect, Layer, Logger } from "effect"
import { type Environment, ledgerPath, modelCacheDirectory } from "./DataDirectories.ts"
import { makeProgressBar, type ProgressOutput } from "./ProgressBar.ts"
import { strategyFromArgument } from "./StrategyAliases.ts"

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

/** Whether any of the providers can answer now (the embedded engine is not probed: that would load a model). */
const anyAvailable = (providers: ReadonlyArray<Provider>): Promise<boolean> =>
  Effect.runPromise(Effect.map(
    Effect.forEach(providers, (provider) => provider.isAvailable, { concurrency: "unbounded" }),
    (states) => states.some((state) => state.available)
  ))

/** Build the orchestrator for a command. Rejects with the core's InvalidRequest on a bad configuration. */
export const setupOrchestrator = async (setup: SetupOptions): Promise<Setup> => {
  const strategy = setup.env["ORCH_STRATEGY"]
  const env: Environment = strategy !== undefined && strategy.trim() !== "" ? { ...setup.env, ORCH_STRATEGY: strategyFromArgument(strategy) } : setup.env
  const fromEnvironment = await Effect.runPromise(optionsFromEnvironment({ env }))
  const configProvider = ConfigProvider.fromUnknown(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined)))
  const localConfig: LocalProviderConfig = await Effect.runPromise(localProviderConfig.pipe(Effect.provide(ConfigProvider.layer(configProvider))))
  const bar = makeProgressBar("Downloading model", setup.progress)
  const downloads = {
    modelsDirectory: modelCacheDirectory(env),
    downloadStallTimeout: Number(env["ORCH_DOWNLOAD_STALL_MS"] ?? 15_000),
    onDownloadProgress: (progress: { readonly downloadedBytes: number; readonly totalBytes: number }) => {
      bar.update(progress.downloadedBytes, progress.totalBytes)
      if (progress.totalBytes > 0 && progress.downloadedBytes >= progress.totalBytes) bar.done()
    }
  }
  const others = fromEnvironment.providers.filter((provider) => provider.kind !== "local")
  let usesEmbeddedDefault = false
  let llamaCpp = localConfig.llamaCpp !== undefined ? { ...localConfig.llamaCpp, ...downloads } : undefined
  const cloudOnly = (setup.strategy ?? env["ORCH_STRATEGY"]) === "cloud_only"
  if (llamaCpp === undefined && setup.embeddedDefault && !cloudOnly) {
    const { llamaCpp: _none, ...serversOnly } = localConfig
    const servers = await Effect.runPromise(makeLocalProvider(serversOnly))
    const reachable = await anyAvailable([servers, ...others])
    await Effect.runPromise(servers.close ?? Effect.void)
    if (!reachable) {
      usesEmbeddedDefault = true
      const cached = cachedEmbeddedDefault(env)
      if (cached === undefined) setup.progress.write(`No model is configured or reachable: using the embedded default ${embeddedDefaultModel} (downloaded once into ${downloads.modelsDirectory}; set ORCH_LLAMA_MODEL=path/to/model.gguf to use your own)\n`)
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
  const ledger = ledgerPath(env)
  fs.mkdirSync(path.dirname(ledger), { recursive: true })
  const options: OrchestratorOptions = { ...fromEnvironment, providers: [local, ...others], ledger: { type: "sqlite", path: ledger } }
  // Log lines (e.g. the cost tracker's usage warnings) go to stderr: stdout carries the answer (`--json`: one object).
  const orchestrator = orchestratorFromLayer(Layer.merge(ModelOrchestrator.layer(options), Layer.succeed(Logger.LogToStderr, true)))
  return { orchestrator, options, ledgerPath: ledger, usesEmbeddedDefault }
}
