// The orch command under hostile and careless use, end to end as a subprocess: names that exist on Object's prototype,
// numbers that are not decimal, odd data directories, a FIFO as the config, Ctrl-C mid-call, a configured server that
// is down, unknown model ids, upstream text and model names full of terminal escapes, and secrets in every form
// (a key in the environment, `user:secret@` in a base URL) with a server that echoes them back.
import { spawnSync } from "node:child_process"
import fs from "node:fs"
import http from "node:http"
import type { AddressInfo } from "node:net"
import path from "node:path"
import { startWireServer, type WireServer } from "@orch/testing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { orchSandbox } from "./OrchProcess.ts"

const sandbox = orchSandbox("orch-hostile-")
const orch = sandbox.orch

describe("names that exist on Object's prototype are usage errors, not bugs", () => {
  it.each([
    [["constructor"]], [["__proto__"]], [["toString"]], [["hasOwnProperty", "x"]],
    [["run", "hi", "--strategy", "__proto__"]], [["run", "hi", "--strategy", "constructor"]], [["ensemble", "hi", "--strategy", "toString"]],
    [["costs", "--by", "constructor"]], [["costs", "--by", "__proto__"]], [["run", "hi", "--task", "constructor"]]
  ])("orch %j exits 2 with a usage message", async (args) => {
    const result = await orch(args)
    expect(result.stderr).not.toContain("a bug in orch")
    expect(result.code).toBe(2)
  })

  it("a config file with __proto__ or constructor keys names them", async () => {
    const file = path.join(sandbox.home, "proto.json")
    fs.writeFileSync(file, '{"__proto__": {"strategy": "cloud_only"}, "constructor": "x"}')
    const result = await orch(["run", "hi", "--config", file])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('"__proto__" is not a setting')
    expect(result.stderr).toContain('"constructor" is not a setting')
  })
})

describe("numbers are decimal", () => {
  it.each([
    [{ ORCH_DEADLINE_MS: "0b11" }, [], "ORCH_DEADLINE_MS"],
    [{ ORCH_BUDGET_USD: "0x10" }, [], "ORCH_BUDGET_USD"],
    [{ ORCH_DOWNLOAD_STALL_MS: "0x10" }, [], "ORCH_DOWNLOAD_STALL_MS"],
    [{}, ["--max-tokens", "0x10"], "--max-tokens"],
    [{}, ["--max-tokens", "1e3"], "--max-tokens"]
  ])("%j %j is a usage error naming %s", async (env, flags, name) => {
    const result = await orch(["run", "hi", ...flags], env)
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(name)
  })
})

describe("data directories and files", () => {
  it("an empty XDG_DATA_HOME means the default; a relative one is a usage error", async () => {
    const empty = await orch(["costs", "--json"], { XDG_DATA_HOME: "" })
    expect(empty.code).toBe(0)
    expect(JSON.parse(empty.stdout)).toMatchObject({ ledger: path.join(sandbox.home, ".local", "share", "orch", "ledger.sqlite") })
    const relative = await orch(["costs"], { XDG_DATA_HOME: "data" })
    expect(relative.code).toBe(2)
    expect(relative.stderr).toContain("XDG_DATA_HOME must be an absolute path")
  })

  it("a ledger path that is a directory is a clear usage error, for run and costs", async () => {
    for (const args of [["costs"], ["run", "hi"]]) {
      const result = await orch(args, { ORCH_COST_DB: sandbox.home })
      expect(result.code).toBe(2)
      expect(result.stderr).toContain(`the cost ledger ${sandbox.home} is a directory`)
    }
  })

  it.skipIf(process.platform === "win32")("a FIFO given as --config is refused at once, not read forever", async () => {
    const fifo = path.join(sandbox.home, "config.fifo")
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0)
    const result = await orch(["run", "hi", "--config", fifo])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("is a FIFO (named pipe)")
    const directory = await orch(["providers", "--config", sandbox.home])
    expect(directory.code).toBe(2)
    expect(directory.stderr).toContain("is a directory")
  })
})

