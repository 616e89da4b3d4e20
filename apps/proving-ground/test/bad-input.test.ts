// Every bad input gets a typed error with a readable message and writes nothing to the ledger. The inputs @orch
// still accepts (see RELIABILITY.md, "Bugs and gaps found") are expected to fail until fixed.
import { describe, expect, it } from "vitest"
import { badInputCases, runBadInputs } from "../src/BadInput.ts"

const knownGaps = new Set(["million-character prompt (cloud)"])

describe("bad input", () => {
  for (const badInput of badInputCases) {
    const test = knownGaps.has(badInput.name) ? it.fails : it
    test(badInput.name, async () => {
      const [result] = await runBadInputs([badInput])
      expect(result?.got).toMatch(/^[A-Za-z]+(\+[A-Za-z]+)*: /)
      expect(result?.ledgerRecords).toBe(0)
      expect(result?.passed).toBe(true)
    })
  }
})
