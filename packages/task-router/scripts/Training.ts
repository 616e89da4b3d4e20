/**
 * Training of the learned classifier, shared by `train.ts` (writes src/ModelWeights.ts), `crossval.ts` (leave one
 * domain out) and the reproducibility test: multinomial logistic regression over the hashed features, trained by
 * AdaGrad with a fixed seed and order, int8-quantised, with a softmax temperature fitted on held-out folds.
 * Everything here is deterministic: the same corpus gives the same bytes.
 */
import { createHash } from "node:crypto"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { boundedWindow, hashName, promptFeatures } from "../src/Features.ts"
import { calibrationError } from "../src/Evaluation.ts"
import { logitsOf, softmax, type LinearModel } from "../src/LinearModel.ts"
import { parseTaskType, taskTypes, type TaskType } from "../src/TaskType.ts"

/** One corpus line. */
export interface CorpusRow {
  readonly text: string
  readonly label: TaskType
  readonly domain: string
  /** The hand-written phrasing the prompt comes from; prompts of one source are held out together. */
  readonly source: string
}

/** Settings of a training run. */
export interface TrainSettings {
  readonly hashBits: number
  readonly epochs: number
  readonly learningRate: number
  readonly l2: number
  readonly seed: number
  /**
   * Models averaged into the shipped one: each is trained on its own shuffled order (seed, seed + 1, ...), and their
   * weights and biases are averaged before quantising. The logits are linear in the weights, so this is exactly the
   * average of the models' logits, at the size of one model; it takes out most of the order-to-order noise.
   */
  readonly models: number
  /**
   * How much a prompt's loss is weighted up when its type is rarer in the corpus: by (rows / (types * rows of its
   * type)) to this power (0: every prompt counts the same; 0.5: the square root; 1: fully balanced, which the list
   * and phrasing folds chose). The corpus sizes of the types follow how much was written, not how often people ask,
   * so the smaller types should not lose every boundary by count.
   */
  readonly classBalance: number
}

/** The settings used for the committed weights. */
export const defaultSettings: TrainSettings = { hashBits: 16, epochs: 10, learningRate: 0.1, l2: 3e-4, seed: 20261130, models: 5, classBalance: 1 }

/** Read every `*.jsonl` of a corpus directory (sorted by name), failing loudly on a bad line. */
export const loadCorpus = (directory: string): { readonly rows: ReadonlyArray<CorpusRow>; readonly sha256: string } => {
  const hash = createHash("sha256")
  const rows: Array<CorpusRow> = []
  for (const file of readdirSync(directory).filter((name) => name.endsWith(".jsonl")).sort()) {
    const text = readFileSync(join(directory, file), "utf8")
    hash.update(file).update("\0").update(text)
    text.split("\n").forEach((line, index) => {
      if (line.trim() === "") return
      const row = JSON.parse(line) as { text?: unknown; label?: unknown; domain?: unknown; source?: unknown }
      const label = typeof row.label === "string" ? parseTaskType(row.label) : undefined
      if (typeof row.text !== "string" || label === undefined || typeof row.domain !== "string") {
        throw new Error(`${file}:${index + 1}: a corpus line needs text, a known label and a domain`)
      }
      rows.push({ text: row.text, label, domain: row.domain, source: typeof row.source === "string" ? row.source : `${file}:${index + 1}` })
    })
  }
  return { rows, sha256: hash.digest("hex") }
}

/** A prompt as sparse features. */
export interface Example {
  readonly buckets: Int32Array
  readonly values: Float64Array
  readonly label: number
}

/** Featurise rows with the classifier's own feature function. */
export const featurise = (rows: ReadonlyArray<CorpusRow>, hashBits: number): Array<Example> =>
  rows.map((row) => {
    const features = promptFeatures(boundedWindow(row.text), hashBits)
    return {
      buckets: Int32Array.from(features.map((f) => f.bucket)),
      values: Float64Array.from(features.map((f) => f.value)),
      label: taskTypes.indexOf(row.label)
    }
  })

