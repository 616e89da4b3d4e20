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

/** A fresh builder: the deltas joined, the complete tool calls in order, the `finish` part's metadata. */
export const makeCompletionBuilder = (): CompletionBuilder => {
  const text: Array<string> = []
  const reasoning: Array<string> = []
  const toolCalls: Array<ToolCall> = []
  let finish: Extract<StreamPart, { type: "finish" }> | undefined
  const add = (parts: ReadonlyArray<StreamPart>): void => {
    for (const part of parts) {
      if (part.type === "text-delta") text.push(part.delta)
      else if (part.type === "reasoning-delta") reasoning.push(part.delta)
      else if (part.type === "tool-call") toolCalls.push({ id: part.id, name: part.name, arguments: part.arguments })
      else if (part.type === "finish") finish = part
    }
  }
  const done = (): Result.Result<Completion, ProviderError> => {
    if (finish === undefined) {
      return Result.fail(providerError({ _tag: "StreamInterrupted", partialText: text.join("") }, "The stream ended without a finish"))
    }
    return Result.succeed({
      text: text.join(""),
      finishReason: finish.finishReason,
      usage: finish.usage,
      provider: finish.provider,
      model: finish.model,
      timings: finish.timings,
      ...(reasoning.length > 0 ? { reasoning: reasoning.join("") } : {}),
      ...(finish.responseId !== undefined ? { responseId: finish.responseId } : {}),
      ...(finish.meanLogprob !== undefined ? { meanLogprob: finish.meanLogprob } : {}),
      ...(finish.logprobs !== undefined ? { logprobs: finish.logprobs } : {}),
      ...(toolCalls.length > 0 ? { toolCalls } : {}),
      ...(finish.object !== undefined ? { object: finish.object } : {}),
      ...(finish.reasoningSignature !== undefined ? { reasoningSignature: finish.reasoningSignature } : {})
    })
  }
  return { add, done }
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
