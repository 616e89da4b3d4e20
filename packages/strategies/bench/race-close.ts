// Race loser close: on the loopback wire server, the time from the winner's answer (the server finished its reply)
// to the loser's connection closed by the client, over many races; the direct call of the winner for scale.
// Run: node --conditions=@orch/source packages/strategies/bench/race-close.ts
import { startWireServer } from "@orch/testing"
import { Effect } from "effect"
import { race } from "../src/index.ts"
import { fetchModel } from "../test/FetchModel.ts"
import { fixed, percentile } from "./Stats.ts"

const races = Number(process.env.BENCH_CALLS ?? 200)
const server = await startWireServer()
try {
  const fast = fetchModel("wire/fast", server.url, { kind: "synth", text: "fast answer", firstTokenDelayMs: 2 })
  const slow = fetchModel("wire/slow", server.url, { kind: "synth", text: "slow answer", firstTokenDelayMs: 60_000 })
  const direct: Array<number> = []
  for (let i = 0; i < races; i++) {
    const start = performance.now()
    await Effect.runPromise(fast.generate({ prompt: "hi" }))
    direct.push(performance.now() - start)
  }
  server.reset()
  const closeAfterAnswer: Array<number> = []
  const raceTotal: Array<number> = []
  for (let i = 0; i < races; i++) {
    const start = performance.now()
    await Effect.runPromise(race([slow, fast]).generate({ prompt: "hi" }))
    raceTotal.push(performance.now() - start)
    await server.waitForClosed(2_000)
    const recent = server.requests.slice(-2)
    const winner = recent.find((r) => (r.body as { model: string }).model === "fast")
    const loser = recent.find((r) => (r.body as { model: string }).model === "slow")
    if (winner?.finishedAtMs === undefined || loser?.abortedAtMs === undefined) throw new Error(`race ${i}: the loser was not aborted`)
    closeAfterAnswer.push(loser.abortedAtMs - winner.finishedAtMs)
  }
  console.log(`race loser close: ${races} races on the loopback wire server (real sockets), Node ${process.version}`)
  console.log(`loser closed after the winner's answer: median ${fixed(percentile(closeAfterAnswer, 0.5))} ms  p99 ${fixed(percentile(closeAfterAnswer, 0.99))} ms  max ${fixed(Math.max(...closeAfterAnswer))} ms`)
  console.log(`direct call of the winner: median ${fixed(percentile(direct, 0.5))} ms; whole race: median ${fixed(percentile(raceTotal, 0.5))} ms (${fixed(percentile(raceTotal, 0.5) / percentile(direct, 0.5), 2)}x direct)`)
} finally {
  await server.close()
}