/** A small seeded generator (mulberry32), so shuffles are the same on every machine. */
export const seededRandom = (seed: number): (() => number) => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Train `settings.models` models on shuffled orders and average them (temperature 1). */
export const trainModel = (examples: ReadonlyArray<Example>, settings: TrainSettings): LinearModel => {
  const count = Math.max(1, Math.floor(settings.models))
  const first = trainOne(examples, settings.seed, settings)
  if (count === 1) return first
  const weights = Float64Array.from(first.weights)
  const bias = Float64Array.from(first.bias)
  for (let m = 1; m < count; m++) {
    const next = trainOne(examples, settings.seed + m, settings)
    for (let i = 0; i < weights.length; i++) weights[i] = (weights[i] ?? 0) + (next.weights[i] ?? 0)
    for (let c = 0; c < bias.length; c++) bias[c] = (bias[c] ?? 0) + (next.bias[c] ?? 0)
  }
  for (let i = 0; i < weights.length; i++) weights[i] = (weights[i] ?? 0) / count
  for (let c = 0; c < bias.length; c++) bias[c] = (bias[c] ?? 0) / count
  return { ...first, bias, weights: Float32Array.from(weights) }
}

/** Train one model (temperature 1) on examples in the order a seed shuffles them to. */
const trainOne = (examples: ReadonlyArray<Example>, seed: number, settings: TrainSettings): LinearModel => {
  const width = taskTypes.length
  const size = (1 << settings.hashBits) * width
  const weights = new Float64Array(size)
  const squared = new Float64Array(size)
  const bias = new Float64Array(width)
  const biasSquared = new Float64Array(width)
  const order = examples.map((_, i) => i)
  const random = seededRandom(seed)
  const logits = new Float64Array(width)
  const counts = new Array<number>(width).fill(0)
  for (const example of examples) counts[example.label] = (counts[example.label] ?? 0) + 1
  const classWeights = counts.map((n) => (examples.length / (width * Math.max(1, n))) ** settings.classBalance)
  for (let epoch = 0; epoch < settings.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1))
      const swap = order[i] ?? 0
      order[i] = order[j] ?? 0
      order[j] = swap
    }
    for (const index of order) {
      const example = examples[index]
      if (example === undefined) continue
      for (let c = 0; c < width; c++) logits[c] = bias[c] ?? 0
      for (let k = 0; k < example.buckets.length; k++) {
        const base = (example.buckets[k] ?? 0) * width
        const value = example.values[k] ?? 0
        for (let c = 0; c < width; c++) logits[c] = (logits[c] ?? 0) + (weights[base + c] ?? 0) * value
      }
      const probabilities = softmax(logits, 1)
      const classWeight = classWeights[example.label] ?? 1
      for (let c = 0; c < width; c++) {
        const gradient = ((probabilities[c] ?? 0) - (c === example.label ? 1 : 0)) * classWeight
        biasSquared[c] = (biasSquared[c] ?? 0) + gradient * gradient
        bias[c] = (bias[c] ?? 0) - (settings.learningRate * gradient) / Math.sqrt((biasSquared[c] ?? 0) + 1e-8)
        for (let k = 0; k < example.buckets.length; k++) {
          const at = (example.buckets[k] ?? 0) * width + c
          const g = gradient * (example.values[k] ?? 0) + settings.l2 * (weights[at] ?? 0)
          squared[at] = (squared[at] ?? 0) + g * g
          weights[at] = (weights[at] ?? 0) - (settings.learningRate * g) / Math.sqrt((squared[at] ?? 0) + 1e-8)
        }
      }
    }
  }
  return { hashBits: settings.hashBits, classes: taskTypes, temperature: 1, bias, weights: Float32Array.from(weights) }
}

