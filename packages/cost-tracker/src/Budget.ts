/**
 * Budgets: a spending limit in USD for a scope (everything, one user or tenant key, each key separately, one task
 * type) over a period (all time, a UTC day, a UTC month), hard (calls that could exceed it are refused before they
 * are sent) or soft (calls go through and the excess is reported). A budget's running total lives under a key
 * naming the budget and its current window, e.g. `daily|day|2026-11-25`.
 */
import { invalidRequest, type ProviderError } from "@orch/provider"
import { Effect } from "effect"
import { usdToNanos } from "./Money.ts"

/** The period a budget's limit applies to. */
export type BudgetPeriod = "total" | "day" | "month"

/** Which calls a budget counts. All given conditions must hold; none means every call. */
export interface BudgetScope {
  /** Only calls made for this user or tenant key. */
  readonly key?: string
  /** Every key separately: each user or tenant gets the limit for itself (calls without a key are not counted). */
  readonly eachKey?: boolean
  /** Only calls of this task type. */
  readonly taskType?: string
}

/** A spending limit. */
export interface Budget {
  /** A unique name, used in errors and in the ledger's budget keys. */
  readonly name: string
  readonly limitUsd: number
  readonly period: BudgetPeriod
  /** Hard refuses calls whose worst case would exceed the limit; soft lets them through and reports it. */
  readonly mode: "hard" | "soft"
  readonly scope?: BudgetScope
}

/** What a call is, for deciding which budgets count it. */
export interface BudgetSubject {
  readonly scopeKey?: string
  readonly taskType?: string
}

/** A budget's limit in its current window, as a store sees it. */
export interface BudgetWindow {
  /** The budget and its window, e.g. `per-tenant|key=acme|month|2026-11`. */
  readonly key: string
  readonly budget: string
  readonly limitNanos: number
  readonly hard: boolean
}

/** Check a list of budgets: unique names, finite non-negative limits, known periods and modes. */
export const validateBudgets = (budgets: ReadonlyArray<Budget>): Effect.Effect<ReadonlyArray<Budget>, ProviderError> =>
  Effect.suspend(() => {
    const issues: Array<string> = []
    const names = new Set<string>()
    for (const budget of budgets) {
      if (typeof budget.name !== "string" || budget.name.length === 0 || budget.name.includes("|")) issues.push(`a budget needs a non-empty name without "|" (got ${JSON.stringify(budget.name)})`)
      else if (names.has(budget.name)) issues.push(`budget "${budget.name}" is defined twice`)
      names.add(budget.name)
      if (typeof budget.limitUsd !== "number" || !Number.isFinite(budget.limitUsd) || budget.limitUsd < 0) issues.push(`budget "${budget.name}": limitUsd must be a finite number >= 0`)
      if (!["total", "day", "month"].includes(budget.period)) issues.push(`budget "${budget.name}": period must be "total", "day" or "month"`)
      if (!["hard", "soft"].includes(budget.mode)) issues.push(`budget "${budget.name}": mode must be "hard" or "soft"`)
    }
    return issues.length > 0 ? Effect.fail(invalidRequest(issues)) : Effect.succeed(budgets)
  })

/** The window of a period that contains a time (UTC). */
export const windowOf = (period: BudgetPeriod, timeMs: number): string => {
  if (period === "total") return "total"
  const iso = new Date(timeMs).toISOString()
  return period === "day" ? `day|${iso.slice(0, 10)}` : `month|${iso.slice(0, 7)}`
}

/** Whether a budget counts a call of `subject` (its scope's key, task type, or each key once there is one). */
const counts = (budget: Budget, subject: BudgetSubject): boolean => {
  const scope = budget.scope
  if (scope === undefined) return true
  if (scope.key !== undefined && scope.key !== subject.scopeKey) return false
  if (scope.taskType !== undefined && scope.taskType !== subject.taskType) return false
  return !(scope.eachKey === true && subject.scopeKey === undefined)
}

/** The ledger key of a budget's window for `subject` (a budget for each key has one window per key). */
const windowKey = (budget: Budget, subject: BudgetSubject, window: string): string =>
  budget.scope?.eachKey === true ? `${budget.name}|key=${subject.scopeKey}|${window}` : `${budget.name}|${window}`

/** The windows of the budgets that count a call made at `timeMs`. */
export const windowsFor = (budgets: ReadonlyArray<Budget>, subject: BudgetSubject, timeMs: number): ReadonlyArray<BudgetWindow> =>
  budgets.flatMap((budget) =>
    counts(budget, subject)
      ? [{ key: windowKey(budget, subject, windowOf(budget.period, timeMs)), budget: budget.name, limitNanos: usdToNanos(budget.limitUsd), hard: budget.mode === "hard" }]
      : [])

