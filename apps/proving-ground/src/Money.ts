/**
 * Money under hostile servers and clocks: the families of the proving ground that try to overspend a hard budget or
 * break a ledger. Hostile usage (a server reports negative, absurd, non-numeric counts) through the real orchestrator
 * on every ledger; dense-text ceilings (a server bills exactly what OpenAI's o200k_base counts, against a budget of
 * one worst case); free-model ledgers ($0 reservations on shared ledgers); skewed-clock ledgers (a process whose
 * clock runs two hours ahead shares a hard budget). Each row is a verdict with the figures behind it.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { createOrchestrator, type LedgerOption } from "@orch/core"
import { CostTracker, type CostTrackerShape, nanosToUsd } from "@orch/cost-tracker"
import { isProviderError } from "@orch/provider"
import { Effect, type Layer } from "effect"
import { TestClock } from "effect/testing"
import { Tiktoken } from "js-tiktoken/lite"
import o200k from "js-tiktoken/ranks/o200k_base"
import { closeBackends, startBackend } from "./Substrate.ts"
import { markdownTable } from "./Reports.ts"

/** One verdict of a money family. */
export interface MoneyResult {
  readonly family: string
  readonly name: string
  readonly passed: boolean
  readonly detail: string
}

const cloudModel = "openai/gpt-4o-mini"
const freeModel = "ollama/llama3.2:1b"

/** A redis-server on a free loopback port, when one is installed. */
const startRedis = async (): Promise<{ readonly url: string; readonly stop: () => Promise<void> } | undefined> => {
  if (spawnSync("redis-server", ["--version"]).status !== 0) return undefined
  const port = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address()
      probe.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0))
    })
  })
  const server: ChildProcess = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: ["ignore", "pipe", "pipe"] })
  await new Promise<void>((resolve, reject) => {
    let output = ""
    server.stdout?.on("data", (chunk: Buffer) => { output += chunk.toString(); if (output.includes("Ready to accept connections")) resolve() })
    server.once("exit", (code) => reject(new Error(`redis-server exited (${code})`)))
  })
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      const exited = new Promise((resolve) => server.once("exit", resolve))
      server.kill("SIGTERM")
      await exited
    }
  }
}

/** The ledgers each family runs on: memory, a SQLite file, and Redis when redis-server is installed. */
const ledgersOf = (directory: string, redisUrl: string | undefined) => {
  let serial = 0
  return (): ReadonlyArray<[string, LedgerOption]> => {
    serial++
    return [
      ["memory", { type: "memory" }],
      ["sqlite", { type: "sqlite", path: path.join(directory, `ledger-${serial}.db`) }],
      ...(redisUrl !== undefined ? [["redis", { type: "redis", url: redisUrl, prefix: `money-${serial}:` }] as [string, LedgerOption]] : [])
    ]
  }
}

const describeError = (error: unknown): string => isProviderError(error) ? `${error.reason._tag}: ${error.message.slice(0, 120)}` : String(error).slice(0, 120)

/** Hostile usage: the values a lying or broken server reports, as they arrive on the wire. */
const hostileUsages: ReadonlyArray<readonly [string, { readonly inputTokens: unknown; readonly outputTokens: unknown }, string?]> = [
  ["negative count (-1e9)", { inputTokens: -1_000_000_000, outputTokens: -1_000_000_000 }],
  ["absurd count (1e300)", { inputTokens: 1e300, outputTokens: 1e300 }],
  ["null count (NaN on the wire)", { inputTokens: Number.NaN, outputTokens: Number.NaN }],
  ["count as a string (\"12\")", { inputTokens: "12", outputTokens: "12" }],
  ["fraction (-0.5)", { inputTokens: -0.5, outputTokens: -0.5 }],
  ["beyond exact integers (2^53 + 2)", { inputTokens: 2 ** 53 + 2, outputTokens: 2 ** 53 + 2 }],
  // Billed past the request's limit: charged as billed, and the ledger record says so.
  ["output above maxTokens (5,000 of 50)", { inputTokens: 10, outputTokens: 5_000 }, "above-max-tokens"]
]

