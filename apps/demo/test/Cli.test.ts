// The orch command end to end, as a subprocess on Node 24 (process.execPath) with an explicit environment: a temp
// HOME / XDG directories, no real keys, Ollama and vLLM at unused ports unless a test points them at a loopback
// wire server acting as Ollama or OpenAI; the embedded engine on the tiny stories260K model from shared/.
import fs from "node:fs"
import path from "node:path"
import { requireShared, startWireServer, tinyChatModelPath, type WireServer } from "@orch/testing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { orchSandbox, repoRoot, runNode } from "./OrchProcess.ts"

const haveModel = requireShared("models", "stories260K-chatml.gguf")
const sandbox = orchSandbox("orch-demo-")
const orch = sandbox.orch

describe("orch providers", () => {
  it("lists every backend with its state and the fix, and the embedded default", async () => {
    const result = await orch(["providers"])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/ollama\s+local\s+no\s+Ollama at http:\/\/127\.0\.0\.1:\d+ is not reachable/)
    expect(result.stdout).toMatch(/openai\s+cloud\s+no\s+set OPENAI_API_KEY/)
    expect(result.stdout).toContain("llamacpp (default)")
  })

  it("shows Ollama's models and which are loaded when it runs", async () => {
    const server = await startWireServer({ models: ["llama3.2:1b", "qwen2.5:0.5b"], loadedModels: ["qwen2.5:0.5b"] })
    try {
      const result = await orch(["providers"], { OLLAMA_HOST: server.url })
      expect(result.code).toBe(0)
      expect(result.stdout).toMatch(/ollama\s+local\s+yes.*llama3\.2:1b, qwen2\.5:0\.5b\*/)
    } finally {
      await server.close()
    }
  })
})

describe("orch run --json", () => {
  let ollama: WireServer
  let openai: WireServer
  beforeAll(async () => {
    ollama = await startWireServer({ models: ["llama3.2:1b"] })
    openai = await startWireServer({ models: ["gpt-4o-mini"] })
  })
  afterAll(async () => {
    await ollama.close()
    await openai.close()
  })

  it("answers from the loopback server acting as Ollama, with one JSON object and the attempts", async () => {
    ollama.setDefault({ kind: "synth", text: "Local hello there" })
    const result = await orch(["run", "Say hello", "--json", "--strategy", "LOCAL"], { OLLAMA_HOST: ollama.url })
    expect(result.code).toBe(0)
    const json = JSON.parse(result.stdout) as Record<string, unknown>
    expect(json).toMatchObject({ text: "Local hello there", provider: "ollama", model: "llama3.2:1b", strategy: "local_only", taskType: "general", costUsd: 0 })
    expect(json["usage"]).toMatchObject({ outputTokens: 3 })
    expect(json["attempts"]).toEqual([expect.objectContaining({ provider: "ollama", model: "llama3.2:1b", outcome: "success", error: null })])
  })

  it("answers from the loopback server acting as OpenAI, priced, and never prints the key", async () => {
    openai.setDefault({ kind: "synth", text: "Cloud hello", usage: { inputTokens: 1000, outputTokens: 2000 } })
    const key = "sk-canary-demo-5f1e2d3c4b5a"
    const result = await orch(["run", "Say hello", "--json", "--strategy", "cloud"], { OPENAI_API_KEY: key, OPENAI_BASE_URL: `${openai.url}/v1` })
    expect(result.code).toBe(0)
    const json = JSON.parse(result.stdout) as { provider: string; model: string; costUsd: number; usage: { inputTokens: number }; text: string }
    expect(json).toMatchObject({ provider: "openai", text: "Cloud hello", usage: { inputTokens: 1000, outputTokens: 2000 } })
    expect(json.costUsd).toBeGreaterThan(0)
    expect(result.stdout + result.stderr).not.toContain(key)
  })

  it.skipIf(!haveModel)("answers from the embedded model and streams it without --json", async () => {
    const result = await orch(["run", "Once upon a time", "--json", "--max-tokens", "16"], { ORCH_LLAMA_MODEL: tinyChatModelPath() })
    expect(result.code).toBe(0)
    const json = JSON.parse(result.stdout) as { provider: string; model: string; text: string; usage: { outputTokens: number } }
    expect(json.provider).toBe("llamacpp")
    expect(json.model).toBe("stories260K-chatml")
    expect(json.text.length).toBeGreaterThan(0)
    expect(json.usage.outputTokens).toBeLessThanOrEqual(16)
    const streamed = await orch(["run", "Once upon a time", "--max-tokens", "16", "--strategy", "local_first"], { ORCH_LLAMA_MODEL: tinyChatModelPath() })
    expect(streamed.code).toBe(0)
    expect(streamed.stdout).toMatch(/route: task general .* strategy local_first/)
    expect(streamed.stdout).toMatch(/1\s+llamacpp\s+stories260K-chatml\s+primary\s+success/)
  })
})

