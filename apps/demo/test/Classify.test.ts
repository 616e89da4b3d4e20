import { describe, expect, it } from "vitest"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { classifyCommand } from "../src/ClassifyCommand.ts"
import type { Terminal } from "../src/Terminal.ts"
import { UsageError } from "../src/UsageError.ts"

const capture = () => {
  let out = ""
  let err = ""
  const terminal: Terminal = {
    stdout: { write: (text: string) => { out += text } },
    stderr: { write: (text: string) => { err += text } },
    env: {},
    signal: new AbortController().signal
  }
  return { terminal, out: () => out, err: () => err }
}

describe("orch classify", () => {
  it("shows the type, the payload found and the strongest features behind the decision", async () => {
    const io = capture()
    const code = await classifyCommand(["make this cleaner\n\n```python\ndef f(l):\n    return [x for x in l if x != None]\n```"], io.terminal)
    expect(code).toBe(0)
    const lines = io.out().split("\n")
    expect(lines[0]).toMatch(/^code_review \(confidence [01]\.\d\d, by signals\)$/)
    expect(lines).toContain("payload: code")
    expect(io.out()).toContain("strongest features")
    expect(io.out()).toMatch(/\+\d\.\d\d {2}code_review {10}\S/)
  })

  it("gives the features and scores as JSON", async () => {
    const io = capture()
    await classifyCommand(["Traceback (most recent call last):\n  File \"dag.py\", line 2, in <module>\n    import airflow.contrib\nModuleNotFoundError: No module named 'airflow.contrib'", "--json"], io.terminal)
    const json = JSON.parse(io.out()) as { taskType: string; payloads: Array<string>; features: Array<{ name: string; type: string; weight: number }>; scores: Record<string, number> }
    expect(json.taskType).toBe("error_diagnosis")
    expect(json.payloads).toEqual(["traceback"])
    expect(json.features.some((f) => f.name === "payload traceback" && f.type === "error_diagnosis" && f.weight > 0)).toBe(true)
    expect(Object.values(json.scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6)
  })

  it("evaluates a labelled file: accuracy, per-type precision and recall, the confusion matrix and coverage", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "orch-classify-"))
    const file = path.join(dir, "labelled.jsonl")
    fs.writeFileSync(file, [
      { prompt: "Write a Python function that reverses a list", label: "CODE_GENERATION" },
      { prompt: "Summarize this article in three sentences: the council met and agreed.", label: "summarization" },
      { prompt: "Write a haiku about autumn rain", label: "code_review", uncertain: true }
    ].map((row) => JSON.stringify(row)).join("\n"))
    const io = capture()
    expect(await classifyCommand(["--file", file], io.terminal)).toBe(0)
    const out = io.out()
    expect(out).toContain("type                 precision  recall  support")
    expect(out).toMatch(/code_review\s+-\s+0\.000\s+1/)
    expect(out).toContain("confusion (rows: label, columns: predicted)")
    expect(out).toMatch(/^code_review( +\d+){8}$/m)
    expect(out).toMatch(/confident \(confidence >= 0\.5\): coverage=\d\.\d{3} accuracy=/)
    expect(out.trim().split("\n").at(-1)).toBe("accuracy=0.667 correct=2 total=3 certain_accuracy=1.000 certain_total=2")
    const json = capture()
    await classifyCommand(["--file", file, "--json"], json.terminal)
    const parsed = JSON.parse(json.out()) as { total: number; confusion: Record<string, Record<string, number>> }
    expect(parsed.total).toBe(3)
    expect(parsed.confusion["code_review"]?.["general"]).toBe(1)
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it("names the bad line of a labelled file", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "orch-classify-"))
    const file = path.join(dir, "bad.jsonl")
    fs.writeFileSync(file, `${JSON.stringify({ prompt: "hi", label: "general" })}\n${JSON.stringify({ prompt: "x", label: "astrology" })}\n`)
    await expect(classifyCommand(["--file", file], capture().terminal)).rejects.toThrow(UsageError)
    await expect(classifyCommand(["--file", file], capture().terminal)).rejects.toThrow(/line 2/)
    fs.rmSync(dir, { recursive: true, force: true })
  })
})
