/**
 * The cases every model that offers `streamBounded` passes against the loopback wire server,
 * whatever its wire: a stream ends at the bound with the bound's error (made once) whatever it waits for (the response
 * head, the next event, the rest of one), the request aborted and the text before kept; a far bound completes as
 * `stream` does and leaves no timer behind; an interrupted consumer aborts the request; a bound already past sends
 * nothing. Each case is a name and a run that throws (`node:assert`) when the model falls short, so a test file
 * registers them with its own runner. No assertion reads how long anything took.
 */
import type { LanguageModel, ProviderError } from "@orch/provider"
import { Effect, Fiber, Result, Stream } from "effect"
import assert from "node:assert/strict"
import type { Behavior } from "./Behavior.ts"
import { type Bounds, farBoundMs, readStream, requestsNotCutOff, startSilentServer, watchTimers } from "./BoundedCalls.ts"
import type { WireServer } from "./WireServer.ts"

/** The model under test, as the cases need it. */
export interface BoundedStreamSubject {
  /** The wire server the model talks to (a function: a test starts it after the cases are made). */
  readonly server: () => WireServer
  /** The model, talking to `baseUrl` (the wire server's when omitted). */
  readonly model: (baseUrl?: string) => LanguageModel
  /** The bounds naming the model (`boundsFor`). */
  readonly bounds: Bounds
  /** An answer in the model's wire format whose first `pieces` of text are sent and the connection then held open. */
  readonly stallAfter: (pieces: ReadonlyArray<string>) => Behavior
}

/** One case: its name, and a run that rejects when the model falls short. */
export interface BoundedCase {
  readonly name: string
  readonly run: () => Promise<void>
}

const failureOf = <A>(result: Result.Result<A, ProviderError>): ProviderError | undefined => (Result.isFailure(result) ? result.failure : undefined)

/** The cases for `subject`; run each with a freshly reset wire server. */
export const boundedStreamCases = (subject: BoundedStreamSubject): ReadonlyArray<BoundedCase> => {
  const { boundError, boundIn } = subject.bounds
  const { model } = subject
  const server = subject.server
  const streamBounded = (baseUrl: string | undefined, bound: ReturnType<typeof boundIn>) => {
    const stream = model(baseUrl).streamBounded
    assert.ok(stream !== undefined, "the model offers no streamBounded")
    return stream({ prompt: "x" }, bound)
  }
  // On a loaded machine the bound may pass before the request is read: whatever arrived was hung up on.
  const noneLeftOpen = async () => assert.deepStrictEqual(await requestsNotCutOff(server()), [])
  return [
    {
      name: "streamBounded is offered",
      run: async () => {
        assert.equal(typeof model().streamBounded, "function")
      }
    },
    {
      name: "a stream that stalls after some text fails with the bound's error, once, keeps the text before, and the request is aborted",
      run: async () => {
        server().enqueue(subject.stallAfter(["Hel", "lo"]))
        // A second: long enough for the first events to arrive on a loaded machine, as the text check needs.
        const bound = boundIn(1_000)
        const { text, result } = await readStream(streamBounded(undefined, bound))
        assert.deepStrictEqual(failureOf(result), boundError(1_000))
        assert.equal(bound.made(), 1)
        assert.equal(text, "Hello")
        await server().waitForClosed()
        assert.equal(server().requests[0]?.aborted, true)
      }
    },
    {
      name: "a stream whose head came and nothing after it ends at the bound",
      run: async () => {
        server().enqueue({ kind: "fault", fault: "stall" })
        const { text, result } = await readStream(streamBounded(undefined, boundIn(50)))
        assert.deepStrictEqual(failureOf(result), boundError(50))
        assert.equal(text, "")
        await noneLeftOpen()
      }
    },
    {
      name: "a stall before the response head ends at the bound with its error, once, and the connection is closed",
      run: async () => {
        const silent = await startSilentServer()
        try {
          const bound = boundIn(50)
          const { result } = await readStream(streamBounded(silent.url, bound))
          assert.deepStrictEqual(failureOf(result), boundError(50))
          assert.equal(bound.made(), 1)
          await silent.allClosed()
        } finally {
          await silent.close()
        }
      }
    },
    {
      name: "a body that drips within one event is cut at the bound too",
      run: async () => {
        server().enqueue({ kind: "fault", fault: "slow-drip", text: "a long answer sent one byte at a time", delayMs: 20 })
        const { result } = await readStream(streamBounded(undefined, boundIn(60)))
        assert.deepStrictEqual(failureOf(result), boundError(60))
        await noneLeftOpen()
      }
    },
    {
      name: "a far bound: the stream completes as `stream` does and its timer is cleared at the end",
      run: async () => {
        server().enqueue({ kind: "synth", text: "all of it" }, { kind: "synth", text: "all of it" })
        const plain = await readStream(model().stream({ prompt: "x" }))
        const watched = await watchTimers(() => readStream(streamBounded(undefined, boundIn(farBoundMs))))
        assert.ok(Result.isSuccess(watched.value.result), "the far-bounded stream failed")
        assert.deepStrictEqual(watched.value.parts.map((part) => part.type), plain.parts.map((part) => part.type))
        assert.equal(watched.value.text, "all of it")
        // One timer, of Node's longest delay (the bound waits in steps), and none left behind.
        assert.equal(watched.set.length, 1)
        assert.deepStrictEqual(watched.pending, [])
        assert.equal(server().requests[1]?.aborted, false)
      }
    },
    {
      name: "interrupting the consumer mid-stream clears the timer and aborts the request",
      run: async () => {
        server().enqueue(subject.stallAfter(["Hel"]))
        const watched = await watchTimers(async () => {
          const first = Promise.withResolvers<void>()
          const fiber = Effect.runFork(Stream.runForEach(streamBounded(undefined, boundIn(farBoundMs)), (part) =>
            Effect.sync(() => {
              if (part.type === "text-delta") first.resolve()
            })))
          await first.promise
          await Effect.runPromise(Fiber.interrupt(fiber))
        })
        assert.equal(watched.set.length, 1)
        assert.deepStrictEqual(watched.pending, [])
        await server().waitForClosed()
        assert.equal(server().requests[0]?.aborted, true)
      }
    },
    {
      name: "a bound already past sends nothing",
      run: async () => {
        const bound = boundIn(-1)
        const { result } = await readStream(streamBounded(undefined, bound))
        assert.deepStrictEqual(failureOf(result), boundError(-1))
        assert.equal(bound.made(), 1)
        assert.equal(server().requests.length, 0)
      }
    }
  ]
}
