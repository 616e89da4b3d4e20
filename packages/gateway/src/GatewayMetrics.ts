/**
 * The gateway's metrics in Prometheus' text format (`GET /metrics`): requests by route and status, errors by type,
 * a latency histogram by route, tokens and cost by model and strategy, and the requests in flight. Counting a
 * request is a few lookups in small maps keyed by the values themselves and one histogram bucket incremented: no
 * label string is built and nothing is allocated once a series exists. The text (labels escaped, buckets made
 * cumulative) is built only when scraped. Counters only grow (an untrusted usage that is negative or not a number
 * adds nothing) and the model series are bounded (`maxModelSeries`).
 */

/**
 * The most model names the metrics keep series for: a model's name is the upstream's word, and an upstream that
 * invents one per answer must not grow the metrics (and every scrape) without bound. Later names count as `other`.
 */
export const maxModelSeries = 256

/** The label of the models past `maxModelSeries` (real ones are all `provider/model`). */
const otherModels = "other"

/** An amount to add to a counter: a usage or cost that is negative or not a finite number adds nothing. */
const increment = (value: number): number => (Number.isFinite(value) && value > 0 ? value : 0)

/** Upper bounds of the latency histogram, in seconds. */
export const latencyBuckets: ReadonlyArray<number> = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]

/** The metrics of one gateway. */
export interface GatewayMetrics {
  /** One finished request: its route, HTTP status, duration and, for failures, OpenAI's error type. */
  readonly request: (route: string, status: number, seconds: number, errorType?: string) => void
  /** One answered call: the model that answered, the strategy, its tokens and cost (every attempt's). */
  readonly answered: (model: string, strategy: string, inputTokens: number, outputTokens: number, costUsd: number) => void
  /** The Prometheus exposition text. */
  readonly render: () => string
}

interface RouteSeries {
  readonly byStatus: Map<number, number>
  readonly errors: Map<string, number>
  /** Requests per bucket, not cumulative: index i counts durations in (bound i-1, bound i]; the last is over every bound. */
  readonly buckets: Array<number>
  sum: number
  count: number
}

interface ModelSeries {
  inputTokens: number
  outputTokens: number
  costUsd: number
}

/** The index of the first bound at or above `seconds` (latencyBuckets.length when above all): a binary search. */
export const bucketIndex = (seconds: number): number => {
  let low = 0
  let high = latencyBuckets.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (seconds <= latencyBuckets[middle]!) high = middle
    else low = middle + 1
  }
  return low
}

const escapeLabel = (value: string): string => value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"')

/** A fresh set of metrics; `inFlight` gives the requests being served when scraped. */
export const makeGatewayMetrics = (inFlight: () => number): GatewayMetrics => {
  const routes = new Map<string, RouteSeries>()
  const models = new Map<string, Map<string, ModelSeries>>()

  const routeSeries = (route: string): RouteSeries => {
    let series = routes.get(route)
    if (series === undefined) {
      series = { byStatus: new Map(), errors: new Map(), buckets: new Array<number>(latencyBuckets.length + 1).fill(0), sum: 0, count: 0 }
      routes.set(route, series)
    }
    return series
  }

  const render = (): string => {
    const lines: Array<string> = []
    const head = (name: string, help: string, type: string) => lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
    head("orch_gateway_requests_total", "HTTP requests answered, by route and status", "counter")
    for (const [route, series] of routes) {
      for (const [status, count] of series.byStatus) lines.push(`orch_gateway_requests_total{route="${escapeLabel(route)}",status="${status}"} ${count}`)
    }
    head("orch_gateway_errors_total", "Requests answered with an error, by route and OpenAI error type", "counter")
    for (const [route, series] of routes) {
      for (const [type, count] of series.errors) lines.push(`orch_gateway_errors_total{route="${escapeLabel(route)}",type="${escapeLabel(type)}"} ${count}`)
    }
    head("orch_gateway_request_duration_seconds", "Time from request to the end of the response", "histogram")
    for (const [route, series] of routes) {
      const label = `route="${escapeLabel(route)}"`
      let cumulative = 0
      latencyBuckets.forEach((bound, i) => {
        cumulative += series.buckets[i]!
        lines.push(`orch_gateway_request_duration_seconds_bucket{${label},le="${bound}"} ${cumulative}`)
      })
      lines.push(`orch_gateway_request_duration_seconds_bucket{${label},le="+Inf"} ${series.count}`)
      lines.push(`orch_gateway_request_duration_seconds_sum{${label}} ${series.sum}`, `orch_gateway_request_duration_seconds_count{${label}} ${series.count}`)
    }
    head("orch_gateway_tokens_total", "Tokens of answered calls, by answering model, strategy and direction", "counter")
    for (const [model, byStrategy] of models) {
      for (const [strategy, series] of byStrategy) {
        const label = `model="${escapeLabel(model)}",strategy="${escapeLabel(strategy)}"`
        lines.push(`orch_gateway_tokens_total{${label},direction="input"} ${series.inputTokens}`, `orch_gateway_tokens_total{${label},direction="output"} ${series.outputTokens}`)
      }
    }
    head("orch_gateway_cost_usd_total", "Cost of answered calls in USD (every attempt), by answering model and strategy", "counter")
    for (const [model, byStrategy] of models) {
      for (const [strategy, series] of byStrategy) lines.push(`orch_gateway_cost_usd_total{model="${escapeLabel(model)}",strategy="${escapeLabel(strategy)}"} ${series.costUsd}`)
    }
    head("orch_gateway_requests_in_flight", "Requests being served now", "gauge")
    lines.push(`orch_gateway_requests_in_flight ${inFlight()}`)
    return `${lines.join("\n")}\n`
  }

  return {
    request: (route, status, seconds, errorType) => {
      const series = routeSeries(route)
      series.byStatus.set(status, (series.byStatus.get(status) ?? 0) + 1)
      if (errorType !== undefined) series.errors.set(errorType, (series.errors.get(errorType) ?? 0) + 1)
      series.buckets[bucketIndex(seconds)]!++
      series.sum += seconds
      series.count++
    },
    answered: (model, strategy, inputTokens, outputTokens, costUsd) => {
      let byStrategy = models.get(model)
      if (byStrategy === undefined) {
        const label = models.size < maxModelSeries ? model : otherModels
        byStrategy = models.get(label)
        if (byStrategy === undefined) {
          byStrategy = new Map()
          models.set(label, byStrategy)
        }
      }
      let series = byStrategy.get(strategy)
      if (series === undefined) {
        series = { inputTokens: 0, outputTokens: 0, costUsd: 0 }
        byStrategy.set(strategy, series)
      }
      series.inputTokens += increment(inputTokens)
      series.outputTokens += increment(outputTokens)
      series.costUsd += increment(costUsd)
    },
    render
  }
}
