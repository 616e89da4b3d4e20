import { describe, expect, it } from "@effect/vitest"
import { Cause, Deferred, Effect, Exit, Fiber, Stream } from "effect"
import { TestClock } from "effect/testing"
import { readEventBatches, readEvents, throughStage, type PlainStage } from "../src/index.ts"

/** What an SDK hands back for a streamed response: an async iterable of parsed events, here with a script. */
interface Source<A> {
  readonly iterable: AsyncIterable<A>
  /** The signal `open` was given. */
  signal?: AbortSignal
  /** How many times the consumer's `return()` ran. */
  returns: number
}

/** Events `items`, then an end, a failure or a stall that never settles. */
const sourceOf = <A>(items: ReadonlyArray<A>, ending: "end" | { readonly fail: unknown } | "stall" = "end"): Source<A> => {
  const source: Source<A> = {
    returns: 0,
    iterable: {
      [Symbol.asyncIterator]: () => {
        let at = 0
        return {
          next: () => {
            if (at < items.length) return Promise.resolve({ done: false as const, value: items[at++]! })
            if (ending === "end") return Promise.resolve({ done: true as const, value: undefined })
            if (ending === "stall") return new Promise<IteratorResult<A>>(() => {})
            return Promise.reject(ending.fail)
          },
          return: () => {
            source.returns++
            return Promise.resolve({ done: true as const, value: undefined })
          }
        }
      }
    }
  }
  return source
}

const reader = <A>(source: Source<A>, idle?: { readonly millis: number }) =>
  readEvents<A, string>({
    open: (signal) => {
      source.signal = signal
      return Promise.resolve(source.iterable)
    },
    onError: (error) => `read failed: ${String(error)}`,
    ...(idle !== undefined ? { idle: { millis: idle.millis, onIdle: () => "stalled" } } : {})
  })

/** How a run ended: "done", or its error. */
const outcome = (exit: Exit.Exit<unknown, unknown>): unknown => (Exit.isSuccess(exit) ? "done" : Cause.squash(exit.cause))

/** Every batch the consumer received, and how the stream ended. */
const batchesOf = <A, E>(stream: Stream.Stream<A, E>) =>
  Effect.gen(function*() {
    const batches: Array<ReadonlyArray<A>> = []
    const exit = yield* Effect.exit(Stream.runForEachArray(stream, (batch) => Effect.sync(() => batches.push([...batch]))))
    return { batches, ended: outcome(exit) }
  })

/** Doubles numbers; fails on a negative one (after what came before it), and appends `end` at the end. */
const doubling: Effect.Effect<PlainStage<number, number | string, string, string>> = Effect.sync(() => ({
  push: (n, out) => {
    if (n < 0) return `negative ${n}`
    out.push(n * 2)
    return undefined
  },
  end: (out) => {
    out.push("end")
    return undefined
  },
  fail: (error) => `doubling saw: ${error}`
}))

/** Sums what it is given in pairs, failing at its end when one is left over. */
const pairing: Effect.Effect<PlainStage<number | string, string, string, string>> = Effect.sync(() => {
  let held: number | string | undefined
  return {
    push: (value, out) => {
      if (held === undefined) held = value
      else {
        out.push(`${held}+${value}`)
        held = undefined
      }
      return undefined
    },
    end: () => (held === undefined ? undefined : `left over: ${held}`),
    fail: (error) => `pairing saw: ${error}`
  }
})