// Shared by every call that no budget counts, and typed read-only. Not frozen: `for...of` over a frozen array takes
// the engine's slow path, which allocates a result object per step, and stores iterate these on every call.
const noWindows: ReadonlyArray<BudgetWindow> = []
const noKeys: ReadonlyArray<string> = []

/** The budget windows that count a call (each frozen), and their keys: shared between calls, never changed. */
export interface CountingWindows {
  readonly windows: ReadonlyArray<BudgetWindow>
  readonly keys: ReadonlyArray<string>
}

const noneCounting: CountingWindows = Object.freeze({ windows: noWindows, keys: noKeys })

/** How many subjects (scope key and task type) `makeBudgetWindows` keeps the windows of before starting afresh. */
const keptSubjects = 10_000

/**
 * `windowsFor` over a fixed list of budgets, for every call's path, with the windows' keys: the same windows, with
 * each budget's limit converted once, and nothing built for a call whose subject (scope key and task type) was seen
 * while its windows are current: the answer is kept per subject until a period it counts turns (a day, a month), for
 * up to `keptSubjects` subjects.
 */
export const makeBudgetWindows = (budgets: ReadonlyArray<Budget>): (subject: BudgetSubject, timeMs: number) => CountingWindows => {
  if (budgets.length === 0) return () => noneCounting
  const compiled = budgets.map((budget) => ({ budget, limitNanos: usdToNanos(budget.limitUsd), hard: budget.mode === "hard" }))
  // The current window of each period, and when it started and ends (epoch ms, UTC).
  const current = { day: { from: 0, to: 0, name: "" }, month: { from: 0, to: 0, name: "" } }
  const windowAt = (period: "day" | "month", timeMs: number): { readonly from: number; readonly to: number; readonly name: string } => {
    const known = current[period]
    if (timeMs >= known.from && timeMs < known.to) return known
    const date = new Date(timeMs)
    known.from = period === "day" ? Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()) : Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1)
    known.to = period === "day" ? known.from + 86_400_000 : Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1)
    known.name = windowOf(period, timeMs)
    return known
  }
  interface Kept extends CountingWindows {
    readonly from: number
    readonly to: number
  }
  // By scope key, then task type (`undefined` is a key of its own in a Map): no key string built per call.
  const kept = new Map<string | undefined, Map<string | undefined, Kept>>()
  let keptCount = 0
  const compute = (subject: BudgetSubject, timeMs: number): Kept => {
    const windows: Array<BudgetWindow> = []
    let from = Number.NEGATIVE_INFINITY
    let to = Number.POSITIVE_INFINITY
    for (const { budget, limitNanos, hard } of compiled) {
      if (!counts(budget, subject)) continue
      let window = "total"
      if (budget.period !== "total") {
        const span = windowAt(budget.period, timeMs)
        from = Math.max(from, span.from)
        to = Math.min(to, span.to)
        window = span.name
      }
      windows.push(Object.freeze({ key: windowKey(budget, subject, window), budget: budget.name, limitNanos, hard }))
    }
    if (windows.length === 0) return { ...noneCounting, from, to }
    // Not frozen, as `noWindows`: typed read-only and never changed.
    return { windows, keys: windows.map((window) => window.key), from, to }
  }
  return (subject, timeMs) => {
    let byTask = kept.get(subject.scopeKey)
    const found = byTask?.get(subject.taskType)
    if (found !== undefined && timeMs >= found.from && timeMs < found.to) return found
    const made = compute(subject, timeMs)
    if (found === undefined) {
      if (keptCount >= keptSubjects) {
        kept.clear()
        keptCount = 0
        byTask = undefined
      }
      keptCount++
    }
    if (byTask === undefined) kept.set(subject.scopeKey, byTask = new Map())
    byTask.set(subject.taskType, made)
    return made
  }
}

/**
 * `windowsFor` over a fixed list of budgets, for every call's path: see `makeBudgetWindows` (whose answers it
 * returns without their keys).
 */
export const makeWindowsFor = (budgets: ReadonlyArray<Budget>): (subject: BudgetSubject, timeMs: number) => ReadonlyArray<BudgetWindow> => {
  const windowsAt = makeBudgetWindows(budgets)
  return (subject, timeMs) => windowsAt(subject, timeMs).windows
}
