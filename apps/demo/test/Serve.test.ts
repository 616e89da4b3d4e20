// `orch serve` end to end, as a subprocess: exactly one line on stdout when ready, calls through curl-like HTTP
// (fetch) to the embedded model and to a loopback OpenAI stand-in, config aliases, a keys file, and the graceful
// stop on SIGTERM and SIGINT with a streamed call in flight that still finishes.
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { requireShared, startWireServer, tinyChatModelPath, unusedPortUrl, type WireServer } from "@orch/testing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Served, startServe as startServeProcess } from "./ServeProcess.ts"

const haveModel = requireShared("models", "stories260K-chatml.gguf")
const upstreamKey = "sk-serve-upstream-5e6f7a8b9c0d"
const clientKey = "sk-serve-client-1f2e3d4c5b6a"

let home: string
let deadPort: string
let cloud: WireServer

/** Start `orch serve --port 0 ARGS` over the embedded model and the OpenAI stand-in. */
const startServe = (args: ReadonlyArray<string>, env: Record<string, string> = {}): Promise<Served> =>
  startServeProcess(["--port", "0", ...args], {
    HOME: home, XDG_DATA_HOME: path.join(home, "data"), XDG_CACHE_HOME: path.join(home, "cache"),
    OLLAMA_HOST: deadPort, VLLM_BASE_URL: `${deadPort}/v1`, ORCH_LLAMA_MODEL: tinyChatModelPath(), ORCH_LLAMA_THREADS: "1",
    OPENAI_API_KEY: upstreamKey, OPENAI_BASE_URL: `${cloud.url}/v1`, ...env
  })

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) })

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), "orch-serve-"))
  deadPort = await unusedPortUrl()
  cloud = await startWireServer({ models: ["gpt-4o-mini", "gpt-unpriced-test"] })
})
afterAll(async () => {
  await cloud?.close()
  fs.rmSync(home, { recursive: true, force: true })
})

describe.skipIf(!haveModel)("orch serve", () => {
  it("prints one line when ready, answers, and on SIGTERM finishes the call in flight and exits 0", async () => {
    const served = await startServe([])
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const local = await post(served.url, { model: "orch/local-only", messages: [{ role: "user", content: "Once upon a time" }], max_tokens: 12, temperature: 0 })
    expect(local.status).toBe(200)
    expect(((await local.json()) as { orch: { provider: string } }).orch.provider).toBe("llamacpp")

    // A model with no known price: the cost tracker logs a warning, which must not reach stdout.
    const unpriced = await post(served.url, { model: "openai/gpt-unpriced-test", messages: [{ role: "user", content: "hi" }], max_tokens: 5 })
    expect(unpriced.status).toBe(200)
    cloud.enqueue({ kind: "synth", text: "one two three four", perTokenDelayMs: 150 })
    const streamed = await post(served.url, { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "count" }], stream: true })
    expect(streamed.status).toBe(200)
    served.child.kill("SIGTERM")
    const text = await streamed.text()
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true)
    expect([...text.matchAll(/"content":"([^"]*)"/g)].map((m) => m[1]).join("")).toBe("one two three four")
    expect(await served.exited).toBe(0)
    expect(served.stdout()).toBe(`listening ${served.url}\n`)
    expect(served.stderr()).not.toContain(upstreamKey)
    expect(served.stderr()).toMatch(/no price for model openai\/gpt-unpriced-test/)
    await expect(fetch(`${served.url}/health`)).rejects.toThrow()
  })

  it("serves the config file's aliases, asks for a key with --keys, and stops on SIGINT", async () => {
    const config = path.join(home, "serve.json")
    fs.writeFileSync(config, JSON.stringify({ strategy: "local_first", aliases: { tiny: { strategy: "local_only", models: ["llamacpp/stories260K-chatml"] } } }))
    const keys = path.join(home, "keys.json")
    fs.writeFileSync(keys, JSON.stringify([{ key: clientKey, name: "team-a", budgetUsd: 1 }]))
    const served = await startServe(["--config", config, "--keys", keys])
    const anonymous = await fetch(`${served.url}/v1/models`)
    expect(anonymous.status).toBe(401)
    const models = await (await fetch(`${served.url}/v1/models`, { headers: { authorization: `Bearer ${clientKey}` } })).json() as { data: Array<{ id: string }> }
    expect(models.data.map((m) => m.id)).toEqual(expect.arrayContaining(["tiny", "orch/auto", "openai/gpt-4o-mini"]))
    const viaAlias = await post(served.url, { model: "tiny", messages: [{ role: "user", content: "Lily" }], max_tokens: 8 }, { authorization: `Bearer ${clientKey}` })
    expect(((await viaAlias.json()) as { orch: { strategy: string; model: string } }).orch).toMatchObject({ strategy: "local_only", model: "llamacpp/stories260K-chatml" })
    served.child.kill("SIGINT")
    expect(await served.exited).toBe(0)
    expect(served.stdout() + served.stderr()).not.toContain(clientKey)
  })

  it("refuses a bad keys file, or a public address without keys, with exit 2, naming the entry but never the key", async () => {
    const keys = path.join(home, "bad-keys.json")
    fs.writeFileSync(keys, JSON.stringify([{ key: clientKey, name: "bad name!" }]))
    const badKeys = await startServe(["--keys", keys]).catch((error: { code: number; stdout: string; stderr: string }) => error)
    expect((badKeys as { code: number }).code).toBe(2)
    expect((badKeys as { stderr: string }).stderr).toMatch(/--keys: entry 1: "name" must be/)
    expect((badKeys as { stderr: string; stdout: string }).stderr + (badKeys as { stdout: string }).stdout).not.toContain(clientKey)
    const open = await startServe(["--host", "0.0.0.0"]).catch((error: { code: number; stderr: string }) => error)
    expect((open as { code: number }).code).toBe(2)
    expect((open as { stderr: string }).stderr).toMatch(/needs API keys/)
  })
})
