// End to end: the real orchestrator over the real provider packages, against loopback servers that answer as
// Ollama and OpenAI do, with faults. Each named strategy does what its documentation says.
import { afterEach, describe, expect, it } from "vitest"
import { validator } from "@orch/strategies"
import { withAttemptListener } from "@orch/provider"
import { Effect } from "effect"
import { makeCloudProvider } from "@orch/providers-cloud"
import { startWireServer } from "@orch/testing"
import { createOrchestrator, ModelOrchestrator } from "../src/index.ts"
import { canaryKey, failure, startSubstrate, type Substrate } from "./substrate.ts"

let substrate: Substrate | undefined
afterEach(async () => {
  await substrate?.close()
  substrate = undefined
})

describe("LOCAL_FIRST", () => {
  it("answers locally when the local server is up", async () => {
    substrate = await startSubstrate()
    substrate.local.enqueue({ kind: "synth", text: "local answer" })
    const response = await substrate.make().complete("Say hello", { strategy: "LOCAL_FIRST" })
    expect(response.text).toBe("local answer")
    expect(response.provider).toBe("ollama")
    expect(response.strategy).toBe("local_first")
    expect(response.attempts).toHaveLength(1)
    expect(response.attempts[0]).toMatchObject({ provider: "ollama", outcome: "success", costUsd: 0 })
    expect(substrate.calls()).toEqual({ local: 1, cloud: 0 })
  })

  it("falls to cloud when the local server is down", async () => {
    substrate = await startSubstrate({ localDown: true })
    substrate.cloud.enqueue({ kind: "synth", text: "cloud answer" })
    const response = await substrate.make().complete("Say hello", { strategy: "local_first" })
    expect(response.text).toBe("cloud answer")
    expect(response.provider).toBe("openai")
    expect(response.costUsd).toBeGreaterThan(0)
  })

  it("falls to cloud when the local server returns 503, and records both attempts", async () => {
    substrate = await startSubstrate()
    substrate.local.enqueue({ kind: "fault", fault: "server-503" })
    substrate.cloud.enqueue({ kind: "synth", text: "cloud answer" })
    const orchestrator = substrate.make()
    const response = await orchestrator.complete("Say hello", { strategy: "local_first" })
    expect(response.text).toBe("cloud answer")
    expect(response.attempts.map((a) => [a.provider, a.outcome, a.error])).toEqual([
      ["ollama", "failure", "Overloaded"],
      ["openai", "success", undefined]
    ])
    const summary = await orchestrator.costs.summary()
    expect(summary.totals.attempts).toBe(2)
  })

  it("falls to cloud when local is slow to its first token", async () => {
    substrate = await startSubstrate()
    substrate.local.enqueue({ kind: "synth", text: "too late", firstTokenDelayMs: 3_000 })
    substrate.cloud.enqueue({ kind: "synth", text: "cloud answer" })
    const response = await substrate.make({ localFirstTokenMs: 150 }).complete("Say hello", { strategy: "local_first" })
    expect(response.text).toBe("cloud answer")
    // The first-token limit cut the local attempt: the ledger records it as a Timeout, as the strategy reports it.
    expect(response.attempts[0]).toMatchObject({ provider: "ollama", outcome: "failure", error: "Timeout" })
    await substrate.local.waitForClosed(2_000)
  })
})

describe("CLOUD_FIRST", () => {
  it("a stalled cloud server does not use up the deadline: local answers after the first-token limit", async () => {
    substrate = await startSubstrate()
    substrate.cloud.enqueue({ kind: "fault", fault: "stall" })
    substrate.local.enqueue({ kind: "synth", text: "local after the stall" })
    const response = await substrate.make({ deadlineMs: 10_000, attemptFirstTokenMs: 300 }).complete("Say hello", { strategy: "cloud_first" })
    expect(response.text).toBe("local after the stall")
    expect(response.attempts.map((a) => [a.provider, a.outcome, a.error])).toEqual([["openai", "failure", "Timeout"], ["ollama", "success", undefined]])
    await substrate.cloud.waitForClosed(2_000)
  })
})

