import { describe, expect, it } from "@effect/vitest"
import type { CompletionRequest } from "@orch/provider"
import { Effect, Fiber, Layer } from "effect"
import { TestClock } from "effect/testing"
import { type Budget, conservativeTokenCount, CostTracker, type CostTrackerOptions, countTokens, nanosToUsd, preloadTokenizers, roundToCent } from "../src/index.ts"
import { collectingWarnings, failure, failureOf, gpt4oMini, haiku, llama, mystery, success } from "./Support.ts"

const tracker = (options: CostTrackerOptions = {}) => CostTracker.layerMemory(options)
const request: CompletionRequest = { prompt: "Summarise the attached variant calls in one paragraph.", maxTokens: 1000 }

describe("cost of every attempt", () => {
  it.effect("prices reported usage: uncached input, cached input and output at their own rates", () =>
    Effect.gen(function*() {
      const costs = yield* CostTracker
      const record = yield* costs.record({ requestId: "r1", attempt: 1, taskType: "SUMMARIZATION", strategy: "CLOUD_ONLY",
        event: success(gpt4oMini, { inputTokens: 10_000, cachedInputTokens: 4_000, outputTokens: 2_000, estimated: false }, 321) })
      // 6000 × $0.15/M + 4000 × $0.075/M + 2000 × $0.60/M = $0.0009 + $0.0003 + $0.0012
      expect(record.costNanos).toBe(2_400_000)
      expect(record).toMatchObject({ requestId: "r1", attempt: 1, provider: "openai", model: "gpt-4o-mini", taskType: "SUMMARIZATION",
        strategy: "CLOUD_ONLY", inputTokens: 10_000, cachedInputTokens: 4_000, outputTokens: 2_000, estimated: false,
        tokenSource: "reported", latencyMs: 321, outcome: "success", role: "primary" })
      expect(record.errorReason).toBeUndefined()
    }).pipe(Effect.provide(tracker())))

  it.effect("records an unpriced model's tokens with cost null and warns once, naming it", () => {
    const logs = collectingWarnings()
    return Effect.gen(function*() {
      const costs = yield* CostTracker
      const usage = { inputTokens: 100, outputTokens: 50, estimated: false }
      const first = yield* costs.record({ requestId: "r1", attempt: 1, event: success(mystery, usage) })
      yield* costs.record({ requestId: "r2", attempt: 1, event: success(mystery, usage) })
      expect(first.costNanos).toBeNull()
      expect(first.inputTokens).toBe(100)
      expect(logs.warnings.filter((line) => line.includes("acme/mystery-1"))).toHaveLength(1)
      const summary = yield* costs.summary()
      expect(summary.totals).toMatchObject({ attempts: 2, unknownCostAttempts: 2, costUsd: 0 })
      const csv = yield* costs.export("csv")
      expect(csv.split("\r\n")[1]).toMatch(/,acme,mystery-1,.*,reported,,100,success,$/)
    }).pipe(Effect.provide(Layer.merge(tracker(), logs.layer)))
  })

  it.effect("estimates tokens a failed stream produced: OpenAI's BPE for OpenAI, the approximation elsewhere", () =>
    Effect.gen(function*() {
      yield* preloadTokenizers
      const costs = yield* CostTracker
      const partialText = "The variant rs429358 is associated with"
      const openAi = yield* costs.record({ requestId: "r1", attempt: 1, request, event: failure(gpt4oMini, { _tag: "StreamInterrupted", partialText }) })
      expect(openAi).toMatchObject({ outcome: "failure", errorReason: "StreamInterrupted", estimated: true, tokenSource: "tiktoken" })
      // o200k_base: 11 prompt tokens + 3 per message + 3 priming; the partial text is 8 tokens (the approximation would say 10).
      expect(openAi.inputTokens).toBe(17)
      expect(openAi.outputTokens).toBe(8)
      expect(openAi.costNanos).toBe(17 * 150 + 8 * 600)
      const cancelled = yield* costs.record({ requestId: "r1", attempt: 2, request, outputText: partialText,
        event: { _tag: "AttemptCancelled", attemptId: 2, model: haiku, role: "race", latencyMs: 80 } })
      expect(cancelled).toMatchObject({ outcome: "cancelled", errorReason: "Cancelled", estimated: true, tokenSource: "approximate" })
      expect(cancelled.outputTokens).toBe(Math.ceil(partialText.length / 4))
      expect(cancelled.costNanos).toBeGreaterThan(0)
    }).pipe(Effect.provide(tracker())))

  it.effect("charges nothing for a failure before any output, and records the reason", () =>
    Effect.gen(function*() {
      const costs = yield* CostTracker
      const record = yield* costs.record({ requestId: "r1", attempt: 3, request, event: failure(gpt4oMini, { _tag: "RateLimited", retryAfterMs: 1000 }) })
      expect(record).toMatchObject({ inputTokens: 0, outputTokens: 0, costNanos: 0, tokenSource: "none", errorReason: "RateLimited" })
    }).pipe(Effect.provide(tracker())))

  it.effect("prices a local model at zero by default, or by the hour of its machine", () =>
    Effect.gen(function*() {
      const free = yield* Effect.provide(Effect.flatMap(CostTracker, (costs) =>
        costs.record({ requestId: "r", attempt: 1, event: success(llama, { inputTokens: 500, outputTokens: 500, estimated: false }, 60_000) })), tracker())
      expect(free.costNanos).toBe(0)
      const hourly = yield* Effect.provide(Effect.flatMap(CostTracker, (costs) =>
        costs.record({ requestId: "r", attempt: 1, event: success(llama, { inputTokens: 500, outputTokens: 500, estimated: false }, 60_000) })),
        tracker({ prices: { overrides: { ollama: { _tag: "PerHour", usdPerHour: 1.2, worstCaseSeconds: 300, currency: "USD", source: "our GPU box", readOn: "2026-11-25" } } } }))
      expect(hourly.costNanos).toBe(20_000_000) // one minute at $1.20/h = $0.02
    }))

  it.effect("keeps prompts and completions out of records unless logPrompts is on", () =>
    Effect.gen(function*() {
      const report = { requestId: "r1", attempt: 1, request: { prompt: "my secret patient notes" }, outputText: "the answer text",
        event: success(gpt4oMini, { inputTokens: 5, outputTokens: 3, estimated: false }) }
      const quiet = yield* Effect.provide(Effect.flatMap(CostTracker, (costs) => Effect.andThen(costs.record(report), costs.export("json"))), tracker())
      expect(quiet).not.toContain("secret patient")
      expect(quiet).not.toContain("the answer text")
      const logged = yield* Effect.provide(Effect.flatMap(CostTracker, (costs) => Effect.andThen(costs.record(report), costs.export("json"))), tracker({ logPrompts: true }))
      expect(logged).toContain("my secret patient notes")
      expect(logged).toContain("the answer text")
    }))
})

