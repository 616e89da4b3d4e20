/**
 * The Promise API, for applications that do not use Effect: `createOrchestrator(options)` gives an object whose
 * methods return promises (and an async iterator for streams), take an `AbortSignal`, and reject with the one error
 * class, `ProviderError`, whose `reason` is typed. `dispose()` cancels calls in flight, closes the ledger and
 * releases the providers.
 */
import type { BudgetStatus, Summary, SummaryQuery } from "@orch/cost-tracker"
import { cancelled, isProviderError, type ModelInfo, providerError, type ProviderError, truncate } from "@orch/provider"
import { Cause, Context, Effect, Exit, Fiber, Layer, Logger, ManagedRuntime, Stream } from "effect"
import type { ProviderStatus } from "./ModelCatalog.ts"
import { ModelOrchestrator, type ModelOrchestratorShape } from "./ModelOrchestrator.ts"
import type { EnsembleResponse, OrchestratedResponse } from "./OrchestratedResponse.ts"
import type { CallOptions, EnsembleOptions, OrchestratorOptions, PromptInput } from "./OrchestratorOptions.ts"
import { checkCall, checkExport, checkSummaryQuery, failedStream, isAborted, onAbort, rejectingPromise } from "./PromiseInput.ts"

/** Per-call options of the Promise API: the call's options and an `AbortSignal`. */
export type WithSignal<O> = O & { readonly signal?: AbortSignal }

/** A streamed answer: iterate it for the text as it comes; `response` settles with the metadata at the end. */
export interface OrchestratedStream extends AsyncIterable<string> {
  /** The whole response once the stream ended; rejects with the stream's error. */
  readonly response: Promise<OrchestratedResponse>
  /** Stop the stream (the same as breaking out of the loop). */
  readonly cancel: () => void
}

/** The orchestrator for Promise users. */
export interface Orchestrator {
  readonly complete: (input: PromptInput, options?: WithSignal<CallOptions>) => Promise<OrchestratedResponse>
  readonly stream: (input: PromptInput, options?: WithSignal<CallOptions>) => OrchestratedStream
  readonly ensemble: (input: PromptInput, options?: WithSignal<EnsembleOptions>) => Promise<EnsembleResponse>
  readonly delegate: (task: PromptInput, options?: WithSignal<Omit<CallOptions, "strategy">>) => Promise<OrchestratedResponse>
  readonly providers: () => Promise<ReadonlyArray<ProviderStatus>>
  readonly models: () => Promise<ReadonlyArray<ModelInfo>>
  readonly costs: {
    readonly summary: (query?: SummaryQuery) => Promise<Summary>
    /** The ledger's records as CSV or JSON, optionally of a time window (epoch ms, `from` inclusive, `to` exclusive). */
    readonly export: (format: "csv" | "json", window?: Pick<SummaryQuery, "from" | "to">) => Promise<string>
    readonly budgetStatus: () => Promise<ReadonlyArray<BudgetStatus>>
  }
  /** Cancel calls in flight, close the ledger, release the providers. Safe to call twice. */
  readonly dispose: () => Promise<void>
}

/** The error a failed exit carries: its ProviderError, Cancelled for an interruption, else the defect itself. */
const errorOf = (cause: Cause.Cause<ProviderError>): unknown => {
  const failure = Cause.findErrorOption(cause)
  if (failure._tag === "Some") return failure.value
  if (Cause.hasInterruptsOnly(cause)) return cancelled()
  return Cause.squash(cause)
}

