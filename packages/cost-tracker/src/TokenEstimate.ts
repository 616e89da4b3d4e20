/**
 * Token counts where a service reported none. OpenAI models are counted with OpenAI's own BPE encoding
 * (o200k_base for the GPT-4o, GPT-4.1, GPT-5 and o-series families, cl100k_base for older ones), loaded lazily on
 * first use; every other model uses the contract's stated approximation. Either way the count is an estimate.
 */
import { approximateTokenCount, type CompletionRequest, toMessages } from "@orch/provider"
import { Effect } from "effect"
import type { Tiktoken } from "js-tiktoken/lite"

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

const encoders = new Map<EncodingName, Promise<Tiktoken>>()
const loadedEncoders = new Map<EncodingName, Tiktoken>()

/** The encoder for an encoding, imported on first use (the rank tables are large) and kept for the process. */
const encoder = (name: EncodingName): Promise<Tiktoken> => {
  let loading = encoders.get(name)
  if (loading === undefined) {
    loading = Promise.all([
      import("js-tiktoken/lite"),
      name === "o200k_base" ? import("js-tiktoken/ranks/o200k_base") : import("js-tiktoken/ranks/cl100k_base")
    ]).then(([lite, ranks]) => {
      const tiktoken = new lite.Tiktoken(ranks.default)
      loadedEncoders.set(name, tiktoken)
      return tiktoken
    })
    loading.catch(() => {}) // a failed load falls back to the approximation; never an unhandled rejection
    encoders.set(name, loading)
  }
  return loading
}

/**
 * A count that is at least the BPE count for almost any text: the larger of the approximation and a third of the
 * UTF-8 bytes (dense scripts such as CJK take more than one token a character). For worst-case reservations.
 */
export const conservativeTokenCount = (text: string): number =>
  Math.max(approximateTokenCount(text), Math.ceil(Buffer.byteLength(text, "utf8") / 3))

/**
 * Count the tokens of a text for a model: BPE for OpenAI models, the approximation elsewhere. The BPE tables take
 * a second or two to load, so no call waits for them: until they are loaded (in the background, from the first
 * OpenAI count on) the count is the approximation, or with `conservative` a bound that errs high.
 */
export const countTokens = Effect.fnUntraced(function*(model: { readonly provider: string; readonly name: string }, text: string, conservative = false) {
  const encoding = openAiEncodingOf(model.provider, model.name)
  const approximate = (): TokenCount => ({ tokens: conservative ? conservativeTokenCount(text) : approximateTokenCount(text), source: "approximate" })
  if (encoding === undefined || text.length === 0) {
    return encoding === undefined ? approximate() : { tokens: 0, source: "tiktoken" } satisfies TokenCount
  }
  const loaded = loadedEncoders.get(encoding)
  if (loaded === undefined) {
    yield* Effect.sync(() => void encoder(encoding))
    return approximate()
  }
  return { tokens: loaded.encode(text, [], []).length, source: "tiktoken" } satisfies TokenCount
})

/** Load the BPE tables of OpenAI's encodings now (tests and benchmarks that want exact counts from the start). */
export const preloadTokenizers: Effect.Effect<void> = Effect.promise(() =>
  Promise.all([encoder("o200k_base"), encoder("cl100k_base")]).then(() => undefined, () => undefined))

/** Tokens a chat format adds per message (role markers) and to prime the answer, as in OpenAI's counting guide. */
const perMessageTokens = 3
const primingTokens = 3

/** Estimate the input tokens of a request: its messages' text plus the chat format's overhead per message. */
export const countRequestTokens = Effect.fnUntraced(function*(model: { readonly provider: string; readonly name: string }, request: CompletionRequest, conservative = false) {
  const messages = toMessages(request)
  const counted = yield* countTokens(model, messages.map((message) => message.content).join("\n"), conservative)
  return { tokens: counted.tokens + messages.length * perMessageTokens + primingTokens, source: counted.source } satisfies TokenCount
})
