/**
 * `cascade`: the cheap step first; escalate to the next stage when a scorer says the answer is weak. Scorers need no
 * training: a validator (a predicate or an Effect Schema), JSON that does not match the request's schema, tool-call
 * arguments that do not match the tool's parameters, empty or refusal answers, low mean token log-probability,
 * disagreement among k samples, a judge model. The result says which stage answered and why each earlier one was
 * rejected.
 */
import {
  allAttemptsFailed, type Completion, type CompletionRequest, invalidRequest, messageText, type ProviderError, readJson, structuredOutputIssues,
  toolCallIssues
} from "@orch/provider"
import { Effect, Result, Schema } from "effect"
import { toPlan, withRole } from "./Attempt.ts"
import { makePlan, type Plan, type Step, stepNames, streamOfCompletion } from "./Plan.ts"
import { runUserEffect } from "./UserCallback.ts"
import { answerKey, normalizeAnswer } from "./Vote.ts"

/** A scorer's verdict on an answer. */
export type Verdict = { readonly accept: true } | { readonly accept: false; readonly reason: string }

/** What a scorer sees besides the answer: the request and the stage that answered (to sample it again). */
export interface ScoreContext {
  readonly request: CompletionRequest
  readonly stage: Plan
}

/** Judges whether an answer is good enough to stop the cascade. */
export interface Scorer {
  readonly name: string
  readonly score: (completion: Completion, context: ScoreContext) => Effect.Effect<Verdict, ProviderError>
}

const accept: Verdict = { accept: true }
const reject = (reason: string): Verdict => ({ accept: false, reason })

/** Accept when `predicate` holds for the answer's text. */
export const validator = (predicate: (text: string) => boolean, name = "validator"): Scorer => ({
  name,
  score: (completion) => Effect.succeed(predicate(completion.text) ? accept : reject("the validator rejected the answer"))
})

/** Accept when the answer is JSON matching `schema` (structured output). */
export const matchesSchema = <S extends Schema.Top>(schema: S & Schema.Decoder<unknown>, name = "schema"): Scorer => {
  const decode = Schema.decodeUnknownResult(Schema.fromJsonString(schema as Schema.Decoder<unknown>))
  return {
    name,
    score: (completion) => {
      const decoded = decode(completion.text)
      return Effect.succeed(Result.isSuccess(decoded) ? accept : reject(`the answer does not match the schema: ${decoded.failure.message.split("\n")[0] ?? ""}`))
    }
  }
}

