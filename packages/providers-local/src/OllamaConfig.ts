/**
 * Settings of the Ollama backend: where the server is, how availability is probed, and what it costs.
 */
import type { Duration, Redacted } from "effect"
import type { LocalPricing } from "./LocalPricing.ts"

/** The default Ollama address (the `OLLAMA_HOST` default). */
export const defaultOllamaHost = "http://127.0.0.1:11434"

/** How to reach and describe an Ollama server. */
export interface OllamaConfig {
  /** The server, e.g. `http://127.0.0.1:11434` (the default); `host:port` and credentials (`http://user:pass@host`) work, credentials are never printed. */
  readonly host?: string
  /** The backend name in model ids (`ollama/<model>`); default `ollama`. */
  readonly name?: string
  /**
   * The key of Ollama's cloud API (`OLLAMA_API_KEY`), for `host: "https://ollama.com"`: sent as a Bearer token to
   * ollama.com only (never to another host), and never printed.
   */
  readonly apiKey?: Redacted.Redacted<string>
  /** Extra headers on every request (a reverse proxy's token, for instance). Secrets: never printed, scrubbed from echoes. */
  readonly headers?: Readonly<Record<string, string | Redacted.Redacted<string>>>
  /** The `fetch` to use; default the global one. */
  readonly fetch?: typeof fetch
  /** The backstop of one call: the longest wait for the answer's head or its next line; default 10 minutes. Deadlines belong to the strategies. */
  readonly timeout?: Duration.Input
  /** How long an availability answer is reused; default 5 seconds. */
  readonly availabilityTtl?: Duration.Input
  /** How long the availability probe and each listing call may take; default 3 seconds. */
  readonly probeTimeout?: Duration.Input
  /** `keep_alive` sent with every chat (how long Ollama keeps the model loaded), unless a request says otherwise. */
  readonly keepAlive?: string | number
  /** Split a leading `<think>…</think>` of a model served without a reasoning parser into reasoning; default true. */
  readonly thinkTags?: boolean
  /** What the machine's time or tokens cost; default free. */
  readonly pricing?: LocalPricing
}
