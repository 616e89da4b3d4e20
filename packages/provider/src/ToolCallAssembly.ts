/**
 * Tool calls assembled from a stream: services send a call's arguments as JSON text cut anywhere (OpenAI
 * `tool_calls[].function.arguments`, Anthropic `input_json_delta`), several calls interleaved by index. An adapter
 * emits them as `tool-call-delta` parts and pipes its stream through `assembleToolCalls`, which adds one complete
 * `tool-call` part per call (arguments parsed) before `finish`. A call whose arguments are not a JSON object fails
 * the stream with `MalformedResponse` carrying the text; a call without an id gets a fresh one.
 */
import { Effect, Stream } from "effect"
import { providerError, type ProviderError } from "./ProviderError.ts"
import type { StreamPart, ToolCallPart } from "./StreamPart.ts"
import { readToolArguments } from "./StructuredOutput.ts"

/** A fresh tool-call id, for services that send calls without one (older Ollama). */
export const newToolCallId = (): string => `call_${crypto.randomUUID().replace(/-/g, "").slice(0, 24)}`

interface PendingCall {
  id?: string
  name?: string
  readonly text: Array<string>
}

/**
 * The stream with a `tool-call` part for every call announced by `tool-call-delta` parts, in index order, just
 * before `finish` (deltas pass through, for display). Calls the adapter already emitted as `tool-call` parts are
 * left as they are. `makeId` names a call that came without an id.
 */
export const assembleToolCalls = <E, R>(
  stream: Stream.Stream<StreamPart, E, R>,
  makeId: () => string = newToolCallId
): Stream.Stream<StreamPart, E | ProviderError, R> =>
  Stream.suspend(() => {
    const pending = new Map<number, PendingCall>()
    const emitted = new Set<string>()
    const complete = (): Effect.Effect<ReadonlyArray<StreamPart>, ProviderError> =>
      Effect.suspend(() => {
        const parts: Array<ToolCallPart> = []
        for (const index of [...pending.keys()].sort((a, b) => a - b)) {
          const call = pending.get(index) as PendingCall
          if (call.id !== undefined && emitted.has(call.id)) continue
          const text = call.text.join("")
          if (call.name === undefined || call.name.length === 0) {
            return Effect.fail(providerError({ _tag: "MalformedResponse", text }, `The tool call at index ${index} has no name`))
          }
          const args = readToolArguments(text)
          if (!args.ok) return Effect.fail(providerError({ _tag: "MalformedResponse", text, issues: [args.issue] }, `The tool call ${call.name}: ${args.issue}`))
          parts.push({ type: "tool-call", id: call.id ?? makeId(), name: call.name, arguments: args.value })
        }
        pending.clear()
        return Effect.succeed(parts)
      })
    return stream.pipe(
      Stream.mapEffect((part): Effect.Effect<ReadonlyArray<StreamPart>, ProviderError> => {
        if (part.type === "tool-call-delta") {
          const call = pending.get(part.index) ?? { text: [] }
          // The first id and name a call gets are its own (some servers repeat them on every delta).
          if (call.id === undefined && part.id !== undefined && part.id.length > 0) call.id = part.id
          if (call.name === undefined && part.name !== undefined && part.name.length > 0) call.name = part.name
          call.text.push(part.argumentsDelta)
          pending.set(part.index, call)
          return Effect.succeed([part])
        }
        if (part.type === "tool-call") {
          emitted.add(part.id)
          return Effect.succeed([part])
        }
        if (part.type === "finish") return Effect.map(complete(), (calls) => [...calls, part])
        return Effect.succeed([part])
      }),
      Stream.flatMap((parts) => Stream.fromIterable(parts))
    )
  })
