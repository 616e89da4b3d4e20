import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import {
  type Completion, isProviderError, isSchemaTooComplexIssue, type JsonSchema, schemaIssues, toolCallIssues, validateJson, validateRequest,
  withStructuredOutput
} from "../src/index.ts"

// `levels` $defs, each a `keyword` of two $refs to the next; the last one is `last`. No loop, so schemaIssues accepts it,
// but a checker that follows every branch anew does 2^levels checks.
const chain = (keyword: "anyOf" | "oneOf" | "allOf", levels: number, last: JsonSchema): Readonly<Record<string, unknown>> => {
  const defs: Record<string, JsonSchema> = {}
  for (let i = 0; i < levels; i++) defs[`d${i}`] = { [keyword]: [{ $ref: `#/$defs/d${i + 1}` }, { $ref: `#/$defs/d${i + 1}` }] }
  defs[`d${levels}`] = last
  return { $defs: defs, $ref: "#/$defs/d0" }
}

// Forty levels take a few hundred steps once each (schema node, value) is decided once; 2^40 without. The budget is
// far below 2^40, so a result that is not "too complex" shows the work stayed small.
const budget = { maxSteps: 2_000 }

const failureOf = <A>(exit: Exit.Exit<A, unknown>) => {
  if (Exit.isSuccess(exit)) return undefined
  const reason = exit.cause.reasons[0]
  const error = reason && "error" in reason ? reason.error : undefined
  return isProviderError(error) ? error : undefined
}

