import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { builtInPrices, decodeLiteLlmPrices, loadPriceFile, makePriceTable, perHour, perToken } from "../src/index.ts"
import { failureOf } from "./Support.ts"

describe("built-in price table", () => {
  it("gives every entry a source URL, the date it was read, USD and sane figures", () => {
    const entries = Object.entries(builtInPrices)
    expect(entries.length).toBeGreaterThanOrEqual(20)
    for (const [id, price] of entries) {
      expect(id, id).toMatch(/^(openai|anthropic|lightning)\/.+/)
      expect(price.source, id).toMatch(/^https:\/\/[a-z.]+\//)
      expect(price.readOn, id).toMatch(/^\d{4}-\d{2}-\d{2}$/)
      expect(Number.isNaN(Date.parse(price.readOn)), id).toBe(false)
      expect(price.currency, id).toBe("USD")
      expect(price.inputPerMillion, id).toBeGreaterThan(0)
      expect(price.outputPerMillion, id).toBeGreaterThanOrEqual(price.inputPerMillion)
      if (price.cachedInputPerMillion !== undefined) expect(price.cachedInputPerMillion, id).toBeLessThan(price.inputPerMillion)
    }
    for (const provider of ["openai", "anthropic", "lightning"]) {
      expect(entries.some(([id]) => id.startsWith(`${provider}/`)), provider).toBe(true)
    }
  })
})

describe("price lookup", () => {
  const table = makePriceTable({
    overrides: { "openai/gpt-4o": perToken({ inputPerMillion: 1, outputPerMillion: 2 }), vllm: perHour(3.6, 100) }
  })
  it("matches dated model ids to their undated entry", () => {
    expect(table.lookup({ provider: "anthropic", name: "claude-3-5-haiku-20241022", kind: "cloud" })).toMatchObject({ inputPerMillion: 0.8 })
    expect(table.lookup({ provider: "openai", name: "gpt-4o-mini-2024-07-18", kind: "cloud" })).toMatchObject({ inputPerMillion: 0.15 })
  })
  it("lets overrides win, prices a local backend per hour, and leaves local models free by default", () => {
    expect(table.lookup({ provider: "openai", name: "gpt-4o", kind: "cloud" })).toMatchObject({ inputPerMillion: 1, source: "user override" })
    expect(table.lookup({ provider: "vllm", name: "qwen", kind: "local" })).toMatchObject({ _tag: "PerHour", usdPerHour: 3.6 })
    expect(table.lookup({ provider: "ollama", name: "llama3.2", kind: "local" })).toMatchObject({ inputPerMillion: 0, outputPerMillion: 0, source: "local default" })
  })
  it("has no price for an unknown cloud model (never a silent zero)", () => {
    expect(table.lookup({ provider: "acme", name: "mystery-1", kind: "cloud" })).toBeUndefined()
  })
})

describe("LiteLLM price map", () => {
  const map = {
    sample_spec: { input_cost_per_token: 0, litellm_provider: "one of https://docs.litellm.ai/docs/providers" },
    "gpt-4o": { input_cost_per_token: 2.5e-6, output_cost_per_token: 1e-5, cache_read_input_token_cost: 1.25e-6, litellm_provider: "openai", max_tokens: 16384, mode: "chat" },
    "anthropic/claude-x": { input_cost_per_token: 3e-6, output_cost_per_token: 1.5e-5, litellm_provider: "anthropic" },
    "dall-e-3": { input_cost_per_pixel: 4e-8, litellm_provider: "openai", mode: "image_generation" }
  }
  it.effect("loads the format as is: per-token USD becomes per-million, the provider prefixes the key", () =>
    Effect.gen(function*() {
      const decoded = yield* decodeLiteLlmPrices(map)
      expect(decoded.prices["openai/gpt-4o"]).toMatchObject({ cachedInputPerMillion: 1.25 })
      expect(decoded.prices["openai/gpt-4o"]!.inputPerMillion).toBeCloseTo(2.5, 12)
      expect(decoded.prices["openai/gpt-4o"]!.outputPerMillion).toBeCloseTo(10, 12)
      expect(decoded.prices["anthropic/claude-x"]!.outputPerMillion).toBeCloseTo(15, 12)
      expect(decoded.skipped).toEqual(["dall-e-3"])
    }))
  it.effect("reads prompt-cache write prices (5 minutes and 1 hour) and the long-prompt tier", () =>
    Effect.gen(function*() {
      const decoded = yield* decodeLiteLlmPrices({
        "claude-sonnet-4-5": {
          litellm_provider: "anthropic", input_cost_per_token: 3e-6, output_cost_per_token: 1.5e-5, cache_read_input_token_cost: 3e-7,
          cache_creation_input_token_cost: 3.75e-6, cache_creation_input_token_cost_above_1hr: 6e-6,
          input_cost_per_token_above_200k_tokens: 6e-6, output_cost_per_token_above_200k_tokens: 2.25e-5,
          cache_read_input_token_cost_above_200k_tokens: 6e-7, cache_creation_input_token_cost_above_200k_tokens: 7.5e-6,
          cache_creation_input_token_cost_above_1hr_above_200k_tokens: 1.2e-5
        }
      })
      const price = decoded.prices["anthropic/claude-sonnet-4-5"]!
      expect(price.cacheWriteInputPerMillion).toBeCloseTo(3.75, 12)
      expect(price.cacheWriteLongInputPerMillion).toBeCloseTo(6, 12)
      expect(price.longContext!.aboveInputTokens).toBe(200_000)
      expect(price.longContext!.inputPerMillion).toBeCloseTo(6, 12)
      expect(price.longContext!.outputPerMillion).toBeCloseTo(22.5, 12)
      expect(price.longContext!.cachedInputPerMillion).toBeCloseTo(0.6, 12)
      expect(price.longContext!.cacheWriteInputPerMillion).toBeCloseTo(7.5, 12)
      expect(price.longContext!.cacheWriteLongInputPerMillion).toBeCloseTo(12, 12)
      const bad = yield* failureOf(decodeLiteLlmPrices({ "x": { input_cost_per_token: 1e-6, output_cost_per_token: 1e-6, input_cost_per_token_above_128k_tokens: "dear" } }))
      expect(bad.message).toContain("input_cost_per_token_above_128k_tokens")
    }))
  it.effect("names every malformed entry in one InvalidRequest", () =>
    Effect.gen(function*() {
      const error = yield* failureOf(decodeLiteLlmPrices({ ...map, "bad-a": { input_cost_per_token: "0.01" }, "bad-b": { output_cost_per_token: -1 } }, "prices.json"))
      expect(error.reason._tag).toBe("InvalidRequest")
      expect(error.message).toContain("2 malformed price entries")
      expect(error.message).toContain(`entry "bad-a"`)
      expect(error.message).toContain(`entry "bad-b"`)
      expect(error.message).toContain("prices.json")
    }))
  it.effect("reads LiteLLM and @orch price files from disk; a bad file is a clear error", () =>
    Effect.gen(function*() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "orch-prices-"))
      const litellm = path.join(dir, "model_prices_and_context_window.json")
      const own = path.join(dir, "prices.json")
      const broken = path.join(dir, "broken.json")
      fs.writeFileSync(litellm, JSON.stringify(map))
      fs.writeFileSync(own, JSON.stringify({ "acme/mystery-1": { inputPerMillion: 1, outputPerMillion: 4, source: "https://acme.example/pricing", readOn: "2026-11-01" }, ollama: { usdPerHour: 0.9 } }))
      fs.writeFileSync(broken, "{ not json")
      const fromLiteLlm = yield* loadPriceFile(litellm)
      const fromOwn = yield* loadPriceFile(own)
      const table = makePriceTable({ files: [fromLiteLlm, fromOwn] })
      expect(table.lookup({ provider: "openai", name: "gpt-4o", kind: "cloud" })).toMatchObject({ source: litellm })
      expect(table.lookup({ provider: "acme", name: "mystery-1", kind: "cloud" })).toMatchObject({ outputPerMillion: 4, readOn: "2026-11-01" })
      expect(table.lookup({ provider: "ollama", name: "any", kind: "local" })).toMatchObject({ _tag: "PerHour", usdPerHour: 0.9, worstCaseSeconds: 600 })
      expect((yield* failureOf(loadPriceFile(broken))).message).toContain("not valid JSON")
      expect((yield* failureOf(loadPriceFile(path.join(dir, "missing.json")))).message).toContain("could not be read")
      fs.writeFileSync(own, JSON.stringify({ "acme/long": { inputPerMillion: 1, outputPerMillion: 2, cacheWriteInputPerMillion: 1.25, longContext: { aboveInputTokens: 1000, inputPerMillion: 2, outputPerMillion: 4 } } }))
      expect((yield* loadPriceFile(own))["acme/long"]).toMatchObject({ cacheWriteInputPerMillion: 1.25, longContext: { aboveInputTokens: 1000, inputPerMillion: 2 } })
      fs.writeFileSync(own, JSON.stringify({ "acme/x": { inputPerMillion: "cheap" } }))
      expect((yield* failureOf(loadPriceFile(own))).message).toContain(`entry "acme/x"`)
      fs.rmSync(dir, { recursive: true })
    }))
})