describe("orch run --schema, --tools and --image", () => {
  let openai: WireServer
  beforeAll(async () => {
    openai = await startWireServer({ models: ["gpt-4o-mini"] })
  })
  afterAll(async () => {
    await openai.close()
  })
  const cloudEnv = () => ({ OPENAI_API_KEY: "sk-test-schema", OPENAI_BASE_URL: `${openai.url}/v1` })

  const writeAnswerSchema = () => {
    const schema = path.join(sandbox.home, "answer.schema.json")
    fs.writeFileSync(schema, JSON.stringify({ type: "object", properties: { capital: { type: "string" } }, required: ["capital"] }))
    return schema
  }

  it("--schema --json sends the schema and prints the parsed object", async () => {
    openai.setDefault({ kind: "synth", text: `{"capital": "Paris"}` })
    const json = await orch(["run", "Capital of France?", "--json", "--model", "openai/gpt-4o-mini", "--schema", writeAnswerSchema()], cloudEnv())
    expect(json.code).toBe(0)
    expect((JSON.parse(json.stdout) as { object: unknown }).object).toEqual({ capital: "Paris" })
    const sent = openai.requests.filter((r) => r.path === "/v1/chat/completions").at(-1)?.body as { response_format?: unknown }
    expect(JSON.stringify(sent.response_format)).toContain("capital")
  })

  it("--schema without --json prints the object, then the route and the attempts", async () => {
    openai.setDefault({ kind: "synth", text: `{"capital": "Paris"}` })
    const human = await orch(["run", "Capital of France?", "--model", "openai/gpt-4o-mini", "--schema", writeAnswerSchema()], cloudEnv())
    expect(human.code).toBe(0)
    expect(human.stdout).toContain(`"capital": "Paris"`)
  })

  it("an answer that misses the schema is a typed MalformedResponse, not an object", async () => {
    const schema = path.join(sandbox.home, "number.schema.json")
    fs.writeFileSync(schema, JSON.stringify({ type: "object", properties: { n: { type: "integer" } }, required: ["n"] }))
    openai.setDefault({ kind: "synth", text: `{"n": "four"}` })
    const result = await orch(["run", "2+2", "--json", "--model", "openai/gpt-4o-mini", "--schema", schema], cloudEnv())
    expect(result.code).not.toBe(0)
    expect((JSON.parse(result.stdout) as { error: { reason: string } }).error.reason).toBe("MalformedResponse")
  })

  it("a file that is not an image, and a missing schema file, are usage errors naming the file", async () => {
    const text = path.join(sandbox.home, "not-an-image.png")
    fs.writeFileSync(text, "hello")
    const image = await orch(["run", "what is this?", "--image", text])
    expect(image.code).toBe(2)
    expect(image.stderr).toContain("not a PNG, JPEG, GIF or WebP image")
    const missing = await orch(["run", "hi", "--schema", path.join(sandbox.home, "nope.json")])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain("no such file")
  })

  it("a tool without a name is a usage error; a schema with an unknown type is a typed InvalidRequest", async () => {
    const tools = path.join(sandbox.home, "tools.json")
    fs.writeFileSync(tools, JSON.stringify([{ description: "no name" }]))
    const badTools = await orch(["run", "hi", "--tools", tools])
    expect(badTools.code).toBe(2)
    expect(badTools.stderr).toContain("tool 1 has no \"name\"")
    const badSchema = path.join(sandbox.home, "bad.schema.json")
    fs.writeFileSync(badSchema, JSON.stringify({ type: "objekt" }))
    const refused = await orch(["run", "hi", "--json", "--model", "openai/gpt-4o-mini", "--schema", badSchema], cloudEnv())
    expect((JSON.parse(refused.stdout) as { error: { reason: string; message: string } }).error).toMatchObject({ reason: "InvalidRequest" })
  })

  const writeCapitalTools = () => {
    const tools = path.join(sandbox.home, "capital-tools.json")
    fs.writeFileSync(tools, JSON.stringify([
      { type: "function", function: { name: "get_capital", description: "The capital of a country", parameters: { type: "object", properties: { country: { type: "string" } }, required: ["country"] } } },
      { name: "get_current_weather", parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"] } }
    ]))
    // The recorded OpenAI answers: a streamed get_capital call (arguments split across chunks), or a whole call.
    openai.setDefault((request) => (request.body as { stream?: boolean }).stream === true
      ? { kind: "replay", fixture: "openai/chat_completion_stream_tool_call.sse", split: { seed: 5 } }
      : { kind: "replay", fixture: "openai/chat_completion_tool_calls.json" })
    return tools
  }

  it("--tools --json offers the tools and gives the calls the model made", async () => {
    const json = await orch(["run", "Capital of France?", "--json", "--model", "openai/gpt-4o-mini", "--tools", writeCapitalTools()], cloudEnv())
    expect(json.code).toBe(0)
    const parsed = JSON.parse(json.stdout) as { toolCalls: ReadonlyArray<{ name: string; arguments: Record<string, unknown> }> }
    expect(parsed.toolCalls).toHaveLength(1)
    expect(["get_capital", "get_current_weather"]).toContain(parsed.toolCalls[0]?.name)
    const sent = openai.requests.filter((r) => r.path === "/v1/chat/completions").at(-1)?.body as { tools?: ReadonlyArray<{ function: { name: string } }> }
    expect(sent.tools?.map((t) => t.function.name)).toEqual(["get_capital", "get_current_weather"])
  })

  it("--tools without --json prints each call: its name and arguments", async () => {
    const human = await orch(["run", "Capital of France?", "--model", "openai/gpt-4o-mini", "--tools", writeCapitalTools()], cloudEnv())
    expect(human.code).toBe(0)
    expect(human.stdout).toMatch(/tool call "(get_capital|get_current_weather)" \{"(country|location)":"[^"]+"\}/)
  })

  it.skipIf(!haveModel)("--image goes only to a model that takes images: the embedded engine is refused before anything runs", async () => {
    const png = path.join(sandbox.home, "pixel.png")
    fs.writeFileSync(png, Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201e5274d6c0000000049454e44ae426082", "hex"))
    const result = await orch(["run", "what is this?", "--json", "--image", png, "--model", "llamacpp/stories260K-chatml"], { ORCH_LLAMA_MODEL: tinyChatModelPath() })
    const json = JSON.parse(result.stdout) as { error: { reason: string; message: string } }
    expect(json.error.reason).toBe("InvalidRequest")
    expect(json.error.message).toContain("cannot take images")
  })
})

describe("errors and exit codes", () => {
  it("a missing provider: CLOUD_ONLY without a key is exit 4 with the variable to set, as JSON", async () => {
    const result = await orch(["run", "hi", "--strategy", "cloud_only", "--json"])
    expect(result.code).toBe(4)
    const json = JSON.parse(result.stdout) as { error: { reason: string; message: string } }
    expect(json.error.reason).toBe("Unavailable")
    expect(json.error.message).toContain("OPENAI_API_KEY")
  })

  it("nothing configured and no network: the embedded default says so and names ORCH_LLAMA_MODEL", async () => {
    // Empty means unset: the default addresses are probed (nothing listens there), then the embedded default is tried.
    const result = await orch(["run", "hi"], { OLLAMA_HOST: "", VLLM_BASE_URL: "" })
    expect(result.code).toBe(4)
    expect(result.stderr).toContain("embedded default")
    expect(result.stderr).toContain("ORCH_LLAMA_MODEL")
  })

  it("a model not pulled in Ollama: exit 4 and the ollama pull command", async () => {
    const server = await startWireServer({ models: ["llama3.2:1b"] })
    server.setDefault({ kind: "json", status: 404, body: { error: "model \"mistral\" not found, try pulling it first" } })
    try {
      const result = await orch(["run", "hi", "--model", "ollama/mistral"], { OLLAMA_HOST: server.url })
      expect(result.stderr).toContain("ollama pull mistral")
      expect(result.code).toBe(4)
    } finally {
      await server.close()
    }
  })

  it("a cost ledger that cannot be opened: exit 1 and ORCH_COST_DB to check, not a provider blamed", async () => {
    const notLedger = path.join(sandbox.home, "not-a-ledger.sqlite")
    fs.writeFileSync(notLedger, "plain text, not a SQLite database ".repeat(8))
    for (const args of [["run", "hi", "--model", "openai/gpt-4o-mini"], ["costs"]]) {
      const result = await orch(args, { OPENAI_API_KEY: "sk-test", ORCH_COST_DB: notLedger })
      expect(result.code, args[0]).toBe(1)
      expect(result.stderr).toContain("The SQLite cost ledger failed")
      expect(result.stderr).toContain("check ORCH_COST_DB")
      expect(result.stderr).not.toContain("not reachable: check the network")
    }
  })

  it("a bad flag, an unknown strategy or a bad config file is a usage error (exit 2)", async () => {
    const badFlag = await orch(["run", "hi", "--bogus"])
    expect(badFlag.code).toBe(2)
    expect(badFlag.stderr).toContain("Unknown option '--bogus'")
    expect(badFlag.stderr).toContain("usage: orch run")
    const badStrategy = await orch(["run", "hi", "--strategy", "fastest"])
    expect(badStrategy.code).toBe(2)
    expect(badStrategy.stderr).toContain("unknown strategy \"fastest\"")
    const config = path.join(sandbox.home, "bad-config.json")
    fs.writeFileSync(config, JSON.stringify({ strategy: "local_first", budgetUsd: "a lot", openaiApiKey: "sk-x" }))
    const badConfig = await orch(["run", "hi", "--config", config])
    expect(badConfig.code).toBe(2)
    expect(badConfig.stderr).toContain("\"budgetUsd\" must be a number")
    expect(badConfig.stderr).toContain("API keys are read from the environment only")
    // A file that is not JSON is said to be so with where, never with the parser's excerpt of it (it may hold a key).
    fs.writeFileSync(config, '{"note": sk-cfgLEAK0123456789abcdef}')
    const broken = await orch(["run", "hi", "--config", config])
    expect(broken.code).toBe(2)
    expect(broken.stderr).toContain("bad-config.json is not valid JSON")
    expect(broken.stderr).not.toContain("sk-cfg")
    for (const credential of ["hfToken", "password", "anthropic_api_key"]) {
      fs.writeFileSync(config, JSON.stringify({ [credential]: "hunter2-not-a-setting" }))
      const refused = await orch(["run", "hi", "--config", config])
      expect(refused.code, credential).toBe(2)
      expect(refused.stderr).toContain(`"${credential}": API keys are read from the environment only`)
      expect(refused.stderr).not.toContain("hunter2")
    }
  })
})

describe("a budget and calls without --max-tokens", () => {
  it("sends the default output limit the budget reserves: ORCH_DEFAULT_MAX_TOKENS, or defaultMaxTokens in --config", async () => {
    const server = await startWireServer({ models: ["gpt-4o-mini"] })
    server.setDefault({ kind: "synth", text: "ok", usage: { inputTokens: 5, outputTokens: 1 } })
    const env = { OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: `${server.url}/v1`, ORCH_BUDGET_USD: "1", ORCH_COST_DB: path.join(sandbox.home, "limit.sqlite") }
    const config = path.join(sandbox.home, "limit-config.json")
    fs.writeFileSync(config, JSON.stringify({ defaultMaxTokens: 96 }))
    try {
      const sent = async (args: ReadonlyArray<string>, extra: Record<string, string>) => {
        server.reset()
        const ran = await orch(["run", "hi", "--model", "openai/gpt-4o-mini", "--json", ...args], { ...env, ...extra })
        expect(ran.code, ran.stderr).toBe(0)
        const body = server.requests.find((r) => r.path === "/v1/chat/completions")?.body as { max_tokens?: number; max_completion_tokens?: number }
        return body.max_completion_tokens ?? body.max_tokens
      }
      expect(await sent([], { ORCH_DEFAULT_MAX_TOKENS: "256" })).toBe(256)
      expect(await sent(["--config", config], {})).toBe(96)
      expect(await sent([], {})).toBe(4096)
      const bad = await orch(["run", "hi"], { ...env, ORCH_DEFAULT_MAX_TOKENS: "lots" })
      expect(bad.code).toBe(2)
      expect(bad.stderr).toContain("ORCH_DEFAULT_MAX_TOKENS must be a whole number above 0")
    } finally {
      await server.close()
    }
  })
})

describe("orch costs", () => {
  it("shows the ledger persisted across two runs, grouped and as CSV", async () => {
    const server = await startWireServer({ models: ["gpt-4o-mini"] })
    server.setDefault({ kind: "synth", text: "ok", usage: { inputTokens: 100, outputTokens: 50 } })
    const env = { OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: `${server.url}/v1`, ORCH_COST_DB: path.join(sandbox.home, "costs.sqlite") }
    try {
      for (const prompt of ["first", "second"]) expect((await orch(["run", prompt, "--json", "--model", "openai/gpt-4o-mini"], env)).code).toBe(0)
    } finally {
      await server.close()
    }
    const table = await orch(["costs", "--by", "provider"], env)
    expect(table.code).toBe(0)
    expect(table.stdout).toMatch(/openai\s+2\s+2\s+0\s+0\s+200\s+100/)
    const csv = await orch(["costs", "--csv", "--since", "1h"], env)
    expect(csv.stdout.trim().split("\n")).toHaveLength(3)
    const badBy = await orch(["costs", "--by", "color"], env)
    expect(badBy.code).toBe(2)
  })
})

describe("orch classify", () => {
  it("classifies a prompt and evaluates a labelled file", async () => {
    const one = await orch(["classify", "Write a python function that reverses a list", "--json"])
    expect(JSON.parse(one.stdout)).toMatchObject({ taskType: "code_generation" })
    const file = path.join(sandbox.home, "labelled.jsonl")
    fs.writeFileSync(file, [
      { prompt: "Write a python function that reverses a list", label: "code_generation" },
      { prompt: "Summarize this article in three sentences: the council met and agreed.", label: "summarization" }
    ].map((row) => JSON.stringify(row)).join("\n"))
    const evaluation = await orch(["classify", "--file", file])
    expect(evaluation.code).toBe(0)
    expect(evaluation.stdout).toContain("accuracy=1.000 correct=2 total=2")
  })
})

describe("scenarios", () => {
  const scenarios: ReadonlyArray<readonly [string, RegExp]> = [
    ["local-first", /answer from openai\/gpt-4o-mini/],
    ["race", /winner: ollama\/qwen2\.5:0\.5b/],
    ["cascade", /accepted answer from openai\/gpt-4o-mini: \{"capital":"Paris"\}/],
    ["vote", /vote: Paris/],
    ["budget", /4 answered, 6 stopped by the budget/],
    ["custom-strategy", /answer from openai\/.*blue whale/i],
    ["auto-routing", /task code_generation[\s\S]*answered by openai\/[\s\S]*task summarization[\s\S]*answered by ollama\//],
    ["agent-loop", /tool call get_current_weather\(\{"city":"Paris"\}\) -> 18 °C, light rain[\s\S]*turn 2: openai\/gpt-4o-mini answered after ollama\/[^ ]+ \(Overloaded\) failed[\s\S]*final answer from openai\/gpt-4o-mini: In Paris[\s\S]*received the conversation as user -> assistant -> tool/]
  ]
  it.each(scenarios)("%s runs to completion on the loopback stand-ins", async (name, expected) => {
    const result = await runNode(`apps/demo/src/scenarios/${name}.ts`, [], sandbox.env())
    expect(result.stderr).toBe("")
    expect(result.code).toBe(0)
    expect(result.stdout).toContain("loopback stand-ins")
    expect(result.stdout).toMatch(expected)
  })

  it("every scenario file is covered", () => {
    const files = fs.readdirSync(path.join(repoRoot, "apps/demo/src/scenarios")).map((f) => f.replace(/\.ts$/, "")).sort()
    expect(files).toEqual(scenarios.map(([name]) => name).sort())
  })
})
