/**
 * The two reports at the repo root: each part writes its section to `apps/proving-ground/results/<part>.md`, and
 * RELIABILITY.md (faults, bad input, load) and BENCHMARKS.md (bench) are composed from the sections there, so one
 * part can be rerun alone without losing the others.
 */
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

/** The parts of the proving ground, in the order `main.ts` runs them. */
export const parts = ["faults", "bad-input", "load", "bench", "money", "secrets", "hostile-callers", "terminal-escapes", "deadlines"] as const
/** One part. */
export type Part = (typeof parts)[number]

const appDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
/** The repository root. */
export const repoRoot = path.resolve(appDirectory, "../..")
const resultsDirectory = path.join(appDirectory, "results")

/** Save a part's section. */
export const saveSection = async (part: Part, markdown: string): Promise<void> => {
  await fs.mkdir(resultsDirectory, { recursive: true })
  await fs.writeFile(path.join(resultsDirectory, `${part}.md`), markdown)
}

const readSection = async (part: Part): Promise<string> =>
  fs.readFile(path.join(resultsDirectory, `${part}.md`), "utf8").catch(() => `_Not run yet: \`npm run proving-ground -- ${part}\`._\n`)

/** A markdown table. */
export const markdownTable = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string =>
  [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`, ...rows.map((row) => `| ${row.join(" | ")} |`)].join("\n")

const machine = `Node ${process.version}, ${process.platform}/${process.arch}, 2 cores shared with other work`

/** Write RELIABILITY.md and BENCHMARKS.md at the repo root from the saved sections. */
export const writeReports = async (findings: string): Promise<void> => {
  const reliability = [
    "# Reliability of @orch: faults, bad input, load",
    "",
    "Produced by the proving ground (`apps/proving-ground`) against the loopback wire substrate of `@orch/testing`, the",
    "real provider packages and the real orchestrator. Everything: `npm run proving-ground` (about 5 minutes). One part:",
    "`npm run proving-ground -- faults`, `-- bad-input`, `-- load`. The CI sample: `cd apps/proving-ground && npx vitest run`.",
    `Machine: ${machine}.`,
    "",
    "## Faults",
    await readSection("faults"),
    "## Bad input",
    await readSection("bad-input"),
    "## Load",
    await readSection("load"),
    "## Money",
    await readSection("money"),
    "## Secrets in URLs, headers and echoes",
    await readSection("secrets"),
    "## Hostile JavaScript callers",
    await readSection("hostile-callers"),
    "## Terminal escapes",
    await readSection("terminal-escapes"),
    "## Deadlines under stalled servers",
    await readSection("deadlines"),
    "## Bugs and gaps found",
    findings
  ].join("\n")
  const benchmarks = [
    "# Benchmarks of @orch",
    "",
    "Produced by `npm run proving-ground -- bench` (part of `npm run proving-ground`). Every ratio compares two sides",
    "measured in the same run, on the same server; figures are medians over rounds.",
    `Machine: ${machine}.`,
    "",
    // The peer benchmark (issue #18) runs on its own (`src/PeerBench.ts`); its figures and notes are kept in results/peers.md.
    await fs.readFile(path.join(resultsDirectory, "peers.md"), "utf8").catch(() => ""),
    await readSection("bench")
  ].join("\n")
  await fs.writeFile(path.join(repoRoot, "RELIABILITY.md"), reliability)
  await fs.writeFile(path.join(repoRoot, "BENCHMARKS.md"), benchmarks)
}