const hostileUsage = async (ledgers: () => ReadonlyArray<[string, LedgerOption]>): Promise<ReadonlyArray<MoneyResult>> => {
  const results: Array<MoneyResult> = []
  const backend = await startBackend("openai")
  try {
    for (const [name, usage, flag] of hostileUsages) {
      for (const [ledgerName, ledger] of ledgers()) {
        const orchestrator = createOrchestrator({ providers: [backend.provider], deadlineMs: 5_000, ledger, budgetUsd: 0.01 })
        try {
          backend.server!.enqueue({ kind: "synth", text: "A lying answer.", usage: usage as { inputTokens: number; outputTokens: number } })
          const first = await orchestrator.complete("What is 2 + 2?", { model: cloudModel, maxTokens: 50 }).then((response) => `charged $${response.costUsd}`, describeError)
          // A normal call afterwards must still be accepted, and the ledger must read back with finite, non-negative sums.
          const second = await orchestrator.complete("What is 3 + 3?", { model: cloudModel, maxTokens: 50 }).then(() => "accepted", describeError)
          const summary = await orchestrator.costs.summary()
          const [status] = await orchestrator.costs.budgetStatus()
          const spent = status?.spentUsd ?? Number.NaN
          const finite = Number.isFinite(summary.totals.costUsd) && summary.totals.costUsd >= 0 && Number.isFinite(spent) && spent >= 0
          const records = JSON.parse(await orchestrator.costs.export("json")) as ReadonlyArray<{ readonly outputTokens: number; readonly usageFlags?: ReadonlyArray<string> }>
          const flagged = flag === undefined || (records[0]?.usageFlags ?? []).includes(flag)
          const passed = finite && flagged && second === "accepted" && summary.totals.attempts === 2 && spent <= 0.01
          results.push({
            family: "hostile usage", name: `${name} · ${ledgerName}`, passed,
            detail: `first call ${first}${flag !== undefined ? ` for ${records[0]?.outputTokens} output tokens, flagged ${JSON.stringify(records[0]?.usageFlags ?? [])}` : ""}; next call ${second}; ledger: ${summary.totals.attempts} records, $${summary.totals.costUsd.toPrecision(3)} spent of $0.01`
          })
        } catch (error) {
          results.push({ family: "hostile usage", name: `${name} · ${ledgerName}`, passed: false, detail: `ledger unreadable: ${describeError(error)}` })
        } finally {
          await orchestrator.dispose()
        }
      }
    }
  } finally {
    await closeBackends([backend])
  }
  return results
}

const o200kBase = new Tiktoken(o200k)
/** What OpenAI bills for a chat request: 3 tokens a message, its role and content, and 3 to prime the answer. */
const billedInput = (body: unknown): number => {
  const messages = (body as { messages?: ReadonlyArray<{ role: string; content: unknown }> }).messages ?? []
  return messages.reduce((sum, message) => sum + 3 + o200kBase.encode(message.role).length + o200kBase.encode(typeof message.content === "string" ? message.content : JSON.stringify(message.content)).length, 3)
}

/** Deterministic dense texts (a seeded generator), each about 2,000 characters. */
const denseTexts = (): ReadonlyArray<[string, string]> => {
  let seed = 0x9e3779b9
  const next = (): number => {
    seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5
    return (seed >>> 0) / 0x1_0000_0000
  }
  const from = (alphabet: string, length = 2_000) => Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join("")
  const printable = Array.from({ length: 95 }, (_, index) => String.fromCharCode(32 + index)).join("")
  return [
    ["random printable ASCII", from(printable)],
    ["hex", from("0123456789abcdef")],
    ["base64", Buffer.from(Array.from({ length: 1_500 }, () => Math.floor(next() * 256))).toString("base64")],
    ["punctuation", from("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")],
    ["control characters", from(Array.from({ length: 31 }, (_, index) => String.fromCharCode(1 + index)).join(""))],
    ["CJK", from("的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以会可", 1_000)],
    ["emoji", Array.from({ length: 500 }, () => String.fromCodePoint(0x1f300 + Math.floor(next() * 0x300))).join("")],
    ["English prose", "The variant rs429358 is associated with late-onset Alzheimer's disease in several cohorts. ".repeat(20)]
  ]
}

/** The old bound, for the comparison: the larger of four characters a token and a third of the UTF-8 bytes. */
const oldBound = (text: string): number => Math.max(Math.ceil(text.length / 4), Math.ceil(Buffer.byteLength(text) / 3)) + 3 + 3

