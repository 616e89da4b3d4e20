import { collectStream, readJson, validateJson, withStructuredOutput, type CompletionRequest, type LanguageModel } from "@orch/provider"
import { requireShared, tinyChatModelPath } from "@orch/testing"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { llamaGrammarSchema } from "../src/LlamaCppGrammar.ts"
import { llamaGeneration, makeLlamaCppProvider, type LlamaCppProvider } from "../src/index.ts"
import { failureOf, successOf, withDeadline } from "./wireCalls.ts"

const hasModel = requireShared("models", "stories260K-chatml.gguf")

const pet = {
  type: "object",
  properties: {
    name: { type: "string", maxLength: 12 },
    age: { type: "integer" },
    kind: { enum: ["cat", "dog", "bird"] },
    happy: { type: "boolean" },
    toys: { type: "array", items: { type: "string", maxLength: 8 }, maxItems: 2 }
  },
  required: ["name", "age", "kind", "happy", "toys"],
  additionalProperties: false
} as const

describe("which schemas node-llama-cpp's grammar can express", () => {
  it("keeps the shapes it knows, dropping annotations and value bounds", () => {
    expect(llamaGrammarSchema({ $schema: "x", title: "Pet", ...pet })).toEqual({
      type: "object",
      properties: {
        name: { type: "string", maxLength: 12 },
        age: { type: "integer" },
        kind: { enum: ["cat", "dog", "bird"] },
        happy: { type: "boolean" },
        toys: { type: "array", items: { type: "string", maxLength: 8 }, maxItems: 2 }
      },
      additionalProperties: false
    })
    expect(llamaGrammarSchema({ type: "integer", minimum: 3, description: "n" })).toEqual({ type: "integer" })
    expect(llamaGrammarSchema({ type: ["string", "null"] })).toEqual({ type: ["string", "null"] })
    expect(llamaGrammarSchema({ type: "string", format: "email" })).toEqual({ type: "string" })
    expect(llamaGrammarSchema({ type: "string", format: "date" })).toEqual({ type: "string", format: "date" })
  })

  it("reads anyOf as the grammar's alternatives and follows $ref into $defs", () => {
    expect(llamaGrammarSchema({ anyOf: [{ type: "string" }, { type: "null" }] })).toEqual({ oneOf: [{ type: "string" }, { type: "null" }] })
    const tree = { $defs: { leaf: { type: "string" } }, type: "object", properties: { a: { $ref: "#/$defs/leaf" } } }
    expect(llamaGrammarSchema(tree)).toEqual({ type: "object", properties: { a: { $ref: "#/$defs/leaf" } }, $defs: { leaf: { type: "string" } } })
  })

  it("refuses what it would silently turn into null or any JSON", () => {
    const refused: ReadonlyArray<Record<string, unknown>> = [
      {}, // any JSON: the grammar would allow only null
      { type: "object", properties: { x: {} } },
      { allOf: [{ type: "string" }] },
      { not: { type: "string" } },
      { type: "object", patternProperties: { "^a": { type: "string" } } },
      { type: ["object", "null"] },
      { type: "object", properties: { a: { $ref: "#/definitions/x" } }, definitions: { x: { type: "string" } } },
      { type: "object", properties: { a: { $ref: "#/$defs/missing" } } },
      { type: "object", properties: { a: { type: "string" } }, required: ["b"] },
      { type: "string", minLength: 5, maxLength: 2 },
      { type: "array", prefixItems: [{ type: "string" }, { type: "string" }], maxItems: 1 },
      { type: "object", properties: { a: { type: "string" }, b: { type: "string" } }, maxProperties: 1 },
      { enum: [{ a: 1 }] }
    ]
    for (const schema of refused) expect(llamaGrammarSchema(schema), JSON.stringify(schema)).toBeUndefined()
  })
})

describe("requests the embedded engine cannot take", () => {
  it("tools, images and files are refused before the engine runs", () => {
    const tools = failureOf(Effect.runSync(Effect.result(llamaGeneration({ prompt: "hi", tools: [{ name: "add", parameters: { type: "object" } }] }))))
    expect(tools.reason._tag).toBe("InvalidRequest")
    expect(tools.message).toContain("tools")
    const image = failureOf(Effect.runSync(Effect.result(llamaGeneration({ messages: [{ role: "user", content: [{ type: "text", text: "what is it?" }, { type: "image", data: "iVBORw0KGgo=", mediaType: "image/png" }] }] }))))
    expect(image.message).toContain("images")
    // Tools turned off are no obstacle.
    expect(successOf(Effect.runSync(Effect.result(llamaGeneration({ prompt: "hi", tools: [{ name: "add", parameters: { type: "object" } }], toolChoice: "none" })))).prompt).toBe("hi")
  })
})

