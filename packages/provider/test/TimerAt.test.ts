// The plain timer for an absolute time: fires once at the time (at once when it has passed), waits in steps past
// Node's longest delay re-reading the clock, and does nothing once cancelled. Fake timers and a clock the test moves.
import { afterEach, describe, expect, it, vi } from "vitest"
import { maxTimerMs, timerAt } from "../src/index.ts"

afterEach(() => vi.useRealTimers())

describe("timerAt", () => {
  it("fires at once, synchronously, for a time already passed", () => {
    let fired = 0
    timerAt(100, () => 100, () => fired++)
    expect(fired).toBe(1)
  })

  it("waits past Node's longest delay in steps, re-reading the clock, and fires once at the time", () => {
    vi.useFakeTimers()
    let now = 0
    let fired = 0
    const delays: Array<number | undefined> = []
    const realSet = globalThis.setTimeout
    vi.spyOn(globalThis, "setTimeout").mockImplementation(((fn: () => void, ms?: number) => {
      delays.push(ms)
      return realSet(fn, ms)
    }) as typeof setTimeout)
    timerAt(2 * maxTimerMs + 500, () => now, () => fired++)
    expect(delays).toEqual([maxTimerMs])
    now = maxTimerMs
    vi.advanceTimersByTime(maxTimerMs)
    expect(delays).toEqual([maxTimerMs, maxTimerMs])
    now = 2 * maxTimerMs
    vi.advanceTimersByTime(maxTimerMs)
    expect(delays).toEqual([maxTimerMs, maxTimerMs, 500])
    expect(fired).toBe(0)
    now = 2 * maxTimerMs + 500
    vi.advanceTimersByTime(500)
    expect(fired).toBe(1)
    vi.restoreAllMocks()
  })

  it("does nothing once cancelled, and cancelling after it fired is harmless", () => {
    vi.useFakeTimers()
    let now = 0
    let fired = 0
    const cancel = timerAt(1_000, () => now, () => fired++)
    cancel()
    now = 2_000
    vi.advanceTimersByTime(2_000)
    expect(fired).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
    const other = timerAt(3_000, () => now, () => fired++)
    now = 3_000
    vi.advanceTimersByTime(1_000)
    expect(fired).toBe(1)
    other()
    expect(fired).toBe(1)
  })
})
