/**
 * A provider handed to the orchestrator is the caller's code, and may be written by hand in JavaScript: its
 * `model()` may throw, return a promise or nothing; its effects may die or fail with a plain `Error`; its models may
 * answer `null` or parts of the wrong types; its probe may never settle. `guardProvider` wraps a provider once, when
 * the orchestrator is built, so that whatever it does reaches the orchestrator as the contract says: a typed
 * `ProviderError` (a bug in the provider is `Unavailable` naming it, a wrong shape of answer `MalformedResponse`),
 * an interruption passed through unchanged, and values of the contract's shape. The strategies then fall over to the
 * next model, the deadline ends what never settles, and no defect or foreign error reaches a caller.
 */
import {
  type Availability, type Completion, isProviderError, type LanguageModel, type ModelInfo, providerError, type Provider,
  type ProviderError, type StreamPart, truncate
} from "@orch/provider"
import { Cause, Effect, Fiber, Result, Stream } from "effect"

/** What a thrown or failed value says, redacted and short (a provider's error may carry its key). */
const describe = (value: unknown): string => {
  try {
    const text = value instanceof Error ? `${value.name}: ${value.message}` : typeof value === "string" ? value : typeof value === "object" && value !== null ? "an object" : String(value)
    return truncate(text, 200)
  } catch {
    return "an unreadable value"
  }
}

const kindOf = (value: unknown): string => (value === null ? "null" : Array.isArray(value) ? "an array" : typeof value)

/**
 * What a provider's code returned that is not an effect or a stream, said; a promise it returned is settled quietly
 * (nobody awaits it, and its rejection must not become the caller's unhandled rejection).
 */
const notAn = (what: string, made: unknown, expected: string): string => {
  if (typeof made === "object" && made !== null && typeof (made as { readonly then?: unknown }).then === "function") {
    Promise.resolve(made as PromiseLike<unknown>).then(undefined, () => {})
    return `${what} returned a Promise, not ${expected}`
  }
  return `${what} returned ${kindOf(made)}, not ${expected}`
}

/** The error for a provider that broke its contract (threw, died, failed with something else). */
const broken = (provider: string, what: string, model?: string): ProviderError =>
  providerError({ _tag: "Unavailable", cause: `provider bug: ${what}` }, `Provider ${provider} broke its contract: ${what}`, { provider, ...(model !== undefined ? { model } : {}) })

/** The error for an answer of the wrong shape. */
const malformed = (provider: string, model: string, issue: string): ProviderError =>
  providerError({ _tag: "MalformedResponse", issues: [issue] }, `Model ${provider}/${model} answered in the wrong shape: ${issue}`, { provider, model })

/** A failure of the provider's effect as a typed error: its ProviderError, else the provider named as broken. Interruption passes. */
const typedCause = (cause: Cause.Cause<unknown>, onBug: (what: string) => ProviderError): Effect.Effect<never, ProviderError> => {
  if (Cause.hasInterruptsOnly(cause)) return Effect.failCause(cause as Cause.Cause<never>)
  const failure = Cause.findErrorOption(cause)
  if (failure._tag === "Some" && isProviderError(failure.value)) return Effect.fail(failure.value)
  const first = cause.reasons.find((reason) => Cause.isFailReason(reason) || Cause.isDieReason(reason))
  const value = first === undefined ? undefined : Cause.isFailReason(first) ? first.error : Cause.isDieReason(first) ? first.defect : undefined
  if (isProviderError(value)) return Effect.fail(value)
  return Effect.fail(onBug(`${first !== undefined && Cause.isDieReason(first) ? "it threw" : "it failed with"} ${describe(value)}`))
}

/** Call `make` (the provider's code), turning a throw or a value that is not an effect into a typed failure. */
const effectOf = <A>(make: () => unknown, onBug: (what: string) => ProviderError, what: string): Effect.Effect<A, ProviderError> =>
  Effect.suspend(() => {
    const called = Result.try({ try: make, catch: (thrown) => thrown })
    if (Result.isFailure(called)) return Effect.fail(onBug(`${what} threw ${describe(called.failure)}`))
    const made = called.success
    if (!Effect.isEffect(made)) return Effect.fail(onBug(notAn(what, made, "an Effect")))
    return Effect.catchCause(made as Effect.Effect<A, unknown>, (cause) => typedCause(cause, onBug))
  })

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null

