// On the in-memory ledger the core reserves and settles each attempt in the attempt's own steps (the tracker's
// immediate forms). A copy of the same tracker is not registered as immediate, so it takes the general path (the
// tracker's effects). The same calls through both, over the same loopback servers, must give the same answers, the
// same attempts, the same ledger records and the same attempt metrics: successes, failures, a stream cut mid-way (usage
// counted, not reported), an unpriced model (warned about), a soft budget passed (warned about) and a hard budget
// refusing.
import { describe, expect, it } from "vitest"
import { type Budget, CostTracker, type CostTrackerShape, makeCostTracker, MemoryLedger } from "@orch/cost-tracker"
import { makeCloudProvider } from "@orch/providers-cloud"
import { makeLocalProvider } from "@orch/providers-local"
import { TaskRouter } from "@orch/task-router"
import { startWireServer, type WireServer } from "@orch/testing"
import { Effect, Layer, Logger, ManagedRuntime, Metric, Stream } from "effect"
import { ModelOrchestrator, type OrchestratorOptions } from "../src/index.ts"

const budgets: ReadonlyArray<Budget> = [
  { name: "soft-tiny", limitUsd: 0.000001, period: "total", mode: "soft" },
  { name: "hard-scoped", limitUsd: 0.00002, period: "total", mode: "hard", scope: { key: "team" } }
]

/** An orchestrator over servers of its own, its tracker as built (immediate) or a copy of it (general path). */
const make = async (copy: boolean) => {
  const local = await startWireServer({ models: ["llama3.2:1b"], loadedModels: ["llama3.2:1b"] })
  const cloud = await startWireServer({ models: ["gpt-4o-mini", "gpt-unpriced-test"] })
  const options: OrchestratorOptions = {
    providers: [
      await Effect.runPromise(makeLocalProvider({ ollama: { host: local.url } })),
      makeCloudProvider({ openai: { apiKey: "sk-immediate-test", baseUrl: `${cloud.url}/v1` } })
    ],
    cloudRetries: 0,
    deadlineMs: 10_000
  }
  const tracker = Layer.effect(CostTracker, Effect.map(makeCostTracker({ budgets }), (built): CostTrackerShape => (copy ? CostTracker.of({ ...built }) : built)))
    .pipe(Layer.provide(MemoryLedger.layer))
  // The warnings (soft budget, unpriced model) are logged by both paths; nothing is printed. Each runtime has a metric
  // registry of its own, and a metric attribute of its own that every series must carry.
  const runtime = ManagedRuntime.make(Layer.mergeAll(
    ModelOrchestrator.layerWith(options).pipe(Layer.provide(Layer.merge(tracker, TaskRouter.layer({})))),
    tracker,
    Logger.layer([]),
    Layer.succeed(Metric.MetricRegistry, new Map()),
    Layer.succeed(Metric.CurrentMetricAttributes, { service: "ledger-test", outcome: "overridden by the series" })
  ))
  const close = async () => {
    await runtime.dispose()
    await local.close()
    await cloud.close()
  }
  return { runtime, local, cloud, close }
}

