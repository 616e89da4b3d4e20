/**
 * Token counts where a service reported none. OpenAI models are counted with OpenAI's own BPE encoding
 * (o200k_base for the GPT-4o, GPT-4.1, GPT-5 and o-series families, cl100k_base for older ones), loaded lazily on
 * first use; every other model uses the contract's stated approximation. Either way the count is an estimate.
 */
import { approximateTokenCount, canonicalJson, type CompletionRequest, type Message, requestText, toMessages } from "@orch/provider"
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

/**
 * The BPE counter: a worker thread, started by the first OpenAI estimate, that loads the tables (seconds of CPU,
 * which must not freeze the application's event loop) and counts. No count waits for the tables: until an encoding
 * is loaded the caller gets `undefined` and approximates. Trackers retain it; the last to close stops the thread.
 */
class BpeWorker {
  private worker: Worker | undefined
  private nextId = 1
  private readonly pending = new Map<number, (tokens: number | undefined) => void>()
  private readonly ready = new Set<EncodingName>()
  private readonly warming = new Set<EncodingName>()
  private broken = false
  private users = 0

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
        waiting?.(reply.tokens)
      })
      worker.on("error", () => this.reset(true))
      this.worker = worker
      return worker
    } catch {
      this.broken = true
      return undefined
    }
  }

  private reset(broken: boolean): void {
    this.broken = broken
    const worker = this.worker
    this.worker = undefined
    this.ready.clear()
    this.warming.clear()
    for (const waiting of this.pending.values()) waiting(undefined)
    this.pending.clear()
    void worker?.terminate()
  }

  private post(encoding: EncodingName, text: string): Promise<number | undefined> {
    const worker = this.start()
    if (worker === undefined) return Promise.resolve(undefined)
    const id = this.nextId++
    return new Promise((resolve) => {
      this.pending.set(id, resolve)
      worker.postMessage({ id, encoding, text })
    })
  }

  /** Load an encoding in the worker; resolves once it is ready (or could not be loaded). */
  warm(encoding: EncodingName): Promise<void> {
    if (this.ready.has(encoding)) return Promise.resolve()
    this.warming.add(encoding)
    return this.post(encoding, "").then((tokens) => {
      this.warming.delete(encoding)
      if (tokens !== undefined) this.ready.add(encoding)
    })
  }

  /** The BPE count, or undefined at once when the encoding is not loaded yet (loading then starts). */
  count(encoding: EncodingName, text: string): Promise<number | undefined> {
    if (!this.ready.has(encoding)) {
      if (!this.warming.has(encoding)) void this.warm(encoding)
      return Promise.resolve(undefined)
    }
    return this.post(encoding, text)
  }

  retain(): void {
    this.users++
  }

  release(): void {
    this.users = Math.max(0, this.users - 1)
    if (this.users === 0) this.reset(false)
  }
}

const bpe = new BpeWorker()

/** A cost tracker keeps the BPE worker while it is open; the last one to close stops it. */
export const retainTokenizer: Effect.Effect<void> = Effect.sync(() => bpe.retain())
/** See `retainTokenizer`. */
export const releaseTokenizer: Effect.Effect<void> = Effect.sync(() => bpe.release())

/**
 * A count that is at least the token count of any text under any byte-level BPE (OpenAI's gpt2, p50k_base,
 * cl100k_base and o200k_base, and the Llama 3, Qwen and Anthropic families built the same way) and any SentencePiece
 * vocabulary with byte fallback (Llama 2, Mistral, Gemma): its UTF-8 bytes. In those tokenizers every token stands
 * for at least one byte of the text (the base vocabulary is the 256 bytes, and merges only join them), so no text
 * can take more tokens than it has bytes. Dense text comes close: random bytes, hex and punctuation take 0.3 to 0.9
 * tokens a byte (about 2.5x the "four characters a token" of English prose). For worst-case reservations.
 */
export const conservativeTokenCount = (text: string): number => Buffer.byteLength(text, "utf8")

/**
 * Tokens a chat template adds that the text does not show, for the bound: per message (OpenAI: 3 plus the role's
 * token; Llama 3 and ChatML templates: 5) and once to prime the answer (OpenAI 3, Llama 3 5 with its BOS). The bound
 * allows 8 for each, above all of them.
 */
const conservativePerMessageTokens = 8
const conservativePrimingTokens = 8

/**
 * Tools cost input tokens beyond their text. Anthropic adds a tool-use system prompt to every request that carries
 * tools (346 tokens with `auto`/`none` and 313 with `any`/a named tool on current models, up to 530 on Claude 3 Opus),
 * and a JSON schema is sent to it as a forced tool; OpenAI wraps the tools in a namespace block. The bound allows 600
 * once for a request with tools or a schema.
 */
const conservativeToolPromptTokens = 600

/**
 * The most input tokens a request can be billed for under the tokenizers above: the UTF-8 bytes of every text the
 * request sends (messages and reasoning, tool calls with their ids and arguments, tool results' ids and names, tool
 * definitions, the JSON schema of a structured answer and its name, file names, and every string in
 * `providerOptions`, which the adapters merge into the body last), the chat template's overhead for each message,
 * tool definition and tool call, the tool-use system prompt, and an allowance for each image and file. Synchronous
 * and cheap (a byte count), so it runs on every call's path.
 */
