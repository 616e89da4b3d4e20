/**
 * `streamBounded` on the openai-compat transport, on both its paths (the lean one, and the SDK's when a custom `fetch`
 * is given), against the loopback wire server: the bounded-stream cases every such wire passes (`boundedStreamCases`
 * in @orch/testing). No assertion reads how long anything took: only which error came, and what the server saw.
 */
import { boundedStreamCases, boundsFor, startWireServer, type WireServer } from "@orch/testing"
import type { LanguageModel } from "@orch/provider"
import { Redacted } from "effect"
import { afterAll, beforeAll, beforeEach, describe, it } from "vitest"
import { makeOpenAiCompatClient, makeOpenAiCompatLanguageModel, resolveSettings, type OpenAiCompatOptions } from "../src/index.ts"
import { chunk, sse } from "./support.ts"

let server: WireServer
beforeAll(async () => {
  server = await startWireServer({ models: ["m"] })
})
afterAll(() => server.close())
beforeEach(() => server.reset())

const options = (root: string, extra: Partial<OpenAiCompatOptions> = {}): OpenAiCompatOptions =>
  ({ backend: "srv", baseUrl: `${root}/v1`, apiKey: Redacted.make("sk-bound-test-0123456789"), ...extra })
/** A cloud model on the lean transport (no custom `fetch`), talking to `root` (the wire server's when omitted). */
const lean = (root = server.url): LanguageModel => makeOpenAiCompatLanguageModel(makeOpenAiCompatClient(resolveSettings(options(root))), { name: "m", kind: "cloud" })
/** The same model on the SDK path (a custom `fetch`). */
const viaSdk = (root = server.url): LanguageModel =>
  makeOpenAiCompatLanguageModel(makeOpenAiCompatClient(resolveSettings(options(root, { fetch: (input, init) => globalThis.fetch(input, init) }))), { name: "m", kind: "cloud" })

/** Bounds naming the model. */
const bounds = boundsFor({ provider: "srv", model: "m" })

/** An SSE answer's first chunks, sent and then held open (a server still generating). */
const stallAfter = (pieces: ReadonlyArray<string>) => ({
  kind: "raw" as const,
  body: sse([chunk({ role: "assistant", content: "" }), ...pieces.map((content) => chunk({ content }))], false),
  stallAfter: true
})

describe("streamBounded on the openai-compat transport", () => {
  for (const [path, model] of [["lean", lean], ["SDK", viaSdk]] as const) {
    describe(`on the ${path} path`, () => {
      for (const { name, run } of boundedStreamCases({ server: () => server, model: (baseUrl) => model(baseUrl), bounds, stallAfter })) it(name, run)
    })
  }
})
