import { describe, expect, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { modelWeights } from "../src/ModelWeights.ts"
import { decodeModel } from "../src/LinearModel.ts"
import { defaultSettings, expectedCalibrationError, fitTemperature, loadCorpus, renderWeightsFile, trainFinal } from "../scripts/Training.ts"

const corpusDirectory = fileURLToPath(new URL("../corpus", import.meta.url))
const weightsFile = fileURLToPath(new URL("../src/ModelWeights.ts", import.meta.url))
const buildCorpus = fileURLToPath(new URL("../scripts/build-corpus.ts", import.meta.url))

describe("the committed model", () => {
  it("is what scripts/train.ts gives on the committed corpus (weights, bias, scale, corpus hash; the temperature is checked by train.ts --check)", () => {
    const corpus = loadCorpus(corpusDirectory)
    const committed = readFileSync(weightsFile, "utf8")
    expect(committed).toContain(`sha256 ${corpus.sha256}`)
    const retrained = renderWeightsFile(corpus, trainFinal(corpus.rows, defaultSettings), modelWeights.temperature, defaultSettings)
    expect(retrained === committed).toBe(true)
    // A whole training run: seconds alone, several times that on a loaded 2-core machine. The limit only catches a hang.
  }, 300_000)

  it("stays small: well under 2 MB", () => {
    expect(readFileSync(weightsFile).length).toBeLessThan(1_000_000)
    const model = decodeModel(modelWeights)
    expect(model.weights.length).toBe((1 << modelWeights.hashBits) * 8)
  })

  it("comes from a corpus that scripts/build-corpus.ts reproduces, with several hundred prompts of every type", () => {
    const run = spawnSync(process.execPath, ["--conditions=@orch/source", buildCorpus, "--check"], { encoding: "utf8", timeout: 60_000 })
    expect(run.stdout).toContain("corpus matches the script")
    expect(run.status).toBe(0)
    const { rows } = loadCorpus(corpusDirectory)
    const perType = new Map<string, number>()
    for (const row of rows) perType.set(row.label, (perType.get(row.label) ?? 0) + 1)
    expect(perType.size).toBe(8)
    for (const count of perType.values()) expect(count).toBeGreaterThanOrEqual(300)
    expect(new Set(rows.map((row) => row.domain))).toEqual(new Set(["backend", "bioinfo", "datasci", "devops", "everyday", "web", "writing"]))
    // The build script's own limit (60 s) is the hang guard; the test waits for it.
  }, 120_000)
})

describe("calibration helpers", () => {
  it("fits a temperature that flattens over-confident logits and sharpens timid ones", () => {
    // Over-confident: huge margins, but only 3 in 4 right.
    const loud = [0, 1, 2, 3].map((i) => Float64Array.from([i === 3 ? 0 : 10, i === 3 ? 10 : 0]))
    expect(fitTemperature(loud, [0, 0, 0, 0])).toBeGreaterThan(3)
    // Timid: tiny margins, always right.
    const timid = [0, 1, 2, 3].map(() => Float64Array.from([0.2, 0]))
    expect(fitTemperature(timid, [0, 0, 0, 0])).toBeLessThan(0.5)
  })

  it("measures the expected calibration error", () => {
    expect(expectedCalibrationError([0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9], [true, true, true, true, true, true, true, true, true, false])).toBeCloseTo(0, 10)
    expect(expectedCalibrationError([0.95, 0.95], [false, false])).toBeCloseTo(0.95, 10)
  })
})
