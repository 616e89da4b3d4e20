/**
 * The default classifier: offline, deterministic and fast. It scores a bounded window of the prompt with the
 * hand-written signals, turns the scores into a probability per task type (softmax), and reports the signals
 * that fired. Chat messages are classified by the last user message, with earlier turns as weaker context.
 */
import { Effect } from "effect"
import { invalidRequest, messageText, type Message, type ProviderError } from "@orch/provider"
import { baseScores, signals, textFeatures } from "./Signals.ts"
import { taskTypes, type TaskType } from "./TaskType.ts"

/** What can be classified: a prompt, or chat messages (the last user message is the task). */
export type ClassifyInput = string | ReadonlyArray<Message>

/** A signal that fired, with the weight it added to its type (context signals are scaled down). */
export interface FiredSignal {
  readonly name: string
  readonly type: TaskType
  readonly weight: number
  /** `prompt` for the text being classified, `context` for earlier chat turns. */
  readonly from: "prompt" | "context"
}

/** Which classifier decided. */
export type ClassifiedBy = "signals" | "embedding" | "llm"

/** The answer of a classifier. */
export interface Classification {
  readonly taskType: TaskType
  /** How sure the classifier is, in [0, 1]: the winning type's share of the probability. */
  readonly confidence: number
  /** The probability of every type, in [0, 1], summing to 1. */
  readonly scores: Readonly<Record<TaskType, number>>
  /** The signals that fired, strongest first. */
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

const defaultWindowChars = 4000
const defaultContextWeight = 0.35
/** Softmax temperature: larger spreads probability more evenly, lowering confidence. */
const temperature = 1.5
/** Earlier chat turns looked at, most recent first. */
const contextTurns = 4

/** A long text cut to its head and tail, where the question and the last error usually are. */
export const boundedWindow = (text: string, windowChars: number = defaultWindowChars): string =>
  text.length <= windowChars * 2 ? text : `${text.slice(0, windowChars)}\n${text.slice(text.length - windowChars)}`

const scoreText = (text: string, scale: number, from: FiredSignal["from"], scores: Record<TaskType, number>, fired: Array<FiredSignal>): void => {
  const features = textFeatures(text)
  for (const signal of signals) {
    if (signal.detect(text, features)) {
      const weight = signal.weight * scale
      scores[signal.type] += weight
      fired.push({ name: signal.name, type: signal.type, weight, from })
    }
  }
}

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

/** Turn raw scores into probabilities (softmax) and pick the winner; ties go to the type listed first in `taskTypes`. */
export const decide = (raw: Readonly<Record<TaskType, number>>): { readonly taskType: TaskType; readonly confidence: number; readonly scores: Record<TaskType, number> } => {
  let best: TaskType = taskTypes[0] ?? "general"
  let max = Number.NEGATIVE_INFINITY
  for (const type of taskTypes) {
    if (raw[type] > max) {
      max = raw[type]
      best = type
    }
  }
  let total = 0
  const scores = { ...raw }
  for (const type of taskTypes) {
    scores[type] = Math.exp((raw[type] - max) / temperature)
    total += scores[type]
  }
  for (const type of taskTypes) scores[type] = scores[type] / total
  return { taskType: best, confidence: scores[best], scores }
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
  const windowChars = options.windowChars ?? defaultWindowChars
  const scores: Record<TaskType, number> = { ...baseScores }
  const fired: Array<FiredSignal> = []
  scoreText(boundedWindow(task, windowChars), 1, "prompt", scores, fired)
  if (context.trim().length > 0) {
    scoreText(boundedWindow(context, windowChars / 4), options.contextWeight ?? defaultContextWeight, "context", scores, fired)
  }
  fired.sort((a, b) => b.weight - a.weight)
  const decision = decide(scores)
  return { ...decision, signals: fired, classifiedBy: "signals" }
}

/** Classify with the default classifier; an empty prompt fails with a `ProviderError` whose reason is `InvalidRequest`. */
export const classify: (input: ClassifyInput, options?: ClassifierOptions) => Effect.Effect<Classification, ProviderError> =
  Effect.fnUntraced(function*(input: ClassifyInput, options?: ClassifierOptions) {
    const { task } = splitInput(input)
    if (!/\S/.test(task)) return yield* Effect.fail(invalidRequest([emptyInputIssue(input)]))
    return classifySync(input, options)
  })
