/**
 * The client of an OpenAI-compatible server: the official `openai` SDK pointed at a base URL, with its retries off
 * (the strategies own retries), a long backstop timeout, its logger silenced, and one AbortSignal per call.
 */
import { registerSecrets, secretsOfUrl } from "@orch/provider"
import OpenAI from "openai"
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from "openai/resources/chat/completions"
import type { Model } from "openai/resources/models"
import { Duration, Effect, Redacted, Stream } from "effect"
import { RequestFailed } from "./internal/errors.ts"
import { defaultVllmBaseUrl, type OpenAiCompatConfig } from "./OpenAiCompatConfig.ts"

/** The calls an OpenAI-compatible backend makes. Failures are the SDK's raw errors; callers map them. */
export interface OpenAiCompatClient {
  readonly baseURL: string
  /** The API key, for redaction of messages (empty when none). */
  readonly secrets: ReadonlyArray<string>
  /** `POST /chat/completions` without streaming. */
  readonly chat: (body: ChatCompletionCreateParamsNonStreaming) => Effect.Effect<ChatCompletion, unknown>
  /** `POST /chat/completions` as SSE; the request is aborted when the stream's scope closes. */
  readonly chatStream: (body: ChatCompletionCreateParamsStreaming) => Stream.Stream<ChatCompletionChunk, unknown>
  /** `GET /models`. */
  readonly models: Effect.Effect<ReadonlyArray<Model & { readonly max_model_len?: number }>, unknown>
}

/** Build the client for a config. Makes no call. */
export const makeOpenAiCompatClient = (config: OpenAiCompatConfig): OpenAiCompatClient => {
  const baseURL = config.baseURL ?? defaultVllmBaseUrl
  const apiKey = config.apiKey !== undefined ? Redacted.value(config.apiKey) : "not-needed"
  const secrets = [...(config.apiKey !== undefined ? [apiKey] : []), ...secretsOfUrl(baseURL)]
  registerSecrets(secrets)
  const sdk = new OpenAI({
    baseURL,
    apiKey,
    maxRetries: 0,
    timeout: Duration.toMillis(Duration.fromInputUnsafe(config.backstopTimeout ?? "10 minutes")),
    logLevel: "off",
    ...(config.fetch !== undefined ? { fetch: config.fetch } : {})
  })
  return {
    baseURL,
    secrets,
    chat: (body) => Effect.tryPromise({ try: (signal) => sdk.chat.completions.create(body, { signal }), catch: (error) => error }),
    chatStream: (body) =>
      Stream.unwrap(Effect.gen(function*() {
        const signal = yield* Effect.abortSignal
        const chunks = yield* Effect.tryPromise({ try: () => sdk.chat.completions.create(body, { signal }), catch: (error) => new RequestFailed(error) })
        return Stream.fromAsyncIterable(chunks, (error) => error)
      })),
    models: Effect.tryPromise({
      try: (signal) => sdk.models.list({ signal }).then((page) => page.data as ReadonlyArray<Model & { readonly max_model_len?: number }>),
      catch: (error) => error
    })
  }
}