const denseCeilings = async (): Promise<ReadonlyArray<MoneyResult>> => {
  const results: Array<MoneyResult> = []
  const backend = await startBackend("openai")
  const maxTokens = 200
  const texts = denseTexts()
  // The server bills exactly what OpenAI's tokenizer counts (counted before the calls: js-tiktoken is slow on long
  // runs without spaces), and the whole maxTokens of output.
  const billed = new Map(texts.map(([, text]) => [text, billedInput({ messages: [{ role: "user", content: text }] })]))
  backend.server!.setDefault((request) => {
    const content = (request.body as { messages?: ReadonlyArray<{ content?: unknown }> }).messages?.at(-1)?.content
    return { kind: "synth", text: "ok", usage: { inputTokens: billed.get(String(content)) ?? billedInput(request.body), outputTokens: maxTokens } }
  })
  const estimator = await openTracker(CostTracker.layerMemory(), 0)
  try {
    for (const [name, text] of texts) {
      const model = { provider: "openai", name: "gpt-4o-mini", kind: "cloud" as const }
      const worst = await estimator.run(estimator.costs.estimateWorstCase(model, { prompt: text, maxTokens }))
      const limitUsd = nanosToUsd(worst.costNanos!)
      const orchestrator = createOrchestrator({ providers: [backend.provider], deadlineMs: 10_000, budgetUsd: limitUsd })
      try {
        const outcome = await orchestrator.complete(text, { model: cloudModel, maxTokens }).then((response) => response, (error: unknown) => error)
        const [status] = await orchestrator.costs.budgetStatus()
        const billedTokens = billed.get(text)!
        const spent = status?.spentUsd ?? Number.NaN
        const accepted = !isProviderError(outcome) && !(outcome instanceof Error)
        const passed = accepted && spent <= limitUsd && billedTokens <= worst.inputTokens
        results.push({
          family: "dense-text ceilings", name, passed,
          detail: `billed ${billedTokens} input tokens, reserved ${worst.inputTokens} (${(billedTokens / worst.inputTokens).toFixed(2)} of the bound); ${(billedTokens / oldBound(text)).toFixed(2)}x the old bound of ${oldBound(text)}${billedTokens > oldBound(text) ? " (overspent)" : ""}; spent ${(100 * spent / limitUsd).toFixed(1)}% of a budget of one worst case${accepted ? "" : `; call: ${describeError(outcome)}`}`
        })
      } finally {
        await orchestrator.dispose()
      }
    }
  } finally {
    await estimator.close()
    await closeBackends([backend])
  }
  return results
}

const freeModelLedgers = async (ledgers: () => ReadonlyArray<[string, LedgerOption]>): Promise<ReadonlyArray<MoneyResult>> => {
  const results: Array<MoneyResult> = []
  const local = await startBackend("ollama")
  const cloud = await startBackend("openai")
  try {
    for (const [ledgerName, ledger] of ledgers()) {
      // Two orchestrators share the ledger (two processes would); the hard budget is already spent past its limit, and
      // reservations expire after 1 ms, so every reservation the free calls leave behind is reclaimed by the next.
      const options = { providers: [local.provider, cloud.provider], deadlineMs: 5_000, ledger, budgetUsd: 0.000_01, costs: { reservationTtlMs: 1 } }
      const first = createOrchestrator(options)
      const second = createOrchestrator(options)
      try {
        cloud.server!.enqueue({ kind: "synth", text: "dear", usage: { inputTokens: 10, outputTokens: 10 } })
        const paid = await first.complete("hi", { model: cloudModel, maxTokens: 10 }).then(() => "sent", describeError)
        const outcomes = await Promise.all(Array.from({ length: 20 }, (_, index) =>
          (index % 2 === 0 ? first : second).complete(`free ${index}`, { model: freeModel, maxTokens: 20 }).then(() => "ok", describeError)))
        for (let index = 0; index < 5; index++) {
          await new Promise((resolve) => setTimeout(resolve, 5))
          outcomes.push(await second.complete(`later ${index}`, { model: freeModel, maxTokens: 20 }).then(() => "ok", describeError))
        }
        const failed = outcomes.filter((outcome) => outcome !== "ok")
        const [status] = await second.costs.budgetStatus()
        // A memory ledger is each orchestrator's own; the others are shared.
        const records = (await second.costs.summary()).totals.attempts + (ledger.type === "memory" ? (await first.costs.summary()).totals.attempts : 0)
        const passed = failed.length === 0 && (status?.reservedUsd ?? 1) === 0 && records === 26
        results.push({ family: "free-model ledgers", name: `25 free calls on a spent budget, reservations expiring · ${ledgerName}`, passed, detail: `paid call ${paid}; free calls: ${25 - failed.length}/25 ok${failed.length > 0 ? ` (${failed[0]})` : ""}; ${records}/26 attempts recorded; reserved after: $${status?.reservedUsd}` })
      } finally {
        await first.dispose()
        await second.dispose()
      }
    }
  } finally {
    await closeBackends([local, cloud])
  }
  return results
}

