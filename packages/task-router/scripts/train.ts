/**
 * Train the default classifier on `corpus/*.jsonl` and write `src/ModelWeights.ts` (deterministic: fixed seed and
 * order, so the committed file is reproducible; `test/Training.test.ts` checks it).
 *
 * Run from the repo root: `node --conditions=@orch/source packages/task-router/scripts/train.ts [--check]`
 * (`--check` writes nothing and exits 1 when the committed file differs from what the corpus gives).
 */
import { readFileSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { buildWeightsFile, loadCorpus } from "./Training.ts"

const corpusDirectory = fileURLToPath(new URL("../corpus", import.meta.url))
const weightsFile = fileURLToPath(new URL("../src/ModelWeights.ts", import.meta.url))

const corpus = loadCorpus(corpusDirectory)
const text = buildWeightsFile(corpus)
if (process.argv.includes("--check")) {
  const same = readFileSync(weightsFile, "utf8") === text
  console.log(same ? "ModelWeights.ts matches the corpus" : "ModelWeights.ts differs from what the corpus gives: retrain")
  process.exit(same ? 0 : 1)
}
writeFileSync(weightsFile, text)
console.log(`trained on ${corpus.rows.length} prompts; wrote ${weightsFile} (${text.length} bytes)`)
