/**
 * How an orchestrator is built (providers, default strategy, routes, costs, deadlines) and what each call may ask
 * (strategy, task type, model, request options).
 */
import type { Budget, CostTrackerOptions } from "@orch/cost-tracker"
import type { CompletionRequest, Message, Provider } from "@orch/provider"
import type { Scorer } from "@orch/strategies"
import type { TieredClassifierOptions } from "@orch/task-router"
import { Effect } from "effect"

/** Where the ledger lives. */
export type LedgerOption =
  | { readonly type: "memory" }
  | { readonly type: "sqlite"; readonly path: string }
  | { readonly type: "redis"; readonly url: string; readonly prefix?: string }

/** Options of an orchestrator. */
export interface OrchestratorOptions {
  /** The providers to call (e.g. `LocalProvider`, `CloudProvider`); the core imports none itself. */
  readonly providers: ReadonlyArray<Provider>
  /** The strategy when a call names none (default `auto`). */
  readonly strategy?: string
  /** Routing table overrides, merged over the defaults (validated). */
  readonly routes?: unknown
  /** Optional classifier tiers (embedding, LLM) and the confidence threshold that triggers them. */
  readonly classifier?: TieredClassifierOptions
  /** Prices, budgets and prompt logging for the cost tracker. */
  readonly costs?: CostTrackerOptions
  /**
   * Promise API: where @orch's own log lines go (a price missing, a soft budget passed, a listing that failed). By
   * default nowhere: a library prints nothing. The Effect API uses the logger in its context instead.
   */
  readonly onLog?: (entry: { readonly level: string; readonly message: string }) => void
  /** Shorthand for a hard, total, global budget in USD (added to `costs.budgets`). */
  readonly budgetUsd?: number
  /** The ledger store (default in memory). */
  readonly ledger?: LedgerOption
  /** One total deadline per call, shared by every attempt under it (default 120 s). */
  readonly deadlineMs?: number
  /** LOCAL_FIRST: the longest wait for a local model's first token before cloud is tried (default 10 s). */
  readonly localFirstTokenMs?: number
  /** LOCAL_FIRST: extra wait for a local model that is listed but not loaded (default 30 s). */
  readonly loadTimeMs?: number
  /**
   * When models are tried one after another, the longest wait for each one's first token before the next is tried
   * (all but the last; default half the call's deadline), so a stalled server cannot use up the deadline.
   */
  readonly attemptFirstTokenMs?: number
  /** Retries of one cloud model on retryable errors before moving on (default 1; local models: 0). */
  readonly cloudRetries?: number
  /** At most this many models of each kind that routing picks take part in one call (default 3); models a call names are all used. */
  readonly maxModelsPerKind?: number
  /** The user or tenant key budgets are counted against, when calls do not name one. */
  readonly scopeKey?: string
}

/** What one call may ask besides the prompt. */
export interface CallOptions extends Omit<CompletionRequest, "prompt" | "messages"> {
  /** A named strategy in any case (`LOCAL_FIRST`, `local_first`); default the orchestrator's. */
  readonly strategy?: string
  /** The task type, when the caller knows it (skips classification). */
  readonly taskType?: string
  /** Call this model (`backend/name`) and no other: retries, no routing. */
  readonly model?: string
  /** Use these models (in order) instead of the route's. */
  readonly models?: ReadonlyArray<string>
  /** This call's total deadline (default the orchestrator's). */
  readonly deadlineMs?: number
  /** The user or tenant key for budgets. */
  readonly scopeKey?: string
  /**
   * This call's request id in the answer, the ledger and the attempt events (default a random UUID): 1 to 128
   * letters, digits or `-_.:`, so a caller (the gateway) can use the id it already told its client.
   */
  readonly requestId?: string
  /** CASCADE: what makes an answer weak enough to escalate (default: empty or a refusal). */
  readonly scorers?: ReadonlyArray<Scorer>
}

/** Options of `ensemble`. */
export interface EnsembleOptions extends CallOptions {
  /** VOTE (default), CHAIN or PARALLEL, in any case. */
  readonly mode?: string
  /** VOTE with a single model: how many samples (default 3). */
  readonly samples?: number
  /** VOTE: how answers are compared (default: trimmed, lower-cased, white space collapsed). */
  readonly normalize?: (text: string) => string
}

/** A prompt: a string, chat messages, or a whole request. */
export type PromptInput = string | ReadonlyArray<Message> | CompletionRequest

