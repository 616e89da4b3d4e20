/**
 * The cost tracker service the orchestrator calls around every attempt: the price of a model, the worst-case
 * cost of a request, a reservation against the budgets before the call (refused with BudgetExceeded when a hard
 * budget could be exceeded), settlement to the real cost after it, a ledger record for every attempt, summaries
 * and exports. Time comes from `Clock`, so `TestClock` drives budget windows in tests.
 */
import {
  type AttemptCancelled, type AttemptFailure, type AttemptModel, type AttemptSuccess, type CompletionRequest,
  type ProviderError, providerError, requestText, type Usage
} from "@orch/provider"
import { Clock, Context, Effect, Exit, Layer } from "effect"
import type { AttemptRecord } from "./AttemptRecord.ts"
import { type Budget, type BudgetSubject, type BudgetWindow, makeBudgetWindows, validateBudgets } from "./Budget.ts"
import { defaultBacklogLimit, makeLedgerBacklog } from "./LedgerBacklog.ts"
import { type ExportFormat, toCsv, toJson } from "./LedgerExport.ts"
import {
  type BudgetStanding, type LedgerEntry, LedgerStore, type ReservationRequest, type ReserveResult, type SynchronousLedger, synchronousLedgerOf
} from "./LedgerStore.ts"
import { MemoryLedger, type MemoryLedgerOptions } from "./MemoryLedger.ts"
import { nanosToUsd } from "./Money.ts"
import { costNanos, type ModelPrice, worstCaseNanos } from "./ModelPrice.ts"
import { makePriceTable, type PricedModel, type PriceTable, type PriceTableOptions } from "./PriceTable.ts"
import { RedisLedger, type RedisLedgerOptions } from "./RedisLedger.ts"
import { SqliteLedger, type SqliteLedgerOptions } from "./SqliteLedger.ts"
import { type Summary, type SummaryQuery, inWindow, summarize } from "./Summary.ts"
import {
  conservativeRequestTokens, countRequestTokens, countTokens, releaseTokenizer, retainTokenizer, type TokenSource
} from "./TokenEstimate.ts"
import { type CheckedUsage, checkUsage, type UsageFallback, type UsageFlag } from "./UsageCheck.ts"

/**
 * The output tokens a worst case assumes when a request sets no `maxTokens` and `defaultMaxOutputTokens` is not
 * given. Under a hard budget the core sends this limit with the request, so the reservation stays a ceiling.
 */
export const assumedMaxOutputTokens = 4096

/** How the tracker prices, budgets and records. */
export interface CostTrackerOptions {
  /** A price table, or how to build one (built-in prices, files, overrides). */
  readonly prices?: PriceTable | PriceTableOptions
  readonly budgets?: ReadonlyArray<Budget>
  /** The output tokens a worst case assumes when a request sets no `maxTokens` (default 4096). */
  readonly defaultMaxOutputTokens?: number
  /**
   * How long an unsettled reservation holds its budget before a durable ledger (SQLite, Redis) reclaims it, for a
   * process that died mid-call (default 1 hour; longer than any call's deadline).
   */
  readonly reservationTtlMs?: number
  /** Keep each attempt's prompt and completion text in its record. Off by default: records hold no text. */
  readonly logPrompts?: boolean
  /**
   * How many records the tracker holds in memory while the ledger store cannot write them (default 10,000); past it
   * the oldest are dropped with a warning. See `LedgerBacklog`.
   */
  readonly backlogLimit?: number
}

/** A call about to be made, for a reservation. */
export interface ReserveInput extends BudgetSubject {
  readonly requestId: string
  /** 1 for the first attempt of the request, then 2, 3, ... */
  readonly attempt: number
  readonly model: PricedModel
  readonly request: CompletionRequest
  readonly strategy?: string
}

/** The most a request can cost: its estimated input and `maxTokens` of output at the model's price. */
export interface WorstCase {
  readonly inputTokens: number
  readonly outputTokens: number
  readonly tokenSource: Exclude<TokenSource, "reported" | "none">
  /** Null when the model has no known price. */
  readonly costUsd: number | null
  readonly costNanos: number | null
}

/** A reservation held for one attempt; settle or release it exactly once. */
export interface Reservation {
  readonly id: string
  readonly input: ReserveInput
  readonly worstCase: WorstCase
  /** The budget windows it counts against. */
  readonly budgetKeys: ReadonlyArray<string>
  /** Soft budgets this reservation took past their limit. */
  readonly softExceeded: ReadonlyArray<BudgetStanding>
}