/** The int8 form of a model's weights and the scale that restores them. */
export const quantise = (model: LinearModel): { readonly bytes: Uint8Array; readonly scale: number; readonly model: LinearModel } => {
  let max = 0
  for (const weight of model.weights) max = Math.max(max, Math.abs(weight))
  const scale = max === 0 ? 1 : Number((max / 127).toPrecision(8))
  const bytes = new Uint8Array(model.weights.length)
  const restored = new Float32Array(model.weights.length)
  for (let i = 0; i < model.weights.length; i++) {
    const q = Math.max(-127, Math.min(127, Math.round((model.weights[i] ?? 0) / scale)))
    bytes[i] = q < 0 ? q + 256 : q
    restored[i] = q * scale
  }
  const bias = Float64Array.from(model.bias, (b) => Number(b.toPrecision(8)))
  return { bytes, scale, model: { ...model, bias, weights: restored } }
}

/** Out-of-fold logits over the given folds: each fold is scored by a model trained on the others. */
const outOfFold = (
  examples: ReadonlyArray<Example>, foldOf: ReadonlyArray<string>, settings: TrainSettings
): { readonly logits: Array<Float64Array>; readonly folds: ReadonlyArray<string> } => {
  const folds = [...new Set(foldOf)].sort()
  const logits = new Array<Float64Array>(examples.length)
  for (const fold of folds) {
    const model = quantise(trainModel(examples.filter((_, i) => foldOf[i] !== fold), settings)).model
    examples.forEach((example, i) => {
      if (foldOf[i] !== fold) return
      logits[i] = logitsOf(model, Array.from(example.buckets, (bucket, k) => ({ name: "", bucket, value: example.values[k] ?? 0 })))
    })
  }
  return { logits, folds }
}

/** The phrasing folds: every source (hand-written phrasing) falls wholly into one of `count` folds, by its hash. */
export const phrasingFolds = (rows: ReadonlyArray<CorpusRow>, count = 5): Array<string> =>
  rows.map((row) => `fold ${hashName(row.source) % count}`)

/** Out-of-fold logits with whole phrasings held out: how the model does on ways of asking it has not seen. */
export const leavePhrasingsOut = (rows: ReadonlyArray<CorpusRow>, examples: ReadonlyArray<Example>, settings: TrainSettings): Array<Float64Array> =>
  outOfFold(examples, phrasingFolds(rows), settings).logits

/** The list a phrasing belongs to: its source without the index (`workflowPosts 12` -> `workflowPosts`). */
export const sourceList = (source: string): string => source.replace(/ \S+$/, "")

/**
 * The list folds: every list of phrasings (a whole family of ways of asking, with all its tone variants and payload
 * pairings, for example all the real-voice review posts) falls wholly into one of `count` folds.
 */
export const listFolds = (rows: ReadonlyArray<CorpusRow>, count = 5): Array<string> =>
  rows.map((row) => `fold ${hashName(sourceList(row.source)) % count}`)

/**
 * Out-of-fold logits with whole lists held out: the model meets a style of asking none of whose phrasings it was
 * trained on. Harder than holding out phrasings, and nearer to what real prompts do to it.
 */
export const leaveListsOut = (rows: ReadonlyArray<CorpusRow>, examples: ReadonlyArray<Example>, settings: TrainSettings): Array<Float64Array> =>
  outOfFold(examples, listFolds(rows), settings).logits

/** Out-of-fold logits: for each domain, a model trained on the others scores that domain's rows. */
export const leaveOneDomainOut = (
  rows: ReadonlyArray<CorpusRow>, examples: ReadonlyArray<Example>, settings: TrainSettings
): { readonly logits: Array<Float64Array>; readonly domains: ReadonlyArray<string> } => {
  const { logits, folds } = outOfFold(examples, rows.map((row) => row.domain), settings)
  return { logits, domains: folds }
}

