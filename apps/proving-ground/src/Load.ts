/**
 * Load: 10,000 requests at concurrency 200 through the orchestrator against the substrate with 5% random faults
 * (all end, the hard budget holds, the ledger matches, the heap returns), and 1,000 concurrent streams (heap per
 * open stream, time to first token added by @orch at that load). Run with `--expose-gc` for the heap figures.
 */
import { isProviderError } from "@orch/provider"
import type { Behavior } from "@orch/testing"
import OpenAI from "openai"
import { fixed, median, percentile } from "./Statistics.ts"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { canaryKey, closeBackends, orchestratorOver, startBackend } from "./Substrate.ts"

/** The figures of the load part. */
export interface LoadFigures {
  readonly lines: ReadonlyArray<string>
  readonly passed: boolean
}

const heapMb = async (): Promise<number> => {
  const gc = (globalThis as { gc?: () => void }).gc
  for (let i = 0; i < 3; i++) { gc?.(); await new Promise((resolve) => setImmediate(resolve)) }
  return process.memoryUsage().heapUsed / 1_048_576
}

/** A seeded pseudo-random generator (mulberry32), so a run's faults can be replayed. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const loadFaults: ReadonlyArray<Behavior> = [
  { kind: "fault", fault: "server-500" }, { kind: "fault", fault: "server-503" }, { kind: "fault", fault: "reset-before-headers" },
  { kind: "fault", fault: "malformed-json" }, { kind: "fault", fault: "rate-limit", retryAfterMs: "5" }, { kind: "fault", fault: "overloaded-529" }
]

/** 10,000 requests at concurrency 200, 5% faults, a hard budget that runs out part way. */
export const requestLoad = async (requests = 10_000, concurrency = 200): Promise<LoadFigures> => {
  const cloud = await startBackend("openai")
  const random = seeded(42)
  let faulted = 0
  cloud.server!.setDefault(() => {
    if (random() < 0.05) { faulted++; return loadFaults[Math.floor(random() * loadFaults.length)]! }
    return { kind: "synth", text: "one two three four five six" }
  })
  // gpt-4o-mini: 0.15 / 0.6 USD per million; ~2 in + 6 out tokens ≈ 3.9e-6 USD a call: the budget runs out near 6,400 calls.
  const budgetUsd = 0.025
  // Warm the process first (JIT, module caches, the SDK's pools) with a separate orchestrator and no budget, so the
  // heap comparison measures what the measured run adds, not one-time warm-up.
  const warm = orchestratorOver([cloud], { deadlineMs: 60_000 })
  let warmed = 0
  await Promise.all(Array.from({ length: 50 }, async () => {
    while (warmed < 1_000) { warmed++; await warm.complete("Say hello", { strategy: "cloud_only", maxTokens: 16 }).catch(() => undefined) }
  }))
  await warm.dispose()
  const warmServed = cloud.generations()
  faulted = 0
  // A SQLite ledger keeps the records on disk, so the heap measures what @orch holds per request, not the records
  // an in-memory ledger keeps by design.
  const ledgerDir = fs.mkdtempSync(path.join(os.tmpdir(), "orch-load-"))
  const orchestrator = orchestratorOver([cloud], { deadlineMs: 60_000, budgetUsd, ledger: { type: "sqlite", path: path.join(ledgerDir, "ledger.sqlite") } })
  await orchestrator.complete("warm up", { strategy: "cloud_only" })
  const warmRecords = 1
  const heapBefore = await heapMb()
  let ok = 0
  let budgetStops = 0
  let otherErrors = 0
  let untyped = 0
  let next = 0
  const started = performance.now()
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < requests) {
      next++
      try {
        await orchestrator.complete("Say hello", { strategy: "cloud_only", maxTokens: 16 })
        ok++
      } catch (error) {
        if (!isProviderError(error)) untyped++
        else if (JSON.stringify(error.reason).includes("BudgetExceeded")) budgetStops++
        else otherErrors++
      }
    }
  }))
  const wallMs = performance.now() - started
  const summary = await orchestrator.costs.summary()
  const served = cloud.generations() - warmServed
  const ended = ok + budgetStops + otherErrors + untyped
  // The substrate records every request it served; forget them before measuring what @orch still holds.
  cloud.server!.reset()
  const heapAfter = await heapMb()
  await orchestrator.dispose()
  await closeBackends([cloud])
  fs.rmSync(ledgerDir, { recursive: true, force: true })
  const growth = (heapAfter - heapBefore) / heapBefore
  const checks = {
    allEnded: ended === requests && untyped === 0,
    budgetHolds: summary.totals.costUsd <= budgetUsd + 1e-12,
    ledgerMatches: summary.totals.attempts === served,
    heapReturns: growth <= 0.10
  }
  return {
    passed: Object.values(checks).every(Boolean),
    lines: [
      `- ${requests} requests at concurrency ${concurrency} in ${fixed(wallMs / 1000, 1)} s (${fixed(requests / (wallMs / 1000), 0)} req/s); ${faulted} faults injected (${fixed((100 * faulted) / served, 1)}% of served requests).`,
      `- Ended: ${ended}/${requests} (${ok} answered, ${budgetStops} stopped by the budget, ${otherErrors} other typed errors, ${untyped} untyped) — ${checks.allEnded ? "PASS" : "FAIL"}.`,
      `- Hard budget ${budgetUsd} USD: ledger total ${summary.totals.costUsd.toFixed(9)} USD — ${checks.budgetHolds ? "PASS (never exceeded)" : "FAIL (exceeded)"}.`,
      `- Ledger: ${summary.totals.attempts} attempt records (${warmRecords} warm-up) vs ${served} generation requests the substrate served — ${checks.ledgerMatches ? "PASS" : "FAIL"}.`,
      `- Heap: ${fixed(heapBefore, 1)} MB before, ${fixed(heapAfter, 1)} MB after (${fixed(growth * 100, 1)}%) — ${checks.heapReturns ? "PASS" : "FAIL"} (target within 10%)${(globalThis as { gc?: unknown }).gc === undefined ? " — WARNING: run without --expose-gc" : ""}.`
    ]
  }
}

