/**
 * The embedded llama.cpp engine (node-llama-cpp, an optional peer dependency imported on first use): one model
 * loaded once and shared, one context whose sequences are reused across calls, a pool that queues calls when every
 * sequence is busy, and generation that stops at once when its call is cancelled.
 */
import fs from "node:fs"
import { providerError, redact, type ProviderError, type TextMessage } from "@orch/provider"
import type * as NodeLlamaCppModule from "node-llama-cpp"
import type { ChatHistoryItem, LlamaChatSession, LlamaContext, LlamaContextSequence, LlamaModel, Llama } from "node-llama-cpp"
import { Effect, Queue, Semaphore } from "effect"
import { isModelUri, llamaModelName, type LlamaCppConfig } from "./LlamaCppConfig.ts"

/** One generation: the chat so far, the user's last message, and the sampling settings. */
export interface LlamaGeneration {
  /** The messages before the last user message (system messages included). */
  readonly history: ReadonlyArray<TextMessage>
  /** The last user message. */
  readonly prompt: string
  readonly maxTokens?: number
  /** 0 (the default) is greedy decoding. */
  readonly temperature?: number
  readonly topP?: number
  readonly seed?: number
  readonly stop?: ReadonlyArray<string>
}

/** What a generation produced, with token counts from the engine's own meter. */
export interface LlamaGenerationResult {
  readonly text: string
  readonly stopReason: string
  readonly inputTokens: number
  readonly outputTokens: number
}

/** Facts about the loaded model. */
export interface LlamaLoadedInfo {
  readonly modelPath: string
  readonly contextSize: number
  readonly trainContextSize: number
  readonly sizeBytes: number
}

/** The embedded engine. */
export interface LlamaCppClient {
  /** The model's name in ids. */
  readonly modelName: string
  /** Load the model (once; later calls reuse it). A missing, corrupt or undownloadable model is a typed error. */
  readonly load: Effect.Effect<LlamaLoadedInfo, ProviderError>
  /** Whether the model is in memory now. */
  readonly isLoaded: Effect.Effect<boolean>
  /**
   * Generate, calling `onText` for each piece of text as it is produced. Waits for a free sequence; interruption
   * aborts the generation, and the sequence is returned only once the engine has stopped.
   */
  readonly generate: (generation: LlamaGeneration, onText: (text: string) => void) => Effect.Effect<LlamaGenerationResult, ProviderError>
  /** Output tokens produced by this engine since it was made (a meter for tests and metrics). */
  readonly producedTokens: () => number
  /** Free the model and its context. Safe to call twice. */
  readonly close: Effect.Effect<void>
}

interface Slot {
  readonly sequence: LlamaContextSequence
  /** Settles when the slot's last generation has really stopped. */
  busy: Promise<void>
}

interface Loaded {
  readonly llama: Llama
  readonly model: LlamaModel
  readonly context: LlamaContext
  readonly pool: Queue.Queue<Slot>
  readonly sessionClass: typeof LlamaChatSession
  readonly info: LlamaLoadedInfo
}

type NodeLlamaCpp = typeof NodeLlamaCppModule

const messageOf = (error: unknown): string => redact(error instanceof Error ? error.message : String(error)).slice(0, 300)

const toHistory = (messages: ReadonlyArray<TextMessage>): Array<ChatHistoryItem> =>
  messages.map((m): ChatHistoryItem =>
    m.role === "system" ? { type: "system", text: m.content } : m.role === "user" ? { type: "user", text: m.content } : { type: "model", response: [m.content] })

