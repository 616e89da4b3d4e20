/**
 * Terminal escapes: the `orch` command run as a person runs it, against loopback servers whose answers, model names
 * and error messages carry control characters (an OSC that retitles the window, a screen clear, a colour, a carriage
 * return that overwrites the line, a C1 CSI, a bidi override), and with such characters in its own arguments. Human
 * output must show none of them raw; `--json` must keep the text exact.
 */
import { spawn } from "node:child_process"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { startWireServer, unusedPortUrl, type WireServer } from "@orch/testing"
import { repoRoot } from "./Reports.ts"

/** Control text a hostile upstream sends. */
export const hostileText = "pwned\u001b]0;owned\u0007\u001b[2J\u001b[31mred\rOVERWRITE\u009b31m\u202eevil"
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const raw = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

interface Run { readonly code: number | null; readonly stdout: string; readonly stderr: string }

const orch = (args: ReadonlyArray<string>, env: Record<string, string>): Promise<Run> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=@orch/source", "apps/demo/src/bin.ts", ...args], { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => { stdout += chunk.toString() })
    child.stderr.on("data", (chunk: Buffer) => { stderr += chunk.toString() })
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, stdout, stderr }))
  })

/** One way hostile text reaches the terminal, and what must hold. */
export interface EscapeCase {
  readonly name: string
  readonly args: ReadonlyArray<string>
  /** Configure the server before the run. */
  readonly prepare?: (server: WireServer) => void
  /** JSON output: the answer's text must equal `hostileText` (white space aside). */
  readonly json?: boolean
}

/** Every escape case. */
export const escapeCases: ReadonlyArray<EscapeCase> = [
  { name: "an answer streamed to the terminal", args: ["run", "hi", "--model", "ollama/llama3.2:1b"], prepare: (s) => s.setDefault({ kind: "synth", text: hostileText }) },
  { name: "the same answer with --json stays exact", args: ["run", "hi", "--model", "ollama/llama3.2:1b", "--json"], prepare: (s) => s.setDefault({ kind: "synth", text: hostileText }), json: true },
  { name: "an ensemble's member answers", args: ["ensemble", "hi", "--models", "ollama/llama3.2:1b", "--samples", "2"], prepare: (s) => s.setDefault({ kind: "synth", text: hostileText }) },
  { name: "an upstream error message", args: ["run", "hi", "--model", "ollama/llama3.2:1b"], prepare: (s) => s.setDefault({ kind: "json", status: 400, body: { error: hostileText } }) },
  { name: "model names in orch providers", args: ["providers"] },
  { name: "an unknown command, echoed", args: [`run${hostileText}`, "hi"] },
  { name: "an unknown strategy, echoed", args: ["run", "hi", "--strategy", hostileText] },
  { name: "an unknown model id, echoed", args: ["run", "hi", "--model", `ollama/${hostileText}`] }
]

/** The verdict on one case. */
export interface EscapeResult {
  readonly name: string
  readonly passed: boolean
  readonly got: string
}

/** Run the cases against a loopback Ollama that lists a model whose name carries escapes. */
export const runEscapeCases = async (list: ReadonlyArray<EscapeCase> = escapeCases): Promise<ReadonlyArray<EscapeResult>> => {
  const home = await fs.mkdtemp(path.join(os.tmpdir(), "orch-escapes-"))
  const server = await startWireServer({ models: ["llama3.2:1b", `bad${hostileText}`], loadedModels: ["llama3.2:1b"] })
  const dead = await unusedPortUrl()
  const env = { PATH: process.env["PATH"] ?? "", HOME: home, XDG_DATA_HOME: path.join(home, "data"), XDG_CACHE_HOME: path.join(home, "cache"), OLLAMA_HOST: server.url, VLLM_BASE_URL: `${dead}/v1` }
  const results: Array<EscapeResult> = []
  try {
    for (const escapeCase of list) {
      server.reset()
      escapeCase.prepare?.(server)
      const run = await orch(escapeCase.args, env)
      const human = escapeCase.json === true ? run.stderr : `${run.stdout}${run.stderr}`
      const leaked = raw.exec(human)
      let passed = leaked === null && !run.stderr.includes("a bug in orch")
      let got = leaked === null ? `exit ${run.code}, no raw control character` : `exit ${run.code}, raw U+${leaked[0].charCodeAt(0).toString(16).padStart(4, "0")} in the output`
      if (escapeCase.json === true) {
        const text = (() => { try { return (JSON.parse(run.stdout) as { text?: string }).text } catch { return undefined } })()
        const exact = text?.replace(/\s+/g, "") === hostileText.replace(/\s+/g, "")
        passed = passed && exact
        got = `${got}; JSON text ${exact ? "exact" : "changed"}`
      }
      results.push({ name: escapeCase.name, passed, got })
    }
  } finally {
    await server.close()
    await fs.rm(home, { recursive: true, force: true })
  }
  return results
}
