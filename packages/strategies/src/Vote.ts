/**
 * `vote`: k answers (several steps, or one step sampled k times), normalised, majority wins; stops early once a
 * quorum agrees and cancels the rest; ties broken by weight. Tool-call answers are compared by tool name and
 * canonical arguments, structured answers by their parsed value, text by its normalised form. The result carries
 * every member's answer and the agreement ratio.
 */
import { allAttemptsFailed, canonicalJson, invalidRequest, readJson, type Completion, type CompletionRequest, type ProviderError } from "@orch/provider"
import { Cause, Deferred, Effect, Exit, Result, Scope } from "effect"
import { toPlan, withRole } from "./Attempt.ts"
import { makePlan, type Plan, type Step, stepNames, streamOfCompletion } from "./Plan.ts"
import { callUser } from "./UserCallback.ts"

/** How `vote` counts. */
export interface VoteOptions {
  /** With a single step: how many times to sample it (default 3). With several steps each answers once. */
  readonly samples?: number
  /**
   * The key text answers are compared by (default: `normalizeAnswer`). Use it to extract e.g. the final number.
   * Tool-call and structured (JSON) answers are compared by value, not through it (see `answerKey`).
   */
  readonly normalize?: (text: string) => string
  /** Votes that end the vote early (default: a strict majority of the members). */
  readonly quorum?: number
  /** One weight per member, to break ties (default 1 each); then the earliest answer wins. */
  readonly weights?: ReadonlyArray<number>
}

/** One member's part in a vote. */
export interface VoteMember {
  readonly index: number
  readonly step: string
  readonly outcome: "answered" | "failed" | "cancelled"
  readonly answer?: string
  readonly key?: string
  readonly completion?: Completion
  readonly error?: ProviderError
}

/** The outcome of a vote. */
export interface VoteResult {
  /** The winning member's completion. */
  readonly completion: Completion
  /** The winning normalised answer. */
  readonly key: string
  readonly votes: number
  /** Votes for the winner divided by the members that answered. */
  readonly agreement: number
  /** Whether a quorum ended the vote before every member answered. */
  readonly stoppedEarly: boolean
  readonly members: ReadonlyArray<VoteMember>
}

/** A vote as a plan, with its detailed form. */
export interface VotePlan extends Plan {
  readonly run: (request: CompletionRequest) => Effect.Effect<VoteResult, ProviderError>
}

/** Trim, lower-case, collapse white space and drop trailing punctuation. */
export const normalizeAnswer = (text: string): string => text.trim().toLowerCase().replace(/\s+/g, " ").replace(/[.!。]+$/u, "")

/**
 * What an answer says, as a key two answers share exactly when they say the same thing:
 * - tool calls: each call's name and canonical arguments (key order and call ids ignored), the calls in any order;
 * - a structured answer (`object`, or JSON text when the request asked for JSON): its canonical JSON;
 * - text: `normalize(text)`, as it is (so a text vote's key reads as the answer).
 */
export const answerKey = (completion: Completion, normalize: (text: string) => string = normalizeAnswer, request?: CompletionRequest): string => {
  const calls = completion.toolCalls ?? []
  if (calls.length > 0) return `tool-calls: ${calls.map((call) => `${call.name}(${canonicalJson(call.arguments)})`).sort().join(";")}`
  if (completion.object !== undefined) return `json: ${canonicalJson(completion.object)}`
  if (request?.responseFormat?.type === "json") {
    const reading = readJson(completion.text)
    if (reading.ok) return `json: ${canonicalJson(reading.value)}`
  }
  return normalize(completion.text)
}

/** Count the answers: the winning key by votes, then by weight, then by who answered first. */
const tally = (members: ReadonlyArray<VoteMember>, weights: ReadonlyArray<number>) => {
  const counts = new Map<string, { votes: number; weight: number; first: number }>()
  members.forEach((member, order) => {
    if (member.key === undefined) return
    const entry = counts.get(member.key) ?? { votes: 0, weight: 0, first: order }
    entry.votes++
    entry.weight += weights[member.index] ?? 1
    counts.set(member.key, entry)
  })
  let best: { key: string; votes: number; weight: number; first: number } | undefined
  for (const [key, entry] of counts) {
    if (best === undefined || entry.votes > best.votes || (entry.votes === best.votes && (entry.weight > best.weight || (entry.weight === best.weight && entry.first < best.first)))) {
      best = { key, ...entry }
    }
  }
  return best
}

