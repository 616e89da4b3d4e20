/**
 * OpenAI's configuration: options given in code, or `OPENAI_API_KEY` / `OPENAI_BASE_URL` read at the layer edge.
 * The base URL makes any OpenAI-compatible host (Azure-style gateways, OpenRouter, vLLM) usable through it.
 */
import type { Config, Redacted } from "effect"
import { backendConfig, type BackendNames } from "./internal/BackendSettings.ts"

/** OpenAI's public API. */
export const openAiDefaultBaseUrl = "https://api.openai.com/v1"

/** How to reach OpenAI (or an OpenAI-compatible host). */
export interface OpenAiOptions {
  /** The API key; a plain string is wrapped in `Redacted` at once. Without it the backend is not available. */
  readonly apiKey?: string | Redacted.Redacted<string> | undefined
  /** Defaults to `https://api.openai.com/v1`. */
  readonly baseUrl?: string | undefined
  /** The SDK's backstop timeout in milliseconds (default 10 minutes); strategies own the real deadlines. */
  readonly timeoutMs?: number | undefined
  /** A fetch to use instead of the global one. */
  readonly fetch?: typeof globalThis.fetch | undefined
}

/** @internal the names OpenAI's configuration uses. */
export const openAiNames: BackendNames = {
  backend: "openai",
  keyVariable: "OPENAI_API_KEY",
  baseUrlVariable: "OPENAI_BASE_URL",
  defaultBaseUrl: openAiDefaultBaseUrl
}

/** OpenAI's options from the environment: `OPENAI_API_KEY` (as `Redacted`) and `OPENAI_BASE_URL`, both optional. */
export const OpenAiConfig: Config.Config<OpenAiOptions> = backendConfig(openAiNames)
