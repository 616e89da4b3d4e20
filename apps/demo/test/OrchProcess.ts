// The `orch` command as a subprocess for the end-to-end tests: Node 24 (process.execPath) from the repository root,
// with an explicit environment in a sandbox: a temp HOME with its XDG directories, no real keys, Ollama and vLLM at an
// unused port unless a test points them at a loopback wire server.
import { type ChildProcess, spawn } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { unusedPortUrl } from "@orch/testing"
import { afterAll, beforeAll } from "vitest"

/** The repository root, where every subprocess runs. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..")

/** How a subprocess ended and what it printed. */
export interface ProcessResult {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

/** Run a file with Node 24 from the repository root; resolves when it exits. `onStart` may signal it (Ctrl-C). */
export const runNode = (file: string, args: ReadonlyArray<string>, env: Record<string, string>, onStart?: (child: ChildProcess) => void): Promise<ProcessResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=@orch/source", file, ...args], { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout!.on("data", (chunk: Buffer) => { stdout += chunk.toString() })
    child.stderr!.on("data", (chunk: Buffer) => { stderr += chunk.toString() })
    child.on("error", reject)
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }))
    onStart?.(child)
  })

/** A sandbox for one test file: its temp HOME and dead port (set before the tests run), its environment and `orch`. */
export interface OrchSandbox {
  /** The temp HOME (removed after the file's tests). */
  readonly home: string
  /** A loopback URL nothing listens on. */
  readonly deadPort: string
  /** The environment every subprocess gets. */
  readonly env: () => Record<string, string>
  /** Run `orch` with the sandbox's environment plus `env`. */
  readonly orch: (args: ReadonlyArray<string>, env?: Record<string, string>, onStart?: (child: ChildProcess) => void) => Promise<ProcessResult>
}

/** Make the file's sandbox: created before its tests, removed after them. */
export const orchSandbox = (prefix: string): OrchSandbox => {
  let home = ""
  let deadPort = ""
  const env = (): Record<string, string> => ({
    PATH: process.env["PATH"] ?? "",
    HOME: home,
    XDG_DATA_HOME: path.join(home, "data"),
    XDG_CACHE_HOME: path.join(home, "cache"),
    OLLAMA_HOST: deadPort,
    VLLM_BASE_URL: `${deadPort}/v1`,
    ORCH_DOWNLOAD_STALL_MS: "2000"
  })
  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
    deadPort = await unusedPortUrl()
  })
  afterAll(() => fs.rmSync(home, { recursive: true, force: true }))
  return {
    get home() { return home },
    get deadPort() { return deadPort },
    env,
    orch: (args, extra = {}, onStart) => runNode("apps/demo/src/bin.ts", args, { ...env(), ...extra }, onStart)
  }
}
