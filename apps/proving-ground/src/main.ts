/**
 * The proving ground's entry point: `npm run proving-ground` runs every part (faults, bad-input, load, bench) and
 * writes RELIABILITY.md and BENCHMARKS.md at the repo root; `npm run proving-ground -- <part>` runs one part.
 * The load part reruns itself under `--expose-gc` for honest heap figures.
 */
import { execFile } from "node:child_process"
import * as path from "node:path"
import { promisify } from "node:util"
import { badInputCases, runBadInputs } from "./BadInput.ts"
import { fallbackTiming, httpOverhead, inProcessOverhead, localVersusCloud, type Table } from "./Benchmarks.ts"
import { cellName, cells, checks, runMatrix } from "./FaultMatrix.ts"
import { deadlineTerms, runDeadlineCases } from "./Deadlines.ts"
import { hasRedisServer, moneySection, runMoneyFamilies } from "./Money.ts"
import { benchNotes, findings } from "./Findings.ts"
import { requestLoad, streamLoad } from "./Load.ts"
import { watchProcess } from "./Observation.ts"
import { markdownTable, type Part, parts, repoRoot, saveSection, writeReports } from "./Reports.ts"
import { orchestratorOver, startBackend, closeBackends } from "./Substrate.ts"
import { runHostileCases } from "./HostileCallers.ts"
import { runSecretCases } from "./SecretChannels.ts"
import { runEscapeCases } from "./TerminalEscapes.ts"

const run = promisify(execFile)
const node = process.execPath
const say = (line: string) => process.stdout.write(`${line}\n`)

const faultsPart = async (): Promise<string> => {
  // The first OpenAI-priced call builds the tokenizer (seconds of blocked event loop): pay it before the matrix.
  const warm = await startBackend("openai")
  const warmOrchestrator = orchestratorOver([warm], { deadlineMs: 60_000 })
  await warmOrchestrator.complete("warm up", { strategy: "cloud_only" })
  await warmOrchestrator.dispose()
  await closeBackends([warm])
  const list = cells()
  const watch = watchProcess()
  const started = performance.now()
  const results = await runMatrix(list, watch, (done) => { if (done % 100 === 0) watch.print(`  faults: ${done}/${list.length} cells`) })
  watch.stop()
  const seconds = (performance.now() - started) / 1000
  const rows = checks.map((check) => {
    const failed = results.filter((r) => r.failures[check] !== undefined).length
    return [check, String(results.length - failed), String(failed)]
  })
  const failing = results.filter((r) => Object.keys(r.failures).length > 0)
  const perFault = new Map<string, { cells: number; failed: number }>()
  for (const r of results) {
    const entry = perFault.get(r.cell.fault.name) ?? { cells: 0, failed: 0 }
    entry.cells++
    if (Object.keys(r.failures).length > 0) entry.failed++
    perFault.set(r.cell.fault.name, entry)
  }
  return [
    `${results.length} cells (${perFault.size} faults × 4 wire formats × 6 strategies × streaming and not), ${seconds.toFixed(0)} s. Each cell: a faulty server of one format, a healthy server of the other kind, deadline 1.5 s, local first-token limit 400 ms.`,
    "",
    markdownTable(["check", "cells passed", "cells failed"], rows),
    "",
    markdownTable(["fault", "cells", "cells with a failed check"], [...perFault].map(([name, e]) => [name, String(e.cells), String(e.failed)])),
    "",
    failing.length === 0 ? "Every cell passed every check." : `Failing cells (${failing.length}; first 40):\n\n${failing.slice(0, 40).map((r) => `- ${cellName(r.cell)}: got ${r.outcome} in ${r.elapsedMs.toFixed(0)} ms; ${Object.entries(r.failures).map(([k, v]) => `${k}: ${v}`).join("; ")}`).join("\n")}`,
    ""
  ].join("\n")
}

const badInputPart = async (): Promise<string> => {
  const results = await runBadInputs()
  const passed = results.filter((r) => r.passed).length
  return [
    `${passed}/${badInputCases.length} bad inputs got a typed error with a readable message and wrote nothing to the ledger.`,
    "",
    markdownTable(["input", "verdict", "what the caller got", "ledger records"], results.map((r) => [r.name, r.passed ? "PASS" : "FAIL", r.got.replaceAll("|", "\\|").replaceAll("\n", " "), String(r.ledgerRecords)])),
    ""
  ].join("\n")
}

