/**
 * Settings of the Ollama backend: where the server is, how availability is probed, and what it costs.
 */
import type { Duration } from "effect"
import type { LocalPricing } from "./LocalPricing.ts"

/** The default Ollama address (the `OLLAMA_HOST` default). */
export const defaultOllamaHost = "http://127.0.0.1:11434"

/** How to reach and describe an Ollama server. */
export interface OllamaConfig {
  /** The server, e.g. `http://127.0.0.1:11434` (the default). */
  readonly host?: string
  /** The backend name in model ids (`ollama/<model>`); default `ollama`. */
  readonly name?: string
  /** Extra headers on every request (a reverse proxy's auth, for instance). Never logged. */
  readonly headers?: Readonly<Record<string, string>>
  /** The `fetch` to use; default the global one. Each call wraps it to pass its own AbortSignal. */
  readonly fetch?: typeof fetch
  /** How long an availability answer is reused; default 5 seconds. */
  readonly availabilityTtl?: Duration.Input
  /** How long the availability probe may take; default 2 seconds. */
  readonly probeTimeout?: Duration.Input
  /** `keep_alive` sent with every chat (how long Ollama keeps the model loaded), unless a request says otherwise. */
  readonly keepAlive?: string | number
  /** What the machine's time or tokens cost; default free. */
  readonly pricing?: LocalPricing
}