/** 1,000 concurrent streams: heap per open stream, and first-token time through @orch vs the openai SDK. */
export const streamLoad = async (streams = 1_000): Promise<LoadFigures> => {
  const cloud = await startBackend("openai")
  // Hold every stream open: the first token at once, then 40 tokens 25 ms apart (about one second).
  cloud.server!.setDefault({ kind: "synth", text: Array.from({ length: 40 }, (_, i) => `w${i}`).join(" "), perTokenDelayMs: 25 })
  const orchestrator = orchestratorOver([cloud], { deadlineMs: 60_000 })
  const sdk = new OpenAI({ baseURL: `${cloud.server!.url}/v1`, apiKey: canaryKey, maxRetries: 0 })
  await orchestrator.complete("warm up", { model: "openai/gpt-4o-mini" })
  const run = async (open: () => AsyncIterable<unknown>, onAllFirst?: () => Promise<void>): Promise<Array<number>> => {
    const first: Array<number> = []
    let pendingFirst = streams
    let release!: () => void
    const allFirst = new Promise<void>((resolve) => { release = resolve })
    const measureAt = allFirst.then(() => onAllFirst?.())
    await Promise.all(Array.from({ length: streams }, async () => {
      const start = performance.now()
      let seen = false
      for await (const _ of open()) {
        if (!seen) { seen = true; first.push(performance.now() - start); if (--pendingFirst === 0) release() }
      }
    }))
    await measureAt
    return first
  }
  const heapIdle = await heapMb()
  let heapOpen = Number.NaN
  const throughOrch = await run(() => orchestrator.stream("Say hello", { model: "openai/gpt-4o-mini" }), async () => { heapOpen = await heapMb() })
  const direct = await run(() => ({
    [Symbol.asyncIterator]: async function*() {
      const stream = await sdk.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Say hello" }], stream: true })
      for await (const chunk of stream) if ((chunk.choices[0]?.delta?.content ?? "") !== "") yield chunk
    }
  }))
  await orchestrator.dispose()
  await closeBackends([cloud])
  const perStreamKb = ((heapOpen - heapIdle) * 1024) / streams
  return {
    passed: throughOrch.length === streams && direct.length === streams,
    lines: [
      `- ${streams} concurrent streams through @orch: ${throughOrch.length} reached their first token; heap ${fixed(heapIdle, 1)} MB idle, ${fixed(heapOpen, 1)} MB with all open: ${fixed(perStreamKb, 1)} KB per open stream (includes the substrate's own socket state in this process).`,
      `- Time to first token at that load: @orch p50 ${fixed(median(throughOrch), 1)} ms / p99 ${fixed(percentile(throughOrch, 99), 1)} ms; openai SDK directly p50 ${fixed(median(direct), 1)} ms / p99 ${fixed(percentile(direct, 99), 1)} ms; added by @orch p50 ${fixed(median(throughOrch) - median(direct), 1)} ms.`
    ]
  }
}
