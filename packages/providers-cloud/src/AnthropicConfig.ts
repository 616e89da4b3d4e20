/**
 * Anthropic's configuration: options given in code, or `ANTHROPIC_API_KEY` / `ANTHROPIC_BASE_URL` read at the
 * layer edge, and the `max_tokens` sent when a request gives none (Anthropic requires it).
 */
import type { Config, Redacted } from "effect"
import { backendConfig, type BackendNames } from "./internal/BackendSettings.ts"

/** Anthropic's public API. */
export const anthropicDefaultBaseUrl = "https://api.anthropic.com"

/** `max_tokens` when a request sets no `maxTokens`. */
export const anthropicDefaultMaxTokens = 1024

/** How to reach Anthropic. */
export interface AnthropicOptions {
  /** The API key; a plain string is wrapped in `Redacted` at once. Without it the backend is not available. */
  readonly apiKey?: string | Redacted.Redacted<string> | undefined
  /** Defaults to `https://api.anthropic.com`. */
  readonly baseUrl?: string | undefined
  /** The SDK's backstop timeout in milliseconds (default 10 minutes); strategies own the real deadlines. */
  readonly timeoutMs?: number | undefined
  /** A fetch to use instead of the global one. */
  readonly fetch?: typeof globalThis.fetch | undefined
  /** `max_tokens` when a request gives none (default 1024). */
  readonly defaultMaxTokens?: number | undefined
}

/** @internal the names Anthropic's configuration uses. */
export const anthropicNames: BackendNames = {
  backend: "anthropic",
  keyVariable: "ANTHROPIC_API_KEY",
  baseUrlVariable: "ANTHROPIC_BASE_URL",
  defaultBaseUrl: anthropicDefaultBaseUrl
}

/** Anthropic's options from the environment: `ANTHROPIC_API_KEY` (as `Redacted`) and `ANTHROPIC_BASE_URL`. */
export const AnthropicConfig: Config.Config<AnthropicOptions> = backendConfig(anthropicNames)