/** An ended attempt to record without a reservation. */
export interface AttemptReport extends BudgetSubject {
  readonly requestId: string
  readonly attempt: number
  readonly strategy?: string
  readonly event: AttemptSuccess | AttemptFailure | AttemptCancelled
  /** The request, to estimate input tokens where the service reported none (and to log with `logPrompts`). */
  readonly request?: CompletionRequest
  /** The text produced (the completion, or a cancelled stream's partial text), to estimate output tokens. */
  readonly outputText?: string
}

/** What `settle` may add to the attempt event. */
export interface SettleOptions {
  readonly outputText?: string
}

/** The cost tracker. */
export interface CostTrackerShape {
  /** The model's price, or undefined (a warning names an unpriced model once). */
  readonly priceOf: (model: PricedModel) => Effect.Effect<ModelPrice | undefined>
  /** The worst-case cost of a request on a model. */
  readonly estimateWorstCase: (model: PricedModel, request: CompletionRequest) => Effect.Effect<WorstCase>
  /**
   * Reserve the worst case against every budget that counts the call; BudgetExceeded when a hard one would pass its
   * limit. Interruptible (a deadline can cut a slow shared ledger): a reservation whose write is cut while in flight
   * frees itself. To never lose one that was made, call it as `Effect.uninterruptibleMask((restore) =>
   * Effect.flatMap(restore(reserve(input)), (held) => ...))`: the continuation then runs before any interruption.
   * On a store that answers at once (the in-memory one) it is a single synchronous step: see `reservesAtOnce`.
   * A reservation that holds budget first writes the records held while the store failed; it fails with the store's
   * Unavailable error when it cannot (a budget is never checked without spend the store has not seen).
   */
  readonly reserve: (input: ReserveInput) => Effect.Effect<Reservation, ProviderError>
  /**
   * Record the attempt and replace its reservation by its real cost, atomically. When a durable store cannot write
   * it (Unavailable), the entry is held in memory and written, in order, before the next operation that touches the
   * store (see `backlogLimit`): this succeeds with the record all the same.
   */
  readonly settle: (reservation: Reservation, event: AttemptSuccess | AttemptFailure | AttemptCancelled, options?: SettleOptions) => Effect.Effect<AttemptRecord, ProviderError>
  /** Free a reservation whose call was never sent. */
  readonly release: (reservation: Reservation) => Effect.Effect<void, ProviderError>
  /** Record an attempt that had no reservation (its cost still counts against the budgets); held as `settle` does. */
  readonly record: (report: AttemptReport) => Effect.Effect<AttemptRecord, ProviderError>
  /**
   * Where the budgets that count a subject stand now, in USD. This, `summary` and `export` first write the records
   * held while the store failed, and fail with its Unavailable error when they cannot.
   */
  readonly budgetStatus: (subject?: BudgetSubject) => Effect.Effect<ReadonlyArray<BudgetStatus>, ProviderError>
  readonly summary: (query?: SummaryQuery) => Effect.Effect<Summary, ProviderError>
  /** The records of a time window as CSV or JSON. */
  readonly export: (format: ExportFormat, window?: Pick<SummaryQuery, "from" | "to">) => Effect.Effect<string, ProviderError>
  /** Close the ledger store, after one last try to write the records it failed to (what still cannot be is logged). */
  readonly close: Effect.Effect<void>
}

/** A budget window's standing in USD. */
export interface BudgetStatus {
  readonly key: string
  readonly budget: string
  readonly limitUsd: number
  readonly spentUsd: number
  readonly reservedUsd: number
}

const toStatus = (standing: BudgetStanding): BudgetStatus => ({
  key: standing.key, budget: standing.budget, limitUsd: nanosToUsd(standing.limitNanos),
  spentUsd: nanosToUsd(standing.spentNanos), reservedUsd: nanosToUsd(standing.reservedNanos)
})

const modelId = (model: { readonly provider: string; readonly name: string }): string => `${model.provider}/${model.name}`

/** Usage as recorded: checked counts and how they were obtained. */
interface ResolvedUsage extends CheckedUsage {
  readonly tokenSource: TokenSource
}

/** The usage of an attempt that produced nothing and was billed nothing. */
const nothingUsed: ResolvedUsage = Object.freeze({
  inputTokens: 0, cachedInputTokens: 0, cacheWriteInputTokens: 0, cacheWriteLongInputTokens: 0, outputTokens: 0,
  estimated: false, flags: Object.freeze([]), tokenSource: "none"
})

/** How checked usage was obtained: nothing used, or reported (estimated when the service or the check says so). */
const sourceOf = (usage: CheckedUsage): TokenSource =>
  "tokenSource" in usage ? (usage as ResolvedUsage).tokenSource : usage.estimated ? "approximate" : "reported"

