/**
 * Settings of the embedded llama.cpp engine (node-llama-cpp): which GGUF model, how many threads, how many
 * parallel sequences, and what it costs.
 */
import type { Duration } from "effect"
import type { LocalPricing } from "./LocalPricing.ts"

/** Download progress of a model named by a Hugging Face URI. */
export interface DownloadProgress {
  readonly downloadedBytes: number
  readonly totalBytes: number
}

/** How to run a GGUF model in-process. */
export interface LlamaCppConfig {
  /**
   * The model: a GGUF file path, or a URI node-llama-cpp can download (`hf:<user>/<repo>:<quant>`,
   * `hf:<user>/<repo>/<file>.gguf`, `https://...`). The layer edge reads it from `ORCH_LLAMA_MODEL`.
   */
  readonly model: string
  /** The backend name in model ids (`llamacpp/<model>`); default `llamacpp`. */
  readonly name?: string
  /** The model's name in ids; default the file name without `.gguf`. */
  readonly modelName?: string
  /**
   * Threads for generation; default 1. Gotcha: llama.cpp's own default (at least 4) on a 2-core machine makes a
   * small model about a thousand times slower. Raise it for large models on machines with cores to spare.
   */
  readonly threads?: number
  /** The context size per sequence; default the model's training context, capped at 4096. */
  readonly contextSize?: number
  /** How many calls run at once, each on its own sequence; default 1 (further calls wait their turn). */
  readonly sequences?: number
  /** Use a GPU when one is there (`"auto"`), or never (`false`, the default: predictable and fast to start). */
  readonly gpu?: false | "auto"
  /** Where downloaded models are kept; default node-llama-cpp's models directory. */
  readonly modelsDirectory?: string
  /**
   * How long a download may go without any progress before it fails as Unavailable (an unreachable network makes
   * node-llama-cpp retry for minutes); default 15 seconds.
   */
  readonly downloadStallTimeout?: Duration.Input
  /** Called as a model named by URI downloads. */
  readonly onDownloadProgress?: (progress: DownloadProgress) => void
  /** What the machine's time or tokens cost; default free. */
  readonly pricing?: LocalPricing
}

/** Whether the model setting names a download rather than a local file. */
export const isModelUri = (model: string): boolean => /^(hf:|huggingface:|https?:\/\/)/i.test(model)

/** The model's display name: the configured one, else the file name without `.gguf` (or the URI's last part). */
export const llamaModelName = (config: LlamaCppConfig): string => {
  if (config.modelName !== undefined && config.modelName.trim() !== "") return config.modelName
  const last = config.model.split(/[\\/]/).filter((part) => part.length > 0).pop() ?? config.model
  return last.replace(/\.gguf$/i, "").replace(/^hf:/i, "")
}