/** The request of a call: its prompt and its request options. */
export const toRequest = (input: PromptInput, options: CallOptions = {}): CompletionRequest => {
  // The request options, copied once into the request (call options, and ensemble options when called from
  // `ensemble`, stay out); a whole request given as the input wins over them.
  const request: Record<string, unknown> = {}
  for (const key in options) {
    if (Object.hasOwn(options, key) && !callOptionKeys.has(key)) request[key] = (options as Record<string, unknown>)[key]
  }
  if (typeof input === "string") request["prompt"] = input
  else if (Array.isArray(input)) request["messages"] = input as ReadonlyArray<Message>
  else Object.assign(request, input)
  return request as CompletionRequest
}

/** The options of a call that are not request options. */
const callOptionKeys: ReadonlySet<string> = new Set(["strategy", "taskType", "model", "models", "deadlineMs", "scopeKey", "requestId", "scorers", "mode", "samples", "normalize"])

/** The budgets of the options: `costs.budgets` plus the `budgetUsd` shorthand. */
export const budgetsOf = (options: OrchestratorOptions): ReadonlyArray<Budget> => [
  ...(options.costs?.budgets ?? []),
  ...(options.budgetUsd !== undefined ? [{ name: "global", limitUsd: options.budgetUsd, period: "total" as const, mode: "hard" as const }] : [])
]

/** Options that are a positive number of milliseconds. */
const durationKeys = ["deadlineMs", "localFirstTokenMs", "loadTimeMs", "attemptFirstTokenMs"] as const

/** Read one option, a throwing getter being an issue. */
const readOption = (options: object, key: string, issues: Array<string>): unknown => {
  try {
    return (options as Record<string, unknown>)[key]
  } catch {
    issues.push(`${key} could not be read`)
    return undefined
  }
}

const describeValue = (value: unknown): string =>
  typeof value === "number" || typeof value === "boolean" ? String(value) : typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : value === null ? "null" : Array.isArray(value) ? "an array" : typeof value

const isPlainObject = (value: unknown): value is Readonly<Record<string, unknown>> => typeof value === "object" && value !== null && !Array.isArray(value)

/** Whether a provider has the contract's members: a name, a kind, `isAvailable` and `listModels` effects, `model`, and `close` an effect when given. */
const isProvider = (provider: unknown): boolean => {
  if (typeof provider !== "object" || provider === null) return false
  const p = provider as Record<string, unknown>
  return typeof p["name"] === "string" && (p["kind"] === "local" || p["kind"] === "cloud") && typeof p["model"] === "function" &&
    Effect.isEffect(p["isAvailable"]) && Effect.isEffect(p["listModels"]) && (p["close"] === undefined || Effect.isEffect(p["close"]))
}

const isAmount = (value: unknown): boolean => typeof value === "number" && Number.isFinite(value) && value >= 0

/** What is wrong with one price (a per-token or a per-hour `ModelPrice`): every rate a finite amount of 0 or more. */
const priceIssue = (price: unknown): string | undefined => {
  if (!isPlainObject(price)) return `is ${describeValue(price)}, not a price`
  if (price["_tag"] === "PerHour" || "usdPerHour" in price) {
    if (!isAmount(price["usdPerHour"])) return "usdPerHour must be a finite amount of 0 or more"
    const seconds = price["worstCaseSeconds"]
    return seconds === undefined || (isAmount(seconds) && (seconds as number) > 0) ? undefined : "worstCaseSeconds must be a positive number"
  }
  const rates = (tier: Readonly<Record<string, unknown>>, where: string): string | undefined => {
    for (const key of ["inputPerMillion", "outputPerMillion"]) if (!isAmount(tier[key])) return `${where}${key} must be a finite amount of 0 or more`
    for (const key of ["cachedInputPerMillion", "cacheWriteInputPerMillion", "cacheWriteLongInputPerMillion"]) {
      if (tier[key] !== undefined && !isAmount(tier[key])) return `${where}${key} must be a finite amount of 0 or more`
    }
    return undefined
  }
  const base = rates(price, "")
  if (base !== undefined) return base
  const long = price["longContext"]
  if (long === undefined) return undefined
  if (!isPlainObject(long) || !isAmount(long["aboveInputTokens"])) return "longContext must be { aboveInputTokens, inputPerMillion, outputPerMillion, ... }"
  return rates(long, "longContext.")
}

