/**
 * Token counts where a service reported none. OpenAI models are counted with OpenAI's own BPE encoding
 * (o200k_base for the GPT-4o, GPT-4.1, GPT-5 and o-series families, cl100k_base for older ones), loaded lazily on
 * first use; every other model uses the contract's stated approximation. Either way the count is an estimate.
 */
import { approximateTokenCount, type CompletionRequest, toMessages } from "@orch/provider"
import { Effect } from "effect"
import { Worker } from "node:worker_threads"

/**
 * How a token count was obtained: reported by the service, counted with a BPE tokenizer, approximated, or none
 * (the attempt failed before producing anything, so nothing was counted or billed).
 */
export type TokenSource = "reported" | "tiktoken" | "approximate" | "none"

/** A token count and how it was obtained. */
export interface TokenCount {
  readonly tokens: number
  readonly source: Exclude<TokenSource, "reported" | "none">
}

type EncodingName = "o200k_base" | "cl100k_base"

/** The OpenAI encoding of a model name, or undefined for a model that is not OpenAI's. */
export const openAiEncodingOf = (provider: string, name: string): EncodingName | undefined => {
  if (provider !== "openai") return undefined
  return /^(gpt-3\.5|gpt-4(-|$)|gpt-4-turbo|text-embedding)/.test(name) && !name.startsWith("gpt-4o") && !name.startsWith("gpt-4.")
    ? "cl100k_base"
    : "o200k_base"
}

interface Pending {
  readonly resolve: (tokens: number | undefined) => void
}

/**
 * The BPE counter: a worker thread started on the first OpenAI count and kept (unreferenced, so it never holds the
 * process open). Building an encoder takes seconds of CPU, which must not freeze the application's event loop.
 */
class BpeWorker {
  private worker: Worker | undefined
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private broken = false

  private start(): Worker | undefined {
    if (this.broken) return undefined
    if (this.worker !== undefined) return this.worker
    try {
      const source = import.meta.url.endsWith(".ts") ? "./TokenizerWorker.ts" : "./TokenizerWorker.js"
      const worker = new Worker(new URL(source, import.meta.url))
      worker.unref()
      worker.on("message", (reply: { readonly id: number; readonly tokens?: number }) => {
        const waiting = this.pending.get(reply.id)
        this.pending.delete(reply.id)
        waiting?.resolve(reply.tokens)
      })
      worker.on("error", () => this.fail())
      worker.on("exit", () => this.fail())
      this.worker = worker
      return worker
    } catch {
      this.broken = true
      return undefined
    }
  }

  private fail(): void {
    this.broken = true
    this.worker = undefined
    for (const waiting of this.pending.values()) waiting.resolve(undefined)
    this.pending.clear()
  }

  /** The BPE count, or undefined when the worker cannot count (the caller approximates). */
  count(encoding: EncodingName, text: string): Promise<number | undefined> {
    const worker = this.start()
    if (worker === undefined) return Promise.resolve(undefined)
    const id = this.nextId++
    return new Promise((resolve) => {
      this.pending.set(id, { resolve })
      worker.postMessage({ id, encoding, text })
    })
  }
}

const bpe = new BpeWorker()

/** How long a count may wait for the worker (it loads the tables on first use) before the approximation is used. */
const bpeWaitMs = 10_000

/**
 * A count that is at least the BPE count for almost any text: the larger of the approximation and a third of the
 * UTF-8 bytes (dense scripts such as CJK take more than one token a character). For worst-case reservations.
 */
export const conservativeTokenCount = (text: string): number =>
  Math.max(approximateTokenCount(text), Math.ceil(Buffer.byteLength(text, "utf8") / 3))

/**
 * Count the tokens of a text for a model: OpenAI's BPE for OpenAI models (in a worker thread, so loading the tables
 * never freezes the event loop), the approximation elsewhere or when the worker cannot answer. With `conservative`
 * (worst-case reservations, on every call's path) it never uses the worker: a bound that errs high, at once.
 */
export const countTokens = Effect.fnUntraced(function*(model: { readonly provider: string; readonly name: string }, text: string, conservative = false) {
  const approximate = (): TokenCount => ({ tokens: conservative ? conservativeTokenCount(text) : approximateTokenCount(text), source: "approximate" })
  const encoding = openAiEncodingOf(model.provider, model.name)
  if (conservative || encoding === undefined) return approximate()
  if (text.length === 0) return { tokens: 0, source: "tiktoken" } satisfies TokenCount
  const counted = yield* Effect.promise(() => bpe.count(encoding, text)).pipe(
    Effect.timeoutOrElse({ duration: bpeWaitMs, orElse: () => Effect.succeed(undefined) })
  )
  return counted === undefined ? approximate() : { tokens: counted, source: "tiktoken" } satisfies TokenCount
})

/** Start the BPE worker and load OpenAI's encodings now (so the first estimate does not wait for them). */
export const preloadTokenizers: Effect.Effect<void> = Effect.promise(() =>
  Promise.all([bpe.count("o200k_base", "warm"), bpe.count("cl100k_base", "warm")]).then(() => undefined))

/** Tokens a chat format adds per message (role markers) and to prime the answer, as in OpenAI's counting guide. */
const perMessageTokens = 3
const primingTokens = 3

/** Estimate the input tokens of a request: its messages' text plus the chat format's overhead per message. */
export const countRequestTokens = Effect.fnUntraced(function*(model: { readonly provider: string; readonly name: string }, request: CompletionRequest, conservative = false) {
  const messages = toMessages(request)
  const counted = yield* countTokens(model, messages.map((message) => message.content).join("\n"), conservative)
  return { tokens: counted.tokens + messages.length * perMessageTokens + primingTokens, source: counted.source } satisfies TokenCount
})
