/**
 * The gateway's metrics in Prometheus' text format (`GET /metrics`): requests by route and status, errors by type,
 * a latency histogram by route, tokens and cost by model and strategy, and the requests in flight. Counting is a
 * map update per request; the text is built only when scraped.
 */

/** Upper bounds of the latency histogram, in seconds. */
const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]

/** What one finished request adds. */
export interface RequestObservation {
  readonly route: string
  readonly status: number
  readonly seconds: number
  /** OpenAI's error type, for failures. */
  readonly errorType?: string
  /** For answered calls: the model that answered, the strategy, tokens and cost. */
  readonly model?: string
  readonly strategy?: string
  readonly inputTokens?: number
  readonly outputTokens?: number
  readonly costUsd?: number
}

/** The metrics of one gateway. */
export interface GatewayMetrics {
  readonly observe: (observation: RequestObservation) => void
  readonly setInFlight: (count: number) => void
  /** The Prometheus exposition text. */
  readonly render: () => string
}

const escapeLabel = (value: string): string => value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"')

const labels = (pairs: Readonly<Record<string, string>>): string =>
  `{${Object.entries(pairs).map(([name, value]) => `${name}="${escapeLabel(value)}"`).join(",")}}`

/** A fresh set of metrics. */
export const makeGatewayMetrics = (): GatewayMetrics => {
  const requests = new Map<string, number>()
  const errors = new Map<string, number>()
  const tokens = new Map<string, number>()
  const cost = new Map<string, number>()
  const histograms = new Map<string, { readonly counts: Array<number>; sum: number; count: number }>()
  let inFlight = 0
  const add = (map: Map<string, number>, key: string, by: number) => map.set(key, (map.get(key) ?? 0) + by)

  return {
    observe: (o) => {
      add(requests, labels({ route: o.route, status: String(o.status) }), 1)
      if (o.errorType !== undefined) add(errors, labels({ route: o.route, type: o.errorType }), 1)
      const routeLabel = labels({ route: o.route })
      let histogram = histograms.get(routeLabel)
      if (histogram === undefined) {
        histogram = { counts: latencyBuckets.map(() => 0), sum: 0, count: 0 }
        histograms.set(routeLabel, histogram)
      }
      for (let i = 0; i < latencyBuckets.length; i++) if (o.seconds <= latencyBuckets[i]!) histogram.counts[i]!++
      histogram.sum += o.seconds
      histogram.count++
      if (o.model !== undefined && o.strategy !== undefined) {
        add(tokens, labels({ model: o.model, strategy: o.strategy, direction: "input" }), o.inputTokens ?? 0)
        add(tokens, labels({ model: o.model, strategy: o.strategy, direction: "output" }), o.outputTokens ?? 0)
        add(cost, labels({ model: o.model, strategy: o.strategy }), o.costUsd ?? 0)
      }
    },
    setInFlight: (count) => {
      inFlight = count
    },
    render: () => {
      const lines: Array<string> = []
      const family = (name: string, help: string, type: string, series: Map<string, number>) => {
        lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
        for (const [key, value] of series) lines.push(`${name}${key} ${value}`)
      }
      family("orch_gateway_requests_total", "HTTP requests answered, by route and status", "counter", requests)
      family("orch_gateway_errors_total", "Requests answered with an error, by route and OpenAI error type", "counter", errors)
      lines.push("# HELP orch_gateway_request_duration_seconds Time from request to the end of the response", "# TYPE orch_gateway_request_duration_seconds histogram")
      for (const [key, h] of histograms) {
        const route = key.slice(1, -1)
        latencyBuckets.forEach((bound, i) => lines.push(`orch_gateway_request_duration_seconds_bucket{${route},le="${bound}"} ${h.counts[i]}`))
        lines.push(`orch_gateway_request_duration_seconds_bucket{${route},le="+Inf"} ${h.count}`)
        lines.push(`orch_gateway_request_duration_seconds_sum${key} ${h.sum}`, `orch_gateway_request_duration_seconds_count${key} ${h.count}`)
      }
      family("orch_gateway_tokens_total", "Tokens of answered calls, by answering model, strategy and direction", "counter", tokens)
      family("orch_gateway_cost_usd_total", "Cost of answered calls in USD (every attempt), by answering model and strategy", "counter", cost)
      lines.push("# HELP orch_gateway_requests_in_flight Requests being served now", "# TYPE orch_gateway_requests_in_flight gauge", `orch_gateway_requests_in_flight ${inFlight}`)
      return `${lines.join("\n")}\n`
    }
  }
}
