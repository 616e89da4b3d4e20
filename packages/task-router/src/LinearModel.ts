/**
 * The learned linear model behind the default classifier: one weight per (hashed feature bucket, task type) and a
 * bias per type, trained by `scripts/train.ts` on the corpus in `corpus/` and committed as `ModelWeights.ts`
 * (int8-quantised, base64). Scores are turned into calibrated probabilities by a softmax at the temperature fitted
 * on held-out folds.
 */
import type { Feature } from "./Features.ts"
import { taskTypes, type TaskType } from "./TaskType.ts"

/** The committed form of a model, as `scripts/train.ts` writes it. */
export interface EncodedModel {
  readonly hashBits: number
  /** The task types in the order of the weight columns. */
  readonly classes: ReadonlyArray<string>
  /** Softmax temperature fitted on held-out folds (calibration). */
  readonly temperature: number
  /** Multiply a quantised weight by this to get the real weight. */
  readonly scale: number
  readonly bias: ReadonlyArray<number>
  /** int8 weights, bucket-major (`bucket * classes + class`), base64. */
  readonly weights: string
}

/** A model ready to score. */
export interface LinearModel {
  readonly hashBits: number
  readonly classes: ReadonlyArray<TaskType>
  readonly temperature: number
  readonly bias: Float64Array
  /** Real weights, bucket-major. */
  readonly weights: Float32Array
}

const base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

/** Decode standard base64 (no whitespace) to bytes; no dependency on Buffer or atob. */
export const decodeBase64 = (text: string): Uint8Array => {
  const lookup = new Int16Array(128).fill(-1)
  for (let i = 0; i < base64Alphabet.length; i++) lookup[base64Alphabet.charCodeAt(i)] = i
  const clean = text.replace(/=+$/, "")
  const bytes = new Uint8Array(Math.floor((clean.length * 3) / 4))
  let buffer = 0
  let bits = 0
  let out = 0
  for (let i = 0; i < clean.length; i++) {
    const value = lookup[clean.charCodeAt(i) & 127] ?? -1
    if (value < 0) throw new Error(`task-router: the committed model weights are not base64 (at ${i})`)
    buffer = (buffer << 6) | value
    bits += 6
    if (bits >= 8) {
      bits -= 8
      bytes[out++] = (buffer >> bits) & 0xff
    }
  }
  return bytes
}

/** Turn the committed form into a model; throws when the file does not match the task types (a build defect). */
export const decodeModel = (encoded: EncodedModel): LinearModel => {
  const classes = encoded.classes.map((name) => taskTypes.find((type) => type === name))
  if (classes.some((type) => type === undefined) || classes.length !== taskTypes.length) {
    throw new Error("task-router: the committed model's classes do not match the task types")
  }
  const bytes = decodeBase64(encoded.weights)
  const expected = (1 << encoded.hashBits) * classes.length
  if (bytes.length !== expected) throw new Error(`task-router: the committed model has ${bytes.length} weights, expected ${expected}`)
  const weights = new Float32Array(expected)
  for (let i = 0; i < expected; i++) {
    const byte = bytes[i] ?? 0
    weights[i] = (byte > 127 ? byte - 256 : byte) * encoded.scale
  }
  return {
    hashBits: encoded.hashBits,
    classes: classes as ReadonlyArray<TaskType>,
    temperature: encoded.temperature,
    bias: Float64Array.from(encoded.bias),
    weights
  }
}

/** The raw score (logit) of each class for the given features. */
export const logitsOf = (model: LinearModel, features: ReadonlyArray<Feature>): Float64Array => {
  const width = model.classes.length
  const logits = Float64Array.from(model.bias)
  for (const feature of features) {
    const base = feature.bucket * width
    for (let c = 0; c < width; c++) logits[c] = (logits[c] ?? 0) + (model.weights[base + c] ?? 0) * feature.value
  }
  return logits
}

/** Softmax of logits at a temperature: probabilities summing to 1. */
export const softmax = (logits: ArrayLike<number>, temperature: number): Float64Array => {
  let max = Number.NEGATIVE_INFINITY
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i] ?? 0)
  const out = new Float64Array(logits.length)
  let total = 0
  for (let i = 0; i < logits.length; i++) {
    out[i] = Math.exp(((logits[i] ?? 0) - max) / temperature)
    total += out[i] ?? 0
  }
  for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) / total
  return out
}

/** How much a feature pushes one class above the average class: its weight there, less the mean, times its value. */
export const contribution = (model: LinearModel, feature: Feature, classIndex: number): number => {
  const width = model.classes.length
  const base = feature.bucket * width
  let mean = 0
  for (let c = 0; c < width; c++) mean += model.weights[base + c] ?? 0
  mean /= width
  return ((model.weights[base + classIndex] ?? 0) - mean) * feature.value
}
