/**
 * Where the client CPU of one call goes, layer by layer (issue #18): the same answer taken through the raw `openai`
 * SDK, through one model's `generate` / `stream` (the provider kit), and through the orchestrator with a named model,
 * AUTO, a two-model fallback and `stream`. Every layer gets its HTTP from one in-process `fetch` that answers at once
 * with what OpenAI sends (a JSON body, or SSE with a usage chunk), so the figures are this process's own work with no
 * network and no server: CPU microseconds per call, sequential calls, medians of interleaved rounds, and each as a
 * ratio to the raw SDK doing the same (non-streamed or streamed).
 *
 * Run: `node --conditions=@orch/source apps/proving-ground/src/LayerBench.ts [layers,...] [calls]`
 * (`LAYER_ROUNDS` sets the rounds). Layers: raw, raw-stream, model, model-stream, named, auto, fallback, stream; and
 * the orchestration alone, over OpenAI-named models answering from memory (priced as the real ones, so every attempt is
 * reserved and settled): memory (the model called directly), memory-named, memory-auto, memory-fallback (two models, the
 * first answers), memory-fallback-10 (ten models, the first answers: the cost of the list beyond the models tried),
 * memory-stream.
 */
import { createOrchestrator } from "@orch/core"
import { makeCloudProvider, openAiModel } from "@orch/providers-cloud"
import type { Completion, LanguageModel, Provider, StreamPart } from "@orch/provider"
import { Effect, Stream } from "effect"
import OpenAI from "openai"
import { median } from "./Statistics.ts"

const say = (line: string) => process.stdout.write(`${line}\n`)
const allLayers = ["raw", "raw-stream", "model", "model-stream", "named", "auto", "fallback", "stream", "memory", "memory-named", "memory-auto", "memory-fallback", "memory-fallback-10", "memory-stream"] as const
type Layer = typeof allLayers[number]
const chosen = (process.argv[2] || allLayers.join(",")).split(",").filter((l): l is Layer => (allLayers as ReadonlyArray<string>).includes(l))
const calls = Math.max(100, Number.parseInt(process.argv[3] ?? "3000", 10) || 3000)
const rounds = Math.max(1, Number.parseInt(process.env["LAYER_ROUNDS"] ?? "3", 10) || 3)

const modelName = "gpt-4o-mini"
const prompt = "What is the capital of France?"
const words = ["Paris", " is", " the", " capital", " of", " France", ".", " Indeed"]
const json = (body: unknown): Response => new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } })
const completionBody = {
  id: "chatcmpl-layer", object: "chat.completion", created: 1738683828, model: modelName,
  choices: [{ index: 0, message: { role: "assistant", content: words.join(""), refusal: null }, logprobs: null, finish_reason: "stop" }],
  usage: { prompt_tokens: 14, completion_tokens: 8, total_tokens: 22 }, service_tier: "default", system_fingerprint: "fp_layer"
}
const chunk = (delta: object, finish: string | null, usage: object | null = null): string =>
  `data: ${JSON.stringify({ id: "chatcmpl-layer", object: "chat.completion.chunk", created: 1738683828, model: modelName, system_fingerprint: "fp_layer", choices: usage === null ? [{ index: 0, delta, logprobs: null, finish_reason: finish }] : [], usage })}\n\n`
const sseBody = chunk({ role: "assistant", content: "", refusal: null }, null) + words.map((w) => chunk({ content: w }, null)).join("") +
  chunk({}, "stop") + chunk({}, null, { prompt_tokens: 14, completion_tokens: 8, total_tokens: 22 }) + "data: [DONE]\n\n"
const listBody = { object: "list", data: [modelName, "gpt-4.1-mini"].map((id) => ({ id, object: "model", created: 1738683828, owned_by: "system" })) }

/** The one upstream: answers at once, as OpenAI does. */
const upstream: typeof globalThis.fetch = async (input, init) => {
  if (String(input instanceof Request ? input.url : input).endsWith("/models")) return json(listBody)
  const streaming = typeof init?.body === "string" && init.body.includes("\"stream\":true")
  return streaming ? new Response(sseBody, { status: 200, headers: { "content-type": "text/event-stream" } }) : json(completionBody)
}

const apiKey = "sk-layer-bench-not-a-secret"
const baseUrl = "http://upstream.invalid/v1"
const sdk = new OpenAI({ baseURL: baseUrl, apiKey, maxRetries: 0, fetch: upstream })
const model = openAiModel(modelName, { apiKey, baseUrl, fetch: upstream })
const orchestrator = createOrchestrator({ providers: [makeCloudProvider({ openai: { apiKey, baseUrl, fetch: upstream } })], deadlineMs: 60_000 })
const messages = [{ role: "user" as const, content: prompt }]

