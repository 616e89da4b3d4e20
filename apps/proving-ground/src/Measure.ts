/** Calls made at a concurrency and what they took: each call's latency, the wall time and this process's CPU time. */

/** What `count` calls took. */
export interface Measured {
  readonly latencies: Array<number>
  readonly wallMs: number
  readonly cpuUs: number
}

/** Make `count` calls, `concurrency` at a time; latencies in ms, CPU time of this process in µs. */
export const measure = async (count: number, concurrency: number, call: () => Promise<unknown>): Promise<Measured> => {
  const latencies: Array<number> = []
  let next = 0
  const cpu = process.cpuUsage()
  const started = performance.now()
  const worker = async () => {
    while (next < count) {
      next++
      const start = performance.now()
      await call()
      latencies.push(performance.now() - start)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const wallMs = performance.now() - started
  const used = process.cpuUsage(cpu)
  return { latencies, wallMs, cpuUs: used.user + used.system }
}
