/**
 * The fault matrix: every fault of the substrate × every wire format × the named strategies, streaming and not.
 * Each cell starts a faulty server of one format and a healthy one of the other kind, calls the real orchestrator,
 * and checks five things: it ends by its deadline with the right result, nothing unhandled or leaked, the ledger
 * matches what the substrate served, no cancelled connection stays open, and the canary key never shows.
 */
import type { ErrorReasonTag } from "@orch/provider"
import { isProviderError, type ProviderError } from "@orch/provider"
import type { FaultBehavior } from "@orch/testing"
import { countTokens } from "@orch/testing"
import { activeResources, type ProcessWatch, settledResources } from "./Observation.ts"
import { type Backend, canaryKey, closeBackends, isLocalFormat, orchestratorOver, startBackend, type WireFormat, wireFormats } from "./Substrate.ts"

/** One row of the matrix: a fault (or a refused connection) and the error reasons that are right for it. */
export interface FaultCase {
  readonly name: string
  /** Undefined: the port is refused. */
  readonly behavior: FaultBehavior | undefined
  /** The call still succeeds on the faulty model (the fault is survivable by the client). */
  readonly benign: boolean
  /** The reasons a call that has only the faulty model may fail with. */
  readonly reasons: ReadonlyArray<ErrorReasonTag>
  /** The fault comes after the first token: a stream that already spoke may end in error instead of failing over. */
  readonly midStream: boolean
}

const fault = (behavior: FaultBehavior, reasons: ReadonlyArray<ErrorReasonTag>, extra: Partial<FaultCase> = {}): FaultCase => ({
  name: behavior.fault === "rate-limit"
    ? `rate-limit (${behavior.retryAfterMs !== undefined ? "retry-after-ms" : behavior.retryAfter?.includes("GMT") ? "retry-after date" : "retry-after seconds"})`
    : behavior.fault,
  behavior: { text: "answer from the faulty model", ...behavior },
  benign: false,
  midStream: false,
  reasons,
  ...extra
})

/** An HTTP date `seconds` from now, for Retry-After in date form. */
const httpDate = (seconds: number): string => new Date(Date.now() + seconds * 1000).toUTCString()

/** Every row: a refused port and each fault of the wire server, 429 in each Retry-After form. */
export const faultCases = (): ReadonlyArray<FaultCase> => [
  { name: "connection refused", behavior: undefined, benign: false, midStream: false, reasons: ["Unavailable"] },
  fault({ kind: "fault", fault: "reset-before-headers" }, ["Unavailable"]),
  fault({ kind: "fault", fault: "reset-mid-stream" }, ["StreamInterrupted", "Unavailable", "MalformedResponse"], { midStream: true }),
  fault({ kind: "fault", fault: "stall" }, ["Timeout"]),
  fault({ kind: "fault", fault: "slow-drip", delayMs: 1, text: "slow but fine" }, ["Timeout"], { benign: true }),
  fault({ kind: "fault", fault: "rate-limit", retryAfter: "1" }, ["RateLimited", "Timeout"]),
  fault({ kind: "fault", fault: "rate-limit", retryAfterMs: "50" }, ["RateLimited"]),
  fault({ kind: "fault", fault: "rate-limit", retryAfter: httpDate(1) }, ["RateLimited", "Timeout"]),
  fault({ kind: "fault", fault: "server-500" }, ["ServerError"]),
  fault({ kind: "fault", fault: "server-502" }, ["ServerError", "Unavailable"]),
  fault({ kind: "fault", fault: "server-503" }, ["Overloaded", "Unavailable", "ServerError"]),
  fault({ kind: "fault", fault: "overloaded-529" }, ["Overloaded", "ServerError"]),
  fault({ kind: "fault", fault: "malformed-json" }, ["MalformedResponse", "StreamInterrupted"], { midStream: true }),
  fault({ kind: "fault", fault: "html-502" }, ["ServerError", "Unavailable"]),
  fault({ kind: "fault", fault: "truncated-stream" }, ["StreamInterrupted", "MalformedResponse", "Unavailable"], { midStream: true }),
  fault({ kind: "fault", fault: "in-band-error" }, ["StreamInterrupted", "ServerError", "Overloaded", "MalformedResponse"], { midStream: true }),
  fault({ kind: "fault", fault: "duplicate-done" }, [], { benign: true }),
  fault({ kind: "fault", fault: "ollama-busy-503" }, ["Overloaded", "Unavailable"])
]

/** The strategies of the matrix. */
export const matrixStrategies = ["local_only", "cloud_only", "local_first", "cloud_first", "parallel", "cascade"] as const

/** The checks each cell makes; the report counts passes and failures per check. */
export const checks = ["result by deadline", "nothing unhandled or leaked", "ledger matches substrate", "cancelled connections closed", "canary key hidden"] as const
/** One check. */
export type Check = (typeof checks)[number]