/** A tracker on a ledger layer, kept open until the returned close runs. */
const openTracker = async (layer: Layer.Layer<CostTracker, unknown>, clockAheadMs: number): Promise<{ readonly costs: CostTrackerShape; readonly run: <A>(effect: Effect.Effect<A, unknown>) => Promise<A>; readonly close: () => Promise<void> }> => {
  let release: () => void = () => {}
  const closed = new Promise<void>((resolve) => { release = resolve })
  let ready: (value: { costs: CostTrackerShape; run: <A>(effect: Effect.Effect<A, unknown>) => Promise<A> }) => void = () => {}
  const opened = new Promise<{ costs: CostTrackerShape; run: <A>(effect: Effect.Effect<A, unknown>) => Promise<A> }>((resolve) => { ready = resolve })
  const done = Effect.runPromise(Effect.scoped(Effect.gen(function*() {
    const costs = yield* CostTracker
    const context = yield* Effect.context<never>()
    ready({ costs, run: (effect) => Effect.runPromise(Effect.provide(effect, context)) })
    yield* Effect.promise(() => closed)
  }).pipe(Effect.provide(layer))))
  const { costs, run } = await opened
  // The skewed process: its clock (the one the tracker reads) runs ahead of everyone else's.
  const skewed = <A>(effect: Effect.Effect<A, unknown>) =>
    run(clockAheadMs === 0 ? effect : Effect.provide(Effect.andThen(TestClock.setTime(Date.now() + clockAheadMs), effect), TestClock.layer()))
  return { costs, run: skewed, close: async () => { release(); await done } }
}

const skewedClockLedgers = async (directory: string, redisUrl: string | undefined): Promise<ReadonlyArray<MoneyResult>> => {
  const results: Array<MoneyResult> = []
  const model = { id: cloudModel, provider: "openai", name: "gpt-4o-mini", kind: "cloud" as const }
  const request = { prompt: "hello there", maxTokens: 1_000 }
  const stores: ReadonlyArray<[string, (options: { budgets: ReadonlyArray<{ name: string; limitUsd: number; period: "total"; mode: "hard" }> }) => Layer.Layer<CostTracker, unknown>]> = [
    ["sqlite", (options) => CostTracker.layerSqlite(path.join(directory, "skew.db"), options)],
    ...(redisUrl !== undefined ? [["redis", (options) => CostTracker.layerRedis({ url: redisUrl, prefix: "skew:" }, options)] as [string, (options: { budgets: ReadonlyArray<{ name: string; limitUsd: number; period: "total"; mode: "hard" }> }) => Layer.Layer<CostTracker, unknown>]] : [])
  ]
  for (const [name, layerOf] of stores) {
    const probe = await openTracker(layerOf({ budgets: [] }), 0)
    const worst = await probe.run(probe.costs.estimateWorstCase(model, request))
    await probe.close()
    const budgets = [{ name: "shared", limitUsd: nanosToUsd(worst.costNanos! * 10), period: "total" as const, mode: "hard" as const }]
    const honest = await openTracker(layerOf({ budgets }), 0)
    const ahead = await openTracker(layerOf({ budgets }), 2 * 3_600_000)
    try {
      // The honest process holds reservations for calls in flight; the skewed one keeps reserving. Then all settle at
      // their worst case.
      const held = []
      let refused = 0
      for (let index = 0; index < 30; index++) {
        const tracker = index % 2 === 0 ? honest : ahead
        const reservation = await tracker.run(tracker.costs.reserve({ requestId: `skew-${index}`, attempt: 1, model, request })).catch(() => undefined)
        if (reservation === undefined) refused++
        else held.push({ tracker, reservation })
      }
      for (const { tracker, reservation } of held) {
        await tracker.run(tracker.costs.settle(reservation, { _tag: "AttemptSuccess", attemptId: 1, model, role: "primary", latencyMs: 10, usage: { inputTokens: worst.inputTokens, outputTokens: 1_000, estimated: false } }))
      }
      const [status] = await honest.run(honest.costs.budgetStatus())
      const share = (status?.spentUsd ?? Number.POSITIVE_INFINITY) / budgets[0]!.limitUsd
      results.push({ family: "skewed-clock ledgers", name: `a process 2 h ahead shares a hard budget · ${name}`, passed: share <= 1, detail: `${held.length} calls sent, ${refused} refused; spent ${(100 * share).toFixed(0)}% of the budget` })
    } finally {
      await honest.close()
      await ahead.close()
    }
  }
  return results
}

