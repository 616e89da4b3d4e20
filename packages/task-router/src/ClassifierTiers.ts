/**
 * Optional tiers consulted only when the default classifier is unsure (confidence below a threshold): an
 * embedding tier (cosine similarity to labelled examples through a caller-supplied `embed`) and an LLM tier
 * (a contract `LanguageModel` asked to pick one of the eight types, the answer validated). Each is timed and
 * guarded: when it fails, is slow or answers nonsense, the default's answer stands.
 */
import { Duration, Effect } from "effect"
import { messageText, type LanguageModel, type ProviderError } from "@orch/provider"
import { boundedWindow, classify, type ClassifierOptions, type Classification, type ClassifyInput } from "./Classifier.ts"
import { describeTaskType, parseTaskType, taskTypes, type TaskType } from "./TaskType.ts"

/** A labelled example for the embedding tier; give `embedding` to skip embedding it on every call. */
export interface LabelledExample {
  readonly text: string
  readonly taskType: TaskType
  readonly embedding?: ReadonlyArray<number>
}

/** The embedding tier: any provider's embedding endpoint, wrapped by the caller. */
export interface EmbeddingTier {
  readonly embed: (texts: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<ReadonlyArray<number>>, ProviderError>
  readonly examples: ReadonlyArray<LabelledExample>
  /** Deadline for the whole tier (default 2 seconds). */
  readonly timeout?: Duration.Input
}

/** The LLM tier: a cheap (ideally local) model asked to choose among the eight types. */
export interface LlmTier {
  readonly model: LanguageModel
  /** Deadline for the whole tier (default 5 seconds). */
  readonly timeout?: Duration.Input
}

/** Options of the tiered classifier. */
export interface TieredClassifierOptions extends ClassifierOptions {
  /** Below this confidence the optional tiers are consulted (default 0.5). */
  readonly threshold?: number
  readonly embedding?: EmbeddingTier
  readonly llm?: LlmTier
}

/** The default confidence threshold below which optional tiers run. */
export const defaultConfidenceThreshold = 0.5

const cosine = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): number => {
  let dot = 0
  let normA = 0
  let normB = 0
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) {
    const x = a[i] ?? 0
    const y = b[i] ?? 0
    dot += x * y
    normA += x * x
    normB += y * y
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB)
}

const taskText = (input: ClassifyInput): string => {
  if (typeof input === "string") return input
  for (let i = input.length - 1; i >= 0; i--) if (input[i]?.role === "user") return messageText(input[i]?.content)
  return ""
}

/** Blend the default's probabilities with a tier's, half and half, and decide again. */
const blend = (base: Classification, tier: Readonly<Record<TaskType, number>>, classifiedBy: Classification["classifiedBy"]): Classification => {
  const scores = { ...base.scores }
  for (const type of taskTypes) scores[type] = (base.scores[type] + tier[type]) / 2
  let taskType = base.taskType
  for (const type of taskTypes) if (scores[type] > scores[taskType]) taskType = type
  return { ...base, taskType, confidence: scores[taskType], scores, classifiedBy: taskType === base.taskType ? base.classifiedBy : classifiedBy }
}

const zeroScores = (): Record<TaskType, number> => {
  const scores = {} as Record<TaskType, number>
  for (const type of taskTypes) scores[type] = 0
  return scores
}

/** Similarity of the prompt to the examples, as a probability per type (best example of each type, normalised). */
const embeddingScores = Effect.fnUntraced(function*(tier: EmbeddingTier, text: string) {
  const pending = tier.examples.filter((example) => example.embedding === undefined)
  const vectors = yield* tier.embed([text, ...pending.map((example) => example.text)])
  if (vectors.length !== pending.length + 1) return undefined
  const [query, ...computed] = vectors
  if (query === undefined) return undefined
  let next = 0
  const best = zeroScores()
  for (const example of tier.examples) {
    const vector = example.embedding ?? computed[next++] ?? []
    best[example.taskType] = Math.max(best[example.taskType], cosine(query, vector))
  }
  const total = taskTypes.reduce((sum, type) => sum + best[type], 0)
  if (!(total > 0)) return undefined
  for (const type of taskTypes) best[type] = best[type] / total
  return best
})

const llmInstruction = [
  "Classify the user's request into exactly one task type. Answer with the type name only.",
  ...taskTypes.map((type) => `- ${type}: ${describeTaskType(type)}`)
].join("\n")

/** The model's pick, validated: the first task type named in its answer, or undefined. */
export const parseModelAnswer = (answer: string): TaskType | undefined => {
  for (const word of answer.toLowerCase().match(/[a-z][a-z_ -]*[a-z]/g) ?? []) {
    const direct = parseTaskType(word)
    if (direct !== undefined) return direct
  }
  const normalised = answer.toLowerCase().replace(/[\s-]+/g, "_")
  return taskTypes.find((type) => normalised.includes(type))
}

const llmScores = Effect.fnUntraced(function*(tier: LlmTier, text: string) {
  const completion = yield* tier.model.generate({
    messages: [{ role: "system", content: llmInstruction }, { role: "user", content: boundedWindow(text, 1000) }],
    temperature: 0,
    maxTokens: 12
  })
  const picked = parseModelAnswer(completion.text)
  if (picked === undefined) return undefined
  const scores = zeroScores()
  scores[picked] = 1
  return scores
})

/** Run one tier under its deadline; any failure, timeout or invalid answer gives `undefined` and a warning in the log. */
const guarded = <E>(name: string, deadline: Duration.Input, tier: Effect.Effect<Readonly<Record<TaskType, number>> | undefined, E>) =>
  tier.pipe(
    Effect.timeout(deadline),
    Effect.tap((scores) => (scores === undefined ? Effect.logWarning(`task-router: ${name} tier gave no valid answer; keeping the default`) : Effect.void)),
    Effect.catch((error) =>
      Effect.as(Effect.logWarning(`task-router: ${name} tier failed (${describeFailure(error)}); keeping the default`), undefined))
  )

const describeFailure = (error: unknown): string =>
  typeof error === "object" && error !== null && "_tag" in error ? String((error as { _tag: unknown })._tag) : "unknown error"

/**
 * Classify with the default classifier, then, only when its confidence is below the threshold, with the embedding
 * tier and then the LLM tier (each optional). A tier's answer is blended with the default's probabilities.
 */
export const classifyWithTiers: (input: ClassifyInput, options?: TieredClassifierOptions) => Effect.Effect<Classification, ProviderError> =
  Effect.fnUntraced(function*(input: ClassifyInput, options?: TieredClassifierOptions) {
    let result = yield* classify(input, options)
    const threshold = options?.threshold ?? defaultConfidenceThreshold
    const text = taskText(input)
    if (result.confidence < threshold && options?.embedding !== undefined) {
      const tier = options.embedding
      const scores = yield* guarded("embedding", tier.timeout ?? Duration.seconds(2), embeddingScores(tier, boundedWindow(text, 2000)))
      if (scores !== undefined) result = blend(result, scores, "embedding")
    }
    if (result.confidence < threshold && options?.llm !== undefined) {
      const tier = options.llm
      const scores = yield* guarded("llm", tier.timeout ?? Duration.seconds(5), llmScores(tier, text))
      if (scores !== undefined) result = blend(result, scores, "llm")
    }
    yield* Effect.annotateCurrentSpan({ "orch.task_type": result.taskType, "orch.task_confidence": result.confidence })
    return result
  })