const loadPart = async (): Promise<string> => {
  const requests = await requestLoad()
  say("  load: requests done")
  const streams = await streamLoad()
  return ["Command: `npm run proving-ground -- load` (reruns itself with `node --expose-gc`).", "", "### 10,000 requests, 5% faults", ...requests.lines, "", "### 1,000 concurrent streams", ...streams.lines, ""].join("\n")
}

const script = async (relative: string, args: ReadonlyArray<string>, env: Record<string, string>): Promise<string> => {
  const file = path.join(repoRoot, relative)
  try {
    const { stdout } = await run(node, ["--conditions=@orch/source", file, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, timeout: 240_000, maxBuffer: 1 << 22 })
    return stdout.trim()
  } catch (error) {
    return `failed: ${(error as Error).message.slice(0, 300)}`
  }
}

const tableMarkdown = (table: Table): string => [`### ${table.title}`, "", markdownTable(table.header, table.rows), "", table.note ?? "", ""].join("\n")

const benchPart = async (): Promise<string> => {
  const sections: Array<string> = []
  sections.push(tableMarkdown(await inProcessOverhead(5, 2_000)))
  say("  bench: in-process done")
  const [http, firstToken] = await httpOverhead(3, 400)
  for (const table of [http!, firstToken!]) sections.push(tableMarkdown(table))
  say("  bench: http done")
  sections.push(tableMarkdown(await fallbackTiming(15)))
  sections.push(tableMarkdown(await localVersusCloud(5)))
  say("  bench: fallback and local/cloud done")
  const hedging = await script("packages/strategies/bench/hedging.ts", [], { BENCH_CALLS: "1500" })
  const hedgingVirtual = await script("packages/strategies/bench/hedging.ts", ["--virtual"], { BENCH_CALLS: "3000" })
  const raceClose = await script("packages/strategies/bench/race-close.ts", [], { BENCH_CALLS: "100" })
  say("  bench: hedging and race done")
  const embedded = await script("packages/providers-local/bench/embedded.ts", ["3"], {})
  const verdict = (ok: boolean) => (ok ? "met" : "**MISSED**")
  const minRatio = Math.min(...http!.rows.map((row) => Number(row[1])))
  const p99At64 = Number(http!.rows[2]?.[3])
  const firstTokenAdded = Math.max(...firstToken!.rows.map((row) => Number(row[1])))
  const hedgeCut = Number(/p99 cut: ([\d.]+)x/.exec(hedging)?.[1])
  const hedgeExtra = Number(/extra requests: ([\d.]+)%/.exec(hedging)?.[1])
  const embeddedRatio = Number(/ratio ([\d.]+)/.exec(embedded)?.[1])
  sections.unshift(
    "## Targets of issue #10 against this run",
    "",
    markdownTable(["target", "this run", "verdict"], [
      ["HTTP throughput ratio ≥ 0.95 at concurrency 1, 16, 64", `lowest ${minRatio.toFixed(3)}`, verdict(minRatio >= 0.95)],
      ["added p99 < 0.5 ms at concurrency 64", `${p99At64.toFixed(3)} ms`, verdict(p99At64 < 0.5)],
      ["streaming first-token overhead < 0.5 ms (p50, worst concurrency)", `${firstTokenAdded.toFixed(3)} ms`, verdict(firstTokenAdded < 0.5)],
      ["hedging p99 cut ≥ 5x for ≤ 6% extra requests (real time)", `${hedgeCut}x for ${hedgeExtra}%`, verdict(hedgeCut >= 5 && hedgeExtra <= 6)],
      ["embedded tokens/s ratio ≥ 0.95", `${embeddedRatio}`, verdict(embeddedRatio >= 0.95)]
    ]),
    "",
    "What decides these figures and what varies between runs: see \"Notes on these figures\" at the end.",
    ""
  )
  sections.push(benchNotes)
  sections.push(
    "### Hedging and race (the strategies package's bench scripts, run by the proving ground)",
    "", "`BENCH_CALLS=1500 node --conditions=@orch/source packages/strategies/bench/hedging.ts` (real time):", "", "```", hedging, "```",
    "", "`BENCH_CALLS=3000 node --conditions=@orch/source packages/strategies/bench/hedging.ts --virtual` (TestClock):", "", "```", hedgingVirtual, "```",
    "", "Loser abort: `BENCH_CALLS=100 node --conditions=@orch/source packages/strategies/bench/race-close.ts`:", "", "```", raceClose, "```", "",
    "### Embedded model through @orch vs node-llama-cpp directly (stories260K-chatml.gguf, one thread)",
    "", "`node --conditions=@orch/source packages/providers-local/bench/embedded.ts 3`:", "", "```", embedded, "```", ""
  )
  return sections.join("\n")
}

