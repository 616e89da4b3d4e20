// A deterministic sample of the fault matrix (every 29th cell, so every fault, format and strategy turns up):
// each cell must pass all five checks of FaultMatrix.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { cellName, cells, runCell } from "../src/FaultMatrix.ts"
import { type ProcessWatch, watchProcess } from "../src/Observation.ts"
import { closeBackends, orchestratorOver, startBackend } from "../src/Substrate.ts"

let watch: ProcessWatch
beforeAll(async () => {
  // Pay the tokenizer's one-off build before timing any cell (see test/findings.test.ts).
  const warm = await startBackend("openai")
  const orchestrator = orchestratorOver([warm], { deadlineMs: 60_000 })
  await orchestrator.complete("warm up", { strategy: "cloud_only" })
  await orchestrator.dispose()
  await closeBackends([warm])
  watch = watchProcess()
}, 60_000)
afterAll(() => watch.stop())

describe("fault matrix sample", () => {
  for (const cell of cells({ every: 29 })) {
    it(cellName(cell), async () => {
      const result = await runCell(cell, watch)
      expect(result.failures).toEqual({})
    })
  }
})
