// `orch serve` at its edges, as a subprocess: every command line or file it cannot run with is refused with exit 2, a
// message on stderr and nothing on stdout, and no message repeats a key (a client key or the upstream's), whole or in
// part; an address it cannot bind is the same kind of refusal. Its stop: a call in flight finishes within the grace
// period (however long the CLI's own Ctrl-C bound is), new requests meanwhile get OpenAI's 503, kept-alive connections
// are closed, a call the upstream never answers is cut at the end of the grace period with a 503 or an error event, and
// it exits 0; a second signal exits 130 at once. The upstream is the loopback wire server speaking as OpenAI.
import fs from "node:fs"
import http from "node:http"
import net from "node:net"
import os from "node:os"
import path from "node:path"
import { spawn, spawnSync } from "node:child_process"
import { startWireServer, type WireServer } from "@orch/testing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { interruptGraceMs } from "../src/Cli.ts"
import { orchSandbox, repoRoot } from "./OrchProcess.ts"
import { exchange, type Exchange, nextArrival, startServe } from "./ServeProcess.ts"

const sandbox = orchSandbox("orch-serve-edges-")
const upstreamKey = "sk-upQ7zW9xK2mP4vR8tLb3"
const clientKey = "sk-clJ5hN8cV1bX6zM3kQw7"
const otherKey = "sk-otT4gY7uI0oP2aS5dFg9"

let cloud: WireServer
let dir = ""

beforeAll(async () => {
  cloud = await startWireServer({ models: ["gpt-4o-mini"] })
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "orch-serve-edge-files-"))
})
afterAll(async () => {
  await cloud?.close()
  if (dir !== "") fs.rmSync(dir, { recursive: true, force: true })
})

/** The environment of every run: the sandbox, and OpenAI at the wire server with the upstream key. */
const env = (): Record<string, string> => ({ ...sandbox.env(), OPENAI_API_KEY: upstreamKey, OPENAI_BASE_URL: `${cloud.url}/v1` })

/** A file in the test's directory with `content` (a string as is, anything else as JSON); its path. */
const file = (name: string, content: unknown): string => {
  const target = path.join(dir, name)
  fs.writeFileSync(target, typeof content === "string" ? content : JSON.stringify(content))
  return target
}

/** The first piece of 5 characters of a secret that `text` contains, if any ("sk-ab..." counts). */
const leakedPart = (text: string, secret: string): string | undefined => {
  for (let i = 0; i + 5 <= secret.length; i++) {
    if (text.includes(secret.slice(i, i + 5))) return secret.slice(i, i + 5)
  }
  return undefined
}

const expectNoSecret = (text: string) => {
  for (const secret of [upstreamKey, clientKey, otherKey]) expect(leakedPart(text, secret), `a part of ${secret.slice(0, 3)}... in: ${text}`).toBeUndefined()
}

const chat = (url: string, body: Record<string, unknown>, agent?: http.Agent): Promise<Exchange | { readonly error: string }> =>
  exchange(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], ...body }),
    ...(agent !== undefined ? { agent } : {})
  })

const isExchange = (value: Exchange | { readonly error: string }): value is Exchange => "status" in value

