/**
 * The Promise API's door. JavaScript callers can pass anything: a number for a prompt, `null` for options, a string
 * for a signal, a message whose getter throws, a Proxy, a cyclic or absurdly deep object, 130,000 messages. Every
 * argument is read here once, defensively, into plain data and checked, so that each of those is a typed
 * `InvalidRequest` delivered as a rejected promise: never a synchronous throw, a bare `TypeError` or a stack overflow
 * deep inside, and never a user getter called twice.
 */
import type { SummaryDimension, SummaryQuery } from "@orch/cost-tracker"
import { invalidRequest, isProviderError, type ProviderError } from "@orch/provider"
import type { CallOptions, EnsembleOptions, PromptInput } from "./OrchestratorOptions.ts"

/** The most messages one call may carry (more is a typed error, not a stack overflow). */
export const maxMessages = 100_000
/** The deepest nesting of a request's plain data (`providerOptions`, a JSON schema). */
const maxDepth = 64
/** The most models one call may name. */
const maxModels = 64
/** The longest model id, task type, strategy, mode or scope key (errors name them; the ledger keeps the scope key). */
const maxIdentifierLength = 1_000

/** A checked call: plain-data input and options, and the caller's signal when it gave a usable one. */
export interface CheckedCall<O> {
  readonly input: PromptInput
  readonly options: O
  readonly signal?: AbortSignal
}

/** A problem found while reading the caller's arguments. */
class InputProblem {
  readonly issue: string
  constructor(issue: string) {
    this.issue = issue
  }
}

const typeName = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "an array" : typeof value === "object" ? "an object" : typeof value

/** What a thrown value says, without trusting it. */
const describeThrown = (thrown: unknown): string => {
  try {
    return (thrown instanceof Error ? thrown.message : String(thrown)).slice(0, 120)
  } catch {
    return "an unreadable value"
  }
}

/** Read one property, turning a throwing getter or Proxy trap into a problem that names where. */
const read = (target: object, key: string, where: string): unknown => {
  try {
    return (target as Record<string, unknown>)[key]
  } catch (thrown) {
    throw new InputProblem(`${where}.${key} could not be read (${describeThrown(thrown)})`)
  }
}

const keysOf = (target: object, where: string): ReadonlyArray<string> => {
  try {
    return Object.keys(target)
  } catch (thrown) {
    throw new InputProblem(`${where} could not be read (${describeThrown(thrown)})`)
  }
}

const lengthOf = (array: ReadonlyArray<unknown>, where: string, max: number): number => {
  const length = read(array, "length", where)
  if (typeof length !== "number" || !Number.isInteger(length) || length < 0) throw new InputProblem(`${where} is not a proper array`)
  if (length > max) throw new InputProblem(`${where} has ${length} items; at most ${max} are allowed`)
  return length
}

/**
 * A deep copy of plain data (strings, finite or not numbers, booleans, null, arrays, plain objects), read once. A
 * function, symbol, bigint, cycle or nesting deeper than `maxDepth` is a problem naming its place.
 */
