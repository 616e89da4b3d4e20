// `GET /metrics` read as a Prometheus server reads it: every line is a HELP, a TYPE or a sample of a declared family,
// label values escaped (an upstream that names its model with quotes, backslashes and line breaks cannot break a line
// or add a label), no series twice, histogram buckets cumulative up to `+Inf` equal to `_count`, counters that never go
// down between scrapes (a usage or cost that is negative or not a number adds nothing), a bounded number of model
// series however many names an upstream invents, and nothing of a key or of what a client sent as one.
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { makeGatewayMetrics, maxModelSeries } from "../src/GatewayMetrics.ts"
import { type RunningGateway } from "../src/index.ts"
import { clientOf, startGateway, startUpstreams, type Upstreams } from "./Support.ts"

interface Sample {
  readonly name: string
  readonly labels: Readonly<Record<string, string>>
  readonly value: number
}

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\\\|\\"|\\n)*)"(,|(?=\}))/y
const typeSuffixes: Readonly<Record<string, ReadonlyArray<string>>> = { counter: [""], gauge: [""], histogram: ["_bucket", "_sum", "_count"] }

const unescape = (value: string): string => value.replace(/\\(\\|"|n)/g, (_, c: string) => (c === "n" ? "\n" : c))

/** Parse exposition text strictly; throws on the first line a Prometheus server would refuse or misread. */
const parseExposition = (text: string): { readonly types: ReadonlyMap<string, string>; readonly samples: ReadonlyArray<Sample> } => {
  expect(text.endsWith("\n")).toBe(true)
  const types = new Map<string, string>()
  const helped = new Set<string>()
  const samples: Array<Sample> = []
  const seen = new Set<string>()
  for (const line of text.slice(0, -1).split("\n")) {
    const meta = /^# (HELP|TYPE) (\S+) (.+)$/.exec(line)
    if (meta !== null) {
      const [, kind, name, rest] = meta
      expect(name, line).toMatch(metricName)
      if (kind === "TYPE") {
        expect(types.has(name!), `TYPE twice: ${line}`).toBe(false)
        expect(Object.keys(typeSuffixes), line).toContain(rest)
        types.set(name!, rest!)
      } else {
        expect(helped.has(name!), `HELP twice: ${line}`).toBe(false)
        helped.add(name!)
      }
      continue
    }
    const head = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{)?/.exec(line)
    expect(head, `not a sample: ${JSON.stringify(line)}`).not.toBeNull()
    const name = head![1]!
    const labels: Record<string, string> = {}
    let at = head![0].length
    if (head![2] === "{") {
      labelPair.lastIndex = at
      for (let pair = labelPair.exec(line); pair !== null; pair = labelPair.exec(line)) {
        expect(Object.hasOwn(labels, pair[1]!), `label twice: ${line}`).toBe(false)
        labels[pair[1]!] = unescape(pair[2]!)
        at = labelPair.lastIndex
        if (pair[3] === "") break
      }
      expect(line[at], `labels not closed: ${JSON.stringify(line)}`).toBe("}")
      at++
    }
    const valueText = line.slice(at)
    expect(valueText, `value of ${JSON.stringify(line)}`).toMatch(/^ (?:[-+]?(?:\d+\.?\d*(?:e[-+]?\d+)?|\.\d+(?:e[-+]?\d+)?)|\+Inf|-Inf|NaN)$/i)
    const family = [...types.keys()].find((f) => typeSuffixes[types.get(f)!]!.some((suffix) => name === `${f}${suffix}`))
    expect(family, `no TYPE before ${name}`).toBeDefined()
    const series = `${name}${JSON.stringify(Object.entries(labels).sort())}`
    expect(seen.has(series), `series twice: ${line}`).toBe(false)
    seen.add(series)
    samples.push({ name, labels, value: Number(valueText.trim().replace(/^\+Inf$/, "Infinity")) })
  }
  return { types, samples }
}

/** Each histogram's buckets are cumulative, end at +Inf and equal its _count. */
const expectHistograms = (parsed: ReturnType<typeof parseExposition>) => {
  for (const [family, type] of parsed.types) {
    if (type !== "histogram") continue
    const groups = new Map<string, Array<Sample>>()
    for (const sample of parsed.samples.filter((s) => s.name === `${family}_bucket`)) {
      const { le: _le, ...rest } = sample.labels
      const key = JSON.stringify(Object.entries(rest).sort())
      groups.set(key, [...(groups.get(key) ?? []), sample])
    }
    for (const [key, buckets] of groups) {
      const bounds = buckets.map((b) => (b.labels["le"] === "+Inf" ? Infinity : Number(b.labels["le"])))
      expect(bounds.at(-1)).toBe(Infinity)
      bounds.slice(1).forEach((bound, i) => expect(bound).toBeGreaterThan(bounds[i]!))
      buckets.slice(1).forEach((bucket, i) => expect(bucket.value).toBeGreaterThanOrEqual(buckets[i]!.value))
      const count = parsed.samples.find((s) => s.name === `${family}_count` && JSON.stringify(Object.entries(s.labels).sort()) === key)
      const sum = parsed.samples.find((s) => s.name === `${family}_sum` && JSON.stringify(Object.entries(s.labels).sort()) === key)
      expect(count?.value).toBe(buckets.at(-1)!.value)
      expect(sum?.value).toBeGreaterThanOrEqual(0)
    }
  }
}

/** Every counter (and histogram part) of `after` is at least its value in `before`. */
const expectMonotonic = (before: ReturnType<typeof parseExposition>, after: ReturnType<typeof parseExposition>) => {
  const keyOf = (s: Sample) => `${s.name}${JSON.stringify(Object.entries(s.labels).sort())}`
  const later = new Map(after.samples.map((s) => [keyOf(s), s.value]))
  for (const sample of before.samples) {
    if (sample.name === "orch_gateway_requests_in_flight") continue
    expect(later.get(keyOf(sample)), keyOf(sample)).toBeGreaterThanOrEqual(sample.value)
  }
}

const oddModel = 'gpt"4o\\mini\nfake{le="0"} 1\r\n# TYPE x counter'
const clientKey = "sk-mtK8jH5gF2dS9aQ6wE3r"

let upstreams: Upstreams
let gateway: RunningGateway
beforeAll(async () => {
  upstreams = await startUpstreams()
  gateway = await startGateway(upstreams, { keys: [{ key: clientKey, name: "metrics-team" }] })
})
afterAll(async () => {
  await gateway?.close()
  await upstreams?.close()
})

describe("GET /metrics", () => {
  it("is valid exposition text after real traffic, an upstream's odd model name escaped, counters monotonic, no key", async () => {
    // With keys, a scrape needs one too (the metrics say what each model spent); without, a 401 in OpenAI's shape.
    for (const authorization of [undefined, `Bearer ${clientKey}x`]) {
      const refused = await fetch(`${gateway.url}/metrics`, { headers: authorization === undefined ? {} : { authorization } })
      expect(refused.status).toBe(401)
      expect(await refused.json()).toMatchObject({ error: { code: "invalid_api_key" } })
    }
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200)
    const scrape = async () => {
      const response = await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${clientKey}` } })
      expect(response.status).toBe(200)
      expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8")
      return parseExposition(await response.text())
    }
    const first = await scrape()
    const client = clientOf(gateway, clientKey)
    upstreams.cloud.enqueue({ kind: "synth", text: "one", model: oddModel }, { kind: "synth", text: "two", model: oddModel })
    await client.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] })
    const stream = await client.chat.completions.create({ model: "orch/cloud-only", messages: [{ role: "user", content: "hi" }], stream: true })
    for await (const _chunk of stream) { /* read to the end */ }
    await fetch(`${gateway.url}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${clientKey.slice(0, -2)}"}\n` }, body: "{}" })
    await fetch(`${gateway.url}/no/such/path"}\n`, { headers: { authorization: `Bearer ${clientKey}` } })
    const second = await scrape()
    for (const parsed of [first, second]) expectHistograms(parsed)
    expectMonotonic(first, second)
    const models = new Set(second.samples.flatMap((s) => (s.labels["model"] !== undefined ? [s.labels["model"]] : [])))
    // The upstream's name came back whole from its escaped label: nothing it holds broke the line or added a label.
    expect([...models]).toContain(`openai/${oddModel}`)
    const text = gateway.gateway.metrics()
    for (let i = 0; i + 5 <= clientKey.length; i++) expect(text).not.toContain(clientKey.slice(i, i + 5))
    expect(text).not.toContain("metrics-team")
    const refusals = second.samples.filter((s) => s.name === "orch_gateway_errors_total" && s.labels["type"] === "invalid_request_error")
    expect(refusals.filter((s) => s.labels["route"] !== "/metrics").reduce((sum, s) => sum + s.value, 0)).toBe(2)
    expect(refusals.find((s) => s.labels["route"] === "/metrics")?.value).toBe(2)

  })
})

describe("the metrics' own bounds", () => {
  it("adds nothing for a usage or cost that is negative or not a number", () => {
    const metrics = makeGatewayMetrics(() => 0)
    metrics.answered("openai/gpt-4o-mini", "auto", 10, 20, 0.5)
    const before = parseExposition(metrics.render())
    metrics.answered("openai/gpt-4o-mini", "auto", -5, Number.NaN, -1)
    metrics.answered("openai/gpt-4o-mini", "auto", Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN)
    const after = parseExposition(metrics.render())
    expectMonotonic(before, after)
    expect(after.samples.filter((s) => s.labels["model"] !== undefined).map((s) => s.value)).toEqual([10, 20, 0.5])
  })

  it("keeps at most maxModelSeries model names, the rest counted under model=\"other\"", () => {
    const metrics = makeGatewayMetrics(() => 0)
    for (let i = 0; i < maxModelSeries + 50; i++) metrics.answered(`openai/invented-${i}`, "auto", 1, 1, 0.001)
    const parsed = parseExposition(metrics.render())
    const costs = parsed.samples.filter((s) => s.name === "orch_gateway_cost_usd_total")
    expect(costs).toHaveLength(maxModelSeries + 1)
    expect(costs.find((s) => s.labels["model"] === "other")?.value).toBeCloseTo(50 * 0.001, 10)
    const inputs = parsed.samples.filter((s) => s.name === "orch_gateway_tokens_total" && s.labels["direction"] === "input")
    expect(inputs.reduce((sum, s) => sum + s.value, 0)).toBe(maxModelSeries + 50)
  })
})
