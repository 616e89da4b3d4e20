/**
 * The one client of the OpenAI chat wire: the official `openai` SDK built the way @orch needs it (retries off, the
 * strategies own them; a backstop timeout; its logger off, so it prints nothing; the key from `Redacted`; custom
 * headers), with every call aborted when its Effect is interrupted. Chat calls, streamed and not, take the kit's lean
 * `node:http` transport instead when no custom `fetch` is configured (same request, same events, same errors, a
 * fraction of the CPU); there a non-streamed call is one effect step whose answer is read where it arrives, and a
 * caller's bound is kept by the call's own timer. A stream's body is parsed by the kit's SSE reader on either path
 * (the SDK only sends the request), and read ahead in batches by the contract's `readEventBatches` (one fiber wake
 * per network read, one backstop timer per call, and a caller's bound on the stream kept by one plain timer). Also the
 * bounded GETs a provider needs for listing and probing (`/models`, llama.cpp's `/props`, LM Studio's
 * `/api/v0/models`), which never wait for the SDK's backstop.
 */
import OpenAI from "openai"
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from "openai/resources/chat/completions"
import { Clock, Effect, Redacted, Result, type Stream } from "effect"
import { providerError, readEventBatches, type CallBound, type ProviderError } from "@orch/provider"
import { errorFromSdk, errorFromStatus, inBandError, type FailureScope } from "./OpenAiCompatError.ts"
import type { OpenAiCompatSettings } from "./OpenAiCompatSettings.ts"
import { makeSseReader, webBodyEvents } from "./OpenAiCompatSse.ts"
import { type JsonTransport, makeJsonTransport, maxResponseBytes, type PostOutcome } from "./OpenAiCompatTransport.ts"

/** The calls of one endpoint. Failures are mapped `ProviderError`s. */
export interface OpenAiCompatClient {
  readonly settings: OpenAiCompatSettings
  /** `POST /chat/completions` without streaming: the parsed body, whatever its shape. */
  readonly chat: (body: ChatCompletionCreateParamsNonStreaming, model: string) => Effect.Effect<unknown, ProviderError>
  /**
   * `chat` with the body built when the call starts and the parsed answer read by `read` as it arrives (given the
   * Effect clock's time then): the whole call is one effect step on the lean transport, for the hot path. With a
   * `bound` (epoch ms on the real clock) the call ends by itself at `bound.atMs` with `bound.error()`, its request
   * aborted, when that comes before the backstop timeout; the lean transport keeps it with its own timer.
   */
  readonly chatWith: <A>(
    body: () => ChatCompletionCreateParamsNonStreaming,
    model: string,
    read: (answer: unknown, receivedAtMs: number) => Result.Result<A, ProviderError>,
    bound?: CallBound
  ) => Effect.Effect<A, ProviderError>
  /**
   * `POST /chat/completions` as SSE: each event's parsed data; the request is aborted when the stream's scope closes.
   * Once the response has begun, a wait of more than the backstop timeout for the next event is a `between-chunks`
   * Timeout. With a `bound` (epoch ms on the real clock) the stream ends by itself at `bound.atMs` with
   * `bound.error()`, its request aborted, whatever it waits for; one plain timer keeps it, cleared at the stream's end.
   */
  readonly chatStream: (body: ChatCompletionCreateParamsStreaming, model: string, bound?: CallBound) => Stream.Stream<unknown, ProviderError>
  /** `GET <path>` relative to the base URL (or to the server root for a path starting with `/`), bounded by the probe timeout. */
  readonly getJson: (path: string) => Effect.Effect<unknown, ProviderError>
}

/** Where a call's cancellation signal rides, in the SDK's per-request `fetchOptions`, to the client's `fetch`. */
const cancelWith: unique symbol = Symbol("@orch/openai-compat/cancelWith")

/** Per-request options that make `signal` cancel the call (see `cancellableFetch`). */
const cancelledBy = (signal: AbortSignal): { readonly fetchOptions: Record<never, never> } => ({ fetchOptions: { [cancelWith]: signal } })

