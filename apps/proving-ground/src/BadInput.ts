/**
 * Bad input: prompts, options, names and files a caller can get wrong. Each must end in a typed ProviderError with
 * a message a person can act on, and must write nothing to the ledger.
 */
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { createOrchestrator, optionsFromEnvironment, type Orchestrator } from "@orch/core"
import { loadPriceFile } from "@orch/cost-tracker"
import { isProviderError, type ErrorReasonTag } from "@orch/provider"
import { Effect } from "effect"
import { type Backend, canaryKey, closeBackends, startBackend } from "./Substrate.ts"

/** One bad input: what it is, the reasons that are right for it, and how to provoke it. */
export interface BadInputCase {
  readonly name: string
  readonly reasons: ReadonlyArray<ErrorReasonTag>
  readonly run: (context: { readonly orchestrator: Orchestrator; readonly directory: string }) => Promise<unknown>
}

/** The verdict on one bad input. */
export interface BadInputResult {
  readonly name: string
  readonly passed: boolean
  /** The reason and message the caller got (or what went wrong). */
  readonly got: string
  readonly ledgerRecords: number
}

const writeFile = async (directory: string, name: string, text: string): Promise<string> => {
  const file = path.join(directory, name)
  await fs.writeFile(file, text)
  return file
}

/** Every bad input of the proving ground. */
export const badInputCases: ReadonlyArray<BadInputCase> = [
  { name: "empty prompt", reasons: ["InvalidRequest"], run: ({ orchestrator }) => orchestrator.complete("") },
  { name: "whitespace prompt", reasons: ["InvalidRequest"], run: ({ orchestrator }) => orchestrator.complete(" \n\t  ") },
  { name: "empty messages", reasons: ["InvalidRequest"], run: ({ orchestrator }) => orchestrator.complete([]) },
  { name: "million-character prompt (cloud)", reasons: ["InvalidRequest", "ContextLengthExceeded"], run: ({ orchestrator }) => orchestrator.complete("word ".repeat(200_000), { strategy: "cloud_only" }) },
  { name: "lone high surrogate", reasons: ["InvalidRequest"], run: ({ orchestrator }) => orchestrator.complete("hello \ud800 there") },
  { name: "lone low surrogate in a message", reasons: ["InvalidRequest"], run: ({ orchestrator }) => orchestrator.complete([{ role: "user", content: "x\udc00y" }]) },
  { name: "unknown strategy", reasons: ["InvalidRequest"], run: ({ orchestrator }) => orchestrator.complete("hi", { strategy: "fastest" }) },
  { name: "unknown task type", reasons: ["InvalidRequest"], run: ({ orchestrator }) => orchestrator.complete("hi", { taskType: "astrology" }) },
  { name: "unknown ensemble mode", reasons: ["InvalidRequest"], run: ({ orchestrator }) => orchestrator.ensemble("hi", { mode: "shout" }) },
  { name: "negative maxTokens", reasons: ["InvalidRequest"], run: ({ orchestrator }) => orchestrator.complete("hi", { maxTokens: -5 }) },
  { name: "absurd maxTokens (1e12)", reasons: ["InvalidRequest"], run: ({ orchestrator }) => orchestrator.complete("hi", { maxTokens: 1e12 }) },
  { name: "temperature 99", reasons: ["InvalidRequest"], run: ({ orchestrator }) => orchestrator.complete("hi", { temperature: 99 }) },
  { name: "NaN temperature", reasons: ["InvalidRequest"], run: ({ orchestrator }) => orchestrator.complete("hi", { temperature: Number.NaN }) },
  { name: "topP 5", reasons: ["InvalidRequest"], run: ({ orchestrator }) => orchestrator.complete("hi", { topP: 5 }) },
  { name: "negative deadlineMs", reasons: ["InvalidRequest"], run: ({ orchestrator }) => orchestrator.complete("hi", { deadlineMs: -1 }) },
  { name: "vote with 0 samples", reasons: ["InvalidRequest"], run: ({ orchestrator }) => orchestrator.ensemble("hi", { samples: 0 }) },
  { name: "unknown model", reasons: ["ModelNotFound", "InvalidRequest"], run: ({ orchestrator }) => orchestrator.complete("hi", { model: "openai/gpt-9-ultra" }) },
  { name: "model id without a backend", reasons: ["ModelNotFound", "InvalidRequest"], run: ({ orchestrator }) => orchestrator.complete("hi", { model: "nonsense" }) },
  {
    name: "malformed config (ORCH_BUDGET_USD=lots)", reasons: ["InvalidRequest"],
    run: () => Effect.runPromise(optionsFromEnvironment({ providers: [], env: { ORCH_BUDGET_USD: "lots", OPENAI_API_KEY: canaryKey } }))
  },
  {
    name: "malformed config (ORCH_DEADLINE_MS=-3)", reasons: ["InvalidRequest"],
    run: () => Effect.runPromise(optionsFromEnvironment({ providers: [], env: { ORCH_DEADLINE_MS: "-3", OPENAI_API_KEY: canaryKey } }))
  },
  {
    name: "malformed config (ORCH_STRATEGY=fastest)", reasons: ["InvalidRequest"],
    run: () => Effect.runPromise(optionsFromEnvironment({ providers: [], env: { ORCH_STRATEGY: "fastest", OPENAI_API_KEY: canaryKey } }))
  },
  {
    name: "malformed price file (not JSON)", reasons: ["InvalidRequest"],
    run: async ({ directory }) => Effect.runPromise(loadPriceFile(await writeFile(directory, "broken.json", "{ \"openai/gpt-4o\": { inputPerMillion: 2.5,")))
  },
  {
    name: "price file with bad entries", reasons: ["InvalidRequest"],
    run: async ({ directory }) => Effect.runPromise(loadPriceFile(await writeFile(directory, "bad-entries.json", JSON.stringify({
      "openai/gpt-4o": { inputPerMillion: -2.5, outputPerMillion: 10 },
      "anthropic/claude": { inputPerMillion: "three", outputPerMillion: 15 },
      "ollama": { usdPerHour: "free" }
    }))))
  },
  { name: "missing price file", reasons: ["InvalidRequest"], run: ({ directory }) => Effect.runPromise(loadPriceFile(path.join(directory, "nope.json"))) },
  { name: "routes that are not a table", reasons: ["InvalidRequest"], run: async () => {
    const orchestrator = createOrchestrator({ providers: [], routes: { code_generation: { strategy: "teleport" } } })
    try { return await orchestrator.complete("hi") } finally { await orchestrator.dispose() }
  } }
]