/** An OpenAI-named model that answers from memory: the orchestration's own work, with the price of the real one. */
const memoryModel = (name: string): LanguageModel => {
  const completion: Completion = { text: words.join(""), finishReason: "stop", usage: { inputTokens: 14, outputTokens: 8, estimated: false }, provider: "openai", model: name, timings: { firstTokenMs: 0, totalMs: 0 } }
  const parts: ReadonlyArray<StreamPart> = [{ type: "text-start" }, ...words.map((delta) => ({ type: "text-delta" as const, delta })), { type: "text-end" }, { type: "finish", finishReason: "stop", usage: completion.usage, provider: "openai", model: name, timings: completion.timings }]
  return { id: `openai/${name}`, provider: "openai", name, kind: "cloud", generate: () => Effect.succeed(completion), stream: () => Stream.fromArray(parts) }
}
const memoryModels = [modelName, "gpt-4.1-mini", "gpt-4o", "gpt-4.1", "gpt-4.1-nano", "o3-mini", "o4-mini", "gpt-4-turbo", "gpt-3.5-turbo", "gpt-5-mini"].map(memoryModel)
const memoryProvider: Provider = {
  name: "openai", kind: "cloud", isAvailable: Effect.succeed({ available: true }),
  listModels: Effect.succeed(memoryModels.map((m) => ({ id: m.id, name: m.name, provider: "openai", kind: "cloud" as const }))),
  model: (id) => Effect.succeed(memoryModels.find((m) => m.id === id || m.name === id) ?? memoryModels[0]!)
}
const inMemory = createOrchestrator({ providers: [memoryProvider], deadlineMs: 60_000, maxModelsPerKind: 10 })

const run: Record<Layer, () => Promise<unknown>> = {
  raw: () => sdk.chat.completions.create({ model: modelName, messages }),
  "raw-stream": async () => {
    const events = await sdk.chat.completions.create({ model: modelName, messages, stream: true, stream_options: { include_usage: true } })
    for await (const _ of events) { /* consume */ }
  },
  model: () => Effect.runPromise(model.generate({ messages })),
  "model-stream": () => Effect.runPromise(Stream.runDrain(model.stream({ messages }))),
  named: () => orchestrator.complete(prompt, { model: `openai/${modelName}` }),
  auto: () => orchestrator.complete(prompt),
  fallback: () => orchestrator.complete(prompt, { strategy: "cloud_only", models: [`openai/${modelName}`, "openai/gpt-4.1-mini"] }),
  stream: async () => { for await (const _ of orchestrator.stream(prompt, { model: `openai/${modelName}` })) { /* consume */ } },
  memory: () => Effect.runPromise(memoryModels[0]!.generate({ messages })),
  "memory-named": () => inMemory.complete(prompt, { model: `openai/${modelName}` }),
  "memory-auto": () => inMemory.complete(prompt),
  "memory-fallback": () => inMemory.complete(prompt, { strategy: "cloud_only", models: [`openai/${modelName}`, "openai/gpt-4.1-mini"] }),
  "memory-fallback-10": () => inMemory.complete(prompt, { strategy: "cloud_only", models: memoryModels.map((m) => m.id) }),
  "memory-stream": async () => { for await (const _ of inMemory.stream(prompt, { model: `openai/${modelName}` })) { /* consume */ } }
}
const baseline = (layer: Layer): Layer =>
  layer.startsWith("memory") ? "memory" : layer === "raw-stream" || layer === "model-stream" || layer === "stream" ? "raw-stream" : "raw"

const cpuPerCall = async (layer: Layer, count: number): Promise<number> => {
  const before = process.cpuUsage()
  for (let i = 0; i < count; i++) await run[layer]()
  const used = process.cpuUsage(before)
  return (used.user + used.system) / count
}

const layers = [...new Set<Layer>([...chosen.map(baseline), ...chosen])]
for (const layer of layers) await cpuPerCall(layer, Math.min(500, calls))
const figures = new Map<Layer, Array<number>>()
for (let round = 0; round < rounds; round++) {
  for (const layer of layers) figures.set(layer, [...(figures.get(layer) ?? []), await cpuPerCall(layer, calls)])
}
say(`Node ${process.version}; ${calls} sequential calls per layer per round, ${rounds} rounds interleaved, medians; one in-process upstream.`)
say("")
say("| layer | CPU per call (µs) | vs the raw SDK doing the same | added (µs) |")
say("| --- | --- | --- | --- |")
for (const layer of layers) {
  const mine = median(figures.get(layer)!)
  const base = median(figures.get(baseline(layer))!)
  say(`| ${layer} | ${mine.toFixed(1)} | ${(mine / base).toFixed(2)}x | ${(mine - base).toFixed(1)} |`)
}
await orchestrator.dispose()
await inMemory.dispose()
