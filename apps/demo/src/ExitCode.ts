/**
 * The exit codes of the `orch` command, so scripts can tell a usage mistake from a spent budget or a machine with
 * no model, and the mapping from the one error type's reasons to them.
 */
import type { ProviderError } from "@orch/provider"

/** Every exit code `orch` uses. */
export const ExitCode = {
  /** The command did what was asked. */
  Ok: 0,
  /** A model or service failed at run time (timeout, server error, every attempt failed, ...). */
  Failure: 1,
  /** The command line or the config file is wrong (bad flag, unknown strategy, invalid JSON). */
  Usage: 2,
  /** A budget stopped the call before money was spent. */
  Budget: 3,
  /** No provider or model can answer: nothing configured, a key missing or rejected, a model not pulled. */
  NoProvider: 4,
  /** The user interrupted the command (Ctrl-C). */
  Interrupted: 130
} as const

/** One of the exit codes. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

const providerProblems = new Set(["Authentication", "PermissionDenied", "ModelNotFound", "Unavailable"])

/** The exit code of a failed call: budget, usage, no provider, interrupted, else a runtime failure. */
export const exitCodeOf = (error: ProviderError): ExitCode => {
  const reason = error.reason
  if (reason._tag === "BudgetExceeded") return ExitCode.Budget
  if (reason._tag === "InvalidRequest") return ExitCode.Usage
  if (reason._tag === "Cancelled") return ExitCode.Interrupted
  if (reason._tag === "Unavailable" && reason.component === "ledger") return ExitCode.Failure
  if (providerProblems.has(reason._tag)) return ExitCode.NoProvider
  if (reason._tag === "AllAttemptsFailed") {
    const inner = reason.errors.map(exitCodeOf)
    if (inner.includes(ExitCode.Budget)) return ExitCode.Budget
    if (inner.length > 0 && inner.every((code) => code === ExitCode.NoProvider)) return ExitCode.NoProvider
  }
  return ExitCode.Failure
}
