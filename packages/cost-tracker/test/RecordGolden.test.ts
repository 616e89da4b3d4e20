// The records, warnings, refusals and budget standings the tracker writes for every scenario of `RecordScenarios.ts`
// are exactly those it wrote before its hot path was rewritten for speed: same fields present and absent, same
// values, same field order (records are stored and exported as JSON), on the one-step path (the in-memory store) and
// the path through the store's effects (any other store) alike. The fixture was written by the earlier version.
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { readFileSync } from "node:fs"
import { LedgerStore, makeMemoryLedger } from "../src/index.ts"
import { runScenarios, type ScenarioRun } from "./RecordScenarios.ts"

const golden = JSON.parse(readFileSync(new URL("./fixtures/records-golden.json", import.meta.url), "utf8")) as Record<"plain" | "logPrompts", ScenarioRun>

/** A run as JSON (field order kept), after checking that records are plain objects with no field set to undefined. */
const asStored = (run: ScenarioRun): ScenarioRun => {
  for (const { case: name, record } of run.records) {
    // Plain objects, as an object literal is (they are made by a constructor for speed).
    expect(Object.getPrototypeOf(record), name).toBe(Object.prototype)
    expect(record.constructor, name).toBe(Object)
    for (const [key, value] of Object.entries(record)) expect(value, `${name}: ${key}`).not.toBeUndefined()
  }
  return JSON.parse(JSON.stringify(run)) as ScenarioRun
}

const keyOrders = (run: ScenarioRun) => run.records.map(({ record }) => Object.keys(record).join(","))

describe("records on every path", () => {
  for (const mode of ["plain", "logPrompts"] as const) {
    it.effect(`are the records of the earlier version, field order included (${mode})`, () =>
      Effect.gen(function*() {
        const expected = golden[mode]
        for (const [path, store] of [
          ["at once", Layer.sync(LedgerStore, () => makeMemoryLedger())],
          ["through effects", Layer.sync(LedgerStore, () => ({ ...makeMemoryLedger() }))]
        ] as const) {
          const run = asStored(yield* runScenarios(store, mode === "logPrompts"))
          expect(run.records.length, path).toBe(expected.records.length)
          for (let i = 0; i < run.records.length; i++) expect(run.records[i], `${path}: ${expected.records[i]!.case}`).toStrictEqual(expected.records[i])
          expect(keyOrders(run), path).toStrictEqual(keyOrders(expected))
          expect(run.refusals, path).toStrictEqual(expected.refusals)
          expect(run.warnings, path).toStrictEqual(expected.warnings)
          expect(run.standings, path).toStrictEqual(expected.standings)
        }
      }))
  }
})
