// The deadline covers the whole call from the moment it is made: a cloud server that accepts the connection and
// never answers its model listing must not hold `complete`, `stream`, AUTO or `providers()` past the deadline; and
// what the caller names is what runs: unknown model ids are an error naming them, a two-model vote never becomes
// samples of one model. A reservation is released whatever ends the attempt, even while it is in flight.
import { CostTracker, type CostTrackerShape, reservesAtOnce } from "@orch/cost-tracker"
import { makeCloudProvider } from "@orch/providers-cloud"
import { makeLocalProvider } from "@orch/providers-local"
import { startWireServer, type WireServer } from "@orch/testing"
import { TaskRouter } from "@orch/task-router"
import { Context, Deferred, Effect, Fiber, Layer } from "effect"
import * as net from "node:net"
import { afterEach, describe, expect, it } from "vitest"
import { createOrchestrator, ModelOrchestrator, type Orchestrator } from "../src/index.ts"
import { canaryKey, failure, startSubstrate, type Substrate } from "./substrate.ts"

/** A server that accepts every connection and never sends a byte. */
const silentServer = async (): Promise<{ readonly url: string; readonly close: () => Promise<void> }> => {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => { sockets.add(socket); socket.on("close", () => sockets.delete(socket)) })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const address = server.address() as net.AddressInfo
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()) })
  }
}

let cleanup: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const step of cleanup.reverse()) await step()
  cleanup = []
})

const stalledCloud = async (options: { readonly deadlineMs: number }): Promise<{ readonly orchestrator: Orchestrator; readonly local: WireServer }> => {
  const silent = await silentServer()
  const local = await startWireServer({ models: ["llama3.2:1b"], loadedModels: ["llama3.2:1b"] })
  const localProvider = await Effect.runPromise(makeLocalProvider({ ollama: { host: local.url } }))
  const cloudProvider = makeCloudProvider({ openai: { apiKey: canaryKey, baseUrl: `${silent.url}/v1` } })
  const orchestrator = createOrchestrator({ providers: [localProvider, cloudProvider], deadlineMs: options.deadlineMs })
  cleanup.push(silent.close, local.close, orchestrator.dispose)
  return { orchestrator, local }
}

/**
 * How a call that waited on the silent listing may end: at its deadline (Timeout), or, when the process was held up
 * past both (a loaded machine), by the listings' own limit (the same length as the deadline, started with the
 * catalog's refresh), which reports the silent provider as not answering. Either way it did not wait on the silence.
 */
const endedByTheDeadline = (error: { readonly reason: { readonly _tag: string }; readonly message: string }) => {
  if (error.reason._tag === "Unavailable") expect(error.message).toMatch(/did not answer its availability probe or model listing within 300 ms/)
  else expect(error.reason).toMatchObject({ _tag: "Timeout", phase: "total" })
}

describe("a model listing that never answers", () => {
  it("does not hold AUTO past the deadline", async () => {
    const { orchestrator } = await stalledCloud({ deadlineMs: 300 })
    endedByTheDeadline(await failure(orchestrator.complete("Say hello")))
  })

  it("does not hold a named model past the deadline", async () => {
    const { orchestrator } = await stalledCloud({ deadlineMs: 300 })
    const error = await failure(orchestrator.complete("Say hello", { model: "openai/gpt-4o-mini" }))
    expect(error.reason._tag).toBe("Timeout")
  })

  it("does not hold a stream past the deadline", async () => {
    const { orchestrator } = await stalledCloud({ deadlineMs: 300 })
    const stream = orchestrator.stream("Say hello")
    endedByTheDeadline(await failure((async () => { for await (const _ of stream) { /* nothing comes */ } })()))
  })

  it("providers() reports the silent provider within the deadline, and later calls are served by the others", async () => {
    const { orchestrator, local } = await stalledCloud({ deadlineMs: 300 })
    local.setDefault({ kind: "synth", text: "local answer" })
    const statuses = await orchestrator.providers()
    const cloud = statuses.find((s) => s.kind === "cloud")
    expect(cloud?.availability.available).toBe(false)
    expect(cloud?.listError).toMatch(/did not answer/)
    expect(JSON.stringify(statuses)).not.toContain(canaryKey)
    // The listing's outcome is cached: a call with room to answer is served locally without waiting on the cloud.
    const response = await orchestrator.complete("Say hello", { deadlineMs: 10_000 })
    expect(response.text).toBe("local answer")
  })
})

