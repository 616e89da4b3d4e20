/**
 * Settings of an OpenAI-compatible local server: vLLM, the llama.cpp server, LM Studio, Ollama's `/v1`.
 */
import type { Duration, Redacted } from "effect"
import type { LocalPricing } from "./LocalPricing.ts"

/** The default vLLM address (the `VLLM_BASE_URL` default). */
export const defaultVllmBaseUrl = "http://127.0.0.1:8000/v1"

/** How to reach and describe one OpenAI-compatible server. */
export interface OpenAiCompatConfig {
  /** The API root including `/v1`, e.g. `http://127.0.0.1:8000/v1` (the default). */
  readonly baseURL?: string
  /** The backend name in model ids (`vllm/<model>`); default `vllm`. Use e.g. `lmstudio` for another server. */
  readonly name?: string
  /** The server's API key, when it wants one (vLLM `--api-key`). Never logged. */
  readonly apiKey?: Redacted.Redacted<string>
  /** The `fetch` to use; default the global one. */
  readonly fetch?: typeof fetch
  /**
   * The SDK's backstop timeout for one request; default 10 minutes. Deadlines belong to the strategies; this
   * only guarantees no call hangs forever.
   */
  readonly backstopTimeout?: Duration.Input
  /** How long an availability answer is reused; default 5 seconds. */
  readonly availabilityTtl?: Duration.Input
  /** How long the availability probe may take; default 2 seconds. */
  readonly probeTimeout?: Duration.Input
  /** Ask for usage in streams (`stream_options.include_usage`); default true. Turn off for servers that reject it. */
  readonly streamUsage?: boolean
  /** What the machine's time or tokens cost; default free. */
  readonly pricing?: LocalPricing
}
