// The Prometheus text of the gateway's metrics, counted by hand: each request lands in exactly one histogram bucket
// and the text shows the buckets cumulative, series are kept by their label values (escaped only when scraped), and
// the in-flight gauge is read when scraped.
import { describe, expect, it } from "vitest"
import { bucketIndex, latencyBuckets, makeGatewayMetrics } from "../src/GatewayMetrics.ts"

const bucketLines = (text: string, route: string): Array<string> =>
  text.split("\n").filter((line) => line.startsWith(`orch_gateway_request_duration_seconds_bucket{route="${route}"`))

describe("gateway metrics", () => {
  it("puts a duration in the first bucket whose bound holds it, bounds included", () => {
    expect(bucketIndex(0)).toBe(0)
    expect(bucketIndex(0.001)).toBe(0)
    expect(bucketIndex(0.0011)).toBe(1)
    expect(bucketIndex(0.0025)).toBe(1)
    expect(bucketIndex(0.7)).toBe(latencyBuckets.indexOf(1))
    expect(bucketIndex(120)).toBe(latencyBuckets.length - 1)
    expect(bucketIndex(120.5)).toBe(latencyBuckets.length)
    latencyBuckets.forEach((bound, i) => expect(bucketIndex(bound)).toBe(i))
  })

  it("renders cumulative buckets, +Inf, sum and count per route", () => {
    let serving = 3
    const metrics = makeGatewayMetrics(() => serving)
    for (const seconds of [0.0005, 0.001, 0.003, 0.2, 500]) metrics.request("/v1/chat/completions", 200, seconds)
    metrics.request("/health", 200, 0.0001)
    const text = metrics.render()
    const chat = bucketLines(text, "/v1/chat/completions")
    expect(chat).toHaveLength(latencyBuckets.length + 1)
    expect(chat[0]).toBe('orch_gateway_request_duration_seconds_bucket{route="/v1/chat/completions",le="0.001"} 2')
    expect(chat[1]).toBe('orch_gateway_request_duration_seconds_bucket{route="/v1/chat/completions",le="0.0025"} 2')
    expect(chat[2]).toBe('orch_gateway_request_duration_seconds_bucket{route="/v1/chat/completions",le="0.005"} 3')
    expect(chat[latencyBuckets.indexOf(0.25)]).toBe('orch_gateway_request_duration_seconds_bucket{route="/v1/chat/completions",le="0.25"} 4')
    expect(chat[latencyBuckets.length - 1]).toBe('orch_gateway_request_duration_seconds_bucket{route="/v1/chat/completions",le="120"} 4')
    expect(chat[latencyBuckets.length]).toBe('orch_gateway_request_duration_seconds_bucket{route="/v1/chat/completions",le="+Inf"} 5')
    expect(text).toContain('orch_gateway_request_duration_seconds_count{route="/v1/chat/completions"} 5\n')
    expect(text).toContain(`orch_gateway_request_duration_seconds_sum{route="/v1/chat/completions"} ${0.0005 + 0.001 + 0.003 + 0.2 + 500}\n`)
    expect(bucketLines(text, "/health")[0]).toBe('orch_gateway_request_duration_seconds_bucket{route="/health",le="0.001"} 1')
    expect(text).toContain("orch_gateway_requests_in_flight 3\n")
    serving = 0
    expect(metrics.render()).toContain("orch_gateway_requests_in_flight 0\n")
  })

  it("counts requests by status and errors by type, tokens and cost by model and strategy, escaping labels", () => {
    const metrics = makeGatewayMetrics(() => 0)
    metrics.request("/v1/chat/completions", 200, 0.01)
    metrics.request("/v1/chat/completions", 200, 0.01)
    metrics.request("/v1/chat/completions", 404, 0.01, "invalid_request_error")
    metrics.answered('odd"model\\x\ny', "auto", 12, 10, 0.5)
    metrics.answered('odd"model\\x\ny', "auto", 3, 4, 0.25)
    metrics.answered("openai/gpt-4o-mini", "model", 1, 2, 0)
    const text = metrics.render()
    expect(text).toContain('orch_gateway_requests_total{route="/v1/chat/completions",status="200"} 2\n')
    expect(text).toContain('orch_gateway_requests_total{route="/v1/chat/completions",status="404"} 1\n')
    expect(text).toContain('orch_gateway_errors_total{route="/v1/chat/completions",type="invalid_request_error"} 1\n')
    expect(text).toContain('orch_gateway_tokens_total{model="odd\\"model\\\\x\\ny",strategy="auto",direction="input"} 15\n')
    expect(text).toContain('orch_gateway_tokens_total{model="odd\\"model\\\\x\\ny",strategy="auto",direction="output"} 14\n')
    expect(text).toContain('orch_gateway_cost_usd_total{model="odd\\"model\\\\x\\ny",strategy="auto"} 0.75\n')
    expect(text).toContain('orch_gateway_tokens_total{model="openai/gpt-4o-mini",strategy="model",direction="output"} 2\n')
  })
})