describe.skipIf(!hasModel)("structured output on stories260K (greedy, one thread)", () => {
  let provider: LlamaCppProvider
  let model: LanguageModel
  beforeAll(async () => {
    provider = await Effect.runPromise(makeLlamaCppProvider({ model: tinyChatModelPath(), threads: 1, contextSize: 512 }))
    model = await Effect.runPromise(provider.model("llamacpp/stories260K-chatml"))
  })
  afterAll(() => Effect.runPromise(provider.close ?? Effect.void))

  const prompt = "Tell me about a pet"

  it("says what it takes: a JSON schema yes, tools, images and files no", async () => {
    const expected = { tools: false, images: false, files: false, jsonSchema: true }
    expect(model.info?.capabilities).toEqual(expected)
    const listed = successOf(await withDeadline(provider.listModels, 20_000))
    expect(listed[0]?.capabilities).toEqual(expected)
  })

  it("without a grammar the model writes a story, not JSON", async () => {
    const story = successOf(await withDeadline(model.generate({ prompt, maxTokens: 40, temperature: 0 }), 20_000))
    expect(readJson(story.text).ok).toBe(false)
  })

  it("with a schema the answer parses and matches it, generated and streamed alike", async () => {
    const request: CompletionRequest = { prompt, maxTokens: 120, temperature: 0, responseFormat: { type: "json", schema: pet } }
    const generated = successOf(await withDeadline(model.generate(request).pipe(Effect.flatMap((c) => withStructuredOutput(request, c))), 20_000))
    const streamed = successOf(await withDeadline(collectStream(model.stream(request)).pipe(Effect.flatMap((c) => withStructuredOutput(request, c))), 20_000))
    expect(generated.finishReason).toBe("stop")
    expect(validateJson(pet, generated.object)).toEqual([])
    expect(Object.keys(generated.object as object).sort()).toEqual(["age", "happy", "kind", "name", "toys"])
    expect(streamed.text).toBe(generated.text)
    expect(streamed.object).toEqual(generated.object)
  })

  it("the engine reports the schema's own grammar, and the generic JSON grammar for a schema it cannot express", async () => {
    const run = (json: { readonly schema?: Record<string, unknown> }) =>
      withDeadline(provider.client.generate({ history: [], prompt, maxTokens: 60, temperature: 0, json }, () => {}), 20_000)
    expect(successOf(await run({ schema: pet })).grammar).toBe("json-schema")
    // Under the generic grammar the story model opens a JSON object (it never does unconstrained) and then tells its
    // story inside an endless key: the grammar holds, the tokens run out.
    for (const json of [{ schema: { allOf: [{ type: "object" }] } }, {}]) {
      const result = successOf(await run(json))
      expect(result.grammar).toBe("json")
      expect(result.text.startsWith("{ \"")).toBe(true)
      expect(result.stopReason).toBe("maxTokens")
    }
    const plain = successOf(await withDeadline(provider.client.generate({ history: [], prompt, maxTokens: 10 }, () => {}), 20_000))
    expect(plain.grammar).toBe("none")
  })

  it("JSON cut off by maxTokens is MalformedResponse with the text, streamed and not", async () => {
    const request: CompletionRequest = { prompt, maxTokens: 60, temperature: 0, responseFormat: { type: "json" } }
    const generated = failureOf(await withDeadline(model.generate(request).pipe(Effect.flatMap((c) => withStructuredOutput(request, c))), 20_000))
    const streamed = failureOf(await withDeadline(collectStream(model.stream(request)).pipe(Effect.flatMap((c) => withStructuredOutput(request, c))), 20_000))
    for (const error of [generated, streamed]) {
      expect(error.reason._tag).toBe("MalformedResponse")
      expect((error.reason as { text: string }).text.startsWith("{ \"")).toBe(true)
    }
    expect(streamed.reason).toEqual(generated.reason)
  })

  it("a bound the grammar cannot express is enforced by the structured-output check", async () => {
    const schema = { type: "object", properties: { n: { type: "integer", minimum: 1, maximum: 9 } }, required: ["n"] }
    const request: CompletionRequest = { prompt, maxTokens: 60, temperature: 0, responseFormat: { type: "json", schema } }
    const error = failureOf(await withDeadline(model.generate(request).pipe(Effect.flatMap((c) => withStructuredOutput(request, c))), 20_000))
    expect(error.reason._tag).toBe("MalformedResponse")
    // The grammar kept the shape (an object with an integer n); only the bound was broken, and the check caught it.
    const parsed = readJson((error.reason as { text: string }).text)
    if (!parsed.ok) throw new Error("the grammar did not keep the shape")
    expect(Number.isInteger((parsed.value as { n: unknown }).n)).toBe(true)
    expect(validateJson({ ...schema, properties: { n: { type: "integer" } } }, parsed.value)).toEqual([])
  })
})
