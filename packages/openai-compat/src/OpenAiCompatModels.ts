/**
 * What an OpenAI-compatible server says about its models, read with bounded calls: `GET /models` (ids, and the
 * context window where the server states it: vLLM and SGLang `max_model_len`, a llama.cpp server's `meta.n_ctx`,
 * gateways' `context_length`; whether a llama.cpp router has each model loaded), a llama.cpp server's `GET /props`
 * (the context of each slot, and whether it takes images), and LM Studio's `GET /api/v0/models` (each model's type, whether it is loaded, and the
 * context it is loaded with). A model whose id is a file path (a llama.cpp server started without `--alias`) gets a
 * short callable name; the path is still sent.
 */
import { Effect } from "effect"
import type { ProviderError } from "@orch/provider"
import type { OpenAiCompatClient } from "./OpenAiCompatClient.ts"

/** One model as a server lists it. */
export interface ServerModel {
  /** The name to call it by: the server's id, or the file name of a path-like id. */
  readonly name: string
  /** The id as the server knows it (sent on the wire). */
  readonly serverId: string
  readonly contextWindow?: number
  /** Whether it is in memory now, where the listing says (a llama.cpp router's `status.value`). */
  readonly loaded?: boolean
}

type Json = Record<string, unknown>
const record = (u: unknown): Json | undefined => (typeof u === "object" && u !== null && !Array.isArray(u) ? (u as Json) : undefined)
const positive = (u: unknown): number | undefined => (typeof u === "number" && Number.isSafeInteger(u) && u > 0 ? u : undefined)

/** A short name for an id that is a file path (`/models/Qwen2.5-0.5B-Q4_K_M.gguf` → `Qwen2.5-0.5B-Q4_K_M`); other ids as they are. */
export const callableName = (id: string): string => {
  if (!/[\\/]/.test(id) || !/\.gguf$|^[A-Za-z]:[\\/]|^[/~.]/i.test(id)) return id
  const file = id.split(/[\\/]/).filter((part) => part.length > 0).pop() ?? id
  return file.replace(/\.gguf$/i, "")
}

/** The context window a `/models` entry states. */
const windowOf = (entry: Json): number | undefined =>
  positive(entry.max_model_len) ?? positive(record(entry.meta)?.n_ctx) ?? positive(entry.context_length) ?? positive(entry.context_window)

/** The models a server lists at `GET /models`, bounded by the probe timeout. */
export const listServerModels = (client: OpenAiCompatClient): Effect.Effect<ReadonlyArray<ServerModel>, ProviderError> =>
  Effect.map(client.getJson("models"), (body) => {
    const data = record(body)?.data
    if (!Array.isArray(data)) return []
    return data.flatMap((item): ReadonlyArray<ServerModel> => {
      const entry = record(item)
      if (entry === undefined || typeof entry.id !== "string" || entry.id.trim() === "") return []
      const contextWindow = windowOf(entry)
      // A llama.cpp server in router mode lists every model it can load, each with its state.
      const state = record(entry.status)?.value
      return [{
        name: callableName(entry.id),
        serverId: entry.id,
        ...(contextWindow !== undefined ? { contextWindow } : {}),
        ...(typeof state === "string" ? { loaded: state === "loaded" } : {})
      }]
    })
  })

/** What a llama.cpp server says of itself at `GET /props`. */
export interface LlamaServerProps {
  /** The context of each slot. */
  readonly contextWindow?: number
  /** Whether it takes images (`modalities.vision`: started with a multimodal projector). */
  readonly vision?: boolean
}

/** A llama.cpp server's `GET /props`, or nothing when the server has no such route. Never fails. */
export const llamaServerProps = (client: OpenAiCompatClient): Effect.Effect<LlamaServerProps> =>
  client.getJson("/props").pipe(
    Effect.map((body): LlamaServerProps => {
      const contextWindow = positive(record(record(body)?.default_generation_settings)?.n_ctx) ?? positive(record(body)?.n_ctx)
      const vision = record(record(body)?.modalities)?.vision
      return { ...(contextWindow !== undefined ? { contextWindow } : {}), ...(typeof vision === "boolean" ? { vision } : {}) }
    }),
    Effect.orElseSucceed((): LlamaServerProps => ({}))
  )

/** A llama.cpp server's context per slot from `GET /props`, or undefined when the server has no such route. Never fails. */
export const llamaServerContextWindow = (client: OpenAiCompatClient): Effect.Effect<number | undefined> =>
  Effect.map(llamaServerProps(client), (props) => props.contextWindow)

/** What LM Studio says of one model at `GET /api/v0/models`. */
export interface ServerModelDetails {
  /** `llm`, `vlm` or `embeddings`. */
  readonly type?: string
  /** Whether it is in memory now (`state: "loaded"`). */
  readonly loaded?: boolean
  /** The context it is loaded with (`loaded_context_length`); a model not loaded has none yet. */
  readonly contextWindow?: number
}

/**
 * LM Studio's details of its models by id, from `GET /api/v0/models`, bounded by the probe timeout; empty when the
 * server has no such route or answers in another shape. Never fails: the details are advisory.
 */
export const lmStudioModelDetails = (client: OpenAiCompatClient): Effect.Effect<ReadonlyMap<string, ServerModelDetails>> =>
  client.getJson("/api/v0/models").pipe(
    Effect.map((body) => {
      const details = new Map<string, ServerModelDetails>()
      const data = record(body)?.data
      if (!Array.isArray(data)) return details
      for (const item of data) {
        const entry = record(item)
        if (entry === undefined || typeof entry.id !== "string") continue
        const contextWindow = positive(entry.loaded_context_length)
        details.set(entry.id, {
          ...(typeof entry.type === "string" ? { type: entry.type } : {}),
          ...(typeof entry.state === "string" ? { loaded: entry.state === "loaded" } : {}),
          ...(contextWindow !== undefined ? { contextWindow } : {})
        })
      }
      return details
    }),
    Effect.orElseSucceed((): ReadonlyMap<string, ServerModelDetails> => new Map())
  )