/** The same script of calls; what each answered (or failed with) and every record, without times and latencies. */
const script = ({ cloud, local, runtime }: { readonly runtime: Awaited<ReturnType<typeof make>>["runtime"]; readonly local: WireServer; readonly cloud: WireServer }) =>
  runtime.runPromise(Effect.gen(function*() {
    const orchestrator = yield* ModelOrchestrator
    const outcomes: Array<unknown> = []
    const call = <A>(effect: Effect.Effect<A, unknown>, shape: (a: A) => unknown) =>
      Effect.map(Effect.result(effect), (result) => outcomes.push(result._tag === "Success" ? shape(result.success) : { failed: (result.failure as { reason?: { _tag: string } }).reason?._tag }))
    const answer = (r: { readonly text: string; readonly costUsd: number; readonly attempts: ReadonlyArray<{ readonly latencyMs: number }> }) =>
      ({ text: r.text, costUsd: r.costUsd, attempts: r.attempts.map(({ latencyMs: _latency, ...rest }) => rest) })
    cloud.enqueue({ kind: "synth", text: "first answer", usage: { inputTokens: 12, outputTokens: 3 } })
    yield* call(orchestrator.complete("Say hello", { model: "openai/gpt-4o-mini", requestId: "r1", maxTokens: 16 }), answer)
    cloud.enqueue({ kind: "fault", fault: "server-500" })
    yield* call(orchestrator.complete("Say hello", { model: "openai/gpt-4o-mini", requestId: "r2", maxTokens: 16 }), answer)
    cloud.enqueue({ kind: "synth", text: "unpriced answer" })
    yield* call(orchestrator.complete("Say hello", { model: "openai/gpt-unpriced-test", requestId: "r3", maxTokens: 16 }), answer)
    local.enqueue({ kind: "fault", fault: "reset-mid-stream" })
    yield* call(Stream.runCollect(orchestrator.stream("Tell me a story", { model: "ollama/llama3.2:1b", requestId: "r4" })), (parts) => parts.length)
    // The second call's worst case passes the scope's hard budget: it is refused, and nothing is sent.
    cloud.enqueue({ kind: "synth", text: "scoped", usage: { inputTokens: 10, outputTokens: 10 } })
    yield* call(orchestrator.complete("Say hello", { model: "openai/gpt-4o-mini", requestId: "r5", scopeKey: "team", maxTokens: 16 }), answer)
    yield* call(orchestrator.complete("Say hello", { model: "openai/gpt-4o-mini", requestId: "r6", scopeKey: "team", maxTokens: 4_000 }), answer)
    cloud.enqueue({ kind: "synth", text: "task given", usage: { inputTokens: 5, outputTokens: 2 } })
    yield* call(orchestrator.complete("Say hello", { model: "openai/gpt-4o-mini", requestId: "r7", taskType: "summarization", maxTokens: 16 }), answer)
    // A caller that stops reading after the first text, while the server is still generating: the attempt ends as
    // cancelled, with the usage of what arrived estimated, and the stream ends cleanly.
    cloud.enqueue({
      kind: "raw",
      body: `data: ${JSON.stringify({ id: "c8", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini", choices: [{ index: 0, delta: { role: "assistant", content: "Once upon" }, finish_reason: null }] })}\n\n`,
      stallAfter: true
    })
    yield* call(Stream.runCollect(Stream.takeUntil(orchestrator.stream("Tell me a story", { model: "openai/gpt-4o-mini", requestId: "r8", maxTokens: 16 }), (part) => part.type === "text-delta")), (parts) => parts.length)
    const records = JSON.parse(yield* (yield* CostTracker).export("json")) as Array<Record<string, unknown>>
    // The attempt metrics, latencies left out (only their count), in a stable order.
    const metrics = (yield* Metric.snapshot).filter((m) => m.id.startsWith("orch_attempt") || m.id === "orch_cost_usd_total")
      .map((m) => ({ id: m.id, attributes: m.attributes, state: m.type === "Histogram" ? { count: (m.state as { count: number }).count } : m.state }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))
    return { outcomes, records: records.map(({ time: _time, latencyMs: _latency, ...rest }) => rest), metrics }
  }))

describe("the immediate ledger path", () => {
  it("gives the same answers, attempts, records and metrics as the tracker's general path", async () => {
    const immediate = await make(false)
    const general = await make(true)
    try {
      const fast = await script(immediate)
      const slow = await script(general)
      expect(fast).toEqual(slow)
      // The script reaches every branch: a success, a failure, a cut stream, a refusal, an unpriced model.
      expect(fast.records.map((r) => [r.requestId, r.outcome])).toEqual([
        ["r1", "success"], ["r2", "failure"], ["r3", "success"], ["r4", "failure"], ["r5", "success"], ["r7", "success"], ["r8", "cancelled"]
      ])
      expect(fast.outcomes[7]).toBe(1)
      expect(fast.records[6]).toMatchObject({ estimated: true })
      expect(fast.outcomes[5]).toEqual({ failed: "BudgetExceeded" })
      expect(fast.records[2]).toMatchObject({ costNanos: null })
      expect(fast.records[3]).toMatchObject({ estimated: true })
      // Every attempt counted once, under its provider, model and outcome, with the context's own attribute kept.
      const calls = fast.metrics.filter((m) => m.id === "orch_attempts_total")
      expect(calls.map((m) => [m.attributes, (m.state as { count: number }).count])).toEqual(expect.arrayContaining([
        [{ service: "ledger-test", provider: "openai", model: "gpt-4o-mini", outcome: "success" }, 3],
        [{ service: "ledger-test", provider: "openai", model: "gpt-4o-mini", outcome: "failure" }, 1],
        [{ service: "ledger-test", provider: "openai", model: "gpt-unpriced-test", outcome: "success" }, 1],
        [{ service: "ledger-test", provider: "ollama", model: "llama3.2:1b", outcome: "failure" }, 1]
      ]))
      expect(fast.metrics.filter((m) => m.id === "orch_attempt_errors_total").map((m) => m.attributes?.["model"]).sort()).toEqual(["gpt-4o-mini", "llama3.2:1b"])
    } finally {
      await immediate.close()
      await general.close()
    }
  })
})