const plainCopy = (value: unknown, where: string, depth = 0, seen: Set<object> = new Set()): unknown => {
  if (value === null || value === undefined || typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value
  if (typeof value !== "object") throw new InputProblem(`${where} must be plain data, not ${typeName(value)}`)
  if (depth >= maxDepth) throw new InputProblem(`${where} is nested more than ${maxDepth} levels deep`)
  if (seen.has(value)) throw new InputProblem(`${where} refers to itself (a cycle)`)
  seen.add(value)
  try {
    if (Array.isArray(value)) {
      const length = lengthOf(value, where, maxMessages)
      const out: Array<unknown> = []
      for (let i = 0; i < length; i++) out.push(plainCopy(read(value, String(i), where), `${where}[${i}]`, depth + 1, seen))
      return out
    }
    const out: Record<string, unknown> = {}
    for (const key of keysOf(value, where)) {
      if (key === "__proto__") throw new InputProblem(`${where} has a "__proto__" key`)
      const item = plainCopy(read(value, key, where), `${where}.${key}`, depth + 1, seen)
      if (item !== undefined) out[key] = item
    }
    return out
  } finally {
    seen.delete(value)
  }
}

/** The prompt: a string, a list of messages, or a request object; copied as plain data. */
const promptOf = (input: unknown): PromptInput => {
  if (typeof input === "string") return input
  if (Array.isArray(input)) return plainCopy(input, "messages") as PromptInput
  if (typeof input === "object" && input !== null) return plainCopy(input, "request") as PromptInput
  throw new InputProblem(`give a prompt (a string), a list of messages or a request object, not ${typeName(input)}`)
}

/** The caller's signal, when it is a real AbortSignal whose state can be read. */
const signalOf = (value: unknown): AbortSignal | undefined => {
  if (value === undefined) return undefined
  let usable: boolean
  try {
    usable = value instanceof AbortSignal && typeof value.aborted === "boolean" && typeof value.addEventListener === "function"
  } catch {
    usable = false
  }
  if (!usable) throw new InputProblem(`signal must be an AbortSignal (from an AbortController), not ${typeName(value)}`)
  return value as AbortSignal
}

/** Whether the caller's signal has aborted; a signal whose state cannot be read counts as not aborted. */
export const isAborted = (signal: AbortSignal | undefined): boolean => {
  try {
    return signal?.aborted === true
  } catch {
    return false
  }
}

/**
 * Listen for the caller's signal to abort, and the function that stops listening (never throws). A signal that will
 * not take a listener (its `addEventListener` throws) is a typed InvalidRequest, thrown.
 */
export const onAbort = (signal: AbortSignal | undefined, listener: () => void): (() => void) => {
  if (signal === undefined) return () => {}
  try {
    signal.addEventListener("abort", listener, { once: true })
  } catch (thrown) {
    throw invalidRequest([`signal would not take an abort listener (${describeThrown(thrown)})`])
  }
  return () => {
    try {
      signal.removeEventListener("abort", listener)
    } catch {
      // A signal that will not let go of its listener keeps it; the call has ended either way.
    }
  }
}

const optionalString = (options: object, key: string, where: string): string | undefined => {
  const value = read(options, key, where)
  if (value !== undefined && typeof value !== "string") throw new InputProblem(`${key} must be a string, not ${typeName(value)}`)
  return value
}

/**
 * What is wrong with a name the call gives (a model id, a task type, a scope key): too long to echo in an error or keep
 * in the ledger, or holding a lone surrogate (not text any service, store or JSON reader takes whole).
 */
const identifierIssue = (value: string, where: string): string | undefined => {
  if (value.length > maxIdentifierLength) return `${where} is ${value.length} characters long; at most ${maxIdentifierLength} are allowed`
  if (!value.isWellFormed()) return `${where} holds a lone surrogate (text that is not well-formed Unicode)`
  return undefined
}

const optionalNumber = (options: object, key: string, where: string): number | undefined => {
  const value = read(options, key, where)
  if (value !== undefined && (typeof value !== "number" || Number.isNaN(value))) throw new InputProblem(`${key} must be a number, not ${typeName(value)}${typeof value === "number" ? " NaN" : ""}`)
  return value
}

const optionalFunction = <F>(options: object, key: string, where: string): F | undefined => {
  const value = read(options, key, where)
  if (value !== undefined && typeof value !== "function") throw new InputProblem(`${key} must be a function, not ${typeName(value)}`)
  return value as F | undefined
}

/** The keys every call option reads itself (not request fields). */
const callKeys = new Set(["signal", "strategy", "taskType", "model", "models", "deadlineMs", "scopeKey", "requestId", "scorers", "mode", "samples", "normalize"])

/** The options of `complete`, `stream`, `delegate` (`ensemble` too, with `ensemble: true`), checked and copied. */
const optionsOf = (options: unknown, ensemble: boolean): { readonly options: EnsembleOptions; readonly signal?: AbortSignal } => {
  if (options === undefined) return { options: {} }
  if (typeof options !== "object" || options === null || Array.isArray(options)) throw new InputProblem(`options must be an object, not ${typeName(options)}`)
  const where = "options"
  const out: Record<string, unknown> = {}
  for (const key of ["strategy", "taskType", "model", "scopeKey", "requestId", ...(ensemble ? ["mode"] : [])]) {
    const value = optionalString(options, key, where)
    if (value === undefined) continue
    const issue = identifierIssue(value, key)
    if (issue !== undefined) throw new InputProblem(issue)
    out[key] = value
  }
  for (const key of ["deadlineMs", ...(ensemble ? ["samples"] : [])]) {
    const value = optionalNumber(options, key, where)
    if (value !== undefined) out[key] = value
  }
  const models = read(options, "models", where)
  if (models !== undefined) {
    if (!Array.isArray(models)) throw new InputProblem(`models must be an array of model ids, not ${typeName(models)}`)
    const copied = plainCopy(models.slice(0, maxModels + 1), "models") as ReadonlyArray<unknown>
    if (copied.length > maxModels) throw new InputProblem(`models names more than ${maxModels} models`)
    const bad = copied.findIndex((id) => typeof id !== "string")
    if (bad >= 0) throw new InputProblem(`models[${bad}] must be a model id string, not ${typeName(copied[bad])}`)
    for (const [i, id] of (copied as ReadonlyArray<string>).entries()) {
      const issue = identifierIssue(id, `models[${i}]`)
      if (issue !== undefined) throw new InputProblem(issue)
    }
    if (ensemble) {
      // An ensemble is exactly the models named: none, or one named twice, would quietly become something else.
      if (copied.length === 0) throw new InputProblem("models is empty: name the ensemble's models, or leave models out to let the route choose")
      const twice = copied.find((id, i) => copied.indexOf(id) !== i)
      if (twice !== undefined) throw new InputProblem(`models names ${JSON.stringify(twice)} twice: to sample one model several times, name it once and set samples`)
    }
    out["models"] = copied
  }
  const scorers = read(options, "scorers", where)
  if (scorers !== undefined) {
    if (!Array.isArray(scorers)) throw new InputProblem(`scorers must be an array of scorers, not ${typeName(scorers)}`)
    const length = lengthOf(scorers, "scorers", maxModels)
    const copied = Array.from({ length }, (_, i) => {
      const scorer = read(scorers, String(i), "scorers")
      if (typeof scorer !== "object" || scorer === null) throw new InputProblem(`scorers[${i}] must be a scorer ({ name, score }), not ${typeName(scorer)}`)
      const name = read(scorer, "name", `scorers[${i}]`)
      const score = read(scorer, "score", `scorers[${i}]`)
      if (typeof name !== "string" || typeof score !== "function") throw new InputProblem(`scorers[${i}] must have a string name and a score function`)
      return { name, score: score.bind(scorer) }
    })
    out["scorers"] = copied
  }
  if (ensemble) {
    const normalize = optionalFunction<(text: string) => string>(options, "normalize", where)
    if (normalize !== undefined) out["normalize"] = normalize
  }
  // Everything else is a request field (maxTokens, temperature, stop, providerOptions, ...): plain data, which the
  // request's own validation then checks.
  for (const key of keysOf(options, where)) {
    if (callKeys.has(key)) continue
    if (key === "__proto__") throw new InputProblem(`options has a "__proto__" key`)
    const value = plainCopy(read(options, key, where), `options.${key}`)
    if (value !== undefined) out[key] = value
  }
  const signal = signalOf(read(options, "signal", where))
  return { options: out as EnsembleOptions, ...(signal !== undefined ? { signal } : {}) }
}

/** The error for a problem with the caller's arguments; a ProviderError passes through. */
const asTypedError = (problem: unknown): ProviderError => {
  if (isProviderError(problem)) return problem
  if (problem instanceof InputProblem) return invalidRequest([problem.issue])
  if (problem instanceof RangeError) return invalidRequest([`the call's arguments are too large or too deep (${describeThrown(problem)})`])
  return invalidRequest([`the call's arguments could not be read (${describeThrown(problem)})`])
}

/** The options objects `checkCall` made: a call handed on with them is not checked again. */
const checkedOptions = new WeakSet<object>()

/** Check a call's prompt and options (`ensemble` takes `mode`, `samples` and `normalize` too). Throws a ProviderError. */
export const checkCall = <O extends CallOptions>(input: unknown, options: unknown, ensemble = false): CheckedCall<O> => {
  try {
    const prompt = promptOf(input)
    const checked = optionsOf(options, ensemble)
    checkedOptions.add(checked.options)
    return { input: prompt, options: checked.options as O, ...(checked.signal !== undefined ? { signal: checked.signal } : {}) }
  } catch (problem) {
    throw asTypedError(problem)
  }
}

/**
 * The Effect API's door: a call's prompt and options checked and copied as the Promise API's are (the same typed
 * InvalidRequest for a throwing getter, a Proxy, a string for `models`, ...), or the error; never a throw. A call the
 * Promise API already checked passes as it is.
 */
export const checkEffectCall = <O extends CallOptions>(input: unknown, options: unknown, ensemble = false): CheckedCall<O> | ProviderError => {
  if (typeof options === "object" && options !== null && checkedOptions.has(options)) return { input: input as PromptInput, options: options as O }
  try {
    return checkCall<O>(input, options, ensemble)
  } catch (problem) {
    return asTypedError(problem)
  }
}

const dimensions: ReadonlySet<string> = new Set<SummaryDimension>(["provider", "model", "taskType", "strategy", "hour", "day", "month"])

/** A time window (epoch ms) of the cost queries, checked and copied. */
const windowOf = (value: unknown, where: string): Pick<SummaryQuery, "from" | "to"> => {
  if (value === undefined) return {}
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new InputProblem(`${where} must be an object such as { from, to }, not ${typeName(value)}`)
  const out: { from?: number; to?: number } = {}
  for (const key of ["from", "to"] as const) {
    const time = read(value, key, where)
    if (time === undefined) continue
    if (typeof time !== "number" || !Number.isFinite(time)) throw new InputProblem(`${where}.${key} must be a time in epoch milliseconds, not ${typeName(time)}`)
    out[key] = time
  }
  return out
}

/** Check the query of `costs.summary`. Throws a ProviderError. */
export const checkSummaryQuery = (query: unknown): SummaryQuery | undefined => {
  try {
    if (query === undefined) return undefined
    const window = windowOf(query, "query")
    const by = read(query as object, "by", "query")
    if (by === undefined) return window
    if (!Array.isArray(by)) throw new InputProblem(`query.by must be an array of ${[...dimensions].join(", ")}`)
    const copied = plainCopy(by, "query.by") as ReadonlyArray<unknown>
    const bad = copied.find((d) => typeof d !== "string" || !dimensions.has(d))
    if (bad !== undefined || copied.length > dimensions.size) throw new InputProblem(`query.by must list some of ${[...dimensions].join(", ")}`)
    return { ...window, by: copied as ReadonlyArray<SummaryDimension> }
  } catch (problem) {
    throw asTypedError(problem)
  }
}

/** Check the arguments of `costs.export`. Throws a ProviderError. */
export const checkExport = (format: unknown, window: unknown): { readonly format: "csv" | "json"; readonly window: Pick<SummaryQuery, "from" | "to"> } => {
  try {
    if (format !== "csv" && format !== "json") throw new InputProblem(`the export format must be "csv" or "json", not ${typeof format === "string" ? `"${format.slice(0, 20)}"` : typeName(format)}`)
    return { format, window: windowOf(window, "window") }
  } catch (problem) {
    throw asTypedError(problem)
  }
}

/** Run a Promise API entry point: whatever it throws synchronously becomes a rejected promise with a typed error. */
export const rejectingPromise = <A>(body: () => Promise<A>): Promise<A> => {
  try {
    return body()
  } catch (problem) {
    return Promise.reject(asTypedError(problem))
  }
}

/** A stream that has already failed: iterating it throws the error, and its `response` rejects with it. */
export const failedStream = <R>(error: unknown): AsyncIterable<string> & { readonly response: Promise<R>; readonly cancel: () => void } => {
  const typed = asTypedError(error)
  const response = Promise.reject<R>(typed)
  response.catch(() => {}) // a caller who only iterates must not get an unhandled rejection
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => Promise.reject(typed),
      return: () => Promise.resolve({ value: undefined, done: true as const })
    }),
    response,
    cancel: () => {}
  }
}
