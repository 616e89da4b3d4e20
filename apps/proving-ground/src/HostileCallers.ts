/**
 * Hostile JavaScript callers of the Promise API: wrong types everywhere, a bad `signal`, throwing getters and Proxy
 * traps, cycles, 130,000 messages, user callbacks that throw, two concurrent `next()` on a stream, orchestrator
 * options that cannot work. Each case must end in a rejected promise with a typed InvalidRequest (never a
 * synchronous throw, a bare TypeError or a stack overflow), call no model, and end long before its deadline.
 */
import { createOrchestrator, type Orchestrator, type OrchestratorOptions } from "@orch/core"
import { isProviderError } from "@orch/provider"
import { closeBackends, orchestratorOver, startBackend, type Backend } from "./Substrate.ts"

/** One hostile call, and whether it should be refused (true) or answered (false). */
export interface HostileCase {
  readonly name: string
  readonly call: (orchestrator: Orchestrator, options: OrchestratorOptions) => unknown
  /** The answer is expected (the case checks that it does not hang); default false: a typed InvalidRequest is. */
  readonly answers?: boolean
}

/** The verdict on one case. */
export interface HostileResult {
  readonly name: string
  readonly passed: boolean
  readonly got: string
  readonly elapsedMs: number
}

const js = (value: unknown) => value as never
const cyclic: Record<string, unknown> = {}
cyclic["self"] = cyclic
const throwingProxy = new Proxy({}, { ownKeys: () => { throw new Error("trap") }, get: () => { throw new Error("trap") } })
const throwingMessage = { role: "user", get content(): string { throw new Error("getter") } }

/** The deadline every case runs under: a case that waits it out has failed. */
const deadlineMs = 60_000

/** Every hostile case. */
export const hostileCases: ReadonlyArray<HostileCase> = [
  { name: "a number as the prompt", call: (o) => o.complete(js(42)) },
  { name: "null as the options", call: (o) => o.complete("hi", js(null)) },
  { name: "a string as the options", call: (o) => o.complete("hi", js("fast")) },
  { name: "a plain object as the signal", call: (o) => o.complete("hi", js({ signal: {} })) },
  { name: "a string as the signal (stream)", call: (o) => o.stream("hi", js({ signal: "x" })).response },
  { name: "a message whose getter throws", call: (o) => o.complete(js([throwingMessage])) },
  { name: "a Proxy whose traps throw as the options", call: (o) => o.complete("hi", js(throwingProxy)) },
  { name: "a cycle in providerOptions", call: (o) => o.complete("hi", js({ providerOptions: { openai: { x: cyclic } } })) },
  { name: "130,000 messages", call: (o) => o.complete(Array.from({ length: 130_000 }, () => ({ role: "user" as const, content: "x" }))) },
  { name: "a number as the model", call: (o) => o.complete("hi", js({ model: 5 })) },
  { name: "a string as models", call: (o) => o.ensemble("hi", js({ models: "ollama/llama3.2:1b" })) },
  { name: "a string as deadlineMs", call: (o) => o.complete("hi", js({ deadlineMs: "100" })) },
  { name: "a function as maxTokens", call: (o) => o.complete("hi", js({ maxTokens: () => 5 })) },
  { name: "an unknown export format", call: (o) => o.costs.export(js("xml")) },
  { name: "a vote normalize that throws", call: (o) => o.ensemble("hi", { normalize: () => { throw new Error("normalize bug") }, deadlineMs }) },
  { name: "a cascade scorer that throws", call: (o) => o.complete("hi", { strategy: "cascade", scorers: [{ name: "bug", score: () => { throw new Error("scorer bug") } }], deadlineMs }) },
  { name: "a cascade scorer that returns no Effect", call: (o) => o.complete("hi", { strategy: "cascade", scorers: [{ name: "plain", score: js(() => ({ accept: true })) }], deadlineMs }) },
  { name: "an unknown id among two voting models", call: (o) => o.ensemble("hi", { models: ["ollama/llama3.2:1b", "ollama/nope"], deadlineMs }) },
  { name: "providerOptions swapping in a dearer model", call: (o) => o.complete("hi", { model: "ollama/llama3.2:1b", providerOptions: { ollama: { model: "llama3.1:405b" } }, deadlineMs }) },
  { name: "providerOptions lifting the token limit", call: (o) => o.complete("hi", { model: "ollama/llama3.2:1b", maxTokens: 5, providerOptions: { ollama: { options: { num_predict: 100_000 } } }, deadlineMs }) },
  { name: "providerOptions turning on streaming or several choices", call: (o) => o.complete("hi", { model: "ollama/llama3.2:1b", providerOptions: { ollama: { stream: true, n: 4 } }, deadlineMs }) },
  { name: "maxModelsPerKind: 0", call: (_o, options) => createOrchestrator({ ...options, maxModelsPerKind: 0 }).complete("hi") },
  { name: "deadlineMs: NaN in the options", call: (_o, options) => createOrchestrator({ ...options, deadlineMs: Number.NaN }).complete("hi") },
  { name: "null as the orchestrator options", call: () => createOrchestrator(js(null)).complete("hi") },
  {
    name: "two concurrent next() on a stream", answers: true,
    call: async (o) => {
      const iterator = o.stream("hi", { model: "ollama/llama3.2:1b", deadlineMs })[Symbol.asyncIterator]()
      const both = await Promise.all([iterator.next(), iterator.next()])
      for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) { /* drain */ }
      return both
    }
  }
]

/** Run the cases against an orchestrator over a healthy loopback Ollama. */
export const runHostileCases = async (list: ReadonlyArray<HostileCase> = hostileCases): Promise<ReadonlyArray<HostileResult>> => {
  const backends: ReadonlyArray<Backend> = [await startBackend("ollama")]
  const options: OrchestratorOptions = { providers: backends.map((b) => b.provider), deadlineMs }
  const results: Array<HostileResult> = []
  try {
    for (const hostile of list) {
      const orchestrator = orchestratorOver(backends, { deadlineMs })
      const started = performance.now()
      let got: string
      let passed = false
      let returned: unknown
      try {
        returned = hostile.call(orchestrator, options)
      } catch (error) {
        got = `synchronous throw: ${String(error).slice(0, 120)}`
      }
      if (returned !== undefined) {
        if (!(returned instanceof Promise)) got = "no promise"
        else {
          const outcome = await returned.then((value: unknown) => ({ value }), (error: unknown) => ({ error }))
          if ("value" in outcome) {
            passed = hostile.answers === true
            got = `answered: ${JSON.stringify(outcome.value)?.slice(0, 80)}`
          } else if (isProviderError(outcome.error)) {
            passed = hostile.answers !== true && (outcome.error.reason._tag === "InvalidRequest" || outcome.error.reason._tag === "ModelNotFound")
            got = `${outcome.error.reason._tag}: ${outcome.error.message.slice(0, 120)}`
          } else {
            got = `untyped ${String(outcome.error).slice(0, 120)}`
          }
        }
      }
      const elapsedMs = performance.now() - started
      await orchestrator.dispose()
      // "At once": far inside the deadline (a case that waited for it has failed).
      results.push({ name: hostile.name, passed: passed && elapsedMs < deadlineMs / 4, got: got!, elapsedMs })
    }
  } finally {
    await closeBackends(backends)
  }
  return results
}