/**
 * The `fetch` the SDK is given: the configured one (or the global one, read per call), with one plain signal that
 * aborts on the SDK's own (its timeout) or on the call's cancellation signal (an interrupted Effect). Handing the
 * call's signal to the SDK as `signal` instead makes it compose the two with `AbortSignal.any`, whose every `aborted`
 * read (undici reads it per body chunk) walks weak references: tens of microseconds of client CPU per streamed call.
 */
const cancellableFetch = (configured: typeof globalThis.fetch | undefined): typeof globalThis.fetch => (input, init) => {
  const base = configured ?? globalThis.fetch
  const cancel = (init as { readonly [cancelWith]?: AbortSignal } | undefined)?.[cancelWith]
  if (init === undefined || cancel === undefined) return base(input, init)
  const { [cancelWith]: _cancel, ...rest } = init as RequestInit & { readonly [cancelWith]?: AbortSignal }
  const linked = new AbortController()
  const follow = (signal: AbortSignal | null | undefined): void => {
    if (signal === null || signal === undefined) return
    if (signal.aborted) linked.abort(signal.reason)
    else signal.addEventListener("abort", () => linked.abort(signal.reason), { once: true })
  }
  follow(rest.signal)
  follow(cancel)
  return base(input, { ...rest, signal: linked.signal })
}

/** The SDK client for resolved settings. */
const sdkOf = (settings: OpenAiCompatSettings): OpenAI =>
  new OpenAI({
    apiKey: settings.apiKey !== undefined ? Redacted.value(settings.apiKey) : "not-needed",
    baseURL: settings.baseUrl,
    maxRetries: 0,
    timeout: settings.timeoutMs,
    logLevel: "off",
    defaultHeaders: Object.fromEntries(Object.entries(settings.headers).map(([name, value]) => [name, Redacted.value(value)])),
    fetch: cancellableFetch(settings.fetch)
  })

/** `chatWith`'s shape, on either path. */
type ChatWith = <A>(
  body: () => ChatCompletionCreateParamsNonStreaming,
  model: string,
  read: (answer: unknown, receivedAtMs: number) => Result.Result<A, ProviderError>,
  bound?: CallBound
) => Effect.Effect<A, ProviderError>

/** What `parseJson` returns for text that is not JSON. */
const unparsable: unique symbol = Symbol("@orch/openai-compat/unparsable")

/** JSON text parsed, or `unparsable`. */
const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return unparsable
  }
}

/** The error of an answer (or one streamed event) larger than the transport reads. */
const tooLarge = (scope: FailureScope): ProviderError =>
  providerError({ _tag: "MalformedResponse" }, `The service sent more than ${maxResponseBytes / (1024 * 1024)} MiB in one answer or event; it was not read further`, { provider: scope.provider, model: scope.model })