/** One cell of the matrix. */
export interface Cell {
  readonly fault: FaultCase
  readonly format: WireFormat
  readonly strategy: (typeof matrixStrategies)[number]
  readonly streaming: boolean
}

/** The result of a cell: each check's verdict, with a note when it failed. */
export interface CellResult {
  readonly cell: Cell
  readonly outcome: string
  readonly elapsedMs: number
  readonly failures: Partial<Record<Check, string>>
}

/** Every cell, or every `every`-th one (a deterministic sample for CI). */
export const cells = (options: { readonly every?: number; readonly offset?: number } = {}): ReadonlyArray<Cell> => {
  const all: Array<Cell> = []
  for (const faultCase of faultCases()) {
    for (const format of wireFormats) {
      for (const strategy of matrixStrategies) {
        for (const streaming of [false, true]) all.push({ fault: faultCase, format, strategy, streaming })
      }
    }
  }
  const every = options.every ?? 1
  return all.filter((_, i) => i % every === (options.offset ?? 0) % every)
}

const deadlineMs = 1_500
const slackMs = 750
const healthyText = "answer from the healthy model"

/** Whether a strategy calls the faulty model, and whether it can reach the healthy one. */
const reach = (cell: Cell): { readonly faulty: boolean; readonly healthy: boolean } => {
  const faultyIsLocal = isLocalFormat(cell.format)
  switch (cell.strategy) {
    case "local_only": return { faulty: faultyIsLocal, healthy: !faultyIsLocal }
    case "cloud_only": return { faulty: !faultyIsLocal, healthy: faultyIsLocal }
    default: return { faulty: true, healthy: true }
  }
}

const reasonsOf = (error: ProviderError): ReadonlyArray<ErrorReasonTag> =>
  error.reason._tag === "AllAttemptsFailed" ? error.reason.errors.flatMap(reasonsOf) : [error.reason._tag]

interface CallResult {
  readonly text?: string
  readonly error?: unknown
  readonly attempts?: number
  readonly hung?: boolean
}

/** Run one call (streamed or not) under a hard guard well past its deadline, so a hang is a result, not a stall. */
const runCall = async (call: () => Promise<{ text: string; attempts: number }>, guardMs: number): Promise<CallResult> => {
  let timer: ReturnType<typeof setTimeout> | undefined
  const guard = new Promise<CallResult>((resolve) => { timer = setTimeout(() => resolve({ hung: true }), guardMs) })
  const result = await Promise.race([
    call().then((r) => ({ text: r.text, attempts: r.attempts }), (error: unknown) => ({ error })),
    guard
  ])
  clearTimeout(timer)
  return result
}

