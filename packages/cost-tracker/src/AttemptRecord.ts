/**
 * One ledger line: a single attempt of a call (a retry, a fallback, a race or hedge loser, an ensemble member, a
 * judge or classification call), with its tokens, whether they were reported or estimated, its cost, latency and
 * outcome. It never holds a prompt, a completion or a key unless prompt logging was turned on explicitly.
 */
import { errorReasonTags } from "@orch/provider"
import { Schema } from "effect"

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
  outputTokens: count,
  /** True when any count was estimated rather than reported by the service. */
  estimated: Schema.Boolean,
  tokenSource: Schema.Literals(["reported", "tiktoken", "approximate", "none"]),
  /** The cost in integer nano-dollars, or null when the model has no known price (never a silent zero). */
  costNanos: Schema.NullOr(count),
  latencyMs: Schema.Number.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0))),
  outcome: Schema.Literals(["success", "failure", "cancelled"]),
  errorReason: Schema.optional(Schema.Literals(errorReasonTags)),
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