/** Build the client. Makes no call. */
export const makeOpenAiCompatClient = (settings: OpenAiCompatSettings): OpenAiCompatClient => {
  const sdk = sdkOf(settings)
  const scopeFor = (model: string, nowMs: number, timeoutMs = settings.timeoutMs): FailureScope =>
    ({ provider: settings.backend, model, secrets: settings.secrets, timeoutMs, nowMs })
  const transport = makeJsonTransport(settings, "/chat/completions")
  /**
   * A lean call's outcome as the SDK path would end: the 2xx body parsed and read, or the same `ProviderError`. Runs
   * in the fiber (the resumed effect), so nothing it throws can escape into the socket's event handler.
   */
  const settle = <A>(outcome: PostOutcome, model: string, startedAtMs: number, clock: Clock.Clock, read: (answer: unknown, receivedAtMs: number) => Result.Result<A, ProviderError>): Effect.Effect<A, ProviderError> => {
    // The failure scope is made only for a failure (it names the call's start, as the SDK path's does).
    if (outcome._tag === "TimedOut") return Effect.fail(errorFromSdk(new OpenAI.APIConnectionTimeoutError(), scopeFor(model, startedAtMs)))
    if (outcome._tag === "TooLarge") return Effect.fail(tooLarge(scopeFor(model, startedAtMs)))
    if (outcome._tag === "Failure") return Effect.fail(errorFromSdk(outcome.error, scopeFor(model, startedAtMs)))
    if (outcome.status < 200 || outcome.status >= 300) return Effect.fail(errorFromStatus(outcome.status, outcome.headers(), outcome.text, scopeFor(model, startedAtMs)))
    const parsed = parseJson(outcome.text)
    if (parsed === unparsable) return Effect.fail(errorFromSdk(new SyntaxError("The answer is not valid JSON"), scopeFor(model, startedAtMs)))
    return Effect.fromResult(read(parsed, clock.currentTimeMillisUnsafe()))
  }
  const sdkChatWith: ChatWith = (body, model, read, bound) =>
    Effect.withFiber((fiber) => {
      const clock = fiber.getRef(Clock.Clock)
      const nowMs = clock.currentTimeMillisUnsafe()
      const request = body()
      const answer = Effect.tryPromise({
        try: (signal) => sdk.chat.completions.create(request, cancelledBy(signal)) as Promise<unknown>,
        catch: (error) => errorFromSdk(error, scopeFor(model, nowMs))
      })
      // The SDK has no bound of its own: the call is raced against one (the SDK's timeout stays the backstop).
      const kept = bound === undefined || bound.atMs - nowMs >= settings.timeoutMs
        ? answer
        : Effect.timeoutOrElse(answer, { duration: Math.max(0, bound.atMs - nowMs), orElse: () => Effect.fail(bound.error()) })
      return Effect.flatMap(kept, (parsed) => Effect.fromResult(read(parsed, clock.currentTimeMillisUnsafe())))
    })
  const leanChatWith = (lean: JsonTransport): ChatWith => <A>(
    body: () => ChatCompletionCreateParamsNonStreaming,
    model: string,
    read: (answer: unknown, receivedAtMs: number) => Result.Result<A, ProviderError>,
    bound?: CallBound
  ) =>
    Effect.withFiber((fiber) => {
      const clock = fiber.getRef(Clock.Clock)
      const startedAtMs = clock.currentTimeMillisUnsafe()
      const text = JSON.stringify(body())
      // A bound nearer than the backstop takes the transport's timer; its timeout is then the bound's error.
      const byBound = bound !== undefined && bound.atMs - startedAtMs < settings.timeoutMs ? bound : undefined
      // One parameter only: the callback then makes no AbortSignal; interruption runs the returned cancel.
      return Effect.callback<A, ProviderError>((resume) => {
        const cancel = lean.post(
          text,
          (outcome) =>
            resume(Effect.suspend(() => (byBound !== undefined && outcome._tag === "TimedOut" ? Effect.fail(byBound.error()) : settle(outcome, model, startedAtMs, clock, read)))),
          byBound !== undefined ? byBound.atMs - startedAtMs : undefined
        )
        return Effect.sync(cancel)
      })
    })
  const chatWith = transport !== undefined ? leanChatWith(transport) : sdkChatWith
  const chat = (body: ChatCompletionCreateParamsNonStreaming, model: string): Effect.Effect<unknown, ProviderError> =>
    chatWith(() => body, model, (answer) => Result.succeed(answer))

  const idleFor = (model: string) => ({
    millis: settings.timeoutMs,
    onIdle: () => providerError({ _tag: "Timeout", phase: "between-chunks", afterMs: settings.timeoutMs }, `No stream event within the backstop timeout of ${settings.timeoutMs} ms`, { provider: settings.backend, model })
  })
  const boundOf = (bound: CallBound | undefined) => (bound === undefined ? undefined : { atMs: bound.atMs, onBound: bound.error })
  /**
   * The reader of one streamed answer, shared by both paths: as the SDK reads a stream, an event with an `error` is
   * thrown and unparsable data is a SyntaxError; an error sent outside `data` (llama.cpp's `error:` field, an
   * `error` event) ends the stream with that error; a body that is one JSON document is one event, and a web page
   * is MalformedResponse.
   */
  const streamReader = (scope: FailureScope) => {
    const parse = (text: string): unknown => {
      const data: unknown = JSON.parse(text)
      const error = typeof data === "object" && data !== null ? (data as { readonly error?: unknown }).error : undefined
      if (error !== undefined && error !== null && error !== false) throw inBandError(error, scope)
      return data
    }
    const errorEvent = (text: string): ProviderError => {
      const value = parseJson(text)
      return inBandError(value === unparsable ? text : value, scope)
    }
    const notEvents = (): ProviderError =>
      providerError({ _tag: "MalformedResponse" }, "The service answered the stream with a web page, not events (a proxy or portal in the way?)", { provider: scope.provider, model: scope.model })
    return makeSseReader(parse, { maxEventChars: maxResponseBytes, tooLarge: () => tooLarge(scope), errorEvent, notEvents })
  }
  // The SDK sends the request (its fetch, headers, timeout at the head, status errors); the body is read by the kit's
  // reader, as on the lean path (the SDK's own SSE parser drops what a server sends outside `data`).
  const sdkChatStream = (body: ChatCompletionCreateParamsStreaming, model: string, bound?: CallBound): Stream.Stream<unknown, ProviderError> =>
    readEventBatches<unknown, ProviderError>({
      bound: boundOf(bound),
      open: (signal, openedAtMs) =>
        sdk.chat.completions.create(body, cancelledBy(signal)).asResponse().then((response) => webBodyEvents(response.body, streamReader(scopeFor(model, openedAtMs)))),
      onError: (error, openedAtMs) => errorFromSdk(error, scopeFor(model, openedAtMs)),
      // The SDK's timeout ends at the response head; a body that stalls is cut by the same backstop between events.
      idle: idleFor(model)
    })
  // The events of each body piece parsed where it arrives and handed over as one array (no promise per event).
  const leanChatStream = (lean: JsonTransport) => (body: ChatCompletionCreateParamsStreaming, model: string, bound?: CallBound): Stream.Stream<unknown, ProviderError> =>
    readEventBatches<unknown, ProviderError>({
      // The bound's timer aborts the request (the reader's signal destroys it) at the head, between events or within one.
      bound: boundOf(bound),
      open: (signal, openedAtMs) => {
        const scope = scopeFor(model, openedAtMs)
        return lean.open(JSON.stringify(body), signal).then((opened) =>
          opened.status >= 200 && opened.status < 300
            ? opened.events(streamReader(scope))
            : opened.text().then((text) => Promise.reject(errorFromStatus(opened.status, opened.headers, text, scope)))
        )
      },
      onError: (error, openedAtMs) => errorFromSdk(error, scopeFor(model, openedAtMs)),
      // The SDK path's timeout at the response head, then the backstop between events.
      opening: { millis: settings.timeoutMs, onTimeout: () => errorFromSdk(new OpenAI.APIConnectionTimeoutError(), scopeFor(model, 0)) },
      idle: idleFor(model)
    })
  const chatStream = transport !== undefined ? leanChatStream(transport) : sdkChatStream

  const getJson = (path: string): Effect.Effect<unknown, ProviderError> =>
    Effect.flatMap(Clock.currentTimeMillis, (nowMs) =>
      Effect.tryPromise({
        try: (signal) =>
          path.startsWith("/")
            ? sdk.get(new URL(path, settings.baseUrl).toString(), { signal, timeout: settings.probeTimeoutMs })
            : sdk.get(`/${path}`, { signal, timeout: settings.probeTimeoutMs }),
        catch: (error) => errorFromSdk(error, scopeFor("*", nowMs, settings.probeTimeoutMs))
      }).pipe(
        Effect.timeoutOrElse({
          duration: settings.probeTimeoutMs,
          orElse: () => Effect.fail(errorFromSdk(new OpenAI.APIConnectionTimeoutError(), scopeFor("*", nowMs, settings.probeTimeoutMs)))
        })
      ))

  return { settings, chat, chatWith, chatStream, getJson }
}