describe("token estimates before the BPE tables load", () => {
  it("a conservative count errs high, for English and for dense scripts", () => {
    const english = "The variant rs429358 is associated with late-onset Alzheimer's disease."
    expect(conservativeTokenCount(english)).toBeGreaterThanOrEqual(Math.ceil(english.length / 4))
    // CJK: about one token a character; three UTF-8 bytes a character.
    expect(conservativeTokenCount("基因变异与疾病风险相关")).toBeGreaterThanOrEqual(11)
  })
  it.effect("a non-OpenAI model never waits for a tokenizer", () =>
    Effect.gen(function*() {
      const counted = yield* countTokens({ provider: "anthropic", name: "claude-3-5-haiku" }, "hello world")
      expect(counted.source).toBe("approximate")
    }))
})

describe("budgets", () => {
  const hard: Budget = { name: "global", limitUsd: 0.01, period: "total", mode: "hard" }

  it.effect("reserves the worst case: estimated input plus maxTokens of output", () =>
    Effect.gen(function*() {
      const costs = yield* CostTracker
      const worst = yield* costs.estimateWorstCase(gpt4oMini, request)
      // The worst case never waits for the BPE worker: a bound that errs high (the BPE count of this request is 17).
      expect(worst).toMatchObject({ outputTokens: 1000, tokenSource: "approximate" })
      expect(worst.inputTokens).toBeGreaterThanOrEqual(17)
      // Every input token at the dearest input rate (a cache write, 1.25x $0.15/M), every output token at $0.60/M.
      expect(worst.costNanos).toBe(Math.ceil(worst.inputTokens * 187.5) + 1000 * 600)
      const noMax = yield* costs.estimateWorstCase(haiku, { prompt: "hi" })
      expect(noMax).toMatchObject({ outputTokens: 4096, tokenSource: "approximate" })
    }).pipe(Effect.provide(tracker())))

  it.effect("refuses a call that could pass a hard budget with BudgetExceeded, before anything is spent", () =>
    Effect.gen(function*() {
      const costs = yield* CostTracker
      const held = yield* costs.reserve({ requestId: "a", attempt: 1, model: gpt4oMini, request: { prompt: "x", maxTokens: 10_000 } })
      expect(held.worstCase.costUsd).toBeLessThanOrEqual(0.01)
      const error = yield* failureOf(costs.reserve({ requestId: "b", attempt: 1, model: gpt4oMini, request: { prompt: "x", maxTokens: 10_000 } }))
      expect(error.reason).toMatchObject({ _tag: "BudgetExceeded", budget: "global", limitUsd: 0.01 })
      expect(error.message).toContain("Nothing was sent")
      // Settling below the worst case frees the difference; releasing frees it all.
      yield* costs.settle(held, success(gpt4oMini, { inputTokens: 5, outputTokens: 100, estimated: false }))
      const [status] = yield* costs.budgetStatus()
      expect(status).toMatchObject({ budget: "global", reservedUsd: 0, spentUsd: nanosToUsd(5 * 150 + 100 * 600) })
      const again = yield* costs.reserve({ requestId: "c", attempt: 1, model: gpt4oMini, request: { prompt: "x", maxTokens: 10_000 } })
      yield* costs.release(again)
      expect((yield* costs.budgetStatus())[0]!.reservedUsd).toBe(0)
      expect((yield* costs.summary()).totals.attempts).toBe(1)
    }).pipe(Effect.provide(tracker({ budgets: [hard] }))))

  it.effect("refuses an unpriced model under a hard budget: its cost cannot be bounded", () =>
    Effect.gen(function*() {
      const costs = yield* CostTracker
      const error = yield* failureOf(costs.reserve({ requestId: "a", attempt: 1, model: mystery, request }))
      expect(error.reason._tag).toBe("BudgetExceeded")
      expect(error.message).toContain("no known price")
    }).pipe(Effect.provide(tracker({ budgets: [hard] }))))

  it.effect("lets a soft budget through and reports it exceeded", () => {
    const logs = collectingWarnings()
    return Effect.gen(function*() {
      const costs = yield* CostTracker
      const first = yield* costs.reserve({ requestId: "a", attempt: 1, model: gpt4oMini, request })
      expect(first.softExceeded).toEqual([])
      const second = yield* costs.reserve({ requestId: "b", attempt: 1, model: gpt4oMini, request })
      expect(second.softExceeded.map((standing) => standing.budget)).toEqual(["soft"])
      expect(logs.warnings.some((line) => line.includes(`soft budget "soft"`))).toBe(true)
    }).pipe(Effect.provide(Layer.merge(tracker({ budgets: [{ name: "soft", limitUsd: 0.001, period: "total", mode: "soft" }] }), logs.layer)))
  })

  it.effect("scopes budgets per key and per task type, and starts a daily budget afresh the next day", () =>
    Effect.gen(function*() {
      const costs = yield* CostTracker
      const call = (requestId: string, extra: { scopeKey?: string; taskType?: string }) =>
        costs.reserve({ requestId, attempt: 1, model: gpt4oMini, request: { prompt: "x", maxTokens: 10_000 }, ...extra })
      yield* call("a1", { scopeKey: "acme", taskType: "GENERAL" })
      expect((yield* failureOf(call("a2", { scopeKey: "acme", taskType: "GENERAL" }))).reason).toMatchObject({ budget: "per-tenant" })
      yield* call("b1", { scopeKey: "globex", taskType: "GENERAL" })
      yield* call("c1", { taskType: "CODE_GENERATION" })
      expect((yield* failureOf(call("c2", { taskType: "CODE_GENERATION" }))).reason).toMatchObject({ budget: "code" })
      yield* TestClock.adjust("1 day")
      yield* call("a3", { scopeKey: "acme", taskType: "GENERAL" })
    }).pipe(Effect.provide(tracker({
      budgets: [
        { name: "per-tenant", limitUsd: 0.01, period: "day", mode: "hard", scope: { eachKey: true } },
        { name: "code", limitUsd: 0.01, period: "month", mode: "hard", scope: { taskType: "CODE_GENERATION" } }
      ]
    }))))

  it.effect("rejects malformed budgets with one clear error", () =>
    Effect.gen(function*() {
      const error = yield* failureOf(Effect.provide(Effect.service(CostTracker), tracker({
        budgets: [hard, { ...hard }, { name: "neg", limitUsd: -1, period: "week" as "day", mode: "hard" }]
      })))
      expect(error.reason._tag).toBe("InvalidRequest")
      expect(error.message).toContain(`budget "global" is defined twice`)
      expect(error.message).toContain(`budget "neg": limitUsd`)
      expect(error.message).toContain(`budget "neg": period`)
    }))

  it.effect("holds under 1,000 concurrent calls against a budget that allows 100; the ledger adds up to the cent", () =>
    Effect.gen(function*() {
      const costs = yield* CostTracker
      const call = (index: number) => Effect.gen(function*() {
        const reservation = yield* costs.reserve({ requestId: `burst-${index}`, attempt: 1, model: gpt4oMini, request: { prompt: "hello there", maxTokens: 1000 } })
        yield* Effect.sleep("10 millis") // the call is in flight while the others reserve
        const usage = { inputTokens: reservation.worstCase.inputTokens, outputTokens: 1000, estimated: false }
        yield* costs.settle(reservation, success(gpt4oMini, usage))
        return "sent" as const
      }).pipe(Effect.catchTag("ProviderError", (error) => Effect.succeed(error.reason._tag)))
      const worst = yield* costs.estimateWorstCase(gpt4oMini, { prompt: "hello there", maxTokens: 1000 })
      expect(worst.costNanos! * 100).toBeLessThanOrEqual(61_000_000)
      expect(worst.costNanos! * 101).toBeGreaterThan(61_000_000)
      const fiber = yield* Effect.forkChild(Effect.forEach(Array.from({ length: 1000 }, (_, index) => index), call, { concurrency: "unbounded" }))
      yield* TestClock.adjust("1 second")
      const outcomes = yield* Fiber.join(fiber)
      expect(outcomes.filter((outcome) => outcome === "sent")).toHaveLength(100)
      expect(outcomes.filter((outcome) => outcome === "BudgetExceeded")).toHaveLength(900)
      const [status] = yield* costs.budgetStatus()
      expect(status!.spentUsd).toBeLessThanOrEqual(status!.limitUsd)
      const summary = yield* costs.summary()
      expect(summary.totals.attempts).toBe(100)
      expect(roundToCent(summary.totals.costUsd)).toBe(roundToCent(status!.spentUsd))
      expect(summary.totals.costUsd).toBe(status!.spentUsd)
    }).pipe(Effect.provide(tracker({ budgets: [{ name: "burst", limitUsd: 0.061, period: "total", mode: "hard" }] }))))
})

