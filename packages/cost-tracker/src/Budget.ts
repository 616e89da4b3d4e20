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

const noWindows: ReadonlyArray<BudgetWindow> = Object.freeze([])

/**
 * `windowsFor` over a fixed list of budgets, for every call's path: the same windows, with each budget's limit
 * converted once, each period's current window named once per window (not per call), and nothing built when no
 * budget counts the call.
 */
export const makeWindowsFor = (budgets: ReadonlyArray<Budget>): (subject: BudgetSubject, timeMs: number) => ReadonlyArray<BudgetWindow> => {
  if (budgets.length === 0) return () => noWindows
  const compiled = budgets.map((budget) => ({
    budget, limitNanos: usdToNanos(budget.limitUsd), hard: budget.mode === "hard",
    // A budget that counts every call, or one key's, names the same window until its period turns.
    fixed: budget.scope?.eachKey !== true
  }))
  // The current window of each period, and when it started and ends (epoch ms, UTC).
  const current = { day: { from: 0, to: 0, name: "" }, month: { from: 0, to: 0, name: "" } }
  const windowAt = (period: BudgetPeriod, timeMs: number): string => {
    if (period === "total") return "total"
    const known = current[period]
    if (timeMs >= known.from && timeMs < known.to) return known.name
    const date = new Date(timeMs)
    known.from = period === "day" ? Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()) : Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1)
    known.to = period === "day" ? known.from + 86_400_000 : Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1)
    known.name = windowOf(period, timeMs)
    return known.name
  }
  const fixedKeys = new Map<Budget, { readonly window: string; readonly value: BudgetWindow }>()
  return (subject, timeMs) => {
    const windows: Array<BudgetWindow> = []
    for (const { budget, limitNanos, hard, fixed } of compiled) {
      if (!counts(budget, subject)) continue
      const window = windowAt(budget.period, timeMs)
      if (fixed) {
        let made = fixedKeys.get(budget)
        if (made === undefined || made.window !== window) {
          made = { window, value: Object.freeze({ key: windowKey(budget, subject, window), budget: budget.name, limitNanos, hard }) }
          fixedKeys.set(budget, made)
        }
        windows.push(made.value)
      } else {
        windows.push({ key: windowKey(budget, subject, window), budget: budget.name, limitNanos, hard })
      }
    }
    return windows.length === 0 ? noWindows : windows
  }
}