/** A readable message: present, not huge, no object dump, no stack, no secret. */
const readable = (message: string): boolean =>
  message.trim().length >= 10 && message.length <= 600 && !message.includes("[object Object]") && !/\n\s+at /.test(message) && !message.includes(canaryKey)

/** Run the bad inputs against an orchestrator over a healthy local and cloud substrate. */
export const runBadInputs = async (list: ReadonlyArray<BadInputCase> = badInputCases): Promise<ReadonlyArray<BadInputResult>> => {
  const backends: ReadonlyArray<Backend> = [await startBackend("ollama"), await startBackend("openai")]
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), "orch-bad-input-"))
  const results: Array<BadInputResult> = []
  try {
    for (const badInput of list) {
      const orchestrator = createOrchestrator({ providers: backends.map((b) => b.provider), deadlineMs: 5_000 })
      let got: string
      let passed = false
      try {
        const value = await badInput.run({ orchestrator, directory })
        got = `accepted: ${JSON.stringify(value)?.slice(0, 80) ?? "undefined"}`
      } catch (error) {
        if (isProviderError(error)) {
          const reasons = error.reason._tag === "AllAttemptsFailed" ? error.reason.errors.map((e) => e.reason._tag) : [error.reason._tag]
          passed = reasons.every((r) => badInput.reasons.includes(r)) && readable(error.message)
          got = `${reasons.join("+")}: ${error.message.slice(0, 160)}`
        } else {
          got = `untyped ${String(error).slice(0, 160)}`
        }
      }
      const ledgerRecords = (await orchestrator.costs.summary()).totals.attempts
      await orchestrator.dispose()
      results.push({ name: badInput.name, passed: passed && ledgerRecords === 0, got, ledgerRecords })
    }
  } finally {
    await closeBackends(backends)
    await fs.rm(directory, { recursive: true, force: true })
  }
  return results
}