describe("attempt events", () => {
  it("one model call is one attempt everywhere: the listener's events and the ledger agree", async () => {
    substrate = await startSubstrate()
    substrate.cloud.enqueue({ kind: "fault", fault: "server-500" }, { kind: "synth", text: "after a retry" })
    const events: Array<string> = []
    const response = await Effect.runPromise(
      Effect.flatMap(ModelOrchestrator, (o) => o.complete("Say hello", { strategy: "cloud_first" })).pipe(
        withAttemptListener((event) => Effect.sync(() => { events.push(`${event._tag} ${event.model.provider}`) })),
        Effect.provide(ModelOrchestrator.layer({ providers: substrate.providers, deadlineMs: 10_000 }))
      )
    )
    expect(response.text).toBe("after a retry")
    // Both HTTP calls (the 500 and the retry) are attempts, in the ledger and to the listener alike.
    expect(response.attempts.map((a) => [a.provider, a.role, a.outcome])).toEqual([["openai", "primary", "failure"], ["openai", "retry", "success"]])
    expect(events).toEqual(["AttemptStart openai", "AttemptFailure openai", "AttemptStart openai", "AttemptSuccess openai"])
  })
})

describe("models the caller names", () => {
  it("a named list longer than maxModelsPerKind is tried whole, not quietly cut to the first three", async () => {
    substrate = await startSubstrate({ localDown: true })
    const names = ["gpt-4o-mini", "gpt-4.1-mini", "gpt-4o", "gpt-4.1"]
    substrate.cloud.setModels(names)
    substrate.cloud.enqueue({ kind: "fault", fault: "server-500" }, { kind: "fault", fault: "server-500" }, { kind: "fault", fault: "server-500" }, { kind: "synth", text: "the fourth" })
    const response = await substrate.make({ cloudRetries: 0 }).complete("Say hello", { strategy: "cloud_only", models: names.map((n) => `openai/${n}`) })
    expect(response.text).toBe("the fourth")
    expect(response.model).toBe("gpt-4.1")
    expect(response.attempts.map((a) => a.outcome)).toEqual(["failure", "failure", "failure", "success"])
  })
})

describe("a named model's routing", () => {
  it("says the model and the task type of each call, whichever model and task type the calls before it named", async () => {
    substrate = await startSubstrate({ localDown: true })
    substrate.cloud.setModels(["gpt-4o-mini", "gpt-4o"])
    for (let i = 0; i < 4; i++) substrate.cloud.enqueue({ kind: "synth", text: "ok" })
    const orchestrator = substrate.make({ cloudRetries: 0 })
    const calls = [
      { model: "openai/gpt-4o-mini", taskType: "code_generation" },
      { model: "openai/gpt-4o-mini" },
      { model: "openai/gpt-4o", taskType: "code_generation" },
      { model: "openai/gpt-4o-mini", taskType: "summarization" }
    ] as const
    const routings = []
    for (const options of calls) routings.push((await orchestrator.complete("Say hello", options)).routing)
    expect(routings).toEqual([
      { taskType: "code_generation", confidence: 1, source: "given", models: ["openai/gpt-4o-mini"], routeStrategy: "model", reason: "The caller asked for openai/gpt-4o-mini." },
      { taskType: "general", confidence: 0, source: "unclassified", models: ["openai/gpt-4o-mini"], routeStrategy: "model", reason: "The caller asked for openai/gpt-4o-mini." },
      { taskType: "code_generation", confidence: 1, source: "given", models: ["openai/gpt-4o"], routeStrategy: "model", reason: "The caller asked for openai/gpt-4o." },
      { taskType: "summarization", confidence: 1, source: "given", models: ["openai/gpt-4o-mini"], routeStrategy: "model", reason: "The caller asked for openai/gpt-4o-mini." }
    ])
  })
})

