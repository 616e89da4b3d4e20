/**
 * A model is a value: it carries its backend and model names, and generates and streams.
 * Strategies, the cost tracker and traces read the names from the value instead of threading strings around.
 */
import type { Effect, Stream } from "effect"
import type { Completion } from "./Completion.ts"
import type { ProviderError } from "./ProviderError.ts"
import type { CompletionRequest } from "./Request.ts"
import type { StreamPart } from "./StreamPart.ts"

/** Where a model runs. */
export type ProviderKind = "local" | "cloud"

/** Prices in USD per million tokens. */
export interface ModelPricing {
  readonly inputPerMillion: number
  readonly outputPerMillion: number
  readonly cachedInputPerMillion?: number
  /** Price of input tokens written to the prompt cache (5-minute entries), when it differs from the input price. */
  readonly cacheWriteInputPerMillion?: number
  /** Price of input tokens written to the prompt cache with a one-hour lifetime. */
  readonly cacheWriteLongInputPerMillion?: number
}

/**
 * What a model can take and give beyond plain text. `true`: it can; `false`: it cannot, and a request that needs it
 * is never sent to it; absent: not known (the request is sent and the service decides).
 */
export interface ModelCapabilities {
  /** Function / tool calling. */
  readonly tools?: boolean
  /** Image input. */
  readonly images?: boolean
  /** File (document) input, e.g. PDF. */
  readonly files?: boolean
  /** Structured output constrained by a JSON Schema (not only "some JSON"). */
  readonly jsonSchema?: boolean
  /** Separate hidden reasoning (thinking) output. */
  readonly reasoning?: boolean
}

/** What is known of a model before calling it. */
export interface ModelInfo {
  /** The full id, backend first: `ollama/llama3.2`, `openai/gpt-4o-mini`, `llamacpp/stories260K`. */
  readonly id: string
  /** The model's name at its backend: `llama3.2`. */
  readonly name: string
  /** The backend: `ollama`, `vllm`, `llamacpp`, `openai`, `anthropic`, `lightning`, ... */
  readonly provider: string
  readonly kind: ProviderKind
  readonly contextWindow?: number
  /** For local servers: whether the model is in memory now (loading one can take many seconds). */
  readonly loaded?: boolean
  readonly pricing?: ModelPricing
  /** Size on disk in bytes, when the backend says. */
  readonly sizeBytes?: number
  /** What it can take and give, from the service where it says (Ollama `/api/show`), else from model data. */
  readonly capabilities?: ModelCapabilities
}

/** When a call must have ended (epoch ms, on the real clock), and the error it then ends with. */
export interface CallBound {
  readonly atMs: number
  readonly error: () => ProviderError
}

/** A model that can answer: a value with names, `generate` and `stream`. */
export interface LanguageModel {
  /** The full id, `backend/name`. */
  readonly id: string
  /** The backend's name (the ledger's provider column). */
  readonly provider: string
  /** The model's name at the backend. */
  readonly name: string
  readonly kind: ProviderKind
  /** A complete answer. Interruption aborts the underlying request. */
  readonly generate: (request: CompletionRequest) => Effect.Effect<Completion, ProviderError>
  /**
   * `generate` that ends by itself at `bound.atMs` (epoch ms, on the real clock) with `bound.error()` when no answer
   * has come by then, its request aborted, whatever the server does. Offered by a model whose transport times its own
   * requests: an attempt under a deadline then needs no timer and no fiber of its own. Optional.
   */
  readonly generateBounded?: (request: CompletionRequest, bound: CallBound) => Effect.Effect<Completion, ProviderError>
  /** The answer as parts; ends with a `finish` part, or fails. Interruption aborts the underlying request. */
  readonly stream: (request: CompletionRequest) => Stream.Stream<StreamPart, ProviderError>
  /**
   * `stream` that ends by itself at `bound.atMs` (epoch ms, on the real clock): the same parts, and when the stream
   * has not ended by then it fails with `bound.error()` and its request is aborted, whatever it waits for (the
   * response head, the next chunk, the rest of one). Its timer is cleared when the stream ends, fails or is
   * interrupted. Offered by a model whose transport times its own streams: an attempt under a deadline then bounds
   * no pull of its own. Optional.
   */
  readonly streamBounded?: (request: CompletionRequest, bound: CallBound) => Stream.Stream<StreamPart, ProviderError>
  /** What is known of it (context window, prices, loaded), when known. */
  readonly info?: ModelInfo
}

/** Split `backend/name` into its parts; a bare name has no backend. */
export const parseModelId = (id: string): { readonly backend?: string; readonly name: string } => {
  const slash = id.indexOf("/")
  if (slash <= 0) return { name: id }
  return { backend: id.slice(0, slash), name: id.slice(slash + 1) }
}