/** What is wrong with a completion's fields (undefined when it has the contract's shape). */
const completionIssue = (value: unknown, withText: boolean): string | undefined => {
  if (!isObject(value)) return `a ${withText ? "completion" : "finish part"} is ${kindOf(value)}`
  if (withText && typeof value["text"] !== "string") return `text is ${kindOf(value["text"])}, not a string`
  if (typeof value["finishReason"] !== "string") return `finishReason is ${kindOf(value["finishReason"])}, not a string`
  if (!isObject(value["usage"])) return `usage is ${kindOf(value["usage"])}, not an object`
  if (!isObject(value["timings"])) return `timings is ${kindOf(value["timings"])}, not an object`
  if (typeof value["provider"] !== "string" || typeof value["model"] !== "string") return "provider and model are not strings"
  if (value["toolCalls"] !== undefined && !Array.isArray(value["toolCalls"])) return `toolCalls is ${kindOf(value["toolCalls"])}, not an array`
  return undefined
}

/** What is wrong with one stream part (undefined when it is fine; parts of types this version does not know pass). */
const partIssue = (part: unknown): string | undefined => {
  if (!isObject(part) || typeof part["type"] !== "string") return `a stream part is ${isObject(part) ? "an object of no type" : kindOf(part)}`
  switch (part["type"]) {
    case "text-delta":
    case "reasoning-delta":
      return typeof part["delta"] === "string" ? undefined : `a ${part["type"]}'s delta is ${kindOf(part["delta"])}, not a string`
    case "tool-call":
      return typeof part["id"] === "string" && typeof part["name"] === "string" && isObject(part["arguments"]) ? undefined : "a tool-call part lacks its id, name or arguments"
    case "finish":
      return completionIssue(part, false)
    default:
      return undefined
  }
}

/** A part of the wrong shape, thrown inside the part check and turned into MalformedResponse by the stream's guard. */
class WrongPart {
  readonly issue: string
  constructor(issue: string) {
    this.issue = issue
  }
}

const checkParts = <P extends ReadonlyArray<StreamPart>>(parts: P): P => {
  for (const part of parts) {
    const issue = partIssue(part)
    if (issue !== undefined) throw new WrongPart(issue)
  }
  return parts
}

/** A model of the provider, guarded: every call's failure is typed, every answer of the contract's shape. */
const guardModel = (model: LanguageModel, providerName: string): LanguageModel => {
  const name = typeof model.name === "string" ? model.name : String(model.id)
  const onBug = (what: string) => broken(providerName, what, name)
  const generate = (call: () => unknown, what: string): Effect.Effect<Completion, ProviderError> =>
    Effect.flatMap(effectOf<unknown>(call, onBug, what), (completion) => {
      const issue = completionIssue(completion, true)
      return issue === undefined ? Effect.succeed(completion as Completion) : Effect.fail(malformed(providerName, name, issue))
    })
  const stream = (call: () => unknown, what: string): Stream.Stream<StreamPart, ProviderError> =>
    Stream.suspend(() => {
      const called = Result.try({ try: call, catch: (thrown) => thrown })
      if (Result.isFailure(called)) return Stream.fail(onBug(`${what} threw ${describe(called.failure)}`))
      const made = called.success
      if (!Stream.isStream(made)) return Stream.fail(onBug(notAn(what, made, "a Stream")))
      return (made as Stream.Stream<StreamPart, unknown>).pipe(
        Stream.mapArray(checkParts),
        Stream.catchCause((cause) => {
          const defect = cause.reasons.find(Cause.isDieReason)
          if (defect !== undefined && defect.defect instanceof WrongPart) return Stream.fail(malformed(providerName, name, defect.defect.issue))
          return Stream.fromEffect(typedCause(cause, onBug))
        })
      )
    })
  const guarded: LanguageModel = {
    id: model.id,
    provider: model.provider,
    name: model.name,
    kind: model.kind,
    ...(isObject(model.info) ? { info: model.info } : {}),
    generate: (request) => generate(() => model.generate(request), "generate()"),
    stream: (request) => stream(() => model.stream(request), "stream()"),
    ...(typeof model.generateBounded === "function" ? { generateBounded: (request, bound) => generate(() => model.generateBounded!(request, bound), "generateBounded()") } : {}),
    ...(typeof model.streamBounded === "function" ? { streamBounded: (request, bound) => stream(() => model.streamBounded!(request, bound), "streamBounded()") } : {})
  }
  return guarded
}

