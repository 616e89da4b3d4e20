/**
 * Turning a stream of parts into a completion, and checking that a stream really finished.
 */
import { Effect, Result, Stream } from "effect"
import type { Completion } from "./Completion.ts"
import { providerError, type ProviderError } from "./ProviderError.ts"
import type { ToolCall } from "./Request.ts"
import type { StreamPart } from "./StreamPart.ts"

/** Gathers parts, in order, into a completion: a plain loop, shared by `collectStream` and the one-shot `generate`. */
export interface CompletionBuilder {
  /** Take the parts of one batch. */
  readonly add: (parts: ReadonlyArray<StreamPart>) => void
  /** The completion, or StreamInterrupted with the text so far when no `finish` part came. */
  readonly done: () => Result.Result<Completion, ProviderError>
}

/** What a builder has gathered so far. */
interface Gathered {
  text: string
  reasoning: string | undefined
  toolCalls: Array<ToolCall> | undefined
  finish: Extract<StreamPart, { type: "finish" }> | undefined
}

const gather = (into: Gathered, parts: ReadonlyArray<StreamPart>): void => {
  for (const part of parts) {
    switch (part.type) {
      case "text-delta":
        into.text += part.delta
        break
      case "reasoning-delta":
        into.reasoning = into.reasoning === undefined ? part.delta : into.reasoning + part.delta
        break
      case "tool-call":
        ;(into.toolCalls ??= []).push({ id: part.id, name: part.name, arguments: part.arguments })
        break
      case "finish":
        into.finish = part
        break
    }
  }
}

const completionOf = ({ text, reasoning, toolCalls, finish }: Gathered): Result.Result<Completion, ProviderError> => {
  if (finish === undefined) {
    return Result.fail(providerError({ _tag: "StreamInterrupted", partialText: text }, "The stream ended without a finish"))
  }
  const completion: { -readonly [K in keyof Completion]: Completion[K] } = {
    text,
    finishReason: finish.finishReason,
    usage: finish.usage,
    provider: finish.provider,
    model: finish.model,
    timings: finish.timings
  }
  if (reasoning !== undefined) completion.reasoning = reasoning
  if (finish.responseId !== undefined) completion.responseId = finish.responseId
  if (finish.meanLogprob !== undefined) completion.meanLogprob = finish.meanLogprob
  if (finish.logprobs !== undefined) completion.logprobs = finish.logprobs
  if (toolCalls !== undefined) completion.toolCalls = toolCalls
  if (finish.object !== undefined) completion.object = finish.object
  if (finish.reasoningSignature !== undefined) completion.reasoningSignature = finish.reasoningSignature
  if (finish.redactedReasoning !== undefined) completion.redactedReasoning = finish.redactedReasoning
  return Result.succeed(completion)
}

/** A fresh builder: the deltas joined, the complete tool calls in order, the `finish` part's metadata. */
export const makeCompletionBuilder = (): CompletionBuilder => {
  const gathered: Gathered = { text: "", reasoning: undefined, toolCalls: undefined, finish: undefined }
  return { add: (parts) => gather(gathered, parts), done: () => completionOf(gathered) }
}

/** The completion of an answer's parts all at once (a one-shot answer): what a builder given them in one batch makes. */
export const completionOfParts = (parts: ReadonlyArray<StreamPart>): Result.Result<Completion, ProviderError> => {
  const gathered: Gathered = { text: "", reasoning: undefined, toolCalls: undefined, finish: undefined }
  gather(gathered, parts)
  return completionOf(gathered)
}

/**
 * Run a stream to its end and build the completion: the deltas joined, the complete tool calls in order, the
 * `finish` part's metadata.
 * A stream that ends without a `finish` part is a StreamInterrupted error carrying the text so far.
 */
export const collectStream = <R>(stream: Stream.Stream<StreamPart, ProviderError, R>): Effect.Effect<Completion, ProviderError, R> =>
  Effect.suspend(() => {
    const builder = makeCompletionBuilder()
    return Effect.flatMap(
      Stream.runForEachArray(stream, (parts) => {
        builder.add(parts)
        return Effect.void
      }),
      () => Effect.fromResult(builder.done())
    )
  })

/** The text deltas of a stream as plain strings. */
export const textDeltas = <E, R>(stream: Stream.Stream<StreamPart, E, R>): Stream.Stream<string, E, R> =>
  Stream.filterMap(stream, (part) => (part.type === "text-delta" ? Result.succeed(part.delta) : Result.failVoid))
