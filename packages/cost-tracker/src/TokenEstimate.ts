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

/** The encoder for an encoding, imported on first use (the rank tables are large) and kept for the process. */
const encoder = (name: EncodingName): Promise<Tiktoken> => {
  let loading = encoders.get(name)
  if (loading === undefined) {
    loading = Promise.all([
      import("js-tiktoken/lite"),
      name === "o200k_base" ? import("js-tiktoken/ranks/o200k_base") : import("js-tiktoken/ranks/cl100k_base")
    ]).then(([lite, ranks]) => new lite.Tiktoken(ranks.default))
    encoders.set(name, loading)
  }
  return loading
}

/** Count the tokens of a text for a model: BPE for OpenAI models, the approximation elsewhere. */
export const countTokens = Effect.fnUntraced(function*(model: { readonly provider: string; readonly name: string }, text: string) {
  const encoding = openAiEncodingOf(model.provider, model.name)
  if (encoding === undefined || text.length === 0) {
    return { tokens: approximateTokenCount(text), source: encoding === undefined ? "approximate" : "tiktoken" } satisfies TokenCount
  }
  const loaded = yield* Effect.promise(() => encoder(encoding).then((tiktoken) => tiktoken, () => undefined))
  if (loaded === undefined) return { tokens: approximateTokenCount(text), source: "approximate" } satisfies TokenCount
  return { tokens: loaded.encode(text, [], []).length, source: "tiktoken" } satisfies TokenCount
})

/** Tokens a chat format adds per message (role markers) and to prime the answer, as in OpenAI's counting guide. */
const perMessageTokens = 3
const primingTokens = 3

/** Estimate the input tokens of a request: its messages' text plus the chat format's overhead per message. */
export const countRequestTokens = Effect.fnUntraced(function*(model: { readonly provider: string; readonly name: string }, request: CompletionRequest) {
  const messages = toMessages(request)
  const counted = yield* countTokens(model, messages.map((message) => message.content).join("\n"))
  return { tokens: counted.tokens + messages.length * perMessageTokens + primingTokens, source: counted.source } satisfies TokenCount
})
