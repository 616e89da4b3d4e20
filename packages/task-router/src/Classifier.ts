/**
 * The default classifier: offline, deterministic and fast. It splits the prompt into request and payload
 * (Payload.ts), scores the request's words and the payload's kinds with the learned linear model (LinearModel.ts,
 * weights in ModelWeights.ts), and turns the scores into calibrated probabilities. It reports the features that
 * pushed hardest towards the decision. Chat messages are classified by the last user message, with earlier turns
 * as weaker context.
 */
import { Effect } from "effect"
import { invalidRequest, messageText, type Message, type ProviderError } from "@orch/provider"
import { boundedWindow, defaultWindowChars, promptFeatures, type Feature } from "./Features.ts"
import { contribution, decodeModel, logitsOf, softmax, type LinearModel } from "./LinearModel.ts"
import { modelWeights } from "./ModelWeights.ts"
import { taskTypes, type TaskType } from "./TaskType.ts"

export { boundedWindow } from "./Features.ts"

/** What can be classified: a prompt, or chat messages (the last user message is the task). */
export type ClassifyInput = string | ReadonlyArray<Message>

/**
 * A feature behind a decision (a request word or phrase, or a payload kind), with how much it pushed `type` above
 * the average type (its learned weight there less the mean, times its value; context features are scaled down).
 */
export interface FiredSignal {
  readonly name: string
  readonly type: TaskType
  readonly weight: number
  /** `prompt` for the text being classified, `context` for earlier chat turns. */
  readonly from: "prompt" | "context"
}

/** Which classifier decided: `signals` is the default (learned) classifier, the others the optional tiers. */
export type ClassifiedBy = "signals" | "embedding" | "llm" | "given"

/** The answer of a classifier. */
export interface Classification {
  readonly taskType: TaskType
  /**
   * How sure the classifier is, in [0, 1]: the winning type's calibrated probability (a softmax at the temperature
   * fitted on held-out folds, so that among answers given with confidence 0.8 about 80% are right).
   */
  readonly confidence: number
  /** The probability of every type, in [0, 1], summing to 1. */
  readonly scores: Readonly<Record<TaskType, number>>
  /**
   * The strongest features behind the decision, strongest first (the winner's, then the runner-up's). The default
   * classifier works them out on first read only, so classifying without reading them costs nothing extra.
   */
  readonly signals: ReadonlyArray<FiredSignal>
  readonly classifiedBy: ClassifiedBy
}

/** Options of the default classifier. */
export interface ClassifierOptions {
  /** Characters looked at from each end of a long prompt (default 4000: head and tail, so 8000 at most). */
  readonly windowChars?: number
  /** Weight of earlier chat turns relative to the last user message (default 0.35). */
  readonly contextWeight?: number
}

const defaultContextWeight = 0.35
/** Earlier chat turns looked at, most recent first. */
const contextTurns = 4
/** Features reported for the winning type and for the runner-up. */
const explainedWinner = 6
const explainedRunnerUp = 3

let loaded: LinearModel | undefined
/** The committed model, decoded once on first use. */
const model = (): LinearModel => (loaded ??= decodeModel(modelWeights))

/** The task text and its context: the last user message and up to four earlier turns. */
const splitInput = (input: ClassifyInput): { readonly task: string; readonly context: string } => {
  if (typeof input === "string") return { task: input, context: "" }
  let last = -1
  for (let i = input.length - 1; i >= 0; i--) {
    const m = input[i]
    if (m?.role === "user" && messageText(m.content).trim().length > 0) {
      last = i
      break
    }
  }
  if (last < 0) return { task: "", context: "" }
  const earlier = input.slice(Math.max(0, last - contextTurns), last).map((m) => messageText(m.content))
  const system = input.filter((m, i) => m.role === "system" && i < Math.max(0, last - contextTurns)).map((m) => messageText(m.content))
  return { task: messageText(input[last]?.content), context: [...system, ...earlier].join("\n") }
}

const emptyInputIssue = (input: ClassifyInput): string =>
  typeof input === "string" ? "the prompt is empty" : input.length === 0 ? "the message list is empty" : "the messages have no non-empty user message"

/**
 * Turn raw scores into probabilities (softmax, by default at the model's calibrated temperature) and pick the
 * winner; ties go to the type listed first in `taskTypes`.
 */