/** What is wrong with `costs.prices`: a price table ({ lookup, entries }), or its options with valid prices. */
const pricesIssues = (prices: unknown, issues: Array<string>): void => {
  if (!isPlainObject(prices)) return void issues.push(`costs.prices must be a price table or its options, not ${describeValue(prices)}`)
  if ("lookup" in prices) {
    if (typeof prices["lookup"] !== "function" || !isPlainObject(prices["entries"])) issues.push("costs.prices must be a price table ({ lookup, entries }) or its options ({ builtIn, overrides, files })")
    return
  }
  if (prices["builtIn"] !== undefined && typeof prices["builtIn"] !== "boolean") issues.push(`costs.prices.builtIn must be true or false, not ${describeValue(prices["builtIn"])}`)
  const table = (value: unknown, where: string) => {
    if (!isPlainObject(value)) return void issues.push(`${where} must be an object of prices by model id, not ${describeValue(value)}`)
    for (const [id, price] of Object.entries(value)) {
      const issue = priceIssue(price)
      if (issue !== undefined) issues.push(`${where}[${JSON.stringify(id.slice(0, 80))}]: ${issue}`)
    }
  }
  if (prices["overrides"] !== undefined) table(prices["overrides"], "costs.prices.overrides")
  const files = prices["files"]
  if (files !== undefined) {
    if (!Array.isArray(files)) issues.push(`costs.prices.files must be an array of price tables (see loadPriceFile), not ${describeValue(files)}`)
    else files.forEach((file: unknown, i) => table(file, `costs.prices.files[${i}]`))
  }
}

/** What is wrong with a budget's scope: absent, or an object of a string key, a boolean eachKey and a string task type. */
const scopeIssue = (scope: unknown): string | undefined => {
  if (scope === undefined) return undefined
  if (!isPlainObject(scope)) return `scope must be an object such as { key } or { eachKey: true }, not ${describeValue(scope)}`
  if (scope["key"] !== undefined && typeof scope["key"] !== "string") return `scope.key must be a string, not ${describeValue(scope["key"])}`
  if (scope["eachKey"] !== undefined && typeof scope["eachKey"] !== "boolean") return `scope.eachKey must be true or false, not ${describeValue(scope["eachKey"])}`
  if (scope["taskType"] !== undefined && typeof scope["taskType"] !== "string") return `scope.taskType must be a string, not ${describeValue(scope["taskType"])}`
  const known = new Set(["key", "eachKey", "taskType"])
  const unknown = Object.keys(scope).filter((key) => !known.has(key))
  return unknown.length > 0 ? `scope has keys it does not know: ${unknown.slice(0, 5).join(", ")} (it takes key, eachKey and taskType)` : undefined
}

/** What is wrong with `costs`: the shapes the cost tracker reads (it checks each budget's values itself). */
const costIssues = (costs: Readonly<Record<string, unknown>>, issues: Array<string>): void => {
  const budgets = readOption(costs, "budgets", issues)
  if (budgets !== undefined) {
    if (!Array.isArray(budgets)) issues.push(`costs.budgets must be an array of budgets, not ${describeValue(budgets)}`)
    else {
      budgets.forEach((budget: unknown, i) => {
        if (!isPlainObject(budget)) return void issues.push(`costs.budgets[${i}] must be a budget ({ name, limitUsd, period, mode }), not ${describeValue(budget)}`)
        const issue = scopeIssue(budget["scope"])
        if (issue !== undefined) issues.push(`costs.budgets[${i}]: ${issue}`)
      })
    }
  }
  const prices = readOption(costs, "prices", issues)
  if (prices !== undefined) pricesIssues(prices, issues)
  const whole = (key: string, min: number) => {
    const value = readOption(costs, key, issues)
    if (value !== undefined && (typeof value !== "number" || !Number.isSafeInteger(value) || value < min)) issues.push(`costs.${key} must be a whole number of ${min} or more, not ${describeValue(value)}`)
  }
  whole("defaultMaxOutputTokens", 1)
  whole("backlogLimit", 0)
  const ttl = readOption(costs, "reservationTtlMs", issues)
  if (ttl !== undefined && (typeof ttl !== "number" || !Number.isFinite(ttl) || ttl <= 0)) issues.push(`costs.reservationTtlMs must be a positive number of milliseconds, not ${describeValue(ttl)}`)
  const logPrompts = readOption(costs, "logPrompts", issues)
  if (logPrompts !== undefined && typeof logPrompts !== "boolean") issues.push(`costs.logPrompts must be true or false, not ${describeValue(logPrompts)}`)
}

