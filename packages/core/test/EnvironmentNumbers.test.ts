// Numbers in the environment are decimal: `Number` would read ORCH_DEADLINE_MS=0b11 as 3 ms and ORCH_BUDGET_USD=0x10
// as $16.
import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { layerFromEnvironment, optionsFromEnvironment } from "../src/index.ts"

const read = (env: Record<string, string>) => Effect.runPromise(Effect.result(optionsFromEnvironment({ providers: [], env })))

describe("numbers from the environment", () => {
  for (const [variable, text] of [["ORCH_DEADLINE_MS", "0b11"], ["ORCH_BUDGET_USD", "0x10"], ["ORCH_DEADLINE_MS", "0o17"], ["ORCH_BUDGET_USD", "Infinity"], ["ORCH_DEADLINE_MS", " "]] as const) {
    it(`${variable}=${JSON.stringify(text)} is an InvalidRequest naming it`, async () => {
      const result = await read({ [variable]: text })
      expect(result._tag).toBe("Failure")
      if (result._tag === "Failure") expect(result.failure.message).toContain(`${variable} must be a positive decimal number`)
    })
  }
  for (const text of ["0", "1.5", "0x10", "-3", "lots"]) {
    it(`ORCH_DEFAULT_MAX_TOKENS=${JSON.stringify(text)} is an InvalidRequest naming it`, async () => {
      const result = await read({ ORCH_DEFAULT_MAX_TOKENS: text })
      expect(result._tag).toBe("Failure")
      if (result._tag === "Failure") expect(result.failure.message).toContain("ORCH_DEFAULT_MAX_TOKENS must be a whole number above 0")
    })
  }

  it("ORCH_DEFAULT_MAX_TOKENS sets the output limit a call without maxTokens is reserved at; explicit cost options keep theirs", async () => {
    const result = await read({ ORCH_DEFAULT_MAX_TOKENS: "512" })
    expect(result._tag === "Success" && result.success.costs).toEqual({ defaultMaxOutputTokens: 512 })
    const explicit = await Effect.runPromise(Effect.result(optionsFromEnvironment({ providers: [], env: { ORCH_DEFAULT_MAX_TOKENS: "512" }, costs: { defaultMaxOutputTokens: 64, logPrompts: true } })))
    expect(explicit._tag === "Success" && explicit.success.costs).toEqual({ defaultMaxOutputTokens: 64, logPrompts: true })
  })

  it("with ORCH_DEFAULT_MAX_TOKENS set, cost options that are not an object are still refused, not turned into one", async () => {
    for (const costs of [5, "ab"]) {
      const layer = layerFromEnvironment({ providers: [], env: { ORCH_DEFAULT_MAX_TOKENS: "512" }, costs: costs as never })
      const result = await Effect.runPromise(Effect.result(Layer.build(layer).pipe(Effect.scoped)))
      expect(result._tag, `costs: ${JSON.stringify(costs)}`).toBe("Failure")
      if (result._tag === "Failure") expect(result.failure.reason._tag).toBe("InvalidRequest")
    }
  })

  it("decimal numbers are read as written", async () => {
    const result = await read({ ORCH_DEADLINE_MS: "2500", ORCH_BUDGET_USD: "0.25" })
    expect(result._tag === "Success" && [result.success.deadlineMs, result.success.budgetUsd]).toEqual([2500, 0.25])
    const exponent = await read({ ORCH_BUDGET_USD: "1e-2" })
    expect(exponent._tag === "Success" && exponent.success.budgetUsd).toBe(0.01)
  })
})
