/**
 * Benchmark of the embedded engine: tokens per second through the provider versus node-llama-cpp used directly, in
 * the same run on the same model and thread count, and the first call (model load) versus later calls.
 * Run: node --conditions=@orch/source packages/providers-local/bench/embedded.ts [rounds]
 */
import { getLlama, LlamaChatSession, LlamaLogLevel } from "node-llama-cpp"
import { Effect } from "effect"
import { tinyChatModelPath } from "@orch/testing"
import { makeLlamaCppProvider } from "../src/index.ts"

const rounds = Number(process.argv[2] ?? 5)
const maxTokens = 400
const prompt = "Tell me a long story about a girl and her dog"
const modelPath = process.env.ORCH_LLAMA_MODEL ?? tinyChatModelPath()

const provider = await Effect.runPromise(makeLlamaCppProvider({ model: modelPath, threads: 1, contextSize: 1024 }))
const model = await Effect.runPromise(provider.model(provider.client.modelName))
const providerRun = async (): Promise<{ ms: number; tokens: number }> => {
  const start = performance.now()
  const completion = await Effect.runPromise(model.generate({ prompt, maxTokens, temperature: 0 }))
  return { ms: performance.now() - start, tokens: completion.usage.outputTokens }
}

const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error, maxThreads: 1 })
const directModel = await llama.loadModel({ modelPath })
const context = await directModel.createContext({ threads: 1, sequences: 1, contextSize: 1024 })
const sequence = context.getSequence()
const directRun = async (): Promise<{ ms: number; tokens: number }> => {
  const start = performance.now()
  await sequence.clearHistory()
  const session = new LlamaChatSession({ contextSequence: sequence, autoDisposeSequence: false })
  session.setChatHistory([])
  let tokens = 0
  await session.prompt(prompt, { maxTokens, temperature: 0, onToken: (t) => { tokens += t.length } })
  session.dispose({ disposeSequence: false })
  return { ms: performance.now() - start, tokens }
}

const first = await providerRun()
await directRun()
const viaProvider: Array<{ ms: number; tokens: number }> = []
const direct: Array<{ ms: number; tokens: number }> = []
for (let i = 0; i < rounds; i++) {
  // alternate the order so neither side always runs on a warmer cache
  if (i % 2 === 0) { viaProvider.push(await providerRun()); direct.push(await directRun()) }
  else { direct.push(await directRun()); viaProvider.push(await providerRun()) }
}
const rate = (runs: ReadonlyArray<{ ms: number; tokens: number }>) => runs.reduce((s, r) => s + r.tokens, 0) / (runs.reduce((s, r) => s + r.ms, 0) / 1000)
const later = viaProvider.reduce((s, r) => s + r.ms, 0) / viaProvider.length
console.log(`model ${modelPath}, ${rounds} rounds of ${maxTokens} tokens, 1 thread`)
console.log(`provider: ${rate(viaProvider).toFixed(0)} tokens/s; direct: ${rate(direct).toFixed(0)} tokens/s; ratio ${(rate(viaProvider) / rate(direct)).toFixed(3)}`)
console.log(`first call (includes model load): ${first.ms.toFixed(1)} ms; later calls: ${later.toFixed(1)} ms on average`)
await Effect.runPromise(provider.close ?? Effect.void)
await context.dispose()
await directModel.dispose()
await llama.dispose()
