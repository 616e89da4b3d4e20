// The bounded-call test support checked on its own: a bound counts the errors it made, a stream is read to its parts
// and its end, the silent server counts only connections that carried a request and tells when the client let go,
// and `watchTimers` tells a cleared far timer from a pending one and puts the real timers back, even when the run throws.
import { providerError, type StreamPart } from "@orch/provider"
import { Effect, Result, Stream } from "effect"
import * as net from "node:net"
import { describe, expect, it } from "vitest"
import { boundsFor, farTimerMs, readStream, startSilentServer, watchTimers } from "../src/BoundedCalls.ts"

describe("boundsFor", () => {
  it("a bound makes the model's total-phase Timeout and counts each time it did", () => {
    const { boundError, boundIn } = boundsFor({ provider: "p", model: "m" })
    const bound = boundIn(50)
    expect(bound.made()).toBe(0)
    expect(bound.error()).toEqual(providerError({ _tag: "Timeout", phase: "total", afterMs: 50 }, "The call's deadline of 50 ms passed", { provider: "p", model: "m" }))
    expect(bound.error()).toEqual(boundError(50))
    expect(bound.made()).toBe(2)
    expect(boundIn(-1).atMs).toBeLessThan(bound.atMs)
  })
})

describe("readStream", () => {
  it("keeps every part, joins the text and reports how the stream ended", async () => {
    const parts: Array<StreamPart> = [{ type: "text-delta", delta: "Hel" }, { type: "text-delta", delta: "lo" }]
    const failure = providerError({ _tag: "Timeout", phase: "total", afterMs: 1 }, "late")
    const read = await readStream(Stream.concat(Stream.fromIterable(parts), Stream.fail(failure)))
    expect(read.parts).toEqual(parts)
    expect(read.text).toBe("Hello")
    expect(Result.isFailure(read.result) ? read.result.failure : undefined).toBe(failure)
  })

  it("a stream that never ends fails the read past its limit instead of hanging", async () => {
    await expect(readStream(Stream.never, 20)).rejects.toThrow("did not settle")
  })
})

describe("startSilentServer", () => {
  it("counts the connections that carried a request, and resolves allClosed once the client closed them", async () => {
    const silent = await startSilentServer()
    try {
      const { port } = new URL(silent.url)
      const idle = net.connect(Number(port), "127.0.0.1")
      const carrying = net.connect(Number(port), "127.0.0.1")
      await new Promise<void>((resolve) => carrying.once("connect", () => resolve()))
      carrying.write("GET / HTTP/1.1\r\nhost: x\r\n\r\n")
      while (silent.counts().requested < 1) await new Promise((resolve) => setImmediate(resolve))
      expect(silent.counts()).toEqual({ requested: 1, closed: 0 })
      carrying.destroy()
      await silent.allClosed()
      expect(silent.counts()).toEqual({ requested: 1, closed: 1 })
      idle.destroy()
    } finally {
      await silent.close()
    }
  })
})

describe("watchTimers", () => {
  it("records far timers only, tells cleared from pending, and restores the real timers", async () => {
    const realSet = globalThis.setTimeout
    const realClear = globalThis.clearTimeout
    let left: ReturnType<typeof setTimeout> | undefined
    const watched = await watchTimers(async () => {
      const near = setTimeout(() => undefined, 1)
      const cleared = setTimeout(() => undefined, farTimerMs)
      left = setTimeout(() => undefined, farTimerMs)
      clearTimeout(near)
      clearTimeout(cleared)
      return "done"
    })
    clearTimeout(left)
    expect(watched.value).toBe("done")
    expect(watched.set).toHaveLength(2)
    expect(watched.pending).toEqual([left])
    expect(globalThis.setTimeout).toBe(realSet)
    expect(globalThis.clearTimeout).toBe(realClear)
  })

  it("restores the real timers when the run throws", async () => {
    const realSet = globalThis.setTimeout
    await expect(watchTimers(() => Effect.runPromise(Effect.die(new Error("boom"))))).rejects.toThrow("boom")
    expect(globalThis.setTimeout).toBe(realSet)
  })
})