/** The parts of an ended attempt a record is built from: the reservation's input, or an `AttemptReport`. */
interface Attempted extends BudgetSubject {
  readonly requestId: string
  readonly attempt: number
  readonly strategy?: string
}

type Ended = AttemptSuccess | AttemptFailure | AttemptCancelled

type Writable<T> = { -readonly [K in keyof T]: T[K] }

/** The usage a failure or cancel carried: on the event, else in its reason (a broken stream, a cancel). */
const carriedUsage = (event: AttemptFailure | AttemptCancelled): Usage | undefined => {
  if (event.usage !== undefined || event._tag === "AttemptCancelled") return event.usage
  const reason = event.error.reason
  return reason._tag === "StreamInterrupted" || reason._tag === "Cancelled" ? reason.usage : undefined
}

/** The text a broken stream produced before it broke, if the attempt failed so. */
const partialTextOf = (event: Ended): string | undefined =>
  event._tag === "AttemptFailure" && event.error.reason._tag === "StreamInterrupted" ? event.error.reason.partialText : undefined

/** Makes a record: see `PlainRecord`. */
type PlainRecordConstructor = new(
  subject: Attempted, event: Ended, loggedRequest: CompletionRequest | undefined, loggedOutput: string | undefined,
  usage: CheckedUsage, time: number, cost: number | null, latencyMs: number, flags: Array<UsageFlag> | undefined
) => AttemptRecord

/**
 * Builds a ledger record: a plain object (its prototype is `Object.prototype`, as an object literal's), with its
 * fields in the order records have always had (they are stored and exported as JSON) and each optional field set
 * only when present. Made with `new` rather than as a literal grown field by field, so the engine sizes it for all
 * its fields at once: about half the bytes and a quarter of the time of a literal with conditional spreads, on every
 * call's path. `loggedRequest` and `loggedOutput` are given only with `logPrompts`.
 */
const PlainRecord = function(
  this: Writable<AttemptRecord>, subject: Attempted, event: Ended, loggedRequest: CompletionRequest | undefined,
  loggedOutput: string | undefined, usage: CheckedUsage, time: number, cost: number | null, latencyMs: number,
  flags: Array<UsageFlag> | undefined
) {
  this.time = time
  this.requestId = subject.requestId
  this.attempt = subject.attempt
  this.role = event.role
  this.provider = event.model.provider
  this.model = event.model.name
  if (subject.taskType !== undefined) this.taskType = subject.taskType
  if (subject.strategy !== undefined) this.strategy = subject.strategy
  if (subject.scopeKey !== undefined) this.scopeKey = subject.scopeKey
  this.inputTokens = usage.inputTokens
  this.cachedInputTokens = usage.cachedInputTokens
  if (usage.cacheWriteInputTokens > 0) this.cacheWriteInputTokens = usage.cacheWriteInputTokens
  if (usage.cacheWriteLongInputTokens > 0) this.cacheWriteLongInputTokens = usage.cacheWriteLongInputTokens
  this.outputTokens = usage.outputTokens
  this.estimated = usage.estimated
  this.tokenSource = sourceOf(usage)
  this.costNanos = cost
  this.latencyMs = latencyMs
  this.outcome = event._tag === "AttemptSuccess" ? "success" : event._tag === "AttemptFailure" ? "failure" : "cancelled"
  if (event._tag !== "AttemptSuccess") this.errorReason = event._tag === "AttemptFailure" ? event.error.reason._tag : "Cancelled"
  if (loggedRequest !== undefined) this.prompt = requestText(loggedRequest)
  if (loggedOutput !== undefined) this.completion = loggedOutput
  if (flags !== undefined) this.usageFlags = flags
} as unknown as PlainRecordConstructor
PlainRecord.prototype = Object.prototype

/** Writes a held reservation to the store and answers it (see `reserveAt`). */
type Hold = (input: ReserveInput, id: string, request: ReservationRequest, worstCase: WorstCase, budgetKeys: ReadonlyArray<string>) => Effect.Effect<Reservation, ProviderError>

/**
 * Ids for held reservations, `requestId#attempt#` and a part unique across every process sharing a ledger: a random
 * prefix drawn once (122 random bits, as a v4 UUID has) and a counter, instead of a fresh UUID per call.
 */
const makeReservationIds = () => {
  const unique = `#${crypto.randomUUID()}-`
  let count = 0
  return { next: (input: ReserveInput): string => input.requestId + "#" + input.attempt + unique + (++count).toString(36) }
}