describe("readEvents", () => {
  it.effect("takes every event in order, a burst of parsed events in one wake", () =>
    Effect.gen(function*() {
      const items = Array.from({ length: 50 }, (_, i) => i)
      const source = sourceOf(items)
      const { batches, ended } = yield* batchesOf(reader(source))
      expect(ended).toBe("done")
      expect(batches.flat()).toEqual(items)
      expect(batches).toHaveLength(1)
      // A response read to its end is not aborted.
      expect(source.signal?.aborted).toBe(false)
    }))

  it.effect("a failure of the reading comes after the events before it, and aborts the request", () =>
    Effect.gen(function*() {
      const source = sourceOf([1, 2, 3], { fail: "socket hang up" })
      const { batches, ended } = yield* batchesOf(reader(source))
      expect(batches.flat()).toEqual([1, 2, 3])
      expect(ended).toBe("read failed: socket hang up")
      expect(source.signal?.aborted).toBe(true)
    }))

  it.effect("a stage that throws ends the stream as a defect, after what came before it, and aborts the request", () =>
    Effect.gen(function*() {
      const source = sourceOf([1, 2, 3])
      const throwing = Effect.succeed({
        push: (n: number, out: Array<number>): string | undefined => {
          if (n === 3) throw new Error("a bug in a stage")
          out.push(n)
          return undefined
        }
      })
      const { batches, ended } = yield* batchesOf(reader(source).pipe(throughStage(throwing)))
      expect(batches.flat()).toEqual([1, 2])
      expect(ended).toEqual(new Error("a bug in a stage"))
      expect(source.signal?.aborted).toBe(true)
    }))

  it.effect("a failed open is the stream's error", () =>
    Effect.gen(function*() {
      const stream = readEvents<number, string>({ open: () => Promise.reject(new Error("ECONNREFUSED")), onError: (error) => `open failed: ${(error as Error).message}` })
      expect(outcome(yield* Effect.exit(Stream.runDrain(stream)))).toBe("open failed: ECONNREFUSED")
    }))

  it.effect("interrupting the consumer aborts the request and returns the iterator", () =>
    Effect.gen(function*() {
      const source = sourceOf([1], "stall")
      const first = yield* Deferred.make<void>()
      const fiber = yield* reader(source).pipe(Stream.tap(() => Deferred.succeed(first, undefined)), Stream.runDrain, Effect.forkChild)
      yield* Deferred.await(first)
      yield* Fiber.interrupt(fiber)
      expect(source.signal?.aborted).toBe(true)
      expect(source.returns).toBe(1)
    }))

  it.effect("a body that stalls is cut exactly the idle time after its last event, on the Clock", () =>
    Effect.gen(function*() {
      const source = sourceOf(["a", "b"], "stall")
      const received = yield* Deferred.make<void>()
      let count = 0
      const fiber = yield* reader(source, { millis: 30_000 }).pipe(
        Stream.runForEachArray((batch) => {
          count += batch.length
          return count === 2 ? Deferred.succeed(received, undefined) : Effect.void
        }),
        Effect.exit,
        Effect.forkChild
      )
      yield* Deferred.await(received)
      yield* TestClock.adjust("29999 millis")
      expect(fiber.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust("1 millis")
      expect(outcome(yield* Fiber.join(fiber))).toBe("stalled")
      expect(source.signal?.aborted).toBe(true)
    }))

  it.effect("a bound later than the idle limit leaves the idle limit in force", () =>
    Effect.gen(function*() {
      const source = sourceOf(["a"], "stall")
      const received = yield* Deferred.make<void>()
      const stream = readEvents<string, string>({
        open: (signal) => {
          source.signal = signal
          return Promise.resolve(source.iterable)
        },
        onError: String,
        idle: { millis: 30_000, onIdle: () => "stalled" },
        // Ten minutes away: only the idle limit can end this stall first.
        bound: { atMs: 600_000, onBound: () => "bound passed" }
      })
      const fiber = yield* stream.pipe(Stream.runForEach(() => Deferred.succeed(received, undefined)), Effect.exit, Effect.forkChild)
      yield* Deferred.await(received)
      yield* TestClock.adjust("30 seconds")
      expect(outcome(yield* Fiber.join(fiber))).toBe("stalled")
      expect(source.signal?.aborted).toBe(true)
    }))

  it.effect("a bound later than the opening limit leaves the opening limit in force", () =>
    Effect.gen(function*() {
      let signal: AbortSignal | undefined
      const stream = readEvents<number, string>({
        open: (given) => {
          signal = given
          return new Promise((_, reject) => given.addEventListener("abort", () => reject(new Error("AbortError"))))
        },
        onError: (error) => `read failed: ${(error as Error).message}`,
        opening: { millis: 10_000, onTimeout: () => "no answer" },
        bound: { atMs: 600_000, onBound: () => "bound passed" }
      })
      const fiber = yield* Effect.forkChild(Effect.exit(Stream.runDrain(stream)))
      while (signal === undefined) yield* Effect.yieldNow
      yield* Effect.yieldNow
      yield* TestClock.adjust("10 seconds")
      expect(outcome(yield* Fiber.join(fiber))).toBe("no answer")
      expect(signal?.aborted).toBe(true)
    }))

  it.effect("a response that never begins is cut by the opening limit, not reported as the abort that follows", () =>
    Effect.gen(function*() {
      let signal: AbortSignal | undefined
      const stream = readEvents<number, string>({
        open: (given) => {
          signal = given
          // Like fetch: rejects with an AbortError once aborted.
          return new Promise((_, reject) => given.addEventListener("abort", () => reject(new Error("AbortError"))))
        },
        onError: (error) => `read failed: ${(error as Error).message}`,
        opening: { millis: 10_000, onTimeout: () => "no answer" }
      })
      const fiber = yield* Effect.forkChild(Effect.exit(Stream.runDrain(stream)))
      // The request is out; the limit's timer was started before it (and runs first on the scheduler).
      while (signal === undefined) yield* Effect.yieldNow
      yield* Effect.yieldNow
      yield* TestClock.adjust("9999 millis")
      expect(fiber.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust("1 millis")
      expect(outcome(yield* Fiber.join(fiber))).toBe("no answer")
      expect(signal?.aborted).toBe(true)
    }))

  it.effect("a response that keeps coming is never cut, however long it takes in all", () =>
    Effect.gen(function*() {
      // Each event arrives 20 s after the one before, on the TestClock; the idle limit is 30 s.
      let at = 0
      const pending: Array<() => void> = []
      const iterable: AsyncIterable<number> = {
        [Symbol.asyncIterator]: () => ({
          next: () => at === 5 ? Promise.resolve({ done: true as const, value: undefined }) : new Promise((resolve) => { pending.push(() => resolve({ done: false, value: at++ })) })
        })
      }
      const stream = readEvents<number, string>({ open: () => Promise.resolve(iterable), onError: String, idle: { millis: 30_000, onIdle: () => "stalled" } })
      const fiber = yield* Effect.forkChild(Stream.runCollect(stream))
      for (let i = 0; i < 5; i++) {
        while (pending.length === 0) yield* Effect.promise(() => new Promise((resolve) => setImmediate(resolve)))
        yield* TestClock.adjust("20 seconds")
        pending.shift()!()
      }
      expect(yield* Fiber.join(fiber)).toEqual([0, 1, 2, 3, 4])
    }))
})

describe("readEventBatches", () => {
  const cases: ReadonlyArray<{ readonly name: string; readonly batches: ReadonlyArray<ReadonlyArray<number>>; readonly ending?: { readonly fail: unknown } }> = [
    { name: "batches read to the end", batches: [[1, 2, 3], [4], [5, 6]] },
    { name: "a stage error in the middle of a batch", batches: [[1, 2], [3, -4, 5], [6]] },
    { name: "a failure of the source after some batches", batches: [[1, 2], [3]], ending: { fail: "reset" } }
  ]
  for (const c of cases) {
    it.effect(`takes each batch's events one by one, as readEvents takes them one at a time: ${c.name}`, () =>
      Effect.gen(function*() {
        const batched = readEventBatches<number, string>({
          open: (signal) => {
            batchesSource.signal = signal
            return Promise.resolve(batchesSource.iterable)
          },
          onError: (error) => `read failed: ${String(error)}`
        })
        const batchesSource = sourceOf(c.batches, c.ending ?? "end")
        const fromBatches = yield* batchesOf(batched.pipe(throughStage(doubling), throughStage(pairing)))
        const oneByOne = yield* batchesOf(reader(sourceOf(c.batches.flat(), c.ending ?? "end")).pipe(throughStage(doubling), throughStage(pairing)))
        expect(fromBatches.batches.flat()).toEqual(oneByOne.batches.flat())
        expect(fromBatches.ended).toEqual(oneByOne.ended)
        // A stream that did not read to its end aborts its request.
        expect(batchesSource.signal?.aborted).toBe(fromBatches.ended !== "done")
      }))
  }
})

describe("throughStage", () => {
  const cases: ReadonlyArray<{ readonly name: string; readonly items: ReadonlyArray<number>; readonly ending?: { readonly fail: unknown } }> = [
    { name: "a clean run", items: [1, 2, 3] },
    { name: "a stage error after some outputs", items: [1, 2, -3, 4] },
    { name: "an error at the end of a later stage", items: [1, 2, 3, 4] },
    { name: "a failure of the source", items: [1, 2], ending: { fail: "reset" } }
  ]
  for (const c of cases) {
    it.effect(`runs the same inside a read loop as on any stream: ${c.name}`, () =>
      Effect.gen(function*() {
        const fused = yield* batchesOf(reader(sourceOf(c.items, c.ending ?? "end")).pipe(throughStage(doubling), throughStage(pairing)))
        const source: Stream.Stream<number, string> = c.ending === undefined
          ? Stream.fromIterable(c.items)
          : Stream.concat(Stream.fromIterable(c.items), Stream.fail(`read failed: ${String(c.ending.fail)}`))
        // One element per batch: the stage must keep the order wherever the batches are cut.
        const layered = yield* batchesOf(source.pipe(Stream.rechunk(1), throughStage(doubling), throughStage(pairing)))
        expect(fused.batches.flat()).toEqual(layered.batches.flat())
        expect(fused.ended).toEqual(layered.ended)
      }))
  }

  it.effect("what a stage emitted before its error reaches the consumer first", () =>
    Effect.gen(function*() {
      const { batches, ended } = yield* batchesOf(Stream.fromIterable([1, 2, -3, 4]).pipe(throughStage(doubling)))
      expect(batches.flat()).toEqual([2, 4])
      expect(ended).toBe("negative -3")
    }))

  it.effect("an upstream failure goes through the stage's fail", () =>
    Effect.gen(function*() {
      const { ended } = yield* batchesOf(Stream.fail("boom").pipe(throughStage(doubling)))
      expect(ended).toBe("doubling saw: boom")
    }))
})