describe("log-probabilities", () => {
  it("the answering model's token log-probabilities reach the response when asked for, and only then", async () => {
    substrate = await startSubstrate({ localDown: true })
    const body = (logprobs: unknown) => ({
      id: "chatcmpl-lp", object: "chat.completion", created: 1, model: "gpt-4o-mini",
      choices: [{ index: 0, message: { role: "assistant", content: "Yes." }, logprobs, finish_reason: "stop" }],
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 }
    })
    const content = [{ token: "Yes", logprob: -0.01, bytes: [89, 101, 115], top_logprobs: [] }, { token: ".", logprob: -0.2, bytes: [46], top_logprobs: [] }]
    substrate.cloud.enqueue({ kind: "json", status: 200, body: body({ content, refusal: null }) }, { kind: "json", status: 200, body: body({ content, refusal: null }) })
    const orchestrator = substrate.make({ cloudRetries: 0 })
    const asked = await orchestrator.complete("Yes or no?", { model: "openai/gpt-4o-mini", logprobs: true })
    expect(asked.logprobs).toEqual([{ token: "Yes", logprob: -0.01 }, { token: ".", logprob: -0.2 }])
    expect((await orchestrator.complete("Yes or no?", { model: "openai/gpt-4o-mini" })).logprobs).toBeUndefined()
  })
})

describe("PARALLEL", () => {
  it("returns the faster answer and aborts the slower request", async () => {
    substrate = await startSubstrate()
    substrate.local.enqueue({ kind: "synth", text: "slow local", firstTokenDelayMs: 2_000 })
    substrate.cloud.enqueue({ kind: "synth", text: "fast cloud" })
    const response = await substrate.make().complete("Say hello", { strategy: "parallel" })
    expect(response.text).toBe("fast cloud")
    await substrate.local.waitForClosed(2_000)
    expect(substrate.local.requests.find((r) => r.path === "/api/chat")?.aborted).toBe(true)
    expect(response.attempts.map((a) => a.outcome).sort()).toEqual(["cancelled", "success"])
  })
})

describe("CASCADE", () => {
  it("escalates on an empty answer", async () => {
    substrate = await startSubstrate()
    substrate.local.enqueue({ kind: "synth", text: "" })
    substrate.cloud.enqueue({ kind: "synth", text: "a real answer" })
    const response = await substrate.make().complete("Say hello", { strategy: "cascade" })
    expect(response.text).toBe("a real answer")
    expect(response.attempts.map((a) => a.provider)).toEqual(["ollama", "openai"])
  })

  it("escalates on a failed validator", async () => {
    substrate = await startSubstrate()
    substrate.local.enqueue({ kind: "synth", text: "not json at all" })
    substrate.cloud.enqueue({ kind: "synth", text: '{"answer": 42}' })
    const isJson = validator((text) => { try { JSON.parse(text); return true } catch { return false } }, "json")
    const response = await substrate.make().complete("Give JSON", { strategy: "cascade", scorers: [isJson] })
    expect(response.text).toBe('{"answer": 42}')
  })
})

describe("ENSEMBLE", () => {
  it("VOTE returns the majority and stops early", async () => {
    substrate = await startSubstrate()
    substrate.local.setModels(["llama3.2:1b", "qwen2.5:0.5b", "phi3:mini"], ["llama3.2:1b", "qwen2.5:0.5b", "phi3:mini"])
    substrate.local.enqueue(
      { kind: "synth", text: "Paris" },
      { kind: "synth", text: "paris." },
      { kind: "synth", text: "London", firstTokenDelayMs: 3_000 }
    )
    const response = await substrate.make().ensemble("Capital of France?", { mode: "vote", strategy: "local_only" })
    expect(response.text.toLowerCase()).toContain("paris")
    expect(response.mode).toBe("vote")
    expect(response.members).toHaveLength(3)
    expect(response.agreement).toBe(1)
    expect(response.members.filter((m) => m.outcome === "cancelled")).toHaveLength(1)
  })
})

