// Every kind of record the tracker writes, built through `settle` and `record`: each optional field present and
// absent (task type, strategy, scope key, cache writes, error reason, prompt and completion, usage flags), each
// outcome, priced, free and unpriced models, under hard and soft budgets. `RecordGolden.test.ts` holds them to the
// records the tracker wrote before its hot path was rewritten (`fixtures/records-golden.json`), field order included,
// since records are stored as JSON. Models that need counting are not OpenAI's, so no count depends on whether the
// BPE worker has loaded yet.
import type { AttemptCancelled, AttemptFailure, AttemptModel, AttemptSuccess, CompletionRequest, Usage } from "@orch/provider"
import { providerError } from "@orch/provider"
import { Effect, Layer } from "effect"
import { type AttemptRecord, type Budget, CostTracker, type LedgerStore, type Reservation } from "../src/index.ts"
import { collectingWarnings, haiku, llama, mystery } from "./Support.ts"

const budgets: ReadonlyArray<Budget> = [
  { name: "all", limitUsd: 100, period: "total", mode: "hard" },
  { name: "per-key", limitUsd: 0.01, period: "day", mode: "soft", scope: { eachKey: true } },
  { name: "summaries", limitUsd: 50, period: "month", mode: "hard", scope: { taskType: "SUMMARIZATION" } }
]

