// Every money family of the proving ground (hostile usage, dense-text ceilings, free-model and skewed-clock ledgers)
// on every ledger it can start (memory, SQLite, and Redis when redis-server is installed): every check must pass.
import { describe, expect, it } from "vitest"
import { runMoneyFamilies } from "../src/Money.ts"

describe("money", () => {
  it("no hostile server, dense text or skewed clock overspends a hard budget or breaks a ledger", async () => {
    const results = await runMoneyFamilies()
    expect(results.length).toBeGreaterThanOrEqual(20)
    expect(results.filter((result) => !result.passed).map((result) => `${result.family} · ${result.name}: ${result.detail}`)).toEqual([])
  }, 300_000)
})