describe("AUTO", () => {
  it("routes code to the code route and a summary to the summary route", async () => {
    substrate = await startSubstrate()
    const orchestrator = substrate.make()
    const code = await orchestrator.complete("Write a Python function that parses an ISO 8601 date and returns a datetime. Include type hints.")
    expect(code.taskType).toBe("code_generation")
    expect(code.strategy).toBe("cloud_first")
    expect(code.provider).toBe("openai")
    const summary = await orchestrator.complete("Summarize the following article in three bullet points:\n\nThe city council met on Tuesday to discuss the new budget. After a long debate, members agreed to raise funding for parks and libraries while cutting administrative costs.")
    expect(summary.taskType).toBe("summarization")
    expect(summary.strategy).toBe("local_first")
    expect(summary.provider).toBe("ollama")
    expect(summary.taskTypeSource).toBe("classified")
  })

  it("takes a given task type without classifying", async () => {
    substrate = await startSubstrate()
    const response = await substrate.make().delegate("hello there", { taskType: "CODE_REVIEW" })
    expect(response.taskType).toBe("code_review")
    expect(response.taskTypeSource).toBe("given")
    expect(response.taskConfidence).toBe(1)
  })
})

describe("budgets and costs", () => {
  it("a server that refuses connections is Unavailable, with the reason, not ModelNotFound", async () => {
    substrate = await startSubstrate({ localDown: true })
    const error = await failure(substrate.make().complete("Say hello", { strategy: "local_only" }))
    expect(error.reason._tag).toBe("Unavailable")
    expect(error.message).toContain("not reachable")
  })

  it("the service's own 404 for a listed model is ModelNotFound with the pull hint", async () => {
    substrate = await startSubstrate()
    substrate.local.enqueue({ kind: "replay", fixture: "ollama/error_404_model_not_found.json" })
    const error = await failure(substrate.make().complete("hi", { model: "ollama/llama3.2:1b" }))
    expect(error.reason._tag).toBe("ModelNotFound")
    expect(error.message).toContain("ollama pull")
  })

  it("a hard budget stops a request before any HTTP request is made", async () => {
    substrate = await startSubstrate({ localDown: true })
    const error = await failure(substrate.make({ budgetUsd: 0.000001 }).complete("Explain quantum computing in depth", { strategy: "cloud_only", maxTokens: 4000 }))
    expect(["BudgetExceeded", "AllAttemptsFailed"]).toContain(error.reason._tag)
    const reasons = error.reason._tag === "AllAttemptsFailed" ? error.reason.errors.map((e) => e.reason._tag) : [error.reason._tag]
    expect(reasons.every((r) => r === "BudgetExceeded")).toBe(true)
    expect(substrate.calls().cloud).toBe(0)
  })

  it("under a hard budget a request without maxTokens is sent the output limit its reservation assumed", async () => {
    const started = await startSubstrate({ localDown: true })
    substrate = started
    const sentLimit = () => {
      const body = started.cloud.requests.filter((r) => r.path === "/v1/chat/completions").at(-1)?.body as Record<string, unknown> | undefined
      return body?.["max_completion_tokens"] ?? body?.["max_tokens"]
    }
    await started.make({ budgetUsd: 5 }).complete("Say hello", { model: "openai/gpt-4o-mini" })
    expect(sentLimit()).toBe(4096)
    await started.make({ budgetUsd: 5, costs: { defaultMaxOutputTokens: 300 } }).complete("Say hello", { model: "openai/gpt-4o-mini" })
    expect(sentLimit()).toBe(300)
    await started.make({ budgetUsd: 5 }).complete("Say hello", { model: "openai/gpt-4o-mini", maxTokens: 50 })
    expect(sentLimit()).toBe(50)
    // A routed call keeps its route's default limit, which its reservation assumed.
    await started.make({ budgetUsd: 5 }).complete("Say hello", { strategy: "cloud_only" })
    expect(sentLimit()).toBe(1024)
    // No budget, no reservation to keep: the service's own limit applies.
    await started.make().complete("Say hello", { model: "openai/gpt-4o-mini" })
    expect(sentLimit()).toBeUndefined()
  })

  it("the Promise API prints nothing: its log lines go to onLog when given, else nowhere", async () => {
    const server = await startWireServer({ models: ["gpt-unpriced-test"] })
    const providers = [makeCloudProvider({ openai: { apiKey: canaryKey, baseUrl: `${server.url}/v1` } })]
    const printed: Array<string> = []
    const write = process.stdout.write.bind(process.stdout)
    const writeErr = process.stderr.write.bind(process.stderr)
    const capture = (chunk: unknown) => { printed.push(String(chunk)); return true }
    const silent = createOrchestrator({ providers, deadlineMs: 10_000 })
    const heard = createOrchestrator({ providers, deadlineMs: 10_000, onLog: (entry) => lines.push(entry) })
    const lines: Array<{ level: string; message: string }> = []
    process.stdout.write = capture as typeof process.stdout.write
    process.stderr.write = capture as typeof process.stderr.write
    try {
      await silent.complete("hi", { model: "openai/gpt-unpriced-test" })
      await heard.complete("hi", { model: "openai/gpt-unpriced-test" })
    } finally {
      process.stdout.write = write
      process.stderr.write = writeErr
      await silent.dispose()
      await heard.dispose()
      await server.close()
    }
    expect(printed.join("")).not.toContain("no price")
    expect(lines).toContainEqual({ level: "Warn", message: expect.stringContaining("no price for model openai/gpt-unpriced-test") })
  })

  it("a caller's request id names the call in the response and in the ledger", async () => {
    substrate = await startSubstrate({ localDown: true })
    substrate.cloud.enqueue({ kind: "synth", text: "hello" })
    const orchestrator = substrate.make()
    const response = await orchestrator.complete("Say hello", { strategy: "cloud_only", requestId: "req-2026.11:30_a" })
    expect(response.requestId).toBe("req-2026.11:30_a")
    const ledger = JSON.parse(await orchestrator.costs.export("json")) as ReadonlyArray<{ readonly requestId: string }>
    expect(ledger.map((record) => record.requestId)).toEqual(["req-2026.11:30_a"])
    // Without one, every call gets its own random id.
    substrate.cloud.enqueue({ kind: "synth", text: "again" })
    expect((await orchestrator.complete("Say hello", { strategy: "cloud_only" })).requestId).toMatch(/^[0-9a-f-]{36}$/)
  })

  it("costs add up: the response, the attempts and the ledger agree", async () => {
    substrate = await startSubstrate()
    substrate.local.enqueue({ kind: "fault", fault: "server-500" })
    substrate.cloud.enqueue({ kind: "synth", text: "one two three four", usage: { inputTokens: 1000, outputTokens: 500 } })
    const orchestrator = substrate.make()
    const response = await orchestrator.complete("Say hello", { strategy: "local_first" })
    const sum = response.attempts.reduce((s, a) => s + (a.costUsd ?? 0), 0)
    expect(response.costUsd).toBeCloseTo(sum, 12)
    // gpt-4o-mini: 1000 input and 500 output tokens at the table's price
    expect(response.costUsd).toBeGreaterThan(0)
    const summary = await orchestrator.costs.summary()
    expect(summary.totals.costUsd).toBeCloseTo(response.costUsd, 9)
    expect(response.usage).toMatchObject({ inputTokens: 1000, outputTokens: 500, estimated: false })
  })
})