export const conservativeRequestTokens = (request: CompletionRequest): number => {
  const format = request.responseFormat
  let tokens = conservativeTokenCount(requestText(request)) + (format?.type === "json" ? conservativeTokenCount(format.name ?? "") : 0)
  const toolCount = request.tools === undefined ? 0 : request.tools.length
  tokens += toolCount * conservativePerMessageTokens
  if (toolCount > 0 || (format?.type === "json" && format.schema !== undefined)) tokens += conservativeToolPromptTokens
  if (request.providerOptions !== undefined) tokens += conservativeTokenCount(canonicalJson(request.providerOptions))
  // The messages of `toMessages`, without building its list: a system text and a prompt are plain-text messages.
  if (request.system !== undefined && request.system.length > 0) tokens += 1 + conservativePerMessageTokens
  if (request.prompt !== undefined) tokens += 1 + conservativePerMessageTokens
  if (request.messages) for (const message of request.messages) tokens += conservativeMessageTokens(message)
  return tokens + conservativePrimingTokens
}

/** A message's share of `conservativeRequestTokens` beyond its text: the template, tool call ids, images and files. */
const conservativeMessageTokens = (message: Message): number => {
  let tokens = 1 + conservativePerMessageTokens
  if (message.role === "assistant") {
    if (message.toolCalls !== undefined) for (const call of message.toolCalls) tokens += conservativePerMessageTokens + conservativeTokenCount(call.id)
  } else if (message.role === "tool") {
    tokens += conservativeTokenCount(message.toolCallId) + conservativeTokenCount(message.name ?? "")
  }
  if (typeof message.content === "string" || message.content === undefined) return tokens
  for (const part of message.content) {
    if (part.type === "image") tokens += conservativeImageTokens
    else if (part.type === "file") tokens += conservativeFileTokens(part.data) + conservativeTokenCount(part.filename ?? "")
    else if (part.type === "reasoning") tokens += conservativeTokenCount(part.text) + conservativeTokenCount(part.redactedData ?? "")
  }
  return tokens
}

/**
 * An image costs at most this many input tokens at the services that take them. OpenAI bills a high-detail image by
 * 512-pixel tiles after scaling it into 2048x768, at most 8 tiles: 85 + 8 x 170 = 1,445 tokens on gpt-4o, but
 * 2,833 + 8 x 5,667 = 48,169 on gpt-4o-mini (whose per-token price is lower by as much); patch-billed models cap at
 * 1,536 patches (about 2,640 tokens with the largest multiplier); Anthropic resizes to about 1.15 megapixels (about
 * 1,600 tokens). The bound has to hold for all of them, so it is gpt-4o-mini's, rounded up.
 */
const conservativeImageTokens = 50_000

/**
 * A file (a PDF, a text document) as its service bills it: the text inside (a PDF's text streams are usually
 * deflated, so eight times the decoded bytes) plus a page image. An allowance, not a proof: a file can in principle
 * unpack to more.
 */
const conservativeFileTokens = (base64: string): number => Math.ceil((base64.length * 3) / 4) * 8 + conservativeImageTokens

/**
 * Count the tokens of a text for a model: OpenAI's BPE for OpenAI models (in a worker thread, so loading the tables
 * never freezes the event loop, and never waited for: until they are loaded the count is approximate), the
 * approximation elsewhere. With `conservative`
 * (worst-case reservations, on every call's path) it never uses the worker: a bound that errs high, at once.
 */
export const countTokens = Effect.fnUntraced(function*(model: { readonly provider: string; readonly name: string }, text: string, conservative = false) {
  const approximate = (): TokenCount => ({ tokens: conservative ? conservativeTokenCount(text) : approximateTokenCount(text), source: "approximate" })
  const encoding = openAiEncodingOf(model.provider, model.name)
  if (conservative || encoding === undefined) return approximate()
  if (text.length === 0) return { tokens: 0, source: "tiktoken" } satisfies TokenCount
  const counted = yield* Effect.promise(() => bpe.count(encoding, text))
  return counted === undefined ? approximate() : { tokens: counted, source: "tiktoken" } satisfies TokenCount
})

/** Start the BPE worker and load OpenAI's encodings now, so estimates are exact from the first one. */
export const preloadTokenizers: Effect.Effect<void> = Effect.promise(() =>
  Promise.all([bpe.warm("o200k_base"), bpe.warm("cl100k_base")]).then(() => undefined))

/** Tokens a chat format adds per message (role markers) and to prime the answer, as in OpenAI's counting guide. */
const perMessageTokens = 3
const primingTokens = 3

/**
 * Estimate the input tokens of a request: its messages' text plus the chat format's overhead per message. With
 * `conservative`, the bound of `conservativeRequestTokens` instead.
 */
export const countRequestTokens = Effect.fnUntraced(function*(model: { readonly provider: string; readonly name: string }, request: CompletionRequest, conservative = false) {
  if (conservative) return { tokens: conservativeRequestTokens(request), source: "approximate" } satisfies TokenCount
  const messages = toMessages(request)
  const counted = yield* countTokens(model, requestText(request), conservative)
  return { tokens: counted.tokens + messages.length * perMessageTokens + primingTokens, source: counted.source } satisfies TokenCount
})