/**
 * `reserve` and `settle` at a time the caller read from the clock (the same clock the tracker's own methods read),
 * for a tracker that reserves at once. Each returns an effect that is already its `Exit` in the usual case (nothing to
 * log, usage that needs no counting), so a caller can take the answer without running a step; any other effect
 * still has to be run (it logs a warning, or counts tokens).
 */
export interface ImmediateTracker {
  readonly reserveAt: (input: ReserveInput, nowMs: number) => Effect.Effect<Reservation, ProviderError>
  readonly settleAt: (reservation: Reservation, event: AttemptSuccess | AttemptFailure | AttemptCancelled, options: SettleOptions, nowMs: number) => Effect.Effect<AttemptRecord, ProviderError>
}

// The trackers `makeCostTracker` built on a store that answers at once (the tracker objects themselves: a copy or a
// wrapper, which may reserve differently, is not in it), with their immediate forms.
const atOnce = new WeakMap<CostTrackerShape, ImmediateTracker>()

/**
 * Whether a tracker's `reserve` and `settle` each run as one synchronous step (a tracker built by `makeCostTracker`
 * on a store that answers at once, such as the in-memory one): a reservation is then never in flight, so a caller
 * needs no fiber or uninterruptible region to make sure it is released. False for any other tracker.
 */
export const reservesAtOnce = (tracker: CostTrackerShape): boolean => atOnce.has(tracker)

/** The immediate forms of a tracker's `reserve` and `settle` (see `ImmediateTracker`), when it reserves at once. */
export const immediateTrackerOf = (tracker: CostTrackerShape): ImmediateTracker | undefined => atOnce.get(tracker)

/**
 * Ids for ledger entries, made once per entry so a store applies it at most once: a random prefix drawn once and a
 * counter, unique across processes sharing a ledger (as `makeReservationIds`).
 */
const makeEntryIds = () => {
  const unique = `${crypto.randomUUID()}-`
  let count = 0
  return (): string => unique + (++count).toString(36)
}