/** Mean negative log-likelihood of the labels at a temperature. */
const negativeLogLikelihood = (logits: ReadonlyArray<Float64Array>, labels: ReadonlyArray<number>, temperature: number): number => {
  let total = 0
  logits.forEach((row, i) => {
    const p = softmax(row, temperature)[labels[i] ?? 0] ?? 0
    total -= Math.log(Math.max(p, 1e-12))
  })
  return total / logits.length
}

/** The temperature that minimises held-out negative log-likelihood (a fixed grid, then a finer one around the best). */
export const fitTemperature = (logits: ReadonlyArray<Float64Array>, labels: ReadonlyArray<number>): number => {
  let best = 1
  let bestLoss = Number.POSITIVE_INFINITY
  for (let t = 0.2; t <= 6.0001; t += 0.1) {
    const loss = negativeLogLikelihood(logits, labels, t)
    if (loss < bestLoss) { bestLoss = loss; best = t }
  }
  const centre = best
  for (let t = centre - 0.1; t <= centre + 0.1; t += 0.01) {
    if (t <= 0.05) continue
    const loss = negativeLogLikelihood(logits, labels, t)
    if (loss < bestLoss) { bestLoss = loss; best = t }
  }
  return Number(best.toFixed(2))
}

/** Expected calibration error over equal-width confidence bins (the same measure the evaluation reports). */
export const expectedCalibrationError = calibrationError

const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64")

/** The model trained on every corpus row, quantised as committed. */
export const trainFinal = (rows: ReadonlyArray<CorpusRow>, settings: TrainSettings = defaultSettings): ReturnType<typeof quantise> =>
  quantise(trainModel(featurise(rows, settings.hashBits), settings))

/**
 * The temperature fitted on held-out predictions with whole lists of phrasings held out (five models, so slower
 * than `trainFinal`). List folds are harder than phrasing folds and those than domain folds: fitted on phrasing
 * folds, the confidence ran high on real prompts (they ask in styles the corpus has no phrasing of), so it is fitted
 * where the model meets whole styles it has not seen.
 */
export const heldOutTemperature = (rows: ReadonlyArray<CorpusRow>, settings: TrainSettings = defaultSettings): number => {
  const examples = featurise(rows, settings.hashBits)
  return fitTemperature(leaveListsOut(rows, examples, settings), examples.map((e) => e.label))
}

/** The source text of src/ModelWeights.ts for a trained model and its temperature. */
export const renderWeightsFile = (
  corpus: { readonly rows: ReadonlyArray<CorpusRow>; readonly sha256: string },
  trained: ReturnType<typeof quantise>,
  temperature: number,
  settings: TrainSettings = defaultSettings
): string => {
  const encoded = {
    hashBits: settings.hashBits,
    classes: taskTypes,
    temperature,
    scale: trained.scale,
    bias: Array.from(trained.model.bias),
    weights: toBase64(trained.bytes)
  }
  return [
    "/**",
    " * The committed weights of the learned classifier. Generated by `packages/task-router/scripts/train.ts`; do not",
    " * edit. Retrain with `node --conditions=@orch/source packages/task-router/scripts/train.ts` after changing the corpus.",
    " */",
    'import type { EncodedModel } from "./LinearModel.ts"',
    "",
    `/** Trained on ${corpus.rows.length} corpus prompts (sha256 ${corpus.sha256}), settings ${JSON.stringify(settings)}. */`,
    `export const modelWeights: EncodedModel = ${JSON.stringify(encoded)}`,
    ""
  ].join("\n")
}

/** The full training run: the model on all rows, its temperature from leave-lists-out folds, as source text. */
export const buildWeightsFile = (corpus: { readonly rows: ReadonlyArray<CorpusRow>; readonly sha256: string }, settings: TrainSettings = defaultSettings): string =>
  renderWeightsFile(corpus, trainFinal(corpus.rows, settings), heldOutTemperature(corpus.rows, settings), settings)
