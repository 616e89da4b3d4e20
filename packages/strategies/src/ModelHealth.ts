/**
 * ModelHealth: the state that outlives one call, per model (or per step key): circuit breakers and latency
 * statistics (recent samples for percentiles, an exponentially weighted moving average). It is a service with the
 * lifetime of its layer, never a module global.
 */
import { Clock, Context, Effect, Layer } from "effect"

/** When a circuit breaker opens and how it recovers. */
export interface BreakerOptions {
  /** Open after this many consecutive failures (default 5). */
  readonly consecutiveFailures?: number
  /** Open when the failure rate over the last `window` calls reaches `threshold` (after `minimumCalls`, default `window`). */
  readonly failureRate?: { readonly threshold: number; readonly window: number; readonly minimumCalls?: number }
  /** How long an open breaker rejects calls before it lets probes through (default 30 s). */
  readonly coolDownMs?: number
  /** How many probes may be in flight while half-open (default 1). */
  readonly halfOpenProbes?: number
}

/** A breaker's state. */
export type BreakerState = "closed" | "open" | "half-open"

/** One breaker: admit a call, then record how it ended. */
export interface Breaker {
  /** Whether a call may go through now (an open breaker past its cool-down turns half-open and admits probes). */
  readonly admit: Effect.Effect<boolean>
  readonly recordSuccess: Effect.Effect<void>
  readonly recordFailure: Effect.Effect<void>
  /** A call that ended without a verdict (interrupted): frees its probe slot. */
  readonly release: Effect.Effect<void>
  readonly state: Effect.Effect<BreakerState>
}

interface BreakerData {
  state: BreakerState
  consecutive: number
  recent: Array<boolean>
  openedAt: number
  probes: number
}

interface LatencyData {
  samples: Array<number>
  next: number
  ewma?: number
}

const sampleWindow = 256

/** Per-model health: breakers and latency statistics. */
export class ModelHealth extends Context.Service<ModelHealth, {
  /** The breaker for a key, created with `options` on first use. */
  readonly breaker: (key: string, options?: BreakerOptions) => Breaker
  /** Record a latency sample (ms); `alpha` is the EWMA's weight of it (default 0.2). */
  readonly recordLatency: (key: string, latencyMs: number, alpha?: number) => Effect.Effect<void>
  /** The `p` quantile (0..1) of the recent samples, or undefined with fewer than `minimumSamples`. */
  readonly percentile: (key: string, p: number, minimumSamples?: number) => Effect.Effect<number | undefined>
  /** The exponentially weighted moving average of answered latencies, or undefined before the first. */
  readonly ewma: (key: string) => Effect.Effect<number | undefined>
}>()("@orch/strategies/ModelHealth") {
  /** A fresh, empty health record; its state lives as long as the layer. */
  static readonly layer: Layer.Layer<ModelHealth> = Layer.sync(ModelHealth, () => makeModelHealth())
}

/** A fresh health record (what `ModelHealth.layer` provides). */
export const makeModelHealth = (): ModelHealth["Service"] => {
  const breakers = new Map<string, Breaker>()
  const latencies = new Map<string, LatencyData>()
  const latency = (key: string): LatencyData => {
    let data = latencies.get(key)
    if (data === undefined) {
      data = { samples: [], next: 0 }
      latencies.set(key, data)
    }
    return data
  }
  const makeBreaker = (options: BreakerOptions): Breaker => {
    const data: BreakerData = { state: "closed", consecutive: 0, recent: [], openedAt: 0, probes: 0 }
    const open = (now: number) => {
      data.state = "open"
      data.openedAt = now
      data.probes = 0
    }
    return {
      admit: Effect.map(Clock.currentTimeMillis, (now) => {
        if (data.state === "open" && now - data.openedAt >= (options.coolDownMs ?? 30_000)) data.state = "half-open"
        if (data.state === "closed") return true
        if (data.state === "half-open" && data.probes < (options.halfOpenProbes ?? 1)) {
          data.probes++
          return true
        }
        return false
      }),
      recordSuccess: Effect.sync(() => {
        if (data.state === "half-open") {
          data.state = "closed"
          data.probes = 0
          data.recent = []
        }
        data.consecutive = 0
        data.recent.push(true)
        if (data.recent.length > (options.failureRate?.window ?? 0)) data.recent.shift()
      }),
      recordFailure: Effect.map(Clock.currentTimeMillis, (now) => {
        if (data.state === "half-open") return open(now)
        if (data.state === "open") return
        data.consecutive++
        const rate = options.failureRate
        if (rate !== undefined) {
          data.recent.push(false)
          if (data.recent.length > rate.window) data.recent.shift()
        }
        const failures = data.recent.filter((ok) => !ok).length
        const rateTripped = rate !== undefined && data.recent.length >= (rate.minimumCalls ?? rate.window) && failures / data.recent.length >= rate.threshold
        if (data.consecutive >= (options.consecutiveFailures ?? 5) || rateTripped) open(now)
      }),
      release: Effect.sync(() => {
        if (data.state === "half-open" && data.probes > 0) data.probes--
      }),
      state: Effect.map(Clock.currentTimeMillis, (now) =>
        data.state === "open" && now - data.openedAt >= (options.coolDownMs ?? 30_000) ? "half-open" : data.state)
    }
  }
  return {
    breaker: (key, options = {}) => {
      let breaker = breakers.get(key)
      if (breaker === undefined) {
        breaker = makeBreaker(options)
        breakers.set(key, breaker)
      }
      return breaker
    },
    recordLatency: (key, latencyMs, alpha = 0.2) =>
      Effect.sync(() => {
        const data = latency(key)
        if (data.samples.length < sampleWindow) data.samples.push(latencyMs)
        else data.samples[data.next] = latencyMs
        data.next = (data.next + 1) % sampleWindow
        if (Number.isFinite(latencyMs)) data.ewma = data.ewma === undefined ? latencyMs : alpha * latencyMs + (1 - alpha) * data.ewma
      }),
    percentile: (key, p, minimumSamples = 20) =>
      Effect.sync(() => {
        const samples = latencies.get(key)?.samples ?? []
        if (samples.length < minimumSamples) return undefined
        const sorted = [...samples].sort((a, b) => a - b)
        return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]
      }),
    ewma: (key) => Effect.sync(() => latencies.get(key)?.ewma)
  }
}