describe("cancellation and secrets", () => {
  it("an AbortSignal cancels the call, closes its connection and records the attempt", async () => {
    substrate = await startSubstrate()
    substrate.local.enqueue({ kind: "fault", fault: "stall" })
    const orchestrator = substrate.make()
    const controller = new AbortController()
    const pending = orchestrator.complete("Say hello", { strategy: "local_only", signal: controller.signal })
    // Abort once the call has reached the server (an event, not a guess at how long setup takes on a loaded machine).
    while (!substrate.local.requests.some((r) => r.path === "/api/chat")) await new Promise((resolve) => setTimeout(resolve, 5))
    controller.abort()
    const error = await failure(pending)
    expect(error.reason._tag).toBe("Cancelled")
    await substrate.local.waitForClosed(2_000)
    expect(substrate.local.requests.find((r) => r.path === "/api/chat")?.aborted).toBe(true)
    const summary = await orchestrator.costs.summary()
    expect(summary.totals.attempts).toBe(1)
    expect(substrate.calls().cloud).toBe(0)
  })

  it("a canary key appears in no error, and a wrong key does not fall back silently", async () => {
    substrate = await startSubstrate({ localDown: true })
    substrate.cloud.enqueue({ kind: "json", status: 401, body: { error: { message: `Incorrect API key provided: ${canaryKey}.`, type: "invalid_request_error", code: "invalid_api_key" } } })
    const orchestrator = substrate.make()
    const error = await failure(orchestrator.complete("Say hello", { strategy: "cloud_only" }))
    const seen = JSON.stringify({ message: error.message, text: String(error), reason: error.reason, ledger: await orchestrator.costs.export("json") })
    expect(seen).not.toContain(canaryKey)
    expect(seen).toContain("Authentication")
  })
})

