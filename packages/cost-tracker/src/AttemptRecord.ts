/**
 * One ledger line: a single attempt of a call (a retry, a fallback, a race or hedge loser, an ensemble member, a
 * judge or classification call), with its tokens, whether they were reported or estimated, its cost, latency and
 * outcome. It never holds a prompt, a completion or a key unless prompt logging was turned on explicitly.
 */
import { errorReasonTags } from "@orch/provider"
import { Result, Schema } from "effect"
import { isBillableCount, type UsageFlag, usageFlags } from "./UsageCheck.ts"

/** How an attempt ended. */
export type AttemptOutcome = "success" | "failure" | "cancelled"

const count = Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0)))

/** The schema of a ledger record, used by the durable stores to read records back. */
export const AttemptRecordSchema = Schema.Struct({
  /** When the attempt ended, epoch milliseconds from `Clock`. */
  time: Schema.Number,
  requestId: Schema.String,
  /** 1 for the first attempt of a request, then 2, 3, ... */
  attempt: count,
  /** What the attempt was for: "primary", "retry", "fallback", "race", "hedge", "vote", "judge", "classify", ... */
  role: Schema.String,
  provider: Schema.String,
  model: Schema.String,
  taskType: Schema.optional(Schema.String),
  strategy: Schema.optional(Schema.String),
  /** The user or tenant key the call was made for. */
  scopeKey: Schema.optional(Schema.String),
  inputTokens: count,
  cachedInputTokens: count,
  /** Input tokens written to the prompt cache (part of `inputTokens`); absent in records of older versions. */
  cacheWriteInputTokens: Schema.optional(count),
  /** Of `cacheWriteInputTokens`, those written for an hour. */
  cacheWriteLongInputTokens: Schema.optional(count),
  outputTokens: count,
  /** True when any count was estimated rather than reported by the service. */
  estimated: Schema.Boolean,
  tokenSource: Schema.Literals(["reported", "tiktoken", "approximate", "none"]),
  /** The cost in integer nano-dollars, or null when the model has no known price (never a silent zero). */
  costNanos: Schema.NullOr(count),
  latencyMs: Schema.Number.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0))),
  outcome: Schema.Literals(["success", "failure", "cancelled"]),
  errorReason: Schema.optional(Schema.Literals(errorReasonTags)),
  /** What was wrong with the usage the service reported, or with the stored row (see `UsageFlag`). */
  usageFlags: Schema.optional(Schema.Array(Schema.Literals(usageFlags))),
  /** Only with `logPrompts: true`. */
  prompt: Schema.optional(Schema.String),
  /** Only with `logPrompts: true`. */
  completion: Schema.optional(Schema.String)
})

/** One ledger record. */
export type AttemptRecord = typeof AttemptRecordSchema.Type

/** The cost of a record in USD, or null when unknown. */
export const recordCostUsd = (record: AttemptRecord): number | null =>
  record.costNanos === null ? null : record.costNanos / 1_000_000_000

const decodeStrict = Schema.decodeUnknownResult(Schema.fromJsonString(AttemptRecordSchema))

const text = (value: unknown, fallback: string): string => (typeof value === "string" ? value : fallback)
const oneOf = <A extends string>(value: unknown, allowed: ReadonlyArray<A>, fallback: A): A =>
  allowed.includes(value as A) ? (value as A) : fallback

/**
 * Read a stored row. A row written by this version decodes as is. A row that does not (an older version stored a
 * negative or infinite count, or the text is not JSON at all) is never allowed to make the ledger unreadable: its
 * readable fields are kept, an unreadable count becomes 0, an unreadable cost becomes unknown (null, never a silent
 * 0 in a sum), and the record is flagged `unreadable-row`. `label` names the row in the salvaged record.
 */
export const readRecord = (row: string, label: string): AttemptRecord => {
  const decoded = decodeStrict(row)
  if (Result.isSuccess(decoded)) return decoded.success
  let raw: Record<string, unknown> = {}
  try {
    const parsed: unknown = JSON.parse(row)
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) raw = parsed as Record<string, unknown>
  } catch {
    raw = {}
  }
  const tokens = (value: unknown): number => (isBillableCount(value) ? Math.ceil(value) : 0)
  const flags = new Set<UsageFlag>(Array.isArray(raw.usageFlags) ? raw.usageFlags.filter((flag): flag is UsageFlag => usageFlags.includes(flag as UsageFlag)) : [])
  flags.add("unreadable-row")
  const cost = raw.costNanos
  const optionalText = (key: "taskType" | "strategy" | "scopeKey"): { readonly [K in typeof key]?: string } =>
    typeof raw[key] === "string" ? { [key]: raw[key] } : {}
  const errorReason = errorReasonTags.includes(raw.errorReason as (typeof errorReasonTags)[number]) ? { errorReason: raw.errorReason as (typeof errorReasonTags)[number] } : {}
  return {
    time: typeof raw.time === "number" && Number.isFinite(raw.time) ? raw.time : 0,
    requestId: text(raw.requestId, `(unreadable ${label})`),
    attempt: typeof raw.attempt === "number" && Number.isSafeInteger(raw.attempt) && raw.attempt >= 0 ? raw.attempt : 0,
    role: text(raw.role, "unknown"),
    provider: text(raw.provider, "unknown"),
    model: text(raw.model, "unknown"),
    ...optionalText("taskType"),
    ...optionalText("strategy"),
    ...optionalText("scopeKey"),
    inputTokens: tokens(raw.inputTokens),
    cachedInputTokens: tokens(raw.cachedInputTokens),
    outputTokens: tokens(raw.outputTokens),
    estimated: true,
    tokenSource: oneOf(raw.tokenSource, ["reported", "tiktoken", "approximate", "none"], "approximate"),
    costNanos: typeof cost === "number" && Number.isSafeInteger(cost) && cost >= 0 ? cost : null,
    latencyMs: typeof raw.latencyMs === "number" && Number.isFinite(raw.latencyMs) && raw.latencyMs >= 0 ? raw.latencyMs : 0,
    outcome: oneOf(raw.outcome, ["success", "failure", "cancelled"], "failure"),
    ...errorReason,
    usageFlags: [...flags]
  }
}
