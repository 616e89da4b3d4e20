/**
 * `fallback`: the steps in order, moving to the next when a failure says "try elsewhere"; configurable by reason.
 */
import { type CompletionRequest, type Finish, type ProviderError, type StreamPart, toMessages } from "@orch/provider"
import { Cause, Effect, Stream } from "effect"
import { toPlan, withRole, withRoleStream } from "./Attempt.ts"
import { launchSequential, launchStreamSequential, type LaunchOptions } from "./Launch.ts"
import { makePlan, type Plan, type Step, stepNames } from "./Plan.ts"

/** When `fallback` moves on. */
export interface FallbackOptions {
  /** Fall over on Authentication and PermissionDenied too (default false: a wrong key is reported, not hidden). */
  readonly onAuthentication?: boolean
  /** Decide yourself which errors move to the next step (overrides the defaults). */
  readonly while?: (error: ProviderError) => boolean
  /**
   * Streams only: when a step fails after text reached the caller, continue on the next step with the text so far as
   * the assistant's prefix (role "continuation"), instead of ending with StreamInterrupted. The final `finish` part is
   * then a `ContinuedFinish` (see `isContinued`). Default false.
   */
  readonly continueAfterText?: boolean
}

/** A `finish` part of a stream that was continued on another step after a failure mid-text. */
export interface ContinuedFinish extends Finish {
  /** The steps whose partial text was kept, in order, with the text each contributed. */
  readonly continuedFrom: ReadonlyArray<{ readonly step: string; readonly partialText: string; readonly error: ProviderError }>
}

/** Whether a stream part is the `finish` of a continued stream. */
export const isContinued = (part: StreamPart): part is ContinuedFinish => part.type === "finish" && "continuedFrom" in part

/** The request to continue from `prefix`: the conversation so far, then the prefix as the assistant's turn. */
export const continuationRequest = (request: CompletionRequest, prefix: string): CompletionRequest => {
  const { prompt: _prompt, messages: _messages, system: _system, ...options } = request
  return { ...options, messages: [...toMessages(request), { role: "assistant", content: prefix }] }
}

/**
 * Whether an error moves a fallback to the next step by default: transport failures, timeouts, rate limits,
 * overload, 5xx, unknown models, context overflow (to a larger window), malformed and interrupted responses do, and
 * so does a request this model cannot take (`InvalidRequest` with `missingCapabilities`: an image by URL to Ollama,
 * which another backend can take); a cancel, any other invalid request, a budget stop and a content refusal do not;
 * authentication only when asked.
 */
export const fallsOver = (error: ProviderError, options: FallbackOptions = {}): boolean => {
  if (options.while !== undefined && error.reason._tag !== "Cancelled") return options.while(error)
  switch (error.reason._tag) {
    case "InvalidRequest":
      return (error.reason.missingCapabilities?.length ?? 0) > 0
    case "Cancelled":
    case "BudgetExceeded":
    case "ContentFiltered":
      return false
    case "Authentication":
    case "PermissionDenied":
      return options.onAuthentication === true
    default:
      return true
  }
}

/** The launch options of a sequential fallback over plans: skip windows no larger than one that overflowed. */
export const fallbackLaunch = (plans: ReadonlyArray<Plan>, options: FallbackOptions): LaunchOptions => {
  let overflowed = 0
  return {
    count: plans.length,
    startAfterMs: () => undefined,
    onFailure: (error, index) => {
      if (error.reason._tag === "ContextLengthExceeded") {
        overflowed = Math.max(overflowed, plans[index]?.contextWindow ?? error.reason.limit ?? 0)
      }
      return fallsOver(error, options) ? "continue" : "stop"
    },
    skip: (index) => {
      const window = plans[index]?.contextWindow
      return overflowed > 0 && window !== undefined && window <= overflowed
    }
  }
}

/**
 * Try the steps in order: the first success wins. After a context overflow, steps whose known window is no larger
 * are skipped. All failed: `allAttemptsFailed(errors)`; a failure that does not fall over ends it with that error.
 * Streams fail over freely until the first text token; after it, they end with StreamInterrupted.
 */
export const fallback = (steps: ReadonlyArray<Step>, options: FallbackOptions = {}): Plan => {
  const plans = steps.map(toPlan)
  const role = <A, E, R>(index: number, effect: Effect.Effect<A, E, R>) => (index === 0 ? effect : withRole(effect, "fallback"))
  return makePlan(
    () => `fallback(${stepNames(steps)})`,
    (request) => Effect.map(launchSequential(fallbackLaunch(plans, options), (index) => role(index, plans[index]!.generate(request))), (winner) => winner.value),
    (request) => fallbackStream(plans, options, request)
  )
}

type Continued = ContinuedFinish["continuedFrom"]

const fallbackStream = (plans: ReadonlyArray<Plan>, options: FallbackOptions, request: CompletionRequest): Stream.Stream<StreamPart, ProviderError> => {
  const from = (first: number, current: CompletionRequest, continued: Continued): Stream.Stream<StreamPart, ProviderError> =>
    Stream.suspend(() => {
      const rest = plans.slice(first)
      let lastStarted = first
      const role = (index: number) => (continued.length > 0 ? "continuation" : first + index === 0 ? undefined : "fallback")
      const parts = launchStreamSequential(fallbackLaunch(rest, options), (index) => {
        lastStarted = first + index
        const stream = rest[index]!.stream(current)
        const r = role(index)
        return r === undefined ? stream : withRoleStream(stream, r)
      })
      const marked = continued.length === 0 ? parts : parts.pipe(
        Stream.filter((part) => part.type !== "text-start"),
        Stream.map((part): StreamPart => {
          if (part.type !== "finish") return part
          const finish: ContinuedFinish = { ...part, continuedFrom: continued }
          return finish
        })
      )
      if (options.continueAfterText !== true) return marked
      // A tool call that reached the caller cannot be taken back: a continuation would make it again.
      let toolCallSent = false
      const watched = Stream.tap(marked, (part) => Effect.sync(() => { if (part.type === "tool-call") toolCallSent = true }))
      return Stream.catchCause(watched, (cause) => {
        const error = Cause.findErrorOption(cause)
        const next = lastStarted + 1
        if (error._tag === "None" || error.value.reason._tag !== "StreamInterrupted" || next >= plans.length || toolCallSent) return Stream.failCause(cause)
        const partial = error.value.reason.partialText
        const prefix = continued.map((c) => c.partialText).join("") + partial
        return from(next, continuationRequest(request, prefix), [...continued, { step: plans[lastStarted]!.name, partialText: partial, error: error.value }])
      })
    })
  return from(0, request, [])
}