/** Run one cell and check it. */
export const runCell = async (cell: Cell, watch: ProcessWatch): Promise<CellResult> => {
  const failures: Partial<Record<Check, string>> = {}
  const before = activeResources()
  const unhandledBefore = watch.unhandled()
  watch.takeOutput()
  const partnerFormat: WireFormat = isLocalFormat(cell.format) ? "openai" : "ollama"
  const faulty = await startBackend(cell.format, { refused: cell.fault.behavior === undefined })
  const healthy = await startBackend(partnerFormat)
  if (cell.fault.behavior !== undefined) faulty.server?.setDefault(cell.fault.behavior)
  healthy.server?.setDefault({ kind: "synth", text: healthyText })
  const backends: ReadonlyArray<Backend> = [faulty, healthy]
  const orchestrator = orchestratorOver(backends, { deadlineMs, localFirstTokenMs: 400 })
  const started = performance.now()
  const result = await runCall(async () => {
    if (!cell.streaming) {
      const response = await orchestrator.complete("Say hello", { strategy: cell.strategy })
      return { text: response.text, attempts: response.attempts.length }
    }
    const stream = orchestrator.stream("Say hello", { strategy: cell.strategy })
    let text = ""
    for await (const delta of stream) text += delta
    const response = await stream.response
    if (response.text !== text) throw new Error(`stream deltas "${text}" differ from the response text "${response.text}"`)
    return { text, attempts: response.attempts.length }
  }, deadlineMs + 5_000)
  const elapsedMs = performance.now() - started

  // 1. Ends by its deadline with a healthy answer or a typed error with the right reason.
  const can = reach(cell)
  const outcome = result.hung ? "hung" : result.text !== undefined ? `answer: ${result.text.slice(0, 40)}` : isProviderError(result.error) ? `error: ${reasonsOf(result.error).join("+")}` : `untyped: ${String(result.error).slice(0, 80)}`
  const faultyText = cell.fault.behavior?.text ?? ""
  if (result.hung) failures["result by deadline"] = "no result 5 s past the deadline"
  else if (elapsedMs > deadlineMs + slackMs) failures["result by deadline"] = `ended after ${elapsedMs.toFixed(0)} ms (deadline ${deadlineMs} ms)`
  else if (result.text !== undefined) {
    const fine = (can.healthy && result.text === healthyText) || (can.faulty && cell.fault.benign && result.text === faultyText)
    if (!fine) failures["result by deadline"] = `unexpected answer "${result.text.slice(0, 60)}"`
  } else if (!isProviderError(result.error)) {
    failures["result by deadline"] = `not a ProviderError: ${String(result.error).slice(0, 120)}`
  } else {
    const reasons = reasonsOf(result.error)
    const streamBroke = cell.streaming && cell.fault.midStream
    const allowed = new Set<ErrorReasonTag>([...cell.fault.reasons, ...(streamBroke ? ["StreamInterrupted" as const] : [])])
    const faultyReasonsOk = reasons.length > 0 && reasons.every((r) => allowed.has(r) || r === "Cancelled" || r === "Timeout")
    // An error is right only when no healthy model could answer (or a stream broke after speaking).
    if (can.healthy && !streamBroke) failures["result by deadline"] = `failed (${reasons.join("+")}) though a healthy model was reachable`
    else if (cell.fault.benign) failures["result by deadline"] = `failed (${reasons.join("+")}) on a survivable fault`
    else if (!faultyReasonsOk) failures["result by deadline"] = `reason ${reasons.join("+")}, expected one of ${[...allowed].join(", ")}`
  }

  // 4. No cancelled attempt's connection stays open (the servers use `connection: close`).
  for (const backend of backends) {
    if (backend.server === undefined) continue
    try {
      await backend.server.waitForClosed(1_000)
    } catch (error) {
      failures["cancelled connections closed"] = `${backend.format}: ${(error as Error).message}`
    }
  }

  // 3. Every attempt has one ledger record; records per server equal the requests it served.
  const ledgerText = await orchestrator.costs.export("json")
  const records = JSON.parse(ledgerText) as ReadonlyArray<{ requestId: string; attempt: number; provider: string; outcome: string; outputTokens: number; estimated: boolean; costNanos: number | null }>
  const summary = await orchestrator.costs.summary()
  const ledgerProblems: Array<string> = []
  const keys = new Set(records.map((r) => `${r.requestId}#${r.attempt}`))
  if (keys.size !== records.length) ledgerProblems.push("duplicate attempt records")
  if (result.attempts !== undefined && result.attempts !== records.length) ledgerProblems.push(`${result.attempts} attempts in the response, ${records.length} ledger records`)
  for (const backend of backends) {
    if (backend.server === undefined) continue
    const backendName = backend.format === "vllm" ? "vllm" : backend.format
    const recorded = records.filter((r) => r.provider === backendName).length
    if (recorded !== backend.generations()) ledgerProblems.push(`${backend.format}: ${backend.generations()} requests served, ${recorded} ledger records`)
  }
  const nanos = records.reduce((sum, r) => sum + (r.costNanos ?? 0), 0)
  if (Math.abs(nanos / 1e9 - summary.totals.costUsd) > 1e-12) ledgerProblems.push(`ledger records sum to ${nanos / 1e9} USD, summary says ${summary.totals.costUsd}`)
  const winner = records.find((r) => r.outcome === "success")
  if (result.text !== undefined && winner !== undefined && !winner.estimated && winner.outputTokens !== countTokens(result.text)) {
    ledgerProblems.push(`winner has ${winner.outputTokens} output tokens in the ledger, the substrate served ${countTokens(result.text)}`)
  }
  if (ledgerProblems.length > 0) failures["ledger matches substrate"] = ledgerProblems.join("; ")

  await orchestrator.dispose()
  await closeBackends(backends)

  // 2. Nothing unhandled, no timer or socket left behind.
  const grown = await settledResources(before, 500)
  const unhandled = watch.unhandled() - unhandledBefore
  if (unhandled > 0 || grown.length > 0) failures["nothing unhandled or leaked"] = [unhandled > 0 ? `${unhandled} unhandled` : "", ...grown].filter((s) => s !== "").join(", ")

  // 5. The canary key shows nowhere.
  const error = result.error
  const seen = [
    String(error),
    isProviderError(error) ? JSON.stringify({ message: error.message, reason: error.reason, cause: String(error.cause ?? "") }) : "",
    error instanceof Error ? error.stack ?? "" : "",
    ledgerText,
    watch.takeOutput()
  ].join("\n")
  if (seen.includes(canaryKey) || seen.includes(canaryKey.slice(3, 20))) failures["canary key hidden"] = "the canary key appeared"

  return { cell, outcome, elapsedMs, failures }
}

/** Run cells one after the other (so each cell's handle count is its own). */
export const runMatrix = async (list: ReadonlyArray<Cell>, watch: ProcessWatch, progress?: (done: number) => void): Promise<ReadonlyArray<CellResult>> => {
  const results: Array<CellResult> = []
  for (const cell of list) {
    results.push(await runCell(cell, watch))
    progress?.(results.length)
  }
  return results
}

/** The name of a cell, for reports and test titles. */
export const cellName = (cell: Cell): string => `${cell.fault.name} × ${cell.format} × ${cell.strategy}${cell.streaming ? " (stream)" : ""}`
