// Every fault the wire server injects, in both upstream formats the gateway has here (OpenAI, Ollama), through the
// official SDK on both APIs (chat, Responses), whole and streamed. What a client must see:
// - a fault the client survives (a duplicated [DONE]) is a 200 with the whole text; a slow drip of bytes is the
//   whole text if it ends within the deadline, else the deadline's error (how slow it is depends on the machine);
// - any other fault is an error the SDK raises as its typed exception: before the answer began, an HTTP status
//   named for the reason (429 for a rate limit, 502 for a bad upstream answer, 503 for one unreachable or
//   overloaded, 504 at the deadline); after it began, an error event that ends the stream. Never a 200 that ends
//   cleanly with the text cut short or empty (a silent loss), never a 500, never the upstream key;
// - the deadline bounds every call, whatever the upstream does.
import { type Fault, faults, type FaultBehavior, type WireServer } from "@orch/testing"
import OpenAI from "openai"
import { describe, expect, it } from "vitest"
import type { RunningGateway } from "../src/index.ts"
import { canaryKey, gatewayPerFile, type Upstreams } from "./Support.ts"

let upstreams: Upstreams
let gateway: RunningGateway
let client: OpenAI
// A short deadline, so the stalling faults end.
gatewayPerFile({ deadlineMs: 1_500 }, (setup) => ({ upstreams, gateway, client } = setup))

const text = "alpha beta gamma delta epsilon"

/** What the client sees of a fault: the statuses it may get before the answer began, and whether it is survivable. */
const expected: Record<Fault, { readonly statuses: ReadonlyArray<number>; readonly benign?: boolean; readonly orTimeout?: boolean }> = {
  "reset-before-headers": { statuses: [502, 503] },
  "reset-mid-stream": { statuses: [502, 503] },
  stall: { statuses: [504] },
  "slow-drip": { statuses: [504], benign: true, orTimeout: true },
  "rate-limit": { statuses: [429] },
  "server-500": { statuses: [502] },
  "server-502": { statuses: [502, 503] },
  "server-503": { statuses: [502, 503] },
  "overloaded-529": { statuses: [502, 503] },
  "malformed-json": { statuses: [502] },
  "html-502": { statuses: [502, 503] },
  "truncated-stream": { statuses: [502, 503] },
  "in-band-error": { statuses: [502, 503] },
  "duplicate-done": { statuses: [], benign: true },
  "ollama-busy-503": { statuses: [502, 503] }
}

const upstreamsOf = (): ReadonlyArray<readonly [string, WireServer]> => [["openai/gpt-4o-mini", upstreams.cloud], ["ollama/llama3.2:1b", upstreams.local]]

type Outcome = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly error: unknown }

/** One call through the SDK: its whole text, or what it raised (while creating or while reading the stream). */
const call = async (api: "chat" | "responses", stream: boolean, model: string): Promise<Outcome> => {
  try {
    if (api === "chat") {
      if (!stream) return { ok: true, text: (await client.chat.completions.create({ model, messages: [{ role: "user", content: "go" }] })).choices[0]?.message.content ?? "" }
      let out = ""
      for await (const chunk of await client.chat.completions.create({ model, messages: [{ role: "user", content: "go" }], stream: true })) out += chunk.choices[0]?.delta.content ?? ""
      return { ok: true, text: out }
    }
    if (!stream) return { ok: true, text: (await client.responses.create({ model, input: "go" })).output_text }
    let out = ""
    for await (const event of await client.responses.create({ model, input: "go", stream: true })) {
      if (event.type === "response.output_text.delta") out += event.delta
    }
    return { ok: true, text: out }
  } catch (error) {
    return { ok: false, error }
  }
}

const cells = faults.flatMap((fault) => (["chat", "responses"] as const).flatMap((api) => [false, true].map((stream) => ({ fault, api, stream }))))

describe("every upstream fault, through the official SDK: the right typed error or the whole answer, never a silent loss", () => {
  it.each(cells)("$fault on $api (stream: $stream)", async ({ fault, api, stream }) => {
    for (const [model, server] of upstreamsOf()) {
      const behavior: FaultBehavior = { kind: "fault", fault, text, afterTokens: 2, ...(fault === "rate-limit" ? { retryAfter: "2" } : {}) }
      server.enqueue(behavior)
      const outcome = await call(api, stream, model)
      const cell = `${fault} ${model} ${api} stream=${stream}`
      const { statuses, benign, orTimeout } = expected[fault]
      if (benign === true && (orTimeout !== true || outcome.ok)) {
        expect(outcome, cell).toEqual({ ok: true, text })
        continue
      }
      expect(outcome.ok, `${cell}: answered ${JSON.stringify(outcome)}`).toBe(false)
      const error = (outcome as { readonly error: unknown }).error
      expect(error, cell).toBeInstanceOf(OpenAI.APIError)
      const apiError = error as InstanceType<typeof OpenAI.APIError>
      // Before the answer began: an HTTP status of the reason's. After: an error event, which the SDK raises with no status.
      if (apiError.status !== undefined) {
        expect(statuses, `${cell}: status ${apiError.status} ${apiError.message}`).toContain(apiError.status)
        if (apiError.status === 429) expect(apiError.headers?.get("retry-after"), cell).toBe("2")
      } else {
        expect(stream, `${cell}: an error without a status on a whole answer`).toBe(true)
        expect(apiError.code, cell).toMatch(orTimeout === true ? /^timeout$/ : /^upstream_|^timeout$/)
      }
      expect(JSON.stringify({ message: apiError.message, error: apiError.error }), cell).not.toContain(canaryKey.slice(-8))
    }
    expect(gateway.gateway.inFlight()).toBe(0)
  })
})