/** Run every money family; `say` reports progress. */
export const runMoneyFamilies = async (say: (line: string) => void = () => {}): Promise<ReadonlyArray<MoneyResult>> => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "orch-money-"))
  const redis = await startRedis()
  const timed = async (name: string, family: () => Promise<ReadonlyArray<MoneyResult>>) => {
    const started = performance.now()
    const results = await family()
    say(`  money: ${name} done in ${((performance.now() - started) / 1000).toFixed(0)} s`)
    return results
  }
  try {
    const ledgers = ledgersOf(directory, redis?.url)
    return [
      ...await timed("hostile usage", () => hostileUsage(ledgers)),
      ...await timed("dense-text ceilings", denseCeilings),
      ...await timed("free-model ledgers", () => freeModelLedgers(ledgers)),
      ...await timed("skewed-clock ledgers", () => skewedClockLedgers(directory, redis?.url))
    ]
  } finally {
    await redis?.stop()
    fs.rmSync(directory, { recursive: true, force: true })
  }
}

/** The money section of RELIABILITY.md. */
export const moneySection = (results: ReadonlyArray<MoneyResult>, redis: boolean): string => {
  const passed = results.filter((result) => result.passed).length
  return [
    `${passed}/${results.length} money checks passed (hostile usage, dense-text ceilings, free-model and skewed-clock ledgers; ledgers: memory, SQLite${redis ? ", Redis" : ""}).`,
    "Command: `npm run proving-ground -- money`; the CI sample: `cd apps/proving-ground && npx vitest run test/money.test.ts`.",
    "",
    "- Hostile usage: the OpenAI wire server reports the value as `prompt_tokens` and `completion_tokens`; a hard budget of $0.01, then a normal call.",
    "  Passes when both calls are accepted and the ledger reads back with finite, non-negative sums within the budget (and, for",
    "  output billed past `maxTokens`, when it is charged as billed and its record flagged). The provider adapters now refuse bad",
    "  counts too (the usage is then estimated); the cost tracker's own checks are proved in `packages/cost-tracker/test/UntrustedUsage.test.ts`.",
    "- Dense-text ceilings: the server bills exactly what o200k_base counts (OpenAI's chat rule) and all of `maxTokens`; the budget is one worst case.",
    "  Passes when the call is accepted and spends at most the budget.",
    "- Free-model ledgers: two orchestrators share a ledger whose hard budget is already spent; reservations expire after 1 ms. Passes when",
    "  every free call succeeds and is recorded.",
    "- Skewed-clock ledgers: two trackers share a hard budget of ten worst cases; one's clock runs 2 hours ahead. Passes at ≤ 100% spent.",
    "",
    "Before the fixes (the cost tracker of commit d1f0cf7 under these families): 10 of 31 passed. A negative count was charged $-675 and",
    "an absurd one $7.5e+293 (every later call refused); every SQLite and Redis ledger given a bad count became unreadable; dense text",
    "spent 130-190% of a budget of one worst case (control characters 2.98x the old bound); free calls on Redis failed",
    "`ERR value is not an integer` once a $0 reservation was freed (1 of 25 succeeded, 2 of 26 attempts recorded); the skewed",
    "process freed the other's live reservations and 200% of the budget was spent, on SQLite and on Redis.",
    "",
    markdownTable(["family", "case", "verdict", "figures"], results.map((result) => [result.family, result.name, result.passed ? "PASS" : "FAIL", result.detail.replaceAll("|", "\\|")])),
    ""
  ].join("\n")
}

/** Whether redis-server is installed (the Redis rows run only then). */
export const hasRedisServer = (): boolean => spawnSync("redis-server", ["--version"]).status === 0