/** Build the tracker on a ledger store. */
export const makeCostTracker = Effect.fnUntraced(function*(options: CostTrackerOptions = {}) {
  const store = yield* LedgerStore
  // The store's own synchronous operations, when it answers at once: reserve and settle then run in one step.
  const synchronous = synchronousLedgerOf(store)
  const budgets = yield* validateBudgets(options.budgets ?? [])
  const windowsAt = makeBudgetWindows(budgets)
  const reservationIds = makeReservationIds()
  const entryIds = makeEntryIds()
  // Entries the store failed to write, written before its next use (never used by a store that answers at once).
  const backlog = makeLedgerBacklog(store, options.backlogLimit ?? defaultBacklogLimit)
  const prices = options.prices !== undefined && "lookup" in options.prices ? options.prices : makePriceTable(options.prices ?? {})
  const defaultMaxOutputTokens = options.defaultMaxOutputTokens ?? assumedMaxOutputTokens
  const reservationTtlMs = options.reservationTtlMs ?? 60 * 60 * 1000
  const warned = new Set<string>()
  // Reservations of $0 (free models, unpriced models under soft budgets only): nothing was written to hold them.
  const unheld = new WeakSet<Reservation>()

  /** The warning for a model with no price, once per model; `undefined` when there is nothing to say. */
  const unpricedWarning = (model: PricedModel, price: ModelPrice | undefined): Effect.Effect<void> | undefined => {
    if (price !== undefined || warned.has(modelId(model))) return undefined
    warned.add(modelId(model))
    return Effect.logWarning(`@orch/cost-tracker: no price for model ${modelId(model)}; its cost is recorded as unknown. Add it with a price override or a price file.`)
  }

  /** A model's price, warning once for a model with none. Synchronous on every call's path but the first warning. */
  const lookupPrice = <A, E>(model: PricedModel, use: (price: ModelPrice | undefined) => Effect.Effect<A, E>): Effect.Effect<A, E> => {
    const price = prices.lookup(model)
    const warning = unpricedWarning(model, price)
    return warning === undefined ? use(price) : Effect.andThen(warning, use(price))
  }

  const priceOf = (model: PricedModel): Effect.Effect<ModelPrice | undefined> => lookupPrice(model, Effect.succeed)

  /** The worst case of a request: a byte-bound count of its input (synchronous), its output limit, the price. */
  const worstCaseOf = (model: PricedModel, request: CompletionRequest, price: ModelPrice | undefined): WorstCase => {
    const inputTokens = conservativeRequestTokens(request)
    const outputTokens = request.maxTokens ?? defaultMaxOutputTokens
    const nanos = price === undefined ? null : worstCaseNanos(price, inputTokens, outputTokens)
    return { inputTokens, outputTokens, tokenSource: "approximate", costNanos: nanos, costUsd: nanos === null ? null : nanosToUsd(nanos) }
  }

  const estimateWorstCase = (model: PricedModel, request: CompletionRequest): Effect.Effect<WorstCase> =>
    lookupPrice(model, (price) => Effect.succeed(worstCaseOf(model, request, price)))

  const refuseUnpriced = (input: ReserveInput, hard: BudgetWindow) =>
    providerError(
      { _tag: "BudgetExceeded", budget: hard.budget, limitUsd: nanosToUsd(hard.limitNanos), spentUsd: 0, requestedUsd: Number.POSITIVE_INFINITY },
      `Hard budget "${hard.budget}" cannot bound a call to ${modelId(input.model)}: the model has no known price. Add a price for it.`,
      { provider: input.model.provider, model: input.model.name })

  /** The answer of the store to a held reservation: refused by a hard budget, or held (with soft budgets it passed). */
  const answered = (input: ReserveInput, id: string, worstCase: WorstCase, budgetKeys: ReadonlyArray<string>, result: ReserveResult): Effect.Effect<Reservation, ProviderError> => {
    if (result._tag === "Refused") {
      const standing = result.standing
      const usedUsd = nanosToUsd(standing.spentNanos + standing.reservedNanos)
      return Effect.fail(providerError(
        { _tag: "BudgetExceeded", budget: standing.budget, limitUsd: nanosToUsd(standing.limitNanos), spentUsd: usedUsd, requestedUsd: worstCase.costUsd ?? 0 },
        `Hard budget "${standing.budget}" (${standing.key}) would be exceeded: $${usedUsd.toFixed(6)} spent or reserved of $${nanosToUsd(standing.limitNanos).toFixed(6)}, and this call may cost up to $${(worstCase.costUsd ?? 0).toFixed(6)}. Nothing was sent.`,
        { provider: input.model.provider, model: input.model.name }))
    }
    const reservation: Reservation = { id, input, worstCase, budgetKeys, softExceeded: result.softExceeded }
    if (result.softExceeded.length === 0) return Effect.succeed(reservation)
    return Effect.as(Effect.forEach(result.softExceeded, (standing) =>
      Effect.logWarning(`@orch/cost-tracker: soft budget "${standing.budget}" (${standing.key}) exceeded by request ${input.requestId}: limit $${nanosToUsd(standing.limitNanos)}, spent or reserved $${nanosToUsd(standing.spentNanos + standing.reservedNanos)}, this call up to $${worstCase.costUsd ?? 0}`), { discard: true }), reservation)
  }

  /**
   * Reserve at `now`: everything decided before the store is asked (the worst case, the budgets, a refusal for an
   * unpriced model under a hard budget, a call that cannot cost anything), then `hold` for a reservation to write.
   */
  const reserveAt = (
    input: ReserveInput,
    price: ModelPrice | undefined,
    now: number,
    hold: Hold
  ): Effect.Effect<Reservation, ProviderError> => {
    const worstCase = worstCaseOf(input.model, input.request, price)
    const counting = windowsAt(input, now)
    const windows = counting.windows
    const budgetKeys = counting.keys
    if (worstCase.costNanos === null) {
      const hard = windows.find((window) => window.hard)
      if (hard !== undefined) return Effect.fail(refuseUnpriced(input, hard))
    }
    if (worstCase.costNanos === null || worstCase.costNanos === 0) {
      // Nothing to hold: a call that cannot cost anything is never refused by a money budget, and never touches
      // a shared ledger before it ends (so its id is never written anywhere and needs no random part).
      const reservation: Reservation = { id: `${input.requestId}#${input.attempt}`, input, worstCase, budgetKeys, softExceeded: [] }
      unheld.add(reservation)
      return Effect.succeed(reservation)
    }
    const id = reservationIds.next(input)
    return hold(input, id, { id, amountNanos: worstCase.costNanos, budgets: windows, nowMs: now, expiresAtMs: now + reservationTtlMs, ttlMs: reservationTtlMs }, worstCase, budgetKeys)
  }

  /**
   * On a store that answers at once: the reservation is made and answered in this one synchronous step, so nothing
   * can interrupt it half made. Only warnings (soft budgets passed) run after it; a reservation cut during them is freed.
   */
  const holdAtOnce = (ledger: SynchronousLedger) =>
  (input: ReserveInput, id: string, request: ReservationRequest, worstCase: WorstCase, budgetKeys: ReadonlyArray<string>): Effect.Effect<Reservation, ProviderError> => {
    const result = ledger.reserve(request)
    const answer = answered(input, id, worstCase, budgetKeys, result)
    return result._tag === "Reserved" && result.softExceeded.length > 0
      ? Effect.onInterrupt(answer, () => Effect.sync(() => ledger.release(id)))
      : answer
  }

  /**
   * On a store that may take time (SQLite, Redis): the write may be cut by the deadline or a cancel while in flight,
   * or fail after it landed: then the reservation is freed by id (a no-op if it never landed; on Redis it runs after
   * the write on the same connection), so a cut call never holds its budget until expiry.
   */
  const holdInFlight = (restore: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>) =>
  (input: ReserveInput, id: string, request: ReservationRequest, worstCase: WorstCase, budgetKeys: ReadonlyArray<string>): Effect.Effect<Reservation, ProviderError> =>
    // Spend the store has not seen yet is written first: a budget is never checked without it.
    Effect.andThen(restore(backlog.flush), restore(store.reserve(request)).pipe(
      // Detached, so a cut call ends at once: the release queues behind the write it undoes.
      Effect.onExit((exit) => Exit.isSuccess(exit) ? Effect.void : Effect.asVoid(Effect.forkDetach(Effect.ignore(store.release(id))))),
      Effect.flatMap((result) => answered(input, id, worstCase, budgetKeys, result))
    ))

  const holdNow = synchronous !== undefined ? holdAtOnce(synchronous) : undefined
  /**
   * Reserve at `nowMs` on a store that answers at once: the whole reservation is made while this runs. Only an
   * unpriced model is warned about first, and it holds nothing.
   */
  const reserveNow = (hold: Hold, input: ReserveInput, nowMs: number): Effect.Effect<Reservation, ProviderError> => {
    const price = prices.lookup(input.model)
    const warning = unpricedWarning(input.model, price)
    const reserved = reserveAt(input, price, nowMs, hold)
    return warning === undefined ? reserved : Effect.andThen(warning, reserved)
  }
  const reserveImmediately = holdNow !== undefined
    ? (input: ReserveInput, nowMs: number): Effect.Effect<Reservation, ProviderError> => reserveNow(holdNow, input, nowMs)
    : undefined
  const reserve = (input: ReserveInput): Effect.Effect<Reservation, ProviderError> => {
    if (holdNow !== undefined) return Effect.clockWith((clock) => reserveNow(holdNow, input, clock.currentTimeMillisUnsafe()))
    return Effect.uninterruptibleMask((restore) => lookupPrice(input.model, (price) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => reserveAt(input, price, now, holdInFlight(restore)))))
  }

  /** What replaces an invalid reported count: the reservation's bound, or the bound of the request (asked for lazily). */
  const fallbackFor = (request: CompletionRequest | undefined, reservation: Reservation | undefined): UsageFallback | (() => UsageFallback) =>
    reservation !== undefined
      ? reservation.worstCase
      : () => ({
        inputTokens: request !== undefined ? conservativeRequestTokens(request) : 0,
        outputTokens: request?.maxTokens ?? defaultMaxOutputTokens
      })

  /** The usage of an attempt when it needs no counting (the service reported it, or nothing was produced). */
  const usageAtOnce = (event: Ended, request: CompletionRequest | undefined, outputText: string | undefined, reservation: Reservation | undefined): CheckedUsage | undefined => {
    if (event._tag === "AttemptSuccess") return checkUsage(event.usage, fallbackFor(request, reservation))
    const carried = carriedUsage(event)
    if (carried !== undefined) return checkUsage(carried, fallbackFor(request, reservation))
    // Failed before producing anything (refused, unreachable, rejected): nothing was generated or billed.
    if (event._tag === "AttemptFailure" && (outputText ?? partialTextOf(event) ?? "").length === 0) return nothingUsed
    return undefined
  }

  const resolveUsage = (event: Ended, request: CompletionRequest | undefined, outputText: string | undefined, reservation: Reservation | undefined): Effect.Effect<CheckedUsage> => {
    const known = usageAtOnce(event, request, outputText, reservation)
    if (known !== undefined) return Effect.succeed(known)
    const produced = outputText ?? partialTextOf(event) ?? ""
    return Effect.gen(function*() {
      const input = request !== undefined ? yield* countRequestTokens(event.model, request) : { tokens: 0, source: "approximate" as const }
      const output = yield* countTokens(event.model, produced)
      return {
        ...nothingUsed,
        inputTokens: input.tokens, outputTokens: output.tokens, estimated: true,
        tokenSource: input.source === "tiktoken" && (output.source === "tiktoken" || produced.length === 0) ? "tiktoken" : "approximate"
      } satisfies ResolvedUsage
    })
  }

  /** The record of an attempt: its cost, its usage flags, and the record (see `PlainRecord`), with no copy of its parts first. */
  const recordOf = (
    subject: Attempted, event: Ended, request: CompletionRequest | undefined, outputText: string | undefined,
    reservation: Reservation | undefined, usage: CheckedUsage, price: ModelPrice | undefined, time: number
  ): AttemptRecord => {
    const checkedFlags = usage.flags
    // Measured here, not reported, but an event built elsewhere may still carry NaN: never priced as such.
    const latencyMs = Number.isFinite(event.latencyMs) && event.latencyMs >= 0 ? event.latencyMs : 0
    const cost = price === undefined ? null : costNanos(price, usage, latencyMs)
    const maxTokens = request?.maxTokens
    const aboveMaxTokens = maxTokens !== undefined && usage.outputTokens > maxTokens
    const reserved = reservation?.worstCase.costNanos
    const aboveReservation = cost !== null && reserved !== undefined && reserved !== null && cost > reserved
    let flags: Array<UsageFlag> | undefined
    if (checkedFlags.length > 0 || aboveMaxTokens || aboveReservation) {
      flags = [...checkedFlags]
      if (aboveMaxTokens) flags.push("above-max-tokens")
      if (aboveReservation) flags.push("above-reservation")
    }
    return new PlainRecord(subject, event, options.logPrompts === true ? request : undefined, options.logPrompts === true ? outputText : undefined, usage, time, cost, latencyMs, flags)
  }

  /** What to log about a record, if anything: a model with no price (once), usage that was flagged. */
  const logOf = (record: AttemptRecord, usage: CheckedUsage, model: AttemptModel, price: ModelPrice | undefined): Effect.Effect<void> | undefined => {
    const unpriced = unpricedWarning(model, price)
    const flags = record.usageFlags
    if (flags === undefined) return unpriced
    // Counts that could not be priced as given are a warning; usage merely above the request's limits was billed
    // as reported (a service may bill past `maxTokens`), so it is on the record and logged at debug level only.
    const cost = record.costNanos
    const message = `@orch/cost-tracker: the usage ${modelId(model)} reported for request ${record.requestId} was flagged (${flags.join(", ")}); it was charged $${cost === null ? "unknown" : nanosToUsd(cost)}`
    const flagged = usage.flags.length > 0 ? Effect.logWarning(message) : Effect.logDebug(message)
    return unpriced === undefined ? flagged : Effect.andThen(unpriced, flagged)
  }

  /** The record of an attempt, at the time on the clock, and its log. */
  const buildRecord = (subject: Attempted, event: Ended, request: CompletionRequest | undefined, outputText: string | undefined, reservation?: Reservation): Effect.Effect<AttemptRecord> =>
    Effect.flatMap(resolveUsage(event, request, outputText, reservation), (usage) => Effect.flatMap(Clock.currentTimeMillis, (time) => {
      const price = prices.lookup(event.model)
      const record = recordOf(subject, event, request, outputText, reservation, usage, price, time)
      const log = logOf(record, usage, event.model, price)
      return log === undefined ? Effect.succeed(record) : Effect.as(log, record)
    }))

  /** The ledger entry that commits a record and settles its reservation (if one was written). */
  const entryOf = (record: AttemptRecord, reservation: Reservation): LedgerEntry =>
    unheld.has(reservation) ? { record, budgetKeys: reservation.budgetKeys } : { record, budgetKeys: reservation.budgetKeys, reservationId: reservation.id }

  /** The same, with an id, for a store that may fail and be sent it again (see `LedgerBacklog`). */
  const durableEntryOf = (record: AttemptRecord, reservation: Reservation): LedgerEntry => ({ id: entryIds(), ...entryOf(record, reservation) })

  /** On a store that answers at once, with usage that needs no counting: recorded and committed in one step, at `time`. */
  const commitNow = (ledger: SynchronousLedger, reservation: Reservation, event: Ended, outputText: string | undefined, usage: CheckedUsage, time: number): Effect.Effect<AttemptRecord> => {
    const price = prices.lookup(event.model)
    const record = recordOf(reservation.input, event, reservation.input.request, outputText, reservation, usage, price, time)
    const log = logOf(record, usage, event.model, price)
    ledger.commit(entryOf(record, reservation))
    return log === undefined ? Effect.succeed(record) : Effect.as(log, record)
  }

  const settle = (reservation: Reservation, event: Ended, settleOptions?: SettleOptions): Effect.Effect<AttemptRecord, ProviderError> =>
    settleWith(reservation, event, settleOptions, undefined)

  /** Settle at `nowMs`, or at the clock's time when the record is made (undefined). */
  const settleWith = (reservation: Reservation, event: Ended, settleOptions: SettleOptions | undefined, nowMs: number | undefined): Effect.Effect<AttemptRecord, ProviderError> => {
    const input = reservation.input
    const outputText = settleOptions?.outputText
    const known = synchronous !== undefined ? usageAtOnce(event, input.request, outputText, reservation) : undefined
    if (synchronous !== undefined && known !== undefined) {
      return nowMs !== undefined
        ? commitNow(synchronous, reservation, event, outputText, known, nowMs)
        : Effect.clockWith((clock) => commitNow(synchronous, reservation, event, outputText, known, clock.currentTimeMillisUnsafe()))
    }
    return Effect.flatMap(buildRecord(input, event, input.request, outputText, reservation), (record) =>
      Effect.as(synchronous !== undefined ? store.commit(entryOf(record, reservation)) : backlog.commit(durableEntryOf(record, reservation)), record))
  }

  const release = Effect.fnUntraced(function*(reservation: Reservation) {
    if (!unheld.has(reservation)) yield* store.release(reservation.id)
  })

  const record = Effect.fnUntraced(function*(report: AttemptReport) {
    const entry = yield* buildRecord(report, report.event, report.request, report.outputText)
    const budgetKeys = windowsAt(report, entry.time).keys
    yield* synchronous !== undefined ? store.commit({ record: entry, budgetKeys }) : backlog.commit({ id: entryIds(), record: entry, budgetKeys })
    return entry
  })

  const budgetStatus = Effect.fn("CostTracker.budgetStatus")(function*(subject: BudgetSubject = {}) {
    yield* backlog.flush
    const now = yield* Clock.currentTimeMillis
    const standings = yield* store.standings(windowsAt(subject, now).windows)
    return standings.map(toStatus)
  })

  const summary = Effect.fn("CostTracker.summary")(function*(query: SummaryQuery = {}) {
    yield* backlog.flush
    return store.summary !== undefined ? yield* store.summary(query) : summarize(yield* store.records, query)
  })

  const exportRecords = Effect.fn("CostTracker.export")(function*(format: ExportFormat, window: Pick<SummaryQuery, "from" | "to"> = {}) {
    yield* backlog.flush
    const records = inWindow(yield* store.records, window)
    return format === "csv" ? toCsv(records) : toJson(records)
  })

  // The BPE worker (OpenAI token estimates) is kept while a tracker is open, and stopped with the last one.
  yield* Effect.acquireRelease(retainTokenizer, () => releaseTokenizer)
  // Records held while the store failed get one last try when the tracker's scope ends (before its store closes).
  yield* Effect.addFinalizer(() => backlog.close)
  const close = Effect.andThen(backlog.close, store.close)
  const tracker = CostTracker.of({ priceOf, estimateWorstCase, reserve, settle, release, record, budgetStatus, summary, export: exportRecords, close })
  if (reserveImmediately !== undefined) atOnce.set(tracker, { reserveAt: reserveImmediately, settleAt: settleWith })
  return tracker
})