const verdictTable = (summary: string, header: ReadonlyArray<string>, rows: ReadonlyArray<{ readonly passed: boolean; readonly cells: ReadonlyArray<string> }>): string =>
  [`${rows.filter((r) => r.passed).length}/${rows.length} ${summary}`, "", markdownTable(header, rows.map((r) => r.cells.map((c) => c.replaceAll("|", "\\|").replaceAll("\n", " ")))), ""].join("\n")

const secretsPart = async (): Promise<string> => verdictTable(
  "ways of configuring a secret leaked no piece of it (8 characters in a row) into errors, cause chains, logs, spans, providers() or the ledger.",
  ["secret", "verdict", "texts read", "problem"],
  (await runSecretCases()).map((r) => ({ passed: r.passed, cells: [r.name, r.passed ? "PASS" : "FAIL", String(r.channels), r.problem ?? ""] }))
)

const hostilePart = async (): Promise<string> => verdictTable(
  "hostile calls ended in a rejected promise with a typed error (or, for concurrent next(), the answer), with no synchronous throw, well inside the deadline.",
  ["call", "verdict", "what the caller got", "ms"],
  (await runHostileCases()).map((r) => ({ passed: r.passed, cells: [r.name, r.passed ? "PASS" : "FAIL", r.got, r.elapsedMs.toFixed(0)] }))
)

const escapesPart = async (): Promise<string> => verdictTable(
  "ways hostile text reaches the terminal showed no raw control character in human output (`--json` exact).",
  ["where", "verdict", "what the terminal got"],
  (await runEscapeCases()).map((r) => ({ passed: r.passed, cells: [r.name, r.passed ? "PASS" : "FAIL", r.got] }))
)

const deadlinesPart = async (): Promise<string> => verdictTable(
  `calls against servers that accept the connection and never answer ended by their ${deadlineTerms.deadlineMs} ms deadline (allowance ${deadlineTerms.allowanceMs} ms for a loaded machine) with a typed error.`,
  ["call", "verdict", "what the caller got", "ms"],
  (await runDeadlineCases()).map((r) => ({ passed: r.passed, cells: [r.name, r.passed ? "PASS" : "FAIL", r.got, r.elapsedMs.toFixed(0)] }))
)

const runners: Record<Part, () => Promise<string>> = {
  faults: faultsPart, "bad-input": badInputPart, load: loadPart, bench: benchPart,
  money: async () => moneySection(await runMoneyFamilies(say), hasRedisServer()),
  secrets: secretsPart, "hostile-callers": hostilePart, "terminal-escapes": escapesPart, deadlines: deadlinesPart
}

const requested = process.argv[2]
if (requested !== undefined && !(parts as ReadonlyArray<string>).includes(requested)) {
  say(`unknown part "${requested}": use one of ${parts.join(", ")} (or none for all)`)
  process.exit(2)
}
const chosen: ReadonlyArray<Part> = requested === undefined ? parts : [requested as Part]
for (const part of chosen) {
  const started = performance.now()
  say(`proving ground: ${part}`)
  if (part === "load" && (globalThis as { gc?: unknown }).gc === undefined) {
    // Heap figures need a forced GC: rerun this part in a child under --expose-gc.
    const { stdout } = await run(node, ["--expose-gc", "--conditions=@orch/source", process.argv[1]!, "load"], { cwd: repoRoot, maxBuffer: 1 << 22, timeout: 300_000 })
    process.stdout.write(stdout)
  } else {
    await saveSection(part, await runners[part]())
  }
  say(`proving ground: ${part} done in ${((performance.now() - started) / 1000).toFixed(0)} s`)
}
await writeReports(findings)
say("wrote RELIABILITY.md and BENCHMARKS.md")
