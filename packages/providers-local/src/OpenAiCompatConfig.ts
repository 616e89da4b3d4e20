/**
 * Settings of an OpenAI-compatible local server (vLLM, a llama.cpp server, LM Studio, Ollama's `/v1`, SGLang, any
 * other), in the one config vocabulary: `baseUrl`, `apiKey` as `Redacted`, durations. A `preset` fills in the
 * server's defaults (name, address, where it states its context window); everything set here wins.
 */
import type { Duration, Redacted } from "effect"
import type { LocalPricing } from "./LocalPricing.ts"
import type { OpenAiCompatPresetName } from "./OpenAiCompatPresets.ts"

/** The default vLLM address (the `VLLM_BASE_URL` default). */
export const defaultVllmBaseUrl = "http://127.0.0.1:8000/v1"

/** How to reach and describe one OpenAI-compatible server. */
export interface OpenAiCompatConfig {
  /** The server's kind, for its defaults (`vllm`, `llama-server`, `lmstudio`, `ollama-openai`, `sglang`); default `vllm`. */
  readonly preset?: OpenAiCompatPresetName
  /** The backend name in model ids (`lmstudio/<model>`); default the preset's name. Several servers need distinct names. */
  readonly name?: string
  /** The API root including `/v1`; default the preset's address. Credentials in it are used, never printed. */
  readonly baseUrl?: string
  /** The server's API key, when it wants one (vLLM `--api-key`, llama-server `--api-key`). Never printed. */
  readonly apiKey?: Redacted.Redacted<string>
  /** Extra headers on every request (a proxy's token). Secrets: never printed, scrubbed from echoes. */
  readonly headers?: Readonly<Record<string, string | Redacted.Redacted<string>>>
  /**
   * Models that are callable whatever `/v1/models` says: listed even when the server does not list (some hosts
   * answer 404) or the listing fails. Listing is advisory.
   */
  readonly models?: ReadonlyArray<string>
  /** The context window of every model of this server, when the server does not state it. */
  readonly contextWindow?: number
  /** The `fetch` to use; default the global one. */
  readonly fetch?: typeof fetch
  /** The backstop timeout of one call; default 10 minutes. Deadlines belong to the strategies. */
  readonly timeout?: Duration.Input
  /** How long an availability answer is reused; default 5 seconds. */
  readonly availabilityTtl?: Duration.Input
  /** How long the availability probe and the model listing may take; default 3 seconds. */
  readonly probeTimeout?: Duration.Input
  /** Ask for usage in streams (`stream_options.include_usage`); default the preset's (true). */
  readonly streamUsage?: boolean
  /** Split a leading `<think>…</think>` into reasoning; default true. */
  readonly thinkTags?: boolean
  /** What the machine's time or tokens cost; default free. */
  readonly pricing?: LocalPricing
}