describe("summaries and exports", () => {
  it.effect("groups by provider, model, task type, strategy and day, within a time window", () =>
    Effect.gen(function*() {
      const costs = yield* CostTracker
      const usage = { inputTokens: 1_000_000, outputTokens: 0, estimated: false }
      yield* costs.record({ requestId: "1", attempt: 1, taskType: "CODE_GENERATION", strategy: "CASCADE", event: success(gpt4oMini, usage) })
      yield* costs.record({ requestId: "1", attempt: 2, taskType: "CODE_GENERATION", strategy: "CASCADE", event: success(haiku, usage) })
      yield* TestClock.adjust("1 day")
      yield* costs.record({ requestId: "2", attempt: 1, taskType: "GENERAL", strategy: "AUTO", event: success(haiku, usage) })
      const byProvider = yield* costs.summary({ by: ["provider"] })
      expect(byProvider.groups.map((group) => [group.key.provider, group.costUsd, group.attempts])).toEqual([["anthropic", 1.6, 2], ["openai", 0.15, 1]])
      const firstDay = yield* costs.summary({ by: ["model", "taskType", "strategy", "day"], to: 86_400_000 })
      expect(firstDay.totals.attempts).toBe(2)
      expect(firstDay.groups[0]!.key).toEqual({ model: "anthropic/claude-3-5-haiku-20241022", taskType: "CODE_GENERATION", strategy: "CASCADE", day: "1970-01-01" })
      const secondDay = yield* costs.export("json", { from: 86_400_000 })
      expect(JSON.parse(secondDay)).toMatchObject([{ requestId: "2", costUsd: 0.8, costNanos: 800_000_000 }])
    }).pipe(Effect.provide(tracker())))

  it.effect("writes CSV with a header, quoting and no spreadsheet formulas", () =>
    Effect.gen(function*() {
      const costs = yield* CostTracker
      yield* costs.record({ requestId: "=HYPERLINK(\"x\")", attempt: 1, strategy: "a,b", event: success(gpt4oMini, { inputTokens: 1, outputTokens: 1, estimated: false }) })
      const [header, row] = (yield* costs.export("csv")).split("\r\n")
      expect(header).toBe("time,requestId,attempt,role,provider,model,taskType,strategy,scopeKey,inputTokens,cachedInputTokens,outputTokens,estimated,tokenSource,costUsd,latencyMs,outcome,errorReason")
      expect(row).toBe(`1970-01-01T00:00:00.000Z,"'=HYPERLINK(""x"")",1,primary,openai,gpt-4o-mini,,"a,b",,1,0,1,false,reported,7.5e-7,100,success,`)
    }).pipe(Effect.provide(tracker())))
})