/** The Promise API over an Effect layer of the orchestrator. */
export const orchestratorFromLayer = (layer: Layer.Layer<ModelOrchestrator, ProviderError>): Orchestrator => {
  const runtime = ManagedRuntime.make(layer)
  const inFlight = new Set<Fiber.Fiber<unknown, unknown>>()
  let disposed = false
  let disposing: Promise<void> | undefined
  // The orchestrator, built on first use; then every call is forked on it directly (no runtime hop per call), with
  // the layer's context, so what the layer set (a tracer, the logger, log levels) holds for every call.
  let built: ModelOrchestratorShape | undefined
  let forkInContext: (<A, E>(effect: Effect.Effect<A, E>) => Fiber.Fiber<A, E>) | undefined
  let building: Promise<ModelOrchestratorShape> | undefined
  const orchestrator = (): Promise<ModelOrchestratorShape> => {
    building ??= runtime.context().then(
      (context) => {
        const runFork = Effect.runForkWith(context)
        forkInContext = (effect) => runFork(effect)
        built = Context.get(context, ModelOrchestrator)
        return built
      },
      (error: unknown) => { building = undefined; throw error }
    )
    return building
  }

  const fork = <A>(effect: Effect.Effect<A, ProviderError>, signal: AbortSignal | undefined): Promise<A> =>
    new Promise<A>((resolve, reject) => {
      if (disposed || isAborted(signal)) return reject(cancelled())
      // The listener is added before the fork (a signal that refuses it fails the call unstarted); it interrupts the fiber once there is one.
      const current: { fiber?: Fiber.Fiber<A, ProviderError> } = {}
      let unlisten: () => void
      try {
        unlisten = onAbort(signal, () => current.fiber?.interruptUnsafe())
      } catch (error) {
        return reject(error)
      }
      const started = forkInContext !== undefined ? forkInContext(effect) : Effect.runFork(effect)
      current.fiber = started
      inFlight.add(started)
      started.addObserver((exit) => {
        inFlight.delete(started)
        unlisten()
        if (Exit.isSuccess(exit)) resolve(exit.value)
        else reject(errorOf(exit.cause))
      })
      // An abort between the listener and the fork.
      if (isAborted(signal)) started.interruptUnsafe()
    })

  const run = <A>(use: (orchestrator: ModelOrchestratorShape) => Effect.Effect<A, ProviderError>, signal?: AbortSignal): Promise<A> => {
    if (disposed) return Promise.reject(cancelled())
    if (built !== undefined) return fork(use(built), signal)
    return orchestrator().then((shape) => fork(use(shape), signal))
  }

  const stream = (input: PromptInput, options: WithSignal<CallOptions> = {}): OrchestratedStream => {
    const { signal, ...callOptions } = options
    const buffered: Array<string> = []
    let finished = false
    let failure: unknown
    let read = 0
    // Every pending next() waits here (a caller may call next() again before the last one settled).
    const waiting: Array<() => void> = []
    const notify = () => { for (const wake of waiting.splice(0)) wake() }
    const controller = new AbortController()
    const unlisten = onAbort(signal, () => controller.abort())
    if (isAborted(signal)) controller.abort()
    let resolveResponse!: (response: OrchestratedResponse) => void
    let rejectResponse!: (error: unknown) => void
    const response = new Promise<OrchestratedResponse>((resolve, reject) => { resolveResponse = resolve; rejectResponse = reject })
    response.catch(() => {}) // a caller who only iterates must not get an unhandled rejection
    run((orchestrator) =>
      // One step per array of parts, not per part.
      Stream.runForEachArray(orchestrator.stream(input, callOptions), (parts) =>
        Effect.sync(() => {
          for (const part of parts) {
            if (part.type === "text-delta") buffered.push(part.delta)
            else if (part.type === "response") resolveResponse(part.response)
          }
          notify()
        })), controller.signal
    ).then(
      () => { finished = true; notify() },
      (error: unknown) => { failure = error; finished = true; rejectResponse(error); notify() }
    ).finally(unlisten)

    // After return() (a `for await` left early) the iteration is over: next() says done, not the cancel it caused.
    let returned = false
    const iterator: AsyncIterator<string> = {
      next: async () => {
        for (;;) {
          if (returned) return { value: undefined, done: true }
          if (read < buffered.length) {
            const next = buffered[read++]!
            if (read === buffered.length) {
              buffered.length = 0
              read = 0
            }
            return { value: next, done: false }
          }
          if (finished) {
            if (failure !== undefined) throw failure
            return { value: undefined, done: true }
          }
          await new Promise<void>((resolve) => { waiting.push(resolve) })
        }
      },
      return: async () => {
        returned = true
        controller.abort()
        notify()
        return { value: undefined, done: true }
      }
    }
    return { [Symbol.asyncIterator]: () => iterator, response, cancel: () => controller.abort() }
  }

  // Each entry point checks what a JavaScript caller passed first (PromiseInput): bad input is a rejected promise
  // with a typed InvalidRequest, never a synchronous throw.
  return {
    complete: (input, options) => rejectingPromise(() => { const call = checkCall<CallOptions>(input, options); return run((o) => o.complete(call.input, call.options), call.signal) }),
    stream: (input, options) => {
      try {
        const call = checkCall<CallOptions>(input, options)
        return stream(call.input, { ...call.options, ...(call.signal !== undefined ? { signal: call.signal } : {}) })
      } catch (error) {
        return failedStream<OrchestratedResponse>(error)
      }
    },
    ensemble: (input, options) => rejectingPromise(() => { const call = checkCall<EnsembleOptions>(input, options, true); return run((o) => o.ensemble(call.input, call.options), call.signal) }),
    delegate: (task, options) => rejectingPromise(() => { const call = checkCall<CallOptions>(task, options); return run((o) => o.delegate(call.input, call.options), call.signal) }),
    providers: () => run((o) => o.providers),
    models: () => run((o) => o.models),
    costs: {
      summary: (query) => rejectingPromise(() => { const checked = checkSummaryQuery(query); return run((o) => o.costs.summary(checked)) }),
      export: (format, window) => rejectingPromise(() => { const checked = checkExport(format, window); return run((o) => o.costs.export(checked.format, checked.window)) }),
      budgetStatus: () => run((o) => o.costs.budgetStatus())
    },
    // One disposal: a second dispose() (made while the first runs, or after) settles when the first has.
    dispose: () => {
      disposing ??= (async () => {
        disposed = true
        await Promise.all([...inFlight].map((fiber) => Effect.runPromise(Fiber.interrupt(fiber))))
        await runtime.dispose().catch((error: unknown) => {
          throw isProviderError(error) ? error : providerError({ _tag: "Unavailable", cause: "dispose" }, `Closing the orchestrator failed: ${truncate(String(error), 200)}`)
        })
      })()
      return disposing
    }
  }
}