/**
 * What is wrong with orchestrator options, one line per problem naming the option and what it takes (empty when they
 * are valid): the providers (each with the contract's members), every duration (a positive finite number of
 * milliseconds), `maxModelsPerKind` (a whole number from 1 to 100), `cloudRetries` (a whole number from 0 to 10),
 * `budgetUsd` (a finite amount of 0 or more), the strategy and scope key (strings), `onLog` (a function), the shapes
 * of `costs` and `classifier`, and the ledger. `NaN`, `0` models or a string for a number are refused here instead of
 * surfacing later as a call that can never run, and options that cannot be read (a getter or Proxy trap that throws)
 * are an issue, never a throw.
 */
export const orchestratorOptionIssues = (options: unknown): ReadonlyArray<string> => {
  try {
    return optionIssues(options)
  } catch (thrown) {
    return [`the orchestrator options could not be read (${thrown instanceof Error ? thrown.message.slice(0, 120) : "a property threw"})`]
  }
}

const optionIssues = (options: unknown): ReadonlyArray<string> => {
  if (typeof options !== "object" || options === null || Array.isArray(options)) return [`the orchestrator options must be an object such as { providers: [...] }, not ${describeValue(options)}`]
  const issues: Array<string> = []
  const providers = readOption(options, "providers", issues)
  if (!Array.isArray(providers)) issues.push(`providers must be an array of providers (e.g. LocalProvider, CloudProvider), not ${describeValue(providers)}`)
  else {
    providers.forEach((provider: unknown, i) => {
      let valid: boolean
      try {
        valid = isProvider(provider)
      } catch (thrown) {
        issues.push(`providers[${i}] could not be read (${thrown instanceof Error ? thrown.message.slice(0, 120) : "a property threw"})`)
        return
      }
      if (!valid) issues.push(`providers[${i}] is not a provider (it needs a name, a kind "local" or "cloud", isAvailable and listModels effects, and model)`)
    })
  }
  for (const key of durationKeys) {
    const value = readOption(options, key, issues)
    if (value !== undefined && (typeof value !== "number" || !Number.isFinite(value) || value <= 0)) issues.push(`${key} must be a positive number of milliseconds, not ${describeValue(value)}`)
  }
  const whole = (key: string, min: number, max: number) => {
    const value = readOption(options, key, issues)
    if (value !== undefined && (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max)) issues.push(`${key} must be a whole number from ${min} to ${max}, not ${describeValue(value)}`)
  }
  whole("maxModelsPerKind", 1, 100)
  whole("cloudRetries", 0, 10)
  const budget = readOption(options, "budgetUsd", issues)
  if (budget !== undefined && (typeof budget !== "number" || !Number.isFinite(budget) || budget < 0)) issues.push(`budgetUsd must be an amount in USD of 0 or more, not ${describeValue(budget)}`)
  for (const key of ["strategy", "scopeKey"]) {
    const value = readOption(options, key, issues)
    if (value !== undefined && typeof value !== "string") issues.push(`${key} must be a string, not ${describeValue(value)}`)
    else if (typeof value === "string" && (value.length > 1_000 || !value.isWellFormed())) issues.push(`${key} must be at most 1,000 characters of well-formed text`)
  }
  for (const key of ["costs", "classifier"]) {
    const value = readOption(options, key, issues)
    if (value !== undefined && !isPlainObject(value)) issues.push(`${key} must be an object, not ${describeValue(value)}`)
    else if (value !== undefined && key === "costs") costIssues(value, issues)
    else if (value !== undefined) {
      const threshold = readOption(value, "threshold", issues)
      if (threshold !== undefined && (typeof threshold !== "number" || !(threshold >= 0 && threshold <= 1))) issues.push(`classifier.threshold must be a confidence from 0 to 1, not ${describeValue(threshold)}`)
    }
  }
  const onLog = readOption(options, "onLog", issues)
  if (onLog !== undefined && typeof onLog !== "function") issues.push(`onLog must be a function of { level, message }, not ${describeValue(onLog)}`)
  const ledger = readOption(options, "ledger", issues) as Partial<Record<string, unknown>> | undefined
  if (ledger !== undefined) {
    const type = typeof ledger === "object" && ledger !== null ? ledger["type"] : undefined
    if (type === "sqlite" ? typeof ledger["path"] !== "string" || ledger["path"].trim() === "" : type === "redis" ? typeof ledger["url"] !== "string" || ledger["url"].trim() === "" : type !== "memory") {
      issues.push(`ledger must be { type: "memory" }, { type: "sqlite", path } or { type: "redis", url }`)
    }
  }
  return issues
}