describe("validateJson cost", () => {
  it("checks forty anyOf / oneOf levels of two $refs each against a value that matches nothing in a few hundred steps", () => {
    for (const keyword of ["anyOf", "oneOf"] as const) {
      const schema = chain(keyword, 40, { type: "string" })
      expect(schemaIssues(schema)).toEqual([])
      const issues = validateJson(schema, 7, budget)
      expect(issues).toHaveLength(1)
      expect(issues[0]).toContain(`(${keyword})`)
      expect(issues.some(isSchemaTooComplexIssue)).toBe(false)
      // oneOf: d39 matches twice, so d38 none, and so on up to d0, which matches none.
      expect(validateJson(schema, "ok", budget)).toEqual(keyword === "anyOf" ? [] : [expect.stringContaining("it matches 0")])
    }
  })

  it("checks forty allOf levels of two $refs each, matching or not, in a few hundred steps", () => {
    const schema = chain("allOf", 40, { type: "object", required: ["id"] })
    expect(validateJson(schema, { id: 1 }, budget)).toEqual([])
    const issues = validateJson(schema, { name: "x" }, budget)
    expect(issues.length).toBeGreaterThan(0)
    expect(issues.every((issue) => issue === `$: the property "id" is missing`)).toBe(true)
  })

  it("keeps the same verdicts inside every item of an array (one schema node, many values)", () => {
    const { $defs } = chain("anyOf", 30, { type: "integer", minimum: 0 })
    const schema = { $defs, type: "array", items: { $ref: "#/$defs/d0" } }
    expect(validateJson(schema, [1, 2, 3, 2, 1], budget)).toEqual([])
    const issues = validateJson(schema, [1, -2, "x", 3], budget)
    expect(issues).toHaveLength(2)
    expect(issues[0]).toMatch(/^\$\[1\]: -2 matches none/)
    expect(issues[1]).toMatch(/^\$\[2\]: "x" matches none/)
  })

  it("keeps recursive schemas (trees) working and naming the path of a mismatch", () => {
    const tree = {
      $defs: { node: { type: "object", properties: { label: { type: "string" }, children: { type: "array", items: { $ref: "#/$defs/node" } } }, required: ["label"] } },
      $ref: "#/$defs/node"
    }
    expect(validateJson(tree, { label: "a", children: [{ label: "b", children: [] }, { label: "c", children: [{ label: "d" }] }] }, budget)).toEqual([])
    expect(validateJson(tree, { label: "a", children: [{ label: "b" }, { label: "c", children: [{ label: 4 }] }] }, budget)).toEqual([
      "$.children[1].children[0].label: expected string, got number 4"
    ])
    // The same subtree object twice: its verdict is reused, not its wording lost.
    const shared = { label: 5 }
    expect(validateJson(tree, { label: "a", children: [shared, shared] }, budget)).toEqual([
      "$.children[0].label: expected string, got number 5",
      "$.children[1].label: expected string, got number 5"
    ])
  })

  it("gives up past the step budget with one issue saying the schema is too complex, and never accepts the value", () => {
    const schema = { type: "array", items: { type: "integer" } }
    const issues = validateJson(schema, Array.from({ length: 100 }, (_, i) => i), { maxSteps: 50 })
    expect(issues).toHaveLength(1)
    expect(isSchemaTooComplexIssue(issues[0] as string)).toBe(true)
    expect(issues[0]).toContain("too complex to check")
    expect(validateJson(schema, Array.from({ length: 100 }, (_, i) => i))).toEqual([])
  })

  it("ends a check against a schema that loops without consuming the value (one schemaIssues refuses) within the default budget", () => {
    const loop = { anyOf: [{ $ref: "#" }, { $ref: "#" }] }
    expect(schemaIssues(loop)).toHaveLength(1)
    const issues = validateJson(loop, 1)
    expect(issues).toHaveLength(1)
    expect(isSchemaTooComplexIssue(issues[0] as string)).toBe(true)
  })

  it("a request with the forty-level schema is valid, and its answers and tool arguments are checked quickly", () => {
    const schema = chain("anyOf", 40, { type: "object", properties: { n: { type: "number" } }, required: ["n"] })
    const request = { prompt: "x", responseFormat: { type: "json" as const, schema } }
    expect(Exit.isSuccess(Effect.runSync(Effect.exit(validateRequest(request))))).toBe(true)
    const answer = (text: string): Completion => ({
      text, finishReason: "stop", usage: { inputTokens: 1, outputTokens: 1, estimated: false }, provider: "openai", model: "m", timings: { totalMs: 1 }
    })
    const good = Effect.runSync(Effect.exit(withStructuredOutput(request, answer(`{"n": 1}`))))
    expect(Exit.isSuccess(good) && good.value.object).toEqual({ n: 1 })
    const bad = failureOf(Effect.runSync(Effect.exit(withStructuredOutput(request, answer(`{"m": 1}`)))))
    expect(bad?.reason._tag).toBe("MalformedResponse")
    expect(bad?.reason._tag === "MalformedResponse" && bad.reason.issues).toEqual([`$: {"m":1} matches none of the allowed shapes (anyOf)`])
    const tool = { name: "f", parameters: { type: "object", ...chain("anyOf", 40, { type: "object", required: ["n"] }) } }
    expect(toolCallIssues({ id: "c", name: "f", arguments: { n: 1 } }, [tool])).toEqual([])
    expect(toolCallIssues({ id: "c", name: "f", arguments: { m: 1 } }, [tool])).toEqual([`f arguments $: {"m":1} matches none of the allowed shapes (anyOf)`])
  })

  it("surfaces the too-complex result as a MalformedResponse issue when an answer is checked", () => {
    const request = { prompt: "x", responseFormat: { type: "json" as const, schema: { anyOf: [{ $ref: "#" }, { $ref: "#" }] } } }
    const error = failureOf(Effect.runSync(Effect.exit(withStructuredOutput(request, {
      text: "1", finishReason: "stop", usage: { inputTokens: 1, outputTokens: 1, estimated: false }, provider: "openai", model: "m", timings: { totalMs: 1 }
    }))))
    expect(error?.reason._tag).toBe("MalformedResponse")
    expect(error?.reason._tag === "MalformedResponse" && (error.reason.issues ?? []).some(isSchemaTooComplexIssue)).toBe(true)
  })
})