/**
 * The cost tracker service. Layers: `layer(options)` on a `LedgerStore` you provide, or `layerMemory`,
 * `layerSqlite` and `layerRedis` with their store included.
 */
export class CostTracker extends Context.Service<CostTracker, CostTrackerShape>()("@orch/cost-tracker/CostTracker") {
  /** The tracker on the `LedgerStore` in context. Fails with InvalidRequest on bad budgets. */
  static readonly layer = (options: CostTrackerOptions = {}): Layer.Layer<CostTracker, ProviderError, LedgerStore> =>
    Layer.effect(CostTracker, makeCostTracker(options))
  /** The tracker with an in-memory ledger (the default), bounded in memory (see `MemoryLedger`). */
  static readonly layerMemory = (options: CostTrackerOptions = {}, memory: MemoryLedgerOptions = {}): Layer.Layer<CostTracker, ProviderError> =>
    CostTracker.layer(options).pipe(Layer.provide(MemoryLedger.layerWith(memory)))
  /** The tracker with a SQLite ledger file (WAL, append-only, survives restarts, written off the event loop). */
  static readonly layerSqlite = (path: string, options: CostTrackerOptions = {}, sqlite: SqliteLedgerOptions = {}): Layer.Layer<CostTracker, ProviderError> =>
    CostTracker.layer(options).pipe(Layer.provide(SqliteLedger.layer(path, sqlite)))
  /** The tracker with a Redis ledger shared by processes (needs the optional `ioredis` package). */
  static readonly layerRedis = (redis: RedisLedgerOptions, options: CostTrackerOptions = {}): Layer.Layer<CostTracker, ProviderError> =>
    CostTracker.layer(options).pipe(Layer.provide(RedisLedger.layer(redis)))
}
