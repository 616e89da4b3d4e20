import { describe, expect, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"

const script = fileURLToPath(new URL("../scripts/eval.ts", import.meta.url))
const heldout = fileURLToPath(new URL("../data/heldout.jsonl", import.meta.url))
const runEval = (...args: ReadonlyArray<string>) =>
  spawnSync(process.execPath, ["--conditions=@orch/source", script, ...args], { encoding: "utf8", timeout: 20_000 })

describe("router:eval", () => {
  it("prints per-type figures and ends with the accuracy line (held-out prompts written for @orch)", () => {
    const run = runEval(heldout)
    expect(run.status).toBe(0)
    const lines = run.stdout.trim().split("\n")
    expect(lines).toContain("confusion (rows: label, columns: predicted)")
    const last = lines.at(-1) ?? ""
    const match = /^accuracy=(\d\.\d+) correct=(\d+) total=(\d+) certain_accuracy=(\d\.\d+) certain_total=(\d+)$/.exec(last)
    expect(match).not.toBeNull()
    expect(Number(match?.[3])).toBe(80)
    expect(Number(match?.[4])).toBeGreaterThanOrEqual(0.85)
  })

  it("fails loudly when the file is missing", () => {
    const run = runEval("/nonexistent/prompts.jsonl")
    expect(run.status).toBe(1)
    expect(run.stderr).toContain("no such file: /nonexistent/prompts.jsonl")
    expect(runEval().status).toBe(1)
  })
})