describe("Ctrl-C", () => {
  it("interrupts a call to a stalled server: exit 130, the request aborted", async () => {
    const server = await startWireServer({ models: ["llama3.2:1b"] })
    server.setDefault({ kind: "fault", fault: "stall" })
    try {
      const result = await orch(["run", "hi", "--model", "ollama/llama3.2:1b"], { OLLAMA_HOST: server.url }, (child) => {
        const poll = setInterval(() => {
          if (server.requests.some((r) => r.path === "/api/chat")) { clearInterval(poll); child.kill("SIGINT") }
        }, 10)
        child.on("close", () => clearInterval(poll))
      })
      expect(result.code).toBe(130)
      expect(result.stderr).toContain("interrupted")
    } finally {
      await server.close()
    }
  })
})

describe("a configured server that is down is never silently replaced", () => {
  it("--model vllm/x with vLLM down names vLLM and the fix, and downloads nothing", async () => {
    const result = await orch(["run", "hi", "--model", "vllm/x"])
    expect(result.code).toBe(4)
    expect(result.stderr).toMatch(/vllm: .*at http:\/\/127\.0\.0\.1:\d+\/v1 is not reachable/)
    expect(result.stderr).toContain("fix: the vLLM server is not reachable")
    expect(result.stderr).toContain("VLLM_BASE_URL")
    expect(result.stderr).not.toContain("using the embedded default")
    expect(result.stderr).not.toContain("Downloading")
    expect(fs.existsSync(path.join(sandbox.home, "cache", "orch", "models"))).toBe(false)
  })

  it("OLLAMA_HOST set and down: the error names Ollama and how to start it or unset it", async () => {
    const result = await orch(["run", "hi", "--json"])
    expect(result.code).toBe(4)
    const json = JSON.parse(result.stdout) as { error: { reason: string; message: string } }
    expect(json.error.reason).toBe("Unavailable")
    expect(json.error.message).toContain("ollama: Ollama at")
    expect(json.error.message).toContain("unset OLLAMA_HOST, VLLM_BASE_URL to use the embedded default")
    expect(result.stderr).toContain("ollama serve")
  })
})

describe("unknown model ids", () => {
  let ollama: WireServer
  beforeAll(async () => { ollama = await startWireServer({ models: ["llama3.2:1b"] }) })
  afterAll(() => ollama.close())
  it("--models with an unknown id is an error naming it, and no model is called", async () => {
    const result = await orch(["ensemble", "hi", "--models", "ollama/llama3.2:1b,ollama/nope"], { OLLAMA_HOST: ollama.url })
    expect(result.code).toBe(4)
    expect(result.stderr).toContain("nope")
    expect(ollama.requests.filter((r) => r.path === "/api/chat")).toHaveLength(0)
  })
})

describe("terminal escapes", () => {
  const evil = "pwned\u001b]0;owned title\u0007\u001b[2J\u001b[31mred\rOVERWRITE\u009b31m\u202eevil"
  let ollama: WireServer
  beforeAll(async () => { ollama = await startWireServer({ models: ["llama3.2:1b", "bad\u001b[5mname"], loadedModels: ["llama3.2:1b"] }) })
  afterAll(() => ollama.close())
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  const raw = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

  it("human output shows them as visible escapes; --json keeps the text exact", async () => {
    ollama.setDefault({ kind: "synth", text: evil })
    const human = await orch(["run", "hi", "--model", "ollama/llama3.2:1b"], { OLLAMA_HOST: ollama.url })
    expect(human.code).toBe(0)
    expect(human.stdout).not.toMatch(raw)
    expect(human.stderr).not.toMatch(raw)
    expect(human.stdout).toContain("pwned\\x1b]0;owned title\\x07")
    const json = await orch(["run", "hi", "--model", "ollama/llama3.2:1b", "--json"], { OLLAMA_HOST: ollama.url })
    expect(json.code).toBe(0)
    expect((JSON.parse(json.stdout) as { text: string }).text.replace(/\s+/g, "")).toBe(evil.replace(/\s+/g, ""))
  })

  it("model names in orch providers and echoed arguments are sanitised too", async () => {
    const providers = await orch(["providers"], { OLLAMA_HOST: ollama.url })
    expect(providers.code).toBe(0)
    expect(providers.stdout).toContain("bad\\x1b[5mname")
    expect(providers.stdout).not.toMatch(raw)
    const unknown = await orch(["run\u001b[2J", "hi"])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).not.toMatch(raw)
    const badStrategy = await orch(["run", "hi", "--strategy", "x\u001b[2Jy"])
    expect(badStrategy.stderr).not.toMatch(raw)
  })
})