const requests: ReadonlyArray<CompletionRequest> = [
  { prompt: "Summarise the attached variant calls in one paragraph.", maxTokens: 1000 },
  { messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Name the capital of France. Ünïcödé ✓" }], maxTokens: 20 },
  { messages: [{ role: "user", content: [{ type: "text", text: "Describe this." }, { type: "image", data: "aGVsbG8=", mediaType: "image/png" }] }] }
]

type Ended = AttemptSuccess | AttemptFailure | AttemptCancelled

/** The ways an attempt ends, for a model. */
const endings = (model: AttemptModel): ReadonlyArray<{ readonly name: string; readonly event: Ended; readonly outputText?: string }> => {
  const success = (usage: Usage, latencyMs = 120): AttemptSuccess => ({ _tag: "AttemptSuccess", attemptId: 1, model, role: "primary", latencyMs, usage })
  const failure = (reason: AttemptFailure["error"]["reason"], latencyMs = 40): AttemptFailure =>
    ({ _tag: "AttemptFailure", attemptId: 1, model, role: "fallback", latencyMs, error: providerError(reason, reason._tag, { provider: model.provider, model: model.name }) })
  const cancelled = (usage?: Usage): AttemptCancelled =>
    ({ _tag: "AttemptCancelled", attemptId: 1, model, role: "race", latencyMs: 30, ...(usage !== undefined ? { usage } : {}) })
  return [
    { name: "reported", event: success({ inputTokens: 20, outputTokens: 15, estimated: false }), outputText: "Paris." },
    { name: "estimated by the service", event: success({ inputTokens: 20, outputTokens: 15, estimated: true }) },
    { name: "cache read and writes", event: success({ inputTokens: 5_000, cachedInputTokens: 1_000, cacheWriteInputTokens: 3_000, cacheWriteLongInputTokens: 1_000, outputTokens: 10, estimated: false }) },
    { name: "cache write, none long", event: success({ inputTokens: 5_000, cacheWriteInputTokens: 3_000, outputTokens: 10, estimated: false }) },
    { name: "inconsistent", event: success({ inputTokens: 10, cachedInputTokens: 50, outputTokens: 10, estimated: false }) },
    { name: "invalid", event: success({ inputTokens: -5, outputTokens: Number.NaN, estimated: false }) },
    { name: "above max tokens and reservation", event: success({ inputTokens: 30, outputTokens: 50_000, estimated: false }), outputText: "Long." },
    { name: "NaN latency", event: success({ inputTokens: 30, outputTokens: 3, estimated: false }, Number.NaN) },
    { name: "failed before output", event: failure({ _tag: "ServerError", status: 500 }) },
    { name: "failed with usage", event: { ...failure({ _tag: "Timeout", phase: "total", afterMs: 100 }), usage: { inputTokens: 40, outputTokens: 4, estimated: false } } },
    { name: "stream interrupted", event: failure({ _tag: "StreamInterrupted", partialText: "The variant rs429358 is" }) },
    { name: "stream interrupted with usage", event: failure({ _tag: "StreamInterrupted", partialText: "The", usage: { inputTokens: 12, outputTokens: 1, estimated: false } }) },
    { name: "cancel reason with usage", event: failure({ _tag: "Cancelled", usage: { inputTokens: 12, outputTokens: 2, estimated: false } }) },
    { name: "cancelled with text", event: cancelled(), outputText: "Partial answer" },
    { name: "cancelled with usage", event: cancelled({ inputTokens: 9, outputTokens: 3, estimated: false }) },
    { name: "cancelled with nothing", event: cancelled() }
  ]
}

const subjects: ReadonlyArray<{ readonly taskType?: string; readonly strategy?: string; readonly scopeKey?: string }> = [
  {}, { taskType: "SUMMARIZATION" }, { strategy: "parallel", scopeKey: "acme" }, { taskType: "GENERAL", strategy: "cascade" },
  { taskType: "SUMMARIZATION", strategy: "auto", scopeKey: "beta" }
]

/** What one scripted run wrote: every record, every warning, and where the budgets stand. */
export interface ScenarioRun {
  readonly records: ReadonlyArray<{ readonly path: string; readonly case: string; readonly record: AttemptRecord }>
  readonly refusals: ReadonlyArray<string>
  readonly warnings: ReadonlyArray<string>
  readonly standings: ReadonlyArray<unknown>
}

/** Run every scenario on a tracker over `store`, with or without prompt logging. */
export const runScenarios = (store: Layer.Layer<LedgerStore>, logPrompts: boolean): Effect.Effect<ScenarioRun> => {
  const logs = collectingWarnings()
  const script = Effect.gen(function*() {
    const costs = yield* CostTracker
    const records: Array<ScenarioRun["records"][number]> = []
    const refusals: Array<string> = []
    let n = 0
    for (const model of [haiku, llama, mystery]) {
      for (const ending of endings(model)) {
        for (const subject of subjects) {
          n++
          const request = requests[n % requests.length]!
          const name = `${model.provider}/${model.name}: ${ending.name}, ${JSON.stringify(subject)}`
          // Every other case reports its text through the options, to cover records with and without it.
          const outputText = n % 2 === 0 ? ending.outputText : undefined
          const held = yield* Effect.result(costs.reserve({ requestId: `r${n}`, attempt: 1 + (n % 3), model, request, ...subject }))
          if (held._tag === "Failure") {
            refusals.push(`${name}: ${held.failure.message}`)
            records.push({ path: "record", case: name, record: yield* Effect.orDie(costs.record({ requestId: `r${n}`, attempt: 1 + (n % 3), request, event: ending.event, ...subject, ...(outputText !== undefined ? { outputText } : {}) })) })
            continue
          }
          const reservation: Reservation = held.success
          const record = yield* Effect.orDie(costs.settle(reservation, ending.event, outputText !== undefined ? { outputText } : {}))
          records.push({ path: "settle", case: name, record })
          if (n % 5 === 0) {
            // The same attempt recorded without a reservation (and without its request, every other time).
            const withRequest = n % 10 === 0
            records.push({ path: "record", case: name, record: yield* Effect.orDie(costs.record({ requestId: `q${n}`, attempt: 1, event: ending.event, ...subject, ...(withRequest ? { request } : {}), ...(outputText !== undefined ? { outputText } : {}) })) })
          }
        }
      }
    }
    const standings = []
    for (const subject of subjects) standings.push(yield* Effect.orDie(costs.budgetStatus(subject)))
    return { records, refusals, standings }
  })
  return Effect.map(
    Effect.orDie(Effect.provide(script, Layer.merge(CostTracker.layer({ budgets, logPrompts }).pipe(Layer.provide(store)), logs.layer))),
    (seen) => ({ ...seen, warnings: logs.warnings })
  )
}
