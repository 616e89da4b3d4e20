/**
 * `chain`: a draft by one step, then review or refinement by another, with configurable prompts.
 */
import { type Completion, type CompletionRequest, type ProviderError, toMessages } from "@orch/provider"
import { Effect, Stream } from "effect"
import { toPlan, withRole, withRoleStream } from "./Attempt.ts"
import { makePlan, type Plan, type Step, stepNames } from "./Plan.ts"

/** `chain`'s options. */
export interface ChainOptions {
  /** The request the reviewer gets, from the original request and the draft (default: `reviewRequest`). */
  readonly review?: (request: CompletionRequest, draft: Completion) => CompletionRequest
}

/** The outcome of a chain: the draft and the reviewed answer. */
export interface ChainResult {
  readonly draft: Completion
  readonly final: Completion
}

/** A chain as a plan, with its detailed form. */
export interface ChainPlan extends Plan {
  readonly run: (request: CompletionRequest) => Effect.Effect<ChainResult, ProviderError>
}

/** The default review request: the conversation, the draft as the assistant's turn, and an ask to improve it. */
export const reviewRequest = (request: CompletionRequest, draft: Completion): CompletionRequest => {
  const { prompt: _prompt, messages: _messages, ...options } = request
  return {
    ...options,
    messages: [
      ...toMessages({ ...(request.messages ? { messages: request.messages } : {}), ...(request.prompt !== undefined ? { prompt: request.prompt } : {}) }),
      { role: "assistant", content: draft.text },
      { role: "user", content: "Review the answer above. Fix any mistakes and reply with the improved answer only." }
    ]
  }
}

/**
 * Draft with `drafter` (role "draft"), then review with `reviewer` (role "review"); the review is the answer. The
 * stream form streams the review once the draft is done.
 */
export const chain = (drafter: Step, reviewer: Step, options: ChainOptions = {}): ChainPlan => {
  const draftPlan = toPlan(drafter)
  const reviewPlan = toPlan(reviewer)
  const review = options.review ?? reviewRequest
  const run = (request: CompletionRequest) =>
    Effect.gen(function*() {
      const draft = yield* withRole(draftPlan.generate(request), "draft")
      const final = yield* withRole(reviewPlan.generate(review(request, draft)), "review")
      return { draft, final }
    })
  const generate = (request: CompletionRequest) => Effect.map(run(request), (result) => result.final)
  return { ...makePlan(`chain(${stepNames([drafter, reviewer])})`, generate, (request) =>
    Stream.unwrap(Effect.map(withRole(draftPlan.generate(request), "draft"), (draft) => withRoleStream(reviewPlan.stream(review(request, draft)), "review")))), run }
}