const refusalPatterns: ReadonlyArray<RegExp> = [
  /^\s*(i'?m|i am) (sorry|unable|not able)/i,
  /^\s*i (can(no|')t|cannot|won'?t) (help|assist|answer|do|provide)/i,
  /^\s*(sorry|unfortunately),? (but )?i (can(no|')t|cannot)/i,
  /^\s*as an ai\b/i
]

/**
 * Accept when the answer is JSON matching the request's `responseFormat` schema. Reject JSON that does not match
 * (naming where), and an answer that is not JSON. Requests that asked for text, and tool-call answers, pass.
 */
export const jsonMatchesSchema = (name = "json-matches-schema"): Scorer => ({
  name,
  score: (completion, context) => {
    if (context.request.responseFormat?.type !== "json" || (completion.toolCalls?.length ?? 0) > 0) return Effect.succeed(accept)
    const value = completion.object !== undefined ? { ok: true as const, value: completion.object } : readJson(completion.text)
    if (!value.ok) return Effect.succeed(reject(value.issue))
    const issues = structuredOutputIssues(context.request, value.value)
    return Effect.succeed(issues.length === 0 ? accept : reject(`the JSON does not match its schema: ${issues.slice(0, 3).join("; ")}`))
  }
})

/**
 * Accept when every tool call names a tool the request offered and its arguments match the tool's parameters.
 * Answers without tool calls pass.
 */
export const toolArgumentsMatchParameters = (name = "tool-arguments-match-parameters"): Scorer => ({
  name,
  score: (completion, context) => {
    const issues = (completion.toolCalls ?? []).flatMap((call) => toolCallIssues(call, context.request.tools ?? []))
    return Effect.succeed(issues.length === 0 ? accept : reject(`the tool call does not match its parameters: ${issues.slice(0, 3).join("; ")}`))
  }
})

/** Reject empty answers and refusals ("I'm sorry, I can't ..."). An answer made of tool calls is not empty. */
export const notEmptyOrRefusal = (patterns: ReadonlyArray<RegExp> = refusalPatterns): Scorer => ({
  name: "not-empty-or-refusal",
  score: (completion) =>
    Effect.succeed((completion.toolCalls?.length ?? 0) > 0
      ? accept
      : completion.text.trim().length === 0
      ? reject("the answer is empty")
      : patterns.some((pattern) => pattern.test(completion.text)) ? reject("the answer is a refusal") : accept)
})

/** Reject when the mean token log-probability is below `threshold`; answers without log-probabilities pass. */
export const minMeanLogprob = (threshold: number): Scorer => ({
  name: "mean-logprob",
  score: (completion) =>
    Effect.succeed(completion.meanLogprob === undefined || completion.meanLogprob >= threshold
      ? accept
      : reject(`mean log-probability ${completion.meanLogprob.toFixed(3)} is below ${threshold}`))
})

/** `agreement`'s options. */
export interface AgreementOptions {
  /** Samples in all, the answer included (default 3). */
  readonly samples?: number
  /** The share of samples that must agree with the answer (default 2/3). */
  readonly minRatio?: number
  readonly normalize?: (text: string) => string
}

/** Sample the stage again (role "sample") and reject when too few samples agree with the answer. */
export const agreement = (options: AgreementOptions = {}): Scorer => ({
  name: "agreement",
  score: (completion, context) =>
    Effect.gen(function*() {
      const samples = options.samples ?? 3
      const normalize = options.normalize ?? normalizeAnswer
      const more = yield* Effect.forEach(Array.from({ length: samples - 1 }), () => withRole(context.stage.generate(context.request), "sample"), { concurrency: "unbounded" })
      const key = answerKey(completion, normalize, context.request)
      const agreeing = 1 + more.filter((c) => answerKey(c, normalize, context.request) === key).length
      const ratio = agreeing / samples
      return ratio >= (options.minRatio ?? 2 / 3) ? accept : reject(`only ${agreeing} of ${samples} samples agree`)
    })
})

/** `judge`'s options. */
export interface JudgeOptions {
  /** The judge's request (default: the question, the answer, and an ask for PASS or FAIL). */
  readonly prompt?: (request: CompletionRequest, completion: Completion) => CompletionRequest
  /** Whether the judge's reply accepts (default: it starts with PASS or YES). */
  readonly accepts?: (reply: string) => boolean
}

/** Ask a judge step (role "judge") whether the answer is good. */
export const judge = (step: Step, options: JudgeOptions = {}): Scorer => {
  const plan = toPlan(step)
  const prompt = options.prompt ?? ((request: CompletionRequest, completion: Completion): CompletionRequest => ({
    system: "You grade answers. Reply with PASS if the answer is correct and complete, otherwise FAIL and one short reason.",
    prompt: `Question:\n${request.prompt ?? request.messages?.map((m) => `${m.role}: ${messageText(m.content)}`).join("\n") ?? ""}\n\nAnswer:\n${completion.text}`
  }))
  const accepts = options.accepts ?? ((reply: string) => /^\s*(pass|yes)\b/i.test(reply))
  return {
    name: `judge(${plan.name})`,
    score: (completion, context) =>
      Effect.map(withRole(plan.generate(prompt(context.request, completion)), "judge"), (reply) =>
        accepts(reply.text) ? accept : reject(`the judge said: ${reply.text.trim().slice(0, 200)}`))
  }
}

/**
 * The scorers a stage uses unless told otherwise: not empty or a refusal, JSON matching its schema (when the request
 * asked for JSON), tool arguments matching their parameters (when the answer called tools).
 */
export const defaultScorers: ReadonlyArray<Scorer> = [notEmptyOrRefusal(), jsonMatchesSchema(), toolArgumentsMatchParameters()]

/** A cascade stage: a step, and the scorers its answer must pass (default: the cascade's). */
export type CascadeStage = Step | { readonly step: Step; readonly scorers: ReadonlyArray<Scorer> }

/** Why a stage did not answer. */
export interface Rejection {
  readonly stage: number
  readonly stageName: string
  /** The scorer that rejected the answer, absent when the stage failed. */
  readonly scorer?: string
  readonly reason: string
  readonly error?: ProviderError
}

/** The outcome of a cascade. */
export interface CascadeResult {
  readonly completion: Completion
  /** The stage that answered (0-based) and its name. */
  readonly stage: number
  readonly stageName: string
  /** Whether the answer passed its scorers (the last stage's answer is returned even when it did not). */
  readonly accepted: boolean
  readonly rejections: ReadonlyArray<Rejection>
}

/** A cascade as a plan, with its detailed form. */
export interface CascadePlan extends Plan {
  readonly run: (request: CompletionRequest) => Effect.Effect<CascadeResult, ProviderError>
}

const isStageWithScorers = (stage: CascadeStage): stage is { readonly step: Step; readonly scorers: ReadonlyArray<Scorer> } =>
  "scorers" in stage && "step" in stage

/**
 * Try stages cheapest first (later stages with role "escalation"). An answer that fails a scorer, or a failed
 * stage, escalates; a cancel ends the cascade. The last stage's answer is returned even when weak (`accepted:
 * false`); when the later stages fail, the first weak answer is returned (`accepted: false`). No answer at all:
 * `allAttemptsFailed(errors)`.
 */
export const cascade = (stages: ReadonlyArray<CascadeStage>, options: { readonly scorers?: ReadonlyArray<Scorer> } = {}): CascadePlan => {
  const resolved = stages.map((stage) => isStageWithScorers(stage)
    ? { plan: toPlan(stage.step), scorers: stage.scorers }
    : { plan: toPlan(stage), scorers: options.scorers ?? defaultScorers })
  const run = (request: CompletionRequest): Effect.Effect<CascadeResult, ProviderError> =>
    Effect.gen(function*() {
      const rejections: Array<Rejection> = []
      const errors: Array<ProviderError> = []
      let weakest: CascadeResult | undefined
      for (let stage = 0; stage < resolved.length; stage++) {
        const { plan, scorers } = resolved[stage]!
        const last = stage === resolved.length - 1
        const answer = yield* Effect.result(stage === 0 ? plan.generate(request) : withRole(plan.generate(request), "escalation"))
        if (Result.isFailure(answer)) {
          if (answer.failure.reason._tag === "Cancelled") return yield* Effect.fail(answer.failure)
          errors.push(answer.failure)
          rejections.push({ stage, stageName: plan.name, reason: `failed: ${answer.failure.reason._tag}`, error: answer.failure })
          continue
        }
        let rejected: Rejection | undefined
        for (const scorer of scorers) {
          const scorerName = `the cascade scorer "${String(scorer.name)}"`
          const verdict = yield* runUserEffect(scorerName, () => scorer.score(answer.success, { request, stage: plan }))
          if (typeof verdict !== "object" || verdict === null || typeof verdict.accept !== "boolean") return yield* Effect.fail(invalidRequest([`${scorerName} must give { accept: boolean }`]))
          if (!verdict.accept) {
            rejected = { stage, stageName: plan.name, scorer: scorer.name, reason: verdict.reason }
            break
          }
        }
        if (rejected === undefined || last) {
          return { completion: answer.success, stage, stageName: plan.name, accepted: rejected === undefined, rejections }
        }
        rejections.push(rejected)
        weakest ??= { completion: answer.success, stage, stageName: plan.name, accepted: false, rejections }
      }
      if (weakest !== undefined) return { ...weakest, rejections }
      return yield* Effect.fail(allAttemptsFailed(errors))
    })
  const generate = (request: CompletionRequest) => Effect.map(run(request), (result) => result.completion)
  return { ...makePlan(`cascade(${stepNames(resolved.map((s) => s.plan))})`, generate, (request) => streamOfCompletion(generate(request))), run }
}