export const decide = (
  raw: Readonly<Record<TaskType, number>>, temperature: number = model().temperature
): { readonly taskType: TaskType; readonly confidence: number; readonly scores: Record<TaskType, number> } => {
  let best: TaskType = taskTypes[0] ?? "general"
  for (const type of taskTypes) if (raw[type] > raw[best]) best = type
  const probabilities = softmax(taskTypes.map((type) => raw[type]), temperature)
  const scores = { ...raw }
  taskTypes.forEach((type, i) => { scores[type] = probabilities[i] ?? 0 })
  return { taskType: best, confidence: scores[best], scores }
}

/** Stronger first; equal pushes by name, so the order does not depend on the order of the features. */
const stronger = (a: FiredSignal, b: FiredSignal): number => b.weight - a.weight || a.name.localeCompare(b.name)

/** The `limit` features that push `type` hardest (a bounded insertion, not a sort of every feature). */
const explain = (linear: LinearModel, features: ReadonlyArray<Feature>, type: TaskType, limit: number, contextFrom: number): Array<FiredSignal> => {
  const column = linear.classes.indexOf(type)
  const top: Array<FiredSignal> = []
  features.forEach((feature, i) => {
    const weight = contribution(linear, feature, column)
    if (weight <= 0) return
    const last = top[top.length - 1]
    if (top.length >= limit && last !== undefined && weight < last.weight) return
    const signal: FiredSignal = { name: feature.name, type, weight, from: i >= contextFrom ? "context" : "prompt" }
    let at = top.length
    while (at > 0 && stronger(signal, top[at - 1] as FiredSignal) < 0) at--
    if (at < limit) {
      top.splice(at, 0, signal)
      if (top.length > limit) top.pop()
    }
  })
  return top
}

/** The strongest features behind a decision: the winner's, then the runner-up's. */
const explainDecision = (
  linear: LinearModel, features: ReadonlyArray<Feature>, decision: ReturnType<typeof decide>, contextFrom: number
): ReadonlyArray<FiredSignal> => {
  let runnerUp: TaskType | undefined
  for (const type of taskTypes) if (type !== decision.taskType && (runnerUp === undefined || decision.scores[type] > decision.scores[runnerUp])) runnerUp = type
  return [
    ...explain(linear, features, decision.taskType, explainedWinner, contextFrom),
    ...(runnerUp === undefined ? [] : explain(linear, features, runnerUp, explainedRunnerUp, contextFrom))
  ]
}

/**
 * Classify synchronously with the default classifier.
 *
 * Gotcha: this plain function throws the typed `ProviderError` (reason `InvalidRequest`) for an empty prompt or
 * messages without a user turn; use `classify` to get it in the error channel instead.
 */
export const classifySync = (input: ClassifyInput, options: ClassifierOptions = {}): Classification => {
  const { task, context } = splitInput(input)
  if (!/\S/.test(task)) throw invalidRequest([emptyInputIssue(input)])
  const linear = model()
  const windowChars = options.windowChars ?? defaultWindowChars
  const features = promptFeatures(boundedWindow(task, windowChars), linear.hashBits)
  const contextFrom = features.length
  if (/\S/.test(context)) {
    features.push(...promptFeatures(boundedWindow(context, windowChars / 4), linear.hashBits, options.contextWeight ?? defaultContextWeight, "earlier turn: "))
  }
  const logits = logitsOf(linear, features)
  const raw = {} as Record<TaskType, number>
  linear.classes.forEach((type, i) => { raw[type] = logits[i] ?? 0 })
  const decision = decide(raw, linear.temperature)
  let signals: ReadonlyArray<FiredSignal> | undefined
  return {
    ...decision,
    // Explaining costs a pass over the features per type and a sort; routing alone never needs it, so it is done on
    // first read (and kept).
    get signals(): ReadonlyArray<FiredSignal> {
      return (signals ??= explainDecision(linear, features, decision, contextFrom))
    },
    classifiedBy: "signals"
  }
}

/** Classify with the default classifier; an empty prompt fails with a `ProviderError` whose reason is `InvalidRequest`. */
export const classify: (input: ClassifyInput, options?: ClassifierOptions) => Effect.Effect<Classification, ProviderError> =
  Effect.fnUntraced(function*(input: ClassifyInput, options?: ClassifierOptions) {
    const { task } = splitInput(input)
    if (!/\S/.test(task)) return yield* Effect.fail(invalidRequest([emptyInputIssue(input)]))
    return classifySync(input, options)
  })