/**
 * Vote among steps (each once) or one step sampled `samples` times. Members run at once with role "vote"; as soon
 * as one answer has `quorum` votes the rest are cancelled. All failed: `allAttemptsFailed(errors)`. A `normalize`
 * that throws, no steps, or a `samples` / `quorum` that is not a whole number of 1 or more fail with `InvalidRequest`.
 */
export const vote = (steps: ReadonlyArray<Step>, options: VoteOptions = {}): VotePlan => {
  const plans = steps.map(toPlan)
  const members = plans.length === 1 ? Array.from({ length: options.samples ?? 3 }, () => plans[0]!) : plans
  const normalize = options.normalize ?? normalizeAnswer
  const quorum = options.quorum ?? Math.floor(members.length / 2) + 1
  const weights = options.weights ?? []
  const isCount = (value: number | undefined) => value === undefined || (Number.isInteger(value) && value >= 1)
  const optionIssues = [
    ...(isCount(options.samples) ? [] : ["vote: samples must be a whole number of 1 or more"]),
    ...(isCount(options.quorum) ? [] : ["vote: quorum must be a whole number of 1 or more"]),
    ...(members.length > 0 ? [] : ["vote: give at least one step"])
  ]
  // A key the caller's `normalize` could not make (it threw, or gave no string) ends the vote at once; it would
  // otherwise wait out the deadline.
  const keyOf = (completion: Completion, request: CompletionRequest): Effect.Effect<string, ProviderError> => {
    const key = callUser("the vote's normalize", () => answerKey(completion, normalize, request), "string")
    return Result.isFailure(key) ? Effect.fail(key.failure) : Effect.succeed(key.success)
  }
  const run = (request: CompletionRequest): Effect.Effect<VoteResult, ProviderError> =>
    Effect.gen(function*() {
      if (optionIssues.length > 0) return yield* Effect.fail(invalidRequest(optionIssues))
      const ended: Array<VoteMember> = []
      const done = yield* Deferred.make<boolean, ProviderError>()
      const scope = yield* Scope.make("parallel")
      const decide = () => {
        const best = tally(ended, weights)
        if (best !== undefined && best.votes >= quorum && ended.length < members.length) return Deferred.succeed(done, true)
        return ended.length === members.length ? Deferred.succeed(done, false) : Effect.void
      }
      const onEnd = (index: number) => (exit: Exit.Exit<Completion, ProviderError>) =>
        Effect.suspend(() => {
          const step = members[index]!.name
          if (Exit.isSuccess(exit)) {
            const completion = exit.value
            return keyOf(completion, request).pipe(Effect.matchEffect({
              onFailure: (error) => Deferred.fail(done, error),
              onSuccess: (key) => {
                ended.push({ index, step, outcome: "answered", answer: completion.text, key, completion })
                return decide()
              }
            }))
          }
          const error = Cause.findErrorOption(exit.cause)
          if (error._tag === "Some") {
            ended.push({ index, step, outcome: "failed", error: error.value })
            return decide()
          }
          // A member that died (a defect) ends the vote with it at once; waiting would last until the deadline.
          return Cause.hasInterruptsOnly(exit.cause) ? Effect.void : Deferred.failCause(done, exit.cause as Cause.Cause<never>)
        })
      const stoppedEarly = yield* Effect.gen(function*() {
        for (let index = 0; index < members.length; index++) {
          yield* Effect.forkIn(Effect.onExit(withRole(members[index]!.generate(request), "vote"), onEnd(index)), scope, { startImmediately: true })
        }
        return yield* Deferred.await(done)
      }).pipe(Effect.ensuring(Scope.close(scope, Exit.void)))
      const all: Array<VoteMember> = members.map((plan, index) =>
        ended.find((m) => m.index === index) ?? { index, step: plan.name, outcome: "cancelled" })
      const best = tally(ended, weights)
      if (best === undefined) return yield* Effect.fail(allAttemptsFailed(ended.flatMap((m) => (m.error ? [m.error] : []))))
      const answered = ended.filter((m) => m.outcome === "answered")
      const winner = answered.find((m) => m.key === best.key)!
      return { completion: winner.completion!, key: best.key, votes: best.votes, agreement: best.votes / answered.length, stoppedEarly, members: all }
    })
  const generate = (request: CompletionRequest) => Effect.map(run(request), (result) => result.completion)
  return { ...makePlan(`vote(${stepNames(steps)})`, generate, (request) => streamOfCompletion(generate(request))), run }
}
