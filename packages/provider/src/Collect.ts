/**
 * Turning a stream of parts into a completion, and checking that a stream really finished.
 */
import { Effect, Result, Stream } from "effect"
import type { Completion } from "./Completion.ts"
import { providerError, type ProviderError } from "./ProviderError.ts"
import type { ToolCall } from "./Request.ts"
import type { StreamPart } from "./StreamPart.ts"

/**
 * Run a stream to its end and build the completion: the deltas joined, the complete tool calls in order, the
 * `finish` part's metadata.
 * A stream that ends without a `finish` part is a StreamInterrupted error carrying the text so far.
 */
export const collectStream = <R>(stream: Stream.Stream<StreamPart, ProviderError, R>): Effect.Effect<Completion, ProviderError, R> =>
  Effect.suspend(() => {
    const text: Array<string> = []
    const reasoning: Array<string> = []
    const toolCalls: Array<ToolCall> = []
    let finish: Extract<StreamPart, { type: "finish" }> | undefined
    return Stream.runForEach(stream, (part) =>
      Effect.sync(() => {
        if (part.type === "text-delta") text.push(part.delta)
        else if (part.type === "reasoning-delta") reasoning.push(part.delta)
        else if (part.type === "tool-call") toolCalls.push({ id: part.id, name: part.name, arguments: part.arguments })
        else if (part.type === "finish") finish = part
      })
    ).pipe(
      Effect.flatMap(() => {
        const done = finish
        if (done === undefined) {
          return Effect.fail(providerError({ _tag: "StreamInterrupted", partialText: text.join("") }, "The stream ended without a finish"))
        }
        const completion: Completion = {
          text: text.join(""),
          finishReason: done.finishReason,
          usage: done.usage,
          provider: done.provider,
          model: done.model,
          timings: done.timings,
          ...(reasoning.length > 0 ? { reasoning: reasoning.join("") } : {}),
          ...(done.responseId !== undefined ? { responseId: done.responseId } : {}),
          ...(done.meanLogprob !== undefined ? { meanLogprob: done.meanLogprob } : {}),
          ...(done.logprobs !== undefined ? { logprobs: done.logprobs } : {}),
          ...(toolCalls.length > 0 ? { toolCalls } : {}),
          ...(done.object !== undefined ? { object: done.object } : {}),
          ...(done.reasoningSignature !== undefined ? { reasoningSignature: done.reasoningSignature } : {})
        }
        return Effect.succeed(completion)
      })
    )
  })

/** The text deltas of a stream as plain strings. */
export const textDeltas = <E, R>(stream: Stream.Stream<StreamPart, E, R>): Stream.Stream<string, E, R> =>
  Stream.filterMap(stream, (part) => (part.type === "text-delta" ? Result.succeed(part.delta) : Result.failVoid))
