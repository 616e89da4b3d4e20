import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { ModelInfo } from "@orch/provider"
import { defaultRoutingTable, makeRoutingTable, route, routeSync, TaskRouter, TaskType } from "../src/index.ts"

const model = (id: string, kind: ModelInfo["kind"], extra: Partial<ModelInfo> = {}): ModelInfo => {
  const [provider = "", name = ""] = id.split("/")
  return { id, provider, name, kind, ...extra }
}
const llama = model("ollama/llama3.2", "local", { contextWindow: 8192 })
const qwen = model("ollama/qwen2.5-coder", "local", { contextWindow: 32768, loaded: true })
const mini = model("openai/gpt-4o-mini", "cloud", { contextWindow: 128000 })
const sonnet = model("anthropic/claude-sonnet-4", "cloud", { contextWindow: 200000 })

const codePrompt = { prompt: "Write a TypeScript function that parses a semantic version string." }
const chatPrompt = { prompt: "What's a nice name for a sailing boat?" }

describe("route", () => {
  it("routes with the defaults to whatever is available, never naming an absent model", () => {
    const onlyLocal = routeSync(codePrompt, { available: [llama] })
    expect(onlyLocal.taskType).toBe(TaskType.CODE_GENERATION)
    expect(onlyLocal.models).toEqual(["ollama/llama3.2"])
    expect(onlyLocal.strategy).toBe("cloud_first")
    expect(onlyLocal.reason).toMatch(/^Classified as code generation \(confidence [01]\.\d\d, by signals: .+\); routing to ollama\/llama3\.2 with strategy cloud_first/)
    expect(onlyLocal.reason).toContain("not available")
  })

  it("falls to the next preference in order, and puts loaded local models first", () => {
    const decision = routeSync(codePrompt, { available: [llama, mini, qwen, sonnet] })
    expect(decision.models).toEqual(["anthropic/claude-sonnet-4", "ollama/qwen2.5-coder", "openai/gpt-4o-mini", "ollama/llama3.2"])
    const general = routeSync(chatPrompt, { available: [mini, llama, qwen] })
    expect(general.taskType).toBe(TaskType.GENERAL)
    expect(general.strategy).toBe("local_first")
    expect(general.models).toEqual(["ollama/qwen2.5-coder", "ollama/llama3.2", "openai/gpt-4o-mini"])
  })

  it("fills request defaults the caller left unset, keeping the caller's own", () => {
    const decision = routeSync({ ...codePrompt, maxTokens: 100 }, { available: [mini] })
    expect(decision.request.temperature).toBe(defaultRoutingTable.code_generation.requestDefaults.temperature)
    expect(decision.request.maxTokens).toBe(100)
    expect(decision.requestDefaults).toEqual(defaultRoutingTable.code_generation.requestDefaults)
  })

  it("skips models whose context window is too small for a long input", () => {
    const longText = `Summarize this transcript:\n${"Alice: we should ship on Friday. Bob: agreed, after tests. ".repeat(1200)}`
    const decision = routeSync({ prompt: longText }, { available: [llama, qwen, mini] })
    expect(decision.taskType).toBe(TaskType.SUMMARIZATION)
    expect(decision.models).toEqual(["ollama/qwen2.5-coder", "openai/gpt-4o-mini"])
    expect(decision.reason).toContain("ollama/llama3.2 skipped: context window")
  })

  it.effect("fails with ModelNotFound when nothing matches, ContextLengthExceeded when nothing fits", () =>
    Effect.gen(function*() {
      const none = yield* Effect.flip(route(codePrompt, { available: [] }))
      expect(none.reason._tag).toBe("ModelNotFound")
      const tiny = model("llamacpp/stories260K", "local", { contextWindow: 512 })
      const tooBig = yield* Effect.flip(route({ prompt: `Summarize: ${"word ".repeat(4000)}` }, { available: [tiny] }))
      expect(tooBig.reason._tag).toBe("ContextLengthExceeded")
      const empty = yield* Effect.flip(route({ messages: [{ role: "user", content: "  " }] }, { available: [mini] }))
      expect(empty.reason._tag).toBe("InvalidRequest")
    }))

  it.effect("routes chat messages by the last user turn", () =>
    Effect.gen(function*() {
      const decision = yield* route({
        system: "You are helpful.",
        messages: [
          { role: "user", content: "Write a haiku about autumn." },
          { role: "assistant", content: "Leaves fall..." },
          { role: "user", content: "Now summarize our conversation in one sentence." }
        ]
      }, { available: [mini, llama] })
      expect(decision.taskType).toBe(TaskType.SUMMARIZATION)
    }))
})

describe("routing table", () => {
  it.effect("merges user overrides over the defaults, with weights and patterns", () =>
    Effect.gen(function*() {
      const table = yield* makeRoutingTable({
        CODE_GENERATION: { models: [{ model: "openai/*", weight: 1 }, { model: "local:qwen*", weight: 5 }, { model: "cloud:*", weight: 0 }], strategy: "cascade" },
        general: { requestDefaults: { temperature: 1 } }
      })
      expect(table.code_generation.strategy).toBe("cascade")
      expect(table.general.requestDefaults).toEqual({ ...defaultRoutingTable.general.requestDefaults, temperature: 1 })
      expect(table.reasoning).toEqual(defaultRoutingTable.reasoning)
      const decision = routeSync(codePrompt, { available: [mini, sonnet, llama, qwen], table })
      expect(decision.models).toEqual(["ollama/qwen2.5-coder", "openai/gpt-4o-mini"])
      expect(decision.strategy).toBe("cascade")
    }))

  it.effect("rejects invalid overrides with clear InvalidRequest issues", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(makeRoutingTable({
        codegen: { strategy: "auto" },
        reasoning: { strategy: "fastest" },
        general: { requestDefaults: { temperature: 5 } },
        summarization: { models: [] },
        code_review: { model: ["openai/*"] }
      }))
      expect(error.reason._tag).toBe("InvalidRequest")
      const issues = error.reason._tag === "InvalidRequest" ? error.reason.issues : []
      expect(issues).toHaveLength(5)
      expect(issues[0]).toContain('unknown task type "codegen"')
      expect(issues.find((issue) => issue.startsWith("route for reasoning"))).toContain('"cascade" at ["strategy"]')
      expect(issues.find((issue) => issue.startsWith("route for general"))).toContain('between 0 and 2 at ["requestDefaults"]["temperature"]')
      expect(issues.find((issue) => issue.startsWith("route for summarization"))).toContain("at least one")
      expect(issues.find((issue) => issue.startsWith("route for code_review"))).toContain('excess property at ["model"]')
      const notObject = yield* Effect.flip(makeRoutingTable([1, 2]))
      expect(notObject.reason._tag).toBe("InvalidRequest")
    }))
})

describe("TaskRouter service", () => {
  it.effect("classifies and routes with the layer's options", () =>
    Effect.gen(function*() {
      const router = yield* TaskRouter
      expect((yield* router.classify("Prove that 17 is prime.")).taskType).toBe(TaskType.REASONING)
      const decision = yield* router.route(codePrompt, [llama, mini])
      expect(decision.strategy).toBe("local_only")
      expect(decision.models).toEqual(["ollama/llama3.2"])
    }).pipe(Effect.provide(TaskRouter.layer({ routes: { code_generation: { models: ["local:*"], strategy: "local_only" } } }))))

  it.effect("fails to build with invalid routes", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.provide(Effect.service(TaskRouter), TaskRouter.layer({ routes: { general: { strategy: "nope" } } })))
      expect(error.reason._tag).toBe("InvalidRequest")
    }))
})