describe("what the caller names is what runs", () => {
  let substrate: Substrate | undefined
  afterEach(async () => {
    await substrate?.close()
    substrate = undefined
  })

  it("unknown ids in an ensemble's models are an error naming each of them", async () => {
    substrate = await startSubstrate()
    const error = await failure(substrate.make().ensemble("Capital of France?", { models: ["ollama/llama3.2:1b", "ollama/nope-one", "openai/nope-two"] }))
    expect(error.reason._tag).toBe("ModelNotFound")
    expect(error.message).toContain("ollama/nope-one")
    expect(error.message).toContain("openai/nope-two")
    expect(substrate.calls()).toEqual({ local: 0, cloud: 0 })
  })

  it("an unknown id in a call's models is an error, not a quiet drop", async () => {
    substrate = await startSubstrate()
    const error = await failure(substrate.make().complete("Say hello", { models: ["openai/gpt-4o-mini", "ollama/missing"] }))
    expect(error.reason._tag).toBe("ModelNotFound")
    expect(error.message).toContain("missing")
    expect(substrate.calls()).toEqual({ local: 0, cloud: 0 })
  })

  it("a two-model vote never becomes samples of one model", async () => {
    substrate = await startSubstrate()
    const error = await failure(substrate.make().ensemble("Capital of France?", { models: ["ollama/llama3.2:1b", "openai/gpt-4o-mini"], strategy: "cloud_only" }))
    expect(error.reason._tag).toBe("InvalidRequest")
    expect(error.message).toContain("ollama/llama3.2:1b")
    expect(substrate.calls()).toEqual({ local: 0, cloud: 0 })
  })

  it("a named model is not classified: the response says so", async () => {
    substrate = await startSubstrate()
    substrate.cloud.enqueue({ kind: "synth", text: "named" })
    const response = await substrate.make().complete("Write a Python function that parses dates", { model: "openai/gpt-4o-mini" })
    expect(response.text).toBe("named")
    expect(response.taskTypeSource).toBe("unclassified")
    expect(response.routing.classifiedBy).toBeUndefined()
  })
})

describe("reservations", () => {
  it("on the in-memory ledger (reserved in one step, no fiber), a call cut mid-flight frees its reservation and is billed as cancelled", async () => {
    const cloud = await startWireServer({ models: ["gpt-4o-mini"] })
    cleanup.push(cloud.close)
    // The answer never comes: the server stalls before its first byte until the client hangs up.
    cloud.enqueue({ kind: "fault", fault: "stall" })
    const provider = makeCloudProvider({ openai: { apiKey: canaryKey, baseUrl: `${cloud.url}/v1` } })
    const program = Effect.gen(function*() {
      const costs = yield* CostTracker
      expect(reservesAtOnce(costs)).toBe(true)
      const layer = ModelOrchestrator.layerWith({ providers: [provider], deadlineMs: 10_000 }).pipe(
        Layer.provide(Layer.merge(Layer.succeed(CostTracker, costs), TaskRouter.layer()))
      )
      const orchestrator = Context.get(yield* Layer.build(layer), ModelOrchestrator)
      const reservedNow = Effect.map(costs.budgetStatus(), (standings) => standings.reduce((sum, b) => sum + b.reservedUsd, 0))
      const fiber = yield* Effect.forkChild(orchestrator.complete("Say hello", { model: "openai/gpt-4o-mini" }))
      // Wait until the call is sent (reserved first) to the server that never answers, then cut it.
      while (!cloud.requests.some((r) => r.path === "/v1/chat/completions")) {
        yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 2)))
      }
      const held = yield* reservedNow
      yield* Fiber.interrupt(fiber)
      return { held, reserved: yield* reservedNow, summary: yield* costs.summary() }
    })
    const result = await Effect.runPromise(Effect.scoped(program).pipe(Effect.provide(CostTracker.layerMemory({ budgets: [{ name: "global", limitUsd: 1, period: "total", mode: "hard" }] }))))
    expect(result.held).toBeGreaterThan(0)
    expect(result.reserved).toBe(0)
    expect(result.summary.totals).toMatchObject({ attempts: 1, cancelled: 1 })
  })

  it("a reservation still in flight when the call is cancelled is released when it lands", async () => {
    const cloud = await startWireServer({ models: ["gpt-4o-mini"] })
    cleanup.push(cloud.close)
    const provider = makeCloudProvider({ openai: { apiKey: canaryKey, baseUrl: `${cloud.url}/v1` } })
    const program = Effect.gen(function*() {
      const real = yield* CostTracker
      const entered = yield* Deferred.make<void>()
      const land = yield* Deferred.make<void>()
      // The real tracker, reached over a slow link: the reservation is written, the answer is late.
      const slow: CostTrackerShape = {
        ...real,
        reserve: (input) => Effect.flatMap(real.reserve(input), (reservation) =>
          Effect.as(Effect.andThen(Deferred.succeed(entered, undefined), Deferred.await(land)), reservation))
      }
      const layer = ModelOrchestrator.layerWith({ providers: [provider], deadlineMs: 10_000 }).pipe(
        Layer.provide(Layer.merge(Layer.succeed(CostTracker, slow), TaskRouter.layer()))
      )
      const orchestrator = Context.get(yield* Layer.build(layer), ModelOrchestrator)
      const fiber = yield* Effect.forkChild(orchestrator.complete("Say hello", { model: "openai/gpt-4o-mini" }))
      yield* Deferred.await(entered)
      const held = yield* real.budgetStatus()
      yield* Fiber.interrupt(fiber)
      yield* Deferred.succeed(land, undefined)
      // Wait for the late reservation to be released: the budget's reserved amount returns to zero.
      let reserved = Number.POSITIVE_INFINITY
      for (let i = 0; i < 1000 && reserved > 0; i++) {
        yield* Effect.yieldNow
        reserved = (yield* real.budgetStatus()).reduce((sum, b) => sum + b.reservedUsd, 0)
      }
      return { held: held.reduce((sum, b) => sum + b.reservedUsd, 0), reserved }
    })
    const result = await Effect.runPromise(Effect.scoped(program).pipe(Effect.provide(CostTracker.layerMemory({ budgets: [{ name: "global", limitUsd: 1, period: "total", mode: "hard" }] }))))
    expect(result.held).toBeGreaterThan(0)
    expect(result.reserved).toBe(0)
    expect(cloud.requests.filter((r) => r.path === "/v1/chat/completions")).toHaveLength(0)
  })
})
