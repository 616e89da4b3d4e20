/**
 * Lightning AI's configuration: its OpenAI-compatible model API (default `https://lightning.ai/api/v1`, model
 * names such as `openai/gpt-5` or `lightning-ai/llama-3.3-70b`), from options or `LIGHTNING_API_KEY` /
 * `LIGHTNING_BASE_URL` read at the layer edge.
 */
import type { Config, Redacted } from "effect"
import { backendConfig, type BackendNames } from "./internal/BackendSettings.ts"

/** Lightning AI's OpenAI-compatible model API. */
export const lightningDefaultBaseUrl = "https://lightning.ai/api/v1"

/** How to reach Lightning AI. */
export interface LightningOptions {
  /** The API key; a plain string is wrapped in `Redacted` at once. Without it the backend is not available. */
  readonly apiKey?: string | Redacted.Redacted<string> | undefined
  /** Defaults to `https://lightning.ai/api/v1`. */
  readonly baseUrl?: string | undefined
  /** The SDK's backstop timeout in milliseconds (default 10 minutes); strategies own the real deadlines. */
  readonly timeoutMs?: number | undefined
  /** A fetch to use instead of the global one. */
  readonly fetch?: typeof globalThis.fetch | undefined
}

/** @internal the names Lightning's configuration uses. */
export const lightningNames: BackendNames = {
  backend: "lightning",
  keyVariable: "LIGHTNING_API_KEY",
  baseUrlVariable: "LIGHTNING_BASE_URL",
  defaultBaseUrl: lightningDefaultBaseUrl
}

/** Lightning's options from the environment: `LIGHTNING_API_KEY` (as `Redacted`) and `LIGHTNING_BASE_URL`. */
export const LightningConfig: Config.Config<LightningOptions> = backendConfig(lightningNames)