describe("orch serve refuses what it cannot run with: exit 2, a message, nothing on stdout, no key", () => {
  const goodKeys = () => file("good-keys.json", [{ key: clientKey, name: "team-a", budgetUsd: 1 }])
  const cases: ReadonlyArray<readonly [string, () => ReadonlyArray<string>, RegExp]> = [
    ["a port that is not a number", () => ["--port", "http"], /--port must be a whole number from 0 to 65535, not "http"/],
    ["an empty port (not 0)", () => ["--port", ""], /--port must be a whole number/],
    ["a port in hexadecimal", () => ["--port", "0x50"], /--port must be a whole number/],
    ["a port in exponent notation", () => ["--port", "8e3"], /--port must be a whole number/],
    ["a port past 65535", () => ["--port", "65536"], /--port must be a whole number from 0 to 65535, not "65536"/],
    ["a negative port", () => ["--port=-1"], /--port must be a whole number/],
    ["a fractional port", () => ["--port", "80.5"], /--port must be a whole number/],
    ["an unknown flag", () => ["--prot", "8080"], /Unknown option '--prot'/],
    ["a stray argument", () => ["8080"], /unexpected argument "8080"/],
    ["an empty host", () => ["--host", ""], /--host must name an address/],
    ["a grace period that is not a number", () => ["--grace-ms", "soon"], /--grace-ms must be a whole number of milliseconds/],
    ["a missing config file", () => ["--config", path.join(dir, "absent.json")], /--config: no such file/],
    ["a config file that is a directory", () => ["--config", dir], /--config: .* is a directory/],
    ["a config file that is not JSON", () => ["--config", file("broken.json", `{"strategy": "auto", "note": "${upstreamKey}"`)], /--config: .* is not valid JSON/],
    ["a config file that is an array", () => ["--config", file("array.json", [])], /must hold a JSON object/],
    ["a config file naming a key", () => ["--config", file("with-key.json", { openaiApiKey: upstreamKey })], /API keys are read from the environment only/],
    ["a Redis URL that is not one, with a password", () => ["--config", file("bad-redis.json", { redisUrl: `redis://user:${otherKey}@[zz:1` })], /"redisUrl" must be a URL such as/],
    ["a Redis URL of another scheme", () => ["--config", file("http-redis.json", { redisUrl: `http://:${otherKey}@127.0.0.1:6379` })], /"redisUrl" must be a URL such as/],
    ["a grace period in the config that is a string", () => ["--config", file("grace.json", { graceMs: "10" })], /"graceMs" must be a whole number/],
    ["a slot count of 0 (nothing would be served)", () => ["--config", file("no-slots.json", { maxConcurrent: 0 })], /maxConcurrent must be a whole number from 1/],
    ["a body limit as a string", () => ["--config", file("body-limit.json", { maxBodyBytes: "4MB" })], /maxBodyBytes must be a whole number from 1 to 1073741824, not "4MB"/],
    ["a missing keys file", () => ["--keys", path.join(dir, "absent-keys.json")], /--keys: no such file/],
    ["a keys file that is a directory", () => ["--keys", dir], /--keys: .* is a directory/],
    ["a keys file that is not JSON, holding a key", () => ["--keys", file("broken-keys.json", `[{ "key": "${clientKey}", "name": "team-a" `)], /--keys: .* is not valid JSON/],
    ["a keys file that is an object", () => ["--keys", file("object-keys.json", { key: clientKey, name: "team-a" })], /must hold a JSON array/],
    ["a keys file with no keys", () => ["--keys", file("empty-keys.json", [])], /has no keys/],
    ["an entry without a key", () => ["--keys", file("keyless.json", [{ name: "team-a", budgetUsd: 1 }])], /entry 1 \("team-a"\): "key" must be a string/],
    ["an empty key", () => ["--keys", file("empty-key.json", [{ key: "", name: "team-a" }])], /entry 1 \("team-a"\): "key" must be a string/],
    ["a key with a space in it", () => ["--keys", file("spaced-key.json", [{ key: `${clientKey} x`, name: "team-a" }])], /"key" must be .* no spaces/],
    ["a duplicate key", () => ["--keys", file("duplicate-keys.json", [{ key: clientKey, name: "team-a" }, { key: clientKey, name: "team-b" }])], /entry 2 \("team-b"\): its key is the same as an earlier entry's/],
    ["a key written as a field name", () => ["--keys", file("key-as-field.json", [{ [otherKey]: "team-a", key: clientKey, name: "team-a" }])], /a field is not one of them/],
    ["a negative budget", () => ["--keys", file("negative.json", [{ key: clientKey, name: "team-a", budgetUsd: -1 }])], /"budgetUsd" must be a number >= 0/],
    ["a budget as a string", () => ["--keys", file("string-budget.json", [{ key: clientKey, name: "team-a", budgetUsd: "5" }])], /"budgetUsd" must be a number >= 0/],
    ["a budget that is not a number (null for NaN)", () => ["--keys", file("null-budget.json", [{ key: clientKey, name: "team-a", budgetUsd: null }])], /"budgetUsd" must be a number >= 0/],
    ["a public address without keys", () => ["--host", "0.0.0.0"], /needs API keys/],
    ["a good keys file with a bad port after it", () => ["--keys", goodKeys(), "--port", "99999"], /--port must be a whole number/]
  ]

  it.each(cases)("%s", async (_name, args, message) => {
    const result = await sandbox.orch(["serve", ...args()], env())
    expect(result.code).toBe(2)
    expect(result.stdout).toBe("")
    expect(result.stderr).toMatch(message)
    expect(result.stderr).toMatch(/^usage: orch serve/m)
    expectNoSecret(result.stdout + result.stderr)
  })

  it.skipIf(process.platform === "win32" || spawnSync("mkfifo", ["--version"]).status !== 0)("a keys or config file that is a FIFO, without blocking on it", async () => {
    const fifo = path.join(dir, "keys.fifo")
    if (!fs.existsSync(fifo)) expect(spawnSync("mkfifo", [fifo]).status).toBe(0)
    for (const flag of ["--keys", "--config"]) {
      const result = await sandbox.orch(["serve", flag, fifo], env())
      expect(result.code).toBe(2)
      expect(result.stdout).toBe("")
      expect(result.stderr).toMatch(new RegExp(`${flag}: .* is not a regular file`))
    }
  })

  it.skipIf(process.getuid?.() === 0)("a keys or config file it may not read", async () => {
    const locked = file("locked.json", [{ key: clientKey, name: "team-a" }])
    fs.chmodSync(locked, 0o000)
    for (const flag of ["--keys", "--config"]) {
      const result = await sandbox.orch(["serve", flag, locked], env())
      expect(result.code).toBe(2)
      expect(result.stdout).toBe("")
      expect(result.stderr).toMatch(new RegExp(`${flag}: cannot read .* \\(permission denied\\)`))
    }
  })

  it("an address it cannot bind: a port in use, a host name that does not resolve", async () => {
    const holder = net.createServer()
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve))
    const taken = (holder.address() as net.AddressInfo).port
    try {
      const inUse = await sandbox.orch(["serve", "--port", String(taken)], env())
      expect(inUse.code).toBe(2)
      expect(inUse.stdout).toBe("")
      expect(inUse.stderr).toMatch(new RegExp(`cannot listen on 127\\.0\\.0\\.1:${taken}: the port is in use \\(EADDRINUSE\\)`))
      const unresolved = await sandbox.orch(["serve", "--host", "no-such-host.invalid", "--port", "0", "--keys", goodKeys()], env())
      expect(unresolved.code).toBe(2)
      expect(unresolved.stdout).toBe("")
      expect(unresolved.stderr).toMatch(/cannot listen on no-such-host\.invalid:0: the host name does not resolve/)
      expectNoSecret(inUse.stderr + unresolved.stderr)
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()))
    }
  })
})

