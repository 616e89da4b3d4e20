// Installs as a user would: `npm pack` the packages, install @orch/core with only @orch/providers-local into a
// scratch project outside the workspace, and run a completion against a loopback server acting as Ollama. Proves
// a user can install only what they need, and that nothing imports an SDK that is not installed (no
// @orch/providers-cloud, no @anthropic-ai/sdk, no node-llama-cpp there).
import { execFile } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { promisify } from "node:util"
import { startWireServer, type WireServer } from "@orch/testing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const run = promisify(execFile)
const root = path.resolve(import.meta.dirname, "../../..")
const packed = ["provider", "openai-compat", "strategies", "task-router", "cost-tracker", "core", "providers-local"]
// npm itself runs on whatever node is first on PATH; node_modules/.bin holds the workspace's Node 24.
const env = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ""}`, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" }

describe("installing @orch/core with only @orch/providers-local", () => {
  let scratch: string
  let server: WireServer
  beforeAll(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "orch-install-"))
    const tarballs: Record<string, string> = {}
    for (const dir of packed) {
      const packageDir = path.join(root, "packages", dir)
      if (!fs.existsSync(path.join(packageDir, "dist/index.js"))) throw new Error(`${dir} is not built: run nx build first`)
      const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", scratch], { cwd: packageDir, env })
      const [info] = JSON.parse(stdout) as Array<{ name: string; filename: string }>
      tarballs[info!.name] = `file:./${info!.filename}`
    }
    fs.writeFileSync(path.join(scratch, "package.json"), JSON.stringify({ name: "scratch", private: true, type: "module", dependencies: tarballs }, null, 2))
    await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: scratch, env, timeout: 240_000 })
    server = await startWireServer({ models: ["llama3.2:1b"] })
  }, 300_000)
  afterAll(async () => {
    await server?.close()
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true })
  })

  it("has no cloud SDK and no embedded engine installed", () => {
    for (const absent of ["@orch/providers-cloud", "@anthropic-ai/sdk", "node-llama-cpp"]) {
      expect(fs.existsSync(path.join(scratch, "node_modules", absent)), absent).toBe(false)
    }
  })

  it("runs a completion from the environment with getOrchestrator", async () => {
    server.enqueue({ kind: "synth", text: "installed and working" })
    const script = `
      import { getOrchestrator } from "@orch/core"
      const orchestrator = await getOrchestrator()
      const response = await orchestrator.complete("Say hello", { strategy: "local_first" })
      console.log(JSON.stringify({ text: response.text, provider: response.provider, attempts: response.attempts.length }))
      await orchestrator.dispose()
    `
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
      cwd: scratch,
      env: { PATH: env.PATH, HOME: scratch, OLLAMA_HOST: server.url, VLLM_BASE_URL: "http://127.0.0.1:9/v1" },
      timeout: 60_000
    })
    expect(JSON.parse(stdout.trim().split("\n").at(-1)!)).toEqual({ text: "installed and working", provider: "ollama", attempts: 1 })
  })
})