/** What is wrong with a model a provider gave (undefined when it is a LanguageModel). */
const modelIssue = (model: unknown): string | undefined => {
  if (!isObject(model)) return `model() gave ${kindOf(model)}, not a model`
  if (typeof model["generate"] !== "function" || typeof model["stream"] !== "function") return "model() gave an object without generate and stream"
  if (typeof model["id"] !== "string" || typeof model["provider"] !== "string" || typeof model["name"] !== "string") return "model() gave a model without a string id, provider and name"
  if (model["kind"] !== "local" && model["kind"] !== "cloud") return `model() gave a model of kind ${describe(model["kind"])}`
  return undefined
}

const modelInfoIssue = (info: unknown, i: number): string | undefined =>
  isObject(info) && typeof info["id"] === "string" && typeof info["name"] === "string" && typeof info["provider"] === "string" && (info["kind"] === "local" || info["kind"] === "cloud")
    ? undefined
    : `listModels gave ${kindOf(info)} at [${i}], not model info ({ id, name, provider, kind })`

/**
 * A provider's close, run in a fiber of its own that the orchestrator's shutdown waits on for at most `limitMs`: a
 * failure is logged, and a close still running then is left to finish on its own (interrupted, if it lets itself be).
 */
const boundedClose = (close: Effect.Effect<void, ProviderError>, name: string, limitMs: number): Effect.Effect<void> =>
  Effect.flatMap(Effect.forkDetach(close), (fiber) =>
    Effect.timeoutOrElse(Effect.catch(Fiber.join(fiber), (error) => Effect.logWarning(`@orch/core: closing a provider failed: ${error.message}`)), {
      duration: limitMs,
      orElse: () => Effect.andThen(Effect.sync(() => fiber.interruptUnsafe()), Effect.logWarning(`@orch/core: provider ${name} did not close within ${limitMs} ms; left closing`))
    }))

/**
 * The provider, guarded. Read once: its name, kind and effects (the orchestrator's options check made sure they are
 * there). Its probe never fails (a broken one reads as not available, with the reason), its listing fails typed or
 * gives model info, `model()` fails typed or gives a guarded model, and `close` never fails and ends within
 * `closeLimitMs` (a close that hangs, even one that cannot be interrupted, is left running and logged).
 */
export const guardProvider = (provider: Provider, closeLimitMs: number): Provider => {
  const name = provider.name
  const onBug = (what: string) => broken(name, what)
  const isAvailable = provider.isAvailable
  const listModels = provider.listModels
  const close = provider.close
  const model = provider.model.bind(provider)
  const probe: Effect.Effect<Availability> = Effect.catch(
    Effect.flatMap(effectOf<unknown>(() => isAvailable, onBug, "isAvailable"), (availability) =>
      isObject(availability) && typeof availability["available"] === "boolean"
        ? Effect.succeed(availability as unknown as Availability)
        : Effect.fail(onBug(`isAvailable gave ${kindOf(availability)}, not { available }`))),
    (error) => Effect.succeed<Availability>({ available: false, reason: error.message })
  )
  const listed: Effect.Effect<ReadonlyArray<ModelInfo>, ProviderError> = Effect.flatMap(effectOf<unknown>(() => listModels, onBug, "listModels"), (models) => {
    if (!Array.isArray(models)) return Effect.fail(onBug(`listModels gave ${kindOf(models)}, not an array`))
    const issue = models.map(modelInfoIssue).find((found) => found !== undefined)
    return issue === undefined ? Effect.succeed(models as ReadonlyArray<ModelInfo>) : Effect.fail(onBug(issue))
  })
  return {
    name,
    kind: provider.kind,
    isAvailable: probe,
    listModels: listed,
    model: (id) =>
      Effect.flatMap(effectOf<unknown>(() => model(id), onBug, "model()"), (found) => {
        const issue = modelIssue(found)
        return issue === undefined ? Effect.succeed(guardModel(found as LanguageModel, name)) : Effect.fail(onBug(issue))
      }),
    ...(close !== undefined
      ? { close: boundedClose(effectOf<void>(() => close, onBug, "close"), name, closeLimitMs) }
      : {})
  }
}