const hasIpv6Loopback = Object.values(os.networkInterfaces()).flat().some((address) => address?.internal === true && address.family === "IPv6")

describe.skipIf(!hasIpv6Loopback)("orch serve on IPv6 loopback", () => {
  it("takes the address bare or in brackets, as in a URL, and prints it in brackets", async () => {
    for (const host of ["::1", "[::1]"]) {
      const served = await startServe(["--port", "0", "--host", host], env())
      try {
        expect(served.url).toMatch(/^http:\/\/\[::1\]:\d+$/)
        expect(await exchange(`${served.url}/health`, {})).toMatchObject({ status: 200 })
        served.child.kill("SIGTERM")
        expect(await served.exited).toBe(0)
      } finally {
        served.child.kill("SIGKILL")
      }
    }
  })
})

describe("orch serve stops within its grace period, whatever the upstream does", () => {
  /** Resolves when `socket` closes. */
  const closedSocket = (socket: net.Socket): Promise<void> => new Promise((resolve) => {
    if (socket.destroyed) return resolve()
    socket.once("close", () => resolve())
  })

  it("finishes a call slower than the CLI's own Ctrl-C bound, answers new requests 503, closes idle kept-alive connections, exits 0", async () => {
    const served = await startServe(["--port", "0", "--grace-ms", "600000"], env())
    try {
      // An idle kept-alive connection, open before the signal.
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
      const health = await exchange(`${served.url}/health`, { agent })
      expect(health).toMatchObject({ status: 200 })
      const idleSocket = Object.values(agent.freeSockets).flat()[0]!
      expect(idleSocket).toBeDefined()

      // The upstream answers once the test has seen the 503, and no sooner than 1 s past the CLI's Ctrl-C bound.
      let answerNow: () => void = () => undefined
      const held = new Promise<void>((resolve) => { answerNow = resolve })
      const reached = nextArrival(cloud, { kind: "synth", text: "a slow but whole answer", holdUntil: held })
      const slow = chat(served.url, {})
      await reached
      const arrivedAt = performance.now()
      served.child.kill("SIGTERM")
      await closedSocket(idleSocket)
      expect(served.child.exitCode).toBeNull()

      const refused = await chat(served.url, {})
      expect(refused).toMatchObject({ status: 503, headers: { connection: "close", "retry-after": "1" } })
      expect(JSON.parse((refused as Exchange).body)).toEqual({ error: { message: "The gateway is stopping", type: "server_error", param: null, code: "gateway_stopping" } })

      setTimeout(answerNow, Math.max(0, arrivedAt + interruptGraceMs + 1_000 - performance.now()))
      const answered = await slow
      expect(answered).toMatchObject({ status: 200, headers: { connection: "close" } })
      expect((JSON.parse((answered as Exchange).body) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toBe("a slow but whole answer")
      expect(await served.exited).toBe(0)
      expect(served.stdout()).toBe(`listening ${served.url}\n`)
      expectNoSecret(served.stderr())
    } finally {
      served.child.kill("SIGKILL")
      cloud.reset()
    }
  })

  it("cuts calls the upstream never finishes at the end of the grace period: 503 before any text, an error event after, exit 0", async () => {
    const served = await startServe(["--port", "0", "--grace-ms", "200"], env())
    try {
      // One call whose upstream never answers, one whose upstream sends a first piece and then nothing.
      const silent = nextArrival(cloud, { kind: "fault", fault: "stall" })
      const never = chat(served.url, {})
      await silent
      cloud.setDefault({ kind: "raw", body: `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini", choices: [{ index: 0, delta: { role: "assistant", content: "first" }, finish_reason: null }] })}\n\n`, stallAfter: true })
      const streamed = await new Promise<http.IncomingMessage>((resolve, reject) => {
        const request = http.request(`${served.url}/v1/chat/completions`, { method: "POST", agent: false, headers: { "content-type": "application/json" } }, resolve)
        request.on("error", reject)
        request.end(JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], stream: true }))
      })
      expect(streamed.statusCode).toBe(200)
      streamed.setEncoding("utf8")
      let text = ""
      const ended = new Promise<void>((resolve) => {
        streamed.on("end", () => resolve())
        streamed.on("error", () => resolve())
      })
      await new Promise<void>((resolve) => streamed.on("data", (chunk: string) => {
        text += chunk
        if (text.includes("first")) resolve()
      }))
      served.child.kill("SIGTERM")

      const cut = await never
      expect(cut).toMatchObject({ status: 503 })
      expect(JSON.parse((cut as Exchange).body)).toMatchObject({ error: { type: "server_error", code: "gateway_stopping" } })
      await ended
      expect(text).toMatch(/"content":"first"/)
      expect(text).toMatch(/data: \{"error":\{"message":"The gateway is stopping","type":"server_error","param":null,"code":"gateway_stopping"\}\}\n\n$/)
      expect(await served.exited).toBe(0)
      expect(served.stdout()).toBe(`listening ${served.url}\n`)
    } finally {
      served.child.kill("SIGKILL")
      cloud.reset()
    }
  })

  it("exits 130 at once on a second signal, the call in flight or not", async () => {
    const served = await startServe(["--port", "0", "--grace-ms", "600000"], env())
    try {
      const silent = nextArrival(cloud, { kind: "fault", fault: "stall" })
      const never = chat(served.url, {})
      await silent
      served.child.kill("SIGINT")
      // The first signal is taken once the gateway says it is stopping.
      let health: Exchange | { readonly error: string } = await exchange(`${served.url}/health`, {})
      while (isExchange(health) && health.status === 200) health = await exchange(`${served.url}/health`, {})
      expect(health).toMatchObject({ status: 503 })
      served.child.kill("SIGINT")
      expect(await served.exited).toBe(130)
      expect(await never).toMatchObject({ error: expect.any(String) })
    } finally {
      served.child.kill("SIGKILL")
      cloud.reset()
    }
  })

  it("serves on when its stdout reader is gone before the listening line, and says so on stderr", async () => {
    const holder = net.createServer()
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve))
    const port = (holder.address() as net.AddressInfo).port
    await new Promise<void>((resolve) => holder.close(() => resolve()))
    const child = spawn(process.execPath, ["--conditions=@orch/source", "apps/demo/src/bin.ts", "serve", "--port", String(port)], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env["PATH"] ?? "", ...env() } })
    child.stdout.destroy()
    try {
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
      let stderr = ""
      await new Promise<void>((resolve, reject) => {
        child.stderr.on("data", (chunk: Buffer) => {
          stderr += chunk.toString()
          if (/orch: stdout is closed \(EPIPE\)/.test(stderr)) resolve()
        })
        void exited.then((code) => reject(new Error(`orch serve exited (${code}): ${stderr}`)))
      })
      expect(await exchange(`http://127.0.0.1:${port}/health`, {})).toMatchObject({ status: 200 })
      child.kill("SIGTERM")
      expect(await exited).toBe(0)
    } finally {
      child.kill("SIGKILL")
    }
  })

  it("survives hostile requests and its stdin closing, and still answers", async () => {
    const served = await startServe(["--port", "0"], env())
    try {
      const hostile: ReadonlyArray<Promise<Exchange | { readonly error: string }>> = [
        exchange(`${served.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: "{\"model\": " }),
        exchange(`${served.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: "[1, 2]" }),
        exchange(`${served.url}/v1/models/%E0%A4%A`, {}),
        exchange(`${served.url}/v1/chat/completions`, { method: "DELETE" }),
        exchange(`${served.url}/v1/responses`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "openai/gpt-4o-mini", input: 42 }) }),
        exchange(`${served.url}/../../etc/passwd`, {})
      ]
      for (const answer of await Promise.all(hostile)) {
        expect(isExchange(answer) && answer.status >= 400 && answer.status < 500, JSON.stringify(answer)).toBe(true)
        expect(JSON.parse((answer as Exchange).body)).toMatchObject({ error: { type: expect.any(String), message: expect.any(String) } })
      }
      // A body cut off mid-way by its client.
      await new Promise<void>((resolve) => {
        const request = http.request(`${served.url}/v1/chat/completions`, { method: "POST", agent: false, headers: { "content-type": "application/json", "content-length": "1000" } })
        request.on("error", () => resolve())
        request.write("{\"model\": \"openai/gpt-4o-mini\", \"messages\": [", () => {
          request.destroy()
          resolve()
        })
      })
      const answered = await chat(served.url, {})
      expect(answered).toMatchObject({ status: 200 })
      expect(served.child.exitCode).toBeNull()
      served.child.kill("SIGTERM")
      expect(await served.exited).toBe(0)
      expect(served.stdout()).toBe(`listening ${served.url}\n`)
    } finally {
      served.child.kill("SIGKILL")
    }
  })
})