describe("secrets never show in the CLI's output", () => {
  const key = "Kq3vT8wN2mZx7bRj5cHf9dLp4sYg6eUa"
  const password = "Pz4Ks9Lw2Qm7Nx3Rv8Tb"
  let echo: http.Server
  let echoUrl: string
  const seen: Array<string> = []
  beforeAll(async () => {
    echo = http.createServer((request, response) => {
      const said = `${request.method} ${request.url} ${JSON.stringify(request.headers)}`
      seen.push(said)
      response.writeHead(request.url === "/v1/models" ? 200 : 400, { "content-type": "application/json" })
      response.end(JSON.stringify(request.url === "/v1/models"
        ? { object: "list", data: [{ id: "gpt-4o-mini", object: "model", created: 0, owned_by: "echo" }] }
        : { error: { message: `Invalid request, you sent ${said}`, type: "invalid_request_error" } }))
    })
    await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve))
    echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => { echo.closeAllConnections(); echo.close(() => resolve()) }))

  it("a key in the environment echoed back, and credentials in a base URL: no piece of either in human or --json output", async () => {
    const env = { OPENAI_API_KEY: key, OPENAI_BASE_URL: `${echoUrl}/v1`, OLLAMA_HOST: `http://admin:${password}@127.0.0.1:${new URL(sandbox.deadPort).port}` }
    const outputs = [
      await orch(["run", "hi", "--model", "openai/gpt-4o-mini"], env),
      await orch(["run", "hi", "--model", "openai/gpt-4o-mini", "--json"], env),
      await orch(["run", "hi"], env),
      await orch(["ensemble", "hi", "--models", "openai/gpt-4o-mini", "--json"], env),
      await orch(["providers"], env),
      await orch(["costs", "--csv"], env)
    ]
    expect(seen.join("\n")).toContain(key)
    const everything = outputs.map((o) => `${o.stdout}\n${o.stderr}`).join("\n")
    expect(everything).toContain("you sent")
    for (const secret of [key, password]) {
      for (let at = 0; at + 8 <= secret.length; at++) expect(everything).not.toContain(secret.slice(at, at + 8))
    }
  }, 180_000)
})

describe("log lines", () => {
  it("a warning from the library goes to stderr, and --json stdout stays one JSON object", async () => {
    const server = await startWireServer({ models: ["house-model-without-a-price"] })
    // A model with no known price: the cost tracker warns that its cost is recorded as unknown.
    server.setDefault({ kind: "synth", text: "ok" })
    try {
      const result = await orch(["run", "hi", "--json", "--model", "openai/house-model-without-a-price"], { OPENAI_API_KEY: "sk-test-key-123456", OPENAI_BASE_URL: `${server.url}/v1` })
      expect(result.code).toBe(0)
      expect(() => JSON.parse(result.stdout) as unknown).not.toThrow()
      expect(result.stderr).toMatch(/WARN.*@orch\/cost-tracker: no price for model/)
    } finally {
      await server.close()
    }
  })
})
