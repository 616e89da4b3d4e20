/**
 * Exports of the ledger: CSV (one row per attempt, RFC 4180 quoting, cost in USD with an empty cell when unknown)
 * and JSON (an array of records with `costUsd` added).
 */
import { type AttemptRecord, recordCostUsd } from "./AttemptRecord.ts"

/** The export formats. */
export type ExportFormat = "csv" | "json"

const columns = [
  "time", "requestId", "attempt", "role", "provider", "model", "taskType", "strategy", "scopeKey", "inputTokens",
  "cachedInputTokens", "outputTokens", "estimated", "tokenSource", "costUsd", "latencyMs", "outcome", "errorReason"
] as const

const cell = (value: unknown): string => {
  if (value === undefined || value === null) return ""
  const text = String(value)
  // Quote fields with separators, quotes or line breaks; neutralise spreadsheet formulas.
  const safe = /^[=+\-@\t\r]/.test(text) && typeof value === "string" ? `'${text}` : text
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll("\"", "\"\"")}"` : safe
}

/** Records as CSV with a header row; `time` as an ISO timestamp. */
export const toCsv = (records: ReadonlyArray<AttemptRecord>): string => {
  const lines = [columns.join(",")]
  for (const record of records) {
    const row: Partial<Record<(typeof columns)[number], unknown>> = {
      ...record,
      time: new Date(record.time).toISOString(),
      costUsd: recordCostUsd(record)
    }
    lines.push(columns.map((column) => cell(row[column])).join(","))
  }
  return `${lines.join("\r\n")}\r\n`
}

/** Records as a JSON array, each with `costUsd` (null when unknown) beside `costNanos`. */
export const toJson = (records: ReadonlyArray<AttemptRecord>): string =>
  JSON.stringify(records.map((record) => ({ ...record, costUsd: recordCostUsd(record) })), null, 2)
