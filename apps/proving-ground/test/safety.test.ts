// The safety families of the proving ground, whole: secrets in URLs, headers and echoes; hostile JavaScript callers;
// terminal escapes. Every case must pass.
import { describe, expect, it } from "vitest"
import { hostileCases, runHostileCases } from "../src/HostileCallers.ts"
import { runSecretCase, secretCases } from "../src/SecretChannels.ts"
import { escapeCases, runEscapeCases } from "../src/TerminalEscapes.ts"

describe("secrets in URLs, headers and echoes", () => {
  for (const secretCase of secretCases) {
    it(secretCase.name, async () => {
      const result = await runSecretCase(secretCase)
      expect(result.problem).toBeUndefined()
      expect(result.passed).toBe(true)
    }, 120_000)
  }
})

describe("hostile JavaScript callers", () => {
  it("every hostile call is refused typed (or answered), without a synchronous throw, well inside its deadline", async () => {
    const results = await runHostileCases()
    expect(results).toHaveLength(hostileCases.length)
    expect(results.filter((r) => !r.passed).map((r) => `${r.name}: ${r.got}`)).toEqual([])
  }, 120_000)
})

describe("terminal escapes", () => {
  it("no raw control character reaches human output, and --json stays exact", async () => {
    const results = await runEscapeCases()
    expect(results).toHaveLength(escapeCases.length)
    expect(results.filter((r) => !r.passed).map((r) => `${r.name}: ${r.got}`)).toEqual([])
  }, 300_000)
})