describe("streaming and the Promise API", () => {
  it("streams deltas that join to the response text, failing over before the first token", async () => {
    substrate = await startSubstrate()
    substrate.local.enqueue({ kind: "fault", fault: "reset-before-headers" })
    substrate.cloud.enqueue({ kind: "synth", text: "streamed from the cloud" })
    const stream = substrate.make().stream("Say hello", { strategy: "local_first" })
    const deltas: Array<string> = []
    for await (const delta of stream) deltas.push(delta)
    const response = await stream.response
    expect(deltas.length).toBeGreaterThan(1)
    expect(deltas.join("")).toBe("streamed from the cloud")
    expect(response.text).toBe("streamed from the cloud")
    expect(response.provider).toBe("openai")
    expect(response.attempts.map((a) => a.outcome)).toEqual(["failure", "success"])
  })

  it("invalid input is a typed InvalidRequest and writes nothing to the ledger", async () => {
    substrate = await startSubstrate()
    const orchestrator = substrate.make()
    for (const bad of ["", "   ", "\ud800 lone"]) {
      const error = await failure(orchestrator.complete(bad))
      expect(error.reason._tag).toBe("InvalidRequest")
    }
    expect((await failure(orchestrator.complete("hi", { strategy: "fastest" }))).message).toContain("unknown strategy")
    expect((await failure(orchestrator.complete("hi", { maxTokens: -5 }))).reason._tag).toBe("InvalidRequest")
    expect((await orchestrator.costs.summary()).totals.attempts).toBe(0)
    // A model the backend does not list is refused before anything is sent, with the fix.
    const missing = await failure(orchestrator.complete("hi", { model: "ollama/not-pulled" }))
    expect(missing.reason._tag).toBe("ModelNotFound")
    expect(missing.message).toContain("ollama pull not-pulled")
    expect((await failure(orchestrator.complete("hi", { model: "nonsense" }))).reason._tag).toBe("ModelNotFound")
    expect((await failure(orchestrator.ensemble("hi", { samples: 0 }))).reason._tag).toBe("InvalidRequest")
    expect(substrate.calls()).toEqual({ local: 0, cloud: 0 })
  })
})
