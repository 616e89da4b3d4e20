/**
 * The worker thread that counts tokens with OpenAI's BPE encodings. Building an encoder from its rank tables takes
 * seconds of CPU; here it blocks only this thread, never the application's event loop.
 * Messages in: `{ id, encoding, text }`; out: `{ id, tokens }` or `{ id, error }`.
 */
import { parentPort } from "node:worker_threads"
import { Tiktoken } from "js-tiktoken/lite"

type EncodingName = "o200k_base" | "cl100k_base"

const encoders = new Map<EncodingName, Tiktoken>()

const load = async (encoding: EncodingName): Promise<Tiktoken> => {
  const existing = encoders.get(encoding)
  if (existing !== undefined) return existing
  const ranks = encoding === "o200k_base" ? await import("js-tiktoken/ranks/o200k_base") : await import("js-tiktoken/ranks/cl100k_base")
  const created = new Tiktoken(ranks.default)
  encoders.set(encoding, created)
  return created
}

parentPort?.on("message", (message: { readonly id: number; readonly encoding: EncodingName; readonly text: string }) => {
  load(message.encoding).then(
    (tiktoken) => parentPort?.postMessage({ id: message.id, tokens: tiktoken.encode(message.text, [], []).length }),
    (error: unknown) => parentPort?.postMessage({ id: message.id, error: String(error) })
  )
})