/** Build the engine for a config. Loads nothing until the first call (or `load`). */
export const makeLlamaCppClient = Effect.fnUntraced(function*(config: LlamaCppConfig) {
  const backend = config.name ?? "llamacpp"
  const modelName = llamaModelName(config)
  const context = { provider: backend, model: modelName }
  const threads = Math.max(1, Math.floor(config.threads ?? 1))
  const sequences = Math.max(1, Math.floor(config.sequences ?? 1))
  const lock = yield* Semaphore.make(1)
  let loaded: Loaded | undefined
  let closed = false
  let produced = 0

  const importModule = Effect.tryPromise({
    try: (): Promise<NodeLlamaCpp> => import("node-llama-cpp"),
    catch: (error) => providerError({ _tag: "Unavailable", cause: messageOf(error) },
      "The embedded engine needs node-llama-cpp: install it with `npm install node-llama-cpp@3.21.1`", context)
  })

  const download = (module: NodeLlamaCpp): Effect.Effect<string, ProviderError> => {
    let progressed = false
    const unreachable = (cause: string) => providerError({ _tag: "Unavailable", cause },
      `Could not download the model ${config.model} (is the network reachable?): ${cause}`, context)
    const fetching = Effect.tryPromise({
      try: (signal) => module.resolveModelFile(config.model, {
        cli: false,
        signal,
        ...(config.modelsDirectory !== undefined ? { directory: config.modelsDirectory } : {}),
        onProgress: ({ downloadedSize, totalSize }) => {
          progressed = true
          config.onDownloadProgress?.({ downloadedBytes: downloadedSize, totalBytes: totalSize })
        }
      }),
      catch: (error) => unreachable(messageOf(error))
    })
    const watchdog = Effect.sleep(config.downloadStallTimeout ?? "15 seconds").pipe(
      Effect.flatMap(() => progressed ? Effect.never : Effect.fail(unreachable("no progress: the download did not start"))))
    return Effect.raceFirst(fetching, watchdog)
  }

  const resolvePath = (module: NodeLlamaCpp): Effect.Effect<string, ProviderError> =>
    isModelUri(config.model)
      ? download(module)
      : Effect.suspend(() => {
        const stat = fs.statSync(config.model, { throwIfNoEntry: false })
        if (stat === undefined) {
          return Effect.fail(providerError({ _tag: "ModelNotFound", modelId: modelName }, `The GGUF model file does not exist: ${config.model}`, context))
        }
        if (!stat.isFile()) {
          return Effect.fail(providerError({ _tag: "ModelNotFound", modelId: modelName }, `The GGUF model path is not a file: ${config.model}`, context))
        }
        return Effect.succeed(config.model)
      })

  const loadOnce: Effect.Effect<Loaded, ProviderError> = Effect.gen(function*() {
    const module = yield* importModule
    const modelPath = yield* resolvePath(module)
    const llama = yield* Effect.tryPromise({
      try: () => module.getLlama({ gpu: config.gpu ?? false, build: "never", logLevel: module.LlamaLogLevel.error, maxThreads: threads }),
      catch: (error) => providerError({ _tag: "Unavailable", cause: messageOf(error) }, `node-llama-cpp could not start: ${messageOf(error)}`, context)
    })
    const model = yield* Effect.tryPromise({
      try: () => llama.loadModel({ modelPath }),
      catch: (error) => providerError({ _tag: "InvalidRequest", issues: [`${modelPath} is not a loadable GGUF model: ${messageOf(error)}`] },
        `The model file could not be loaded (corrupt or not GGUF): ${modelPath}`, context)
    }).pipe(Effect.onError(() => Effect.promise(() => llama.dispose())))
    const contextSize = config.contextSize ?? Math.min(model.trainContextSize, 4096)
    const llamaContext = yield* Effect.tryPromise({
      try: () => model.createContext({ threads, sequences, contextSize }),
      catch: (error) => providerError({ _tag: "Unavailable", cause: messageOf(error) }, `Could not create a context for the model: ${messageOf(error)}`, context)
    }).pipe(Effect.onError(() => Effect.promise(() => model.dispose().then(() => llama.dispose()))))
    const pool = yield* Queue.bounded<Slot>(sequences)
    for (let i = 0; i < sequences; i++) yield* Queue.offer(pool, { sequence: llamaContext.getSequence(), busy: Promise.resolve() })
    const info: LlamaLoadedInfo = { modelPath, contextSize: llamaContext.contextSize, trainContextSize: model.trainContextSize, sizeBytes: fs.statSync(modelPath).size }
    return { llama, model, context: llamaContext, pool, sessionClass: module.LlamaChatSession, info }
  })

  const ensureLoaded: Effect.Effect<Loaded, ProviderError> = lock.withPermits(1)(Effect.suspend(() => {
    if (closed) return Effect.fail(providerError({ _tag: "Unavailable", cause: "closed" }, "The embedded engine was closed", context))
    if (loaded !== undefined) return Effect.succeed(loaded)
    return Effect.tap(loadOnce, (result) => Effect.sync(() => { loaded = result }))
  }))

  const run = (engine: Loaded, slot: Slot, generation: LlamaGeneration, onText: (text: string) => void, signal: AbortSignal): Promise<LlamaGenerationResult> => {
    const sequence = slot.sequence
    const work = sequence.clearHistory().then(() => {
      const session = new engine.sessionClass({ contextSequence: sequence, autoDisposeSequence: false })
      session.setChatHistory(toHistory(generation.history))
      const before = sequence.tokenMeter.getState()
      const temperature = generation.temperature ?? 0
      return session.promptWithMeta(generation.prompt, {
        signal,
        stopOnAbortSignal: false,
        temperature,
        ...(generation.maxTokens !== undefined ? { maxTokens: generation.maxTokens } : {}),
        ...(generation.topP !== undefined && temperature > 0 ? { topP: generation.topP } : {}),
        ...(generation.seed !== undefined ? { seed: generation.seed } : {}),
        ...(generation.stop !== undefined && generation.stop.length > 0 ? { customStopTriggers: [...generation.stop] } : {}),
        onToken: (tokens) => { produced += tokens.length },
        onTextChunk: onText
      }).then((response) => {
        const after = sequence.tokenMeter.getState()
        return {
          text: response.responseText,
          stopReason: response.stopReason,
          inputTokens: after.usedInputTokens - before.usedInputTokens,
          outputTokens: after.usedOutputTokens - before.usedOutputTokens
        }
      }).finally(() => session.dispose({ disposeSequence: false }))
    })
    slot.busy = work.then(() => undefined, () => undefined)
    return work
  }

  const generate = Effect.fn("LlamaCppClient.generate")(function*(generation: LlamaGeneration, onText: (text: string) => void): Effect.fn.Return<LlamaGenerationResult, ProviderError> {
    const engine = yield* ensureLoaded
    return yield* Effect.uninterruptibleMask((restore) => Effect.gen(function*() {
      const slot = yield* restore(Queue.take(engine.pool))
      return yield* restore(Effect.tryPromise({
        try: (signal) => run(engine, slot, generation, onText, signal),
        catch: (error) => (error as { name?: unknown } | null)?.name === "AbortError"
          ? providerError({ _tag: "Cancelled" }, "The generation was cancelled", context)
          : providerError({ _tag: "ServerError", status: 500 }, `The embedded engine failed: ${messageOf(error)}`, context)
      })).pipe(Effect.ensuring(Effect.promise(() => slot.busy).pipe(Effect.andThen(Queue.offer(engine.pool, slot)))))
    }))
  })

  const close = lock.withPermits(1)(Effect.suspend(() => {
    const engine = loaded
    closed = true
    loaded = undefined
    if (engine === undefined) return Effect.void
    return Effect.promise(() => engine.context.dispose().then(() => engine.model.dispose()).then(() => engine.llama.dispose()))
  }))

  const client: LlamaCppClient = {
    modelName,
    load: Effect.map(ensureLoaded, (engine) => engine.info),
    isLoaded: Effect.sync(() => loaded !== undefined),
    generate,
    producedTokens: () => produced,
    close
  }
  return client
})
