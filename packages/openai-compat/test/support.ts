/**
 * Test support: run a call with a deadline (no test can hang) and read its result.
 */
import { collectStream, type Completion, type LanguageModel, type ProviderError } from "@orch/provider"
import { Effect, Result } from "effect"

/** A call bounded by a deadline, so a hang fails the test instead of stalling it. */
export const settle = <A, E>(effect: Effect.Effect<A, E>, ms = 5_000): Promise<Result.Result<A, E>> =>
  Effect.runPromise(effect.pipe(Effect.timeoutOrElse({ duration: ms, orElse: () => Effect.die(new Error(`call did not settle within ${ms} ms`)) }), Effect.result))

/** Generate or stream-and-collect. */
export const call = (model: LanguageModel, mode: "generate" | "stream", extra: { readonly logprobs?: boolean } = {}): Promise<Result.Result<Completion, ProviderError>> =>
  settle(mode === "generate" ? model.generate({ prompt: "Say hello", ...extra }) : collectStream(model.stream({ prompt: "Say hello", ...extra })))

export const failureOf = <A>(result: Result.Result<A, ProviderError>): ProviderError => {
  if (Result.isSuccess(result)) throw new Error(`expected a failure, got ${JSON.stringify(result.success)}`)
  return result.failure
}

export const successOf = <A>(result: Result.Result<A, ProviderError>): A => {
  if (Result.isFailure(result)) throw new Error(`expected success, got ${result.failure.toString()}`)
  return result.success
}

/** An SSE body from events (objects as JSON, strings as they are), ending with `[DONE]` unless told otherwise. */
export const sse = (events: ReadonlyArray<unknown>, done = true): string =>
  events.map((e) => `data: ${typeof e === "string" ? e : JSON.stringify(e)}\n\n`).join("") + (done ? "data: [DONE]\n\n" : "")

/** An OpenAI chat chunk with one choice. */
export const chunk = (delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) => ({
  id: "chatcmpl-t1",
  object: "chat.completion.chunk",
  created: 1767225600,
  model: "m",
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finish, ...extra }]
})

/** Seeds for random byte splits. */
export const seeds = [1, 7, 42]