/** An orchestrator over the given providers and options, for Promise users. Nothing is called until it is used. */
export const createOrchestrator = (options: OrchestratorOptions): Orchestrator =>
  // The logger is provided to the orchestrator's layer, so what its services log while built or closed goes to it too.
  orchestratorFromLayer(ModelOrchestrator.layer(options).pipe(Layer.provideMerge(onLogLayer(options))))

/**
 * The logger of options' `onLog`, for a runtime built over `ModelOrchestrator.layer` (as the Promise API and the
 * gateway build theirs): each log line handed to `onLog`, or, without one, no logger at all (a library prints nothing).
 * Provide it to the orchestrator's layer (`Layer.provideMerge`), so finalizers log there too.
 */
export const onLogLayer = (options: unknown): Layer.Layer<never> => {
  const onLog = callerLogger(options)
  return Logger.layer(onLog === undefined ? [] : [logTo(onLog)])
}

/** The caller's `onLog`, read without throwing (bad options are the layer's typed error, not a throw here). */
const callerLogger = (options: unknown): OrchestratorOptions["onLog"] => {
  try {
    const onLog = typeof options === "object" && options !== null ? (options as { readonly onLog?: unknown }).onLog : undefined
    return typeof onLog === "function" ? (onLog as OrchestratorOptions["onLog"]) : undefined
  } catch {
    return undefined
  }
}

/**
 * A piece of a log message, or the cause a line was logged with, as one line of text: a cause or an error by what
 * failed (`ProviderError[Unavailable]: ...`), never by its stack, which names the files of @orch and says nothing to
 * whoever reads the log.
 */
const logText = (piece: unknown): string => {
  if (typeof piece === "string") return piece
  if (Cause.isCause(piece)) {
    return piece.reasons.map((reason) => Cause.isFailReason(reason) ? String(reason.error) : Cause.isDieReason(reason) ? String(reason.defect) : "interrupted").join("; ")
  }
  // Data logged with a line (the ledger records a store could not take) as JSON, not "[object Object]".
  if (typeof piece === "object" && piece !== null && !(piece instanceof Error)) {
    try {
      return JSON.stringify(piece) ?? String(piece)
    } catch {
      return String(piece)
    }
  }
  return String(piece)
}

/** A logger that hands each line to the caller's `onLog`: the message's pieces joined by spaces, then its cause. */
const logTo = (onLog: NonNullable<OrchestratorOptions["onLog"]>) =>
  Logger.make(({ logLevel, message, cause }) => {
    const pieces = (Array.isArray(message) ? message : [message]).map(logText)
    if (cause.reasons.length > 0) pieces.push(logText(cause))
    const text = pieces.join(" ")
    try {
      onLog({ level: logLevel, message: text })
    } catch {
      // A caller's logger that throws must not fail the call that logged.
    }
  })

/** Whether a value thrown by the Promise API is the typed error (it always is, but for a defect in @orch). */
export const isOrchestratorError = (u: unknown): u is ProviderError => isProviderError(u)
