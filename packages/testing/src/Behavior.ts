/**
 * What the wire server does with one request: synthesise a normal answer, replay a recording, inject a fault, or
 * send a custom JSON reply. Also how a request selects its behaviour itself (header or model name).
 */
import type { SplitOptions } from "./Chunking.ts"

/** Every fault the server can inject; see the README for how each looks in each wire format. */
export const faults = [
  "reset-before-headers",
  "reset-mid-stream",
  "stall",
  "slow-drip",
  "rate-limit",
  "server-500",
  "server-502",
  "server-503",
  "overloaded-529",
  "malformed-json",
  "html-502",
  "truncated-stream",
  "in-band-error",
  "duplicate-done",
  "ollama-busy-503"
] as const

/** A fault to inject (see `faults`). */
export type Fault = (typeof faults)[number]

/** A normal answer in the wire format of the route, with the text, usage and pacing given (or defaults). */
export interface SynthBehavior {
  readonly kind: "synth"
  /** The answer text (default "Hello from the orch wire server."). */
  readonly text?: string
  /** Usage to report; by default counted as whitespace-separated pieces of the prompt and of the text. */
  readonly usage?: { readonly inputTokens: number; readonly outputTokens: number }
  /** Delay before the first token (streams: after the headers; JSON: before the reply). */
  readonly firstTokenDelayMs?: number
  /**
   * The first token (streams: after the headers; JSON: the reply) also waits for this promise to settle: an upstream
   * that answers when the test says so, with no timer (a request aborted meanwhile is still seen as aborted).
   */
  readonly holdUntil?: Promise<unknown>
  /** Delay between tokens. */
  readonly perTokenDelayMs?: number
  /** The model named in the reply (default: the requested model). */
  readonly model?: string
  /** The finish reason as the service spells it (default "stop", Anthropic "end_turn"). */
  readonly finishReason?: string
  /** The streamed pieces; their concatenation is the text (default: the text cut before each whitespace run). */
  readonly tokens?: ReadonlyArray<string>
  /** Split the reply bytes at pseudo-random boundaries across writes. */
  readonly split?: SplitOptions
}

/** A recording of `fixtures/wire` sent as recorded (status and headers from its meta). */
export interface ReplayBehavior {
  readonly kind: "replay"
  /** Path under fixtures/wire, e.g. "openai/chat_completion_stream_usage.sse". */
  readonly fixture: string
  /** Split the body at pseudo-random byte boundaries across writes. */
  readonly split?: SplitOptions
  /** Delay between the written pieces (the events of the body, or the split pieces). */
  readonly delayBetweenChunksMs?: number
  /** Override the recorded status. */
  readonly status?: number
}

/** A fault in the wire format of the route. */
export interface FaultBehavior {
  readonly kind: "fault"
  readonly fault: Fault
  /** rate-limit: the `retry-after` header (seconds or an HTTP date). Default "1" when neither header is given. */
  readonly retryAfter?: string
  /** rate-limit: the `retry-after-ms` header. */
  readonly retryAfterMs?: string
  /** Mid-stream faults: how many tokens are sent before the fault (default 2). */
  readonly afterTokens?: number
  /** Mid-stream faults and slow-drip: the text whose tokens are sent. */
  readonly text?: string
  /** slow-drip: delay between single bytes (default 2 ms, at least 1 ms). */
  readonly delayMs?: number
  /** stall: send no response head either, for a streamed request too (a server that loads the model before it answers, as Ollama does). */
  readonly beforeHead?: boolean
}

/** Any custom reply: status, JSON body and headers. */
export interface JsonBehavior {
  readonly kind: "json"
  readonly status: number
  readonly body: unknown
  readonly headers?: Record<string, string>
}

/**
 * A hand-written body sent as given (an SSE stream, NDJSON lines, a JSON text), for bodies in a service's documented
 * shape that no recording has; optionally split at seeded random byte boundaries.
 */
export interface RawBehavior {
  readonly kind: "raw"
  /** Default 200. */
  readonly status?: number
  /** Default `text/event-stream` when the body starts with `data:` or `event:`, else `application/json`. */
  readonly contentType?: string
  readonly body: string
  readonly headers?: Record<string, string>
  readonly split?: SplitOptions
  /** How the exchange ends after the body: cleanly (default), or a reset. */
  readonly ending?: "end" | "reset"
  /** Keep the connection open after the body until the client hangs up (a server still generating). */
  readonly stallAfter?: boolean
}

/** What the server does with one request. */
export type Behavior = SynthBehavior | ReplayBehavior | FaultBehavior | JsonBehavior | RawBehavior

/** A fixed behaviour, or one chosen from the recorded request. */
export type BehaviorSource<Request> = Behavior | ((request: Request) => Behavior)

/** Whether a string names a fault. */
export const isFault = (value: string): value is Fault => (faults as ReadonlyArray<string>).includes(value)

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const isSplit = (value: unknown): boolean =>
  value === undefined || (isRecord(value) && typeof value.seed === "number" &&
    (value.maxChunk === undefined || (typeof value.maxChunk === "number" && value.maxChunk >= 1)))

/**
 * Checks a behaviour (from code or from a header) and returns it, or a message saying what is wrong. Catches the
 * mistakes that would otherwise make a test pass or hang for the wrong reason (unknown fault, missing fixture name).
 */
export const checkBehavior = (value: unknown): { readonly behavior: Behavior } | { readonly problem: string } => {
  if (!isRecord(value)) return { problem: "a behaviour must be an object with a `kind`" }
  switch (value.kind) {
    case "synth":
      if (value.text !== undefined && typeof value.text !== "string") return { problem: "synth.text must be a string" }
      if (value.tokens !== undefined && !(Array.isArray(value.tokens) && value.tokens.every((t) => typeof t === "string"))) {
        return { problem: "synth.tokens must be an array of strings" }
      }
      if (!isSplit(value.split)) return { problem: "synth.split must be { seed: number, maxChunk?: number >= 1 }" }
      return { behavior: value as unknown as SynthBehavior }
    case "replay":
      if (typeof value.fixture !== "string" || value.fixture === "") return { problem: "replay.fixture must name a recording" }
      if (!isSplit(value.split)) return { problem: "replay.split must be { seed: number, maxChunk?: number >= 1 }" }
      return { behavior: value as unknown as ReplayBehavior }
    case "fault":
      if (typeof value.fault !== "string" || !isFault(value.fault)) {
        return { problem: `unknown fault ${JSON.stringify(value.fault)}; expected one of ${faults.join(", ")}` }
      }
      return { behavior: value as unknown as FaultBehavior }
    case "json":
      if (typeof value.status !== "number" || value.status < 100 || value.status > 999) {
        return { problem: "json.status must be an HTTP status" }
      }
      return { behavior: value as unknown as JsonBehavior }
    case "raw":
      if (typeof value.body !== "string") return { problem: "raw.body must be a string" }
      if (!isSplit(value.split)) return { problem: "raw.split must be { seed: number, maxChunk?: number >= 1 }" }
      return { behavior: value as unknown as RawBehavior }
    default:
      return { problem: `unknown behaviour kind ${JSON.stringify(value.kind)}; expected synth, replay, fault, json or raw` }
  }
}

/** Like `checkBehavior`, throwing a TypeError for the caller's mistake (used by `enqueue`/`setDefault`). */
export const assertBehavior = (value: unknown): Behavior => {
  const checked = checkBehavior(value)
  if ("problem" in checked) throw new TypeError(`invalid wire-server behaviour: ${checked.problem}`)
  return checked.behavior
}

/** A short label of a behaviour for `RecordedRequest.behavior`: "synth", "replay:<fixture>", "fault:<fault>", "json:<status>". */
export const describeBehavior = (behavior: Behavior): string => {
  switch (behavior.kind) {
    case "synth":
      return "synth"
    case "replay":
      return `replay:${behavior.fixture}`
    case "fault":
      return `fault:${behavior.fault}`
    case "json":
      return `json:${behavior.status}`
    case "raw":
      return `raw:${behavior.status ?? 200}`
  }
}

/**
 * The behaviour a request selects itself, if any: header `x-orch-behavior` (JSON), header `x-orch-fault`, or a model
 * named `fault:<Fault>` or `replay:<fixture>`. Returns a problem message for a selection that cannot be honoured.
 */
export const selectedByRequest = (
  headers: Readonly<Record<string, string>>,
  body: unknown
): { readonly behavior: Behavior } | { readonly problem: string } | undefined => {
  const header = headers["x-orch-behavior"]
  if (header !== undefined) {
    let parsed: unknown
    try {
      parsed = JSON.parse(header)
    } catch {
      return { problem: "header x-orch-behavior is not valid JSON" }
    }
    return checkBehavior(parsed)
  }
  const faultHeader = headers["x-orch-fault"]
  if (faultHeader !== undefined) return checkBehavior({ kind: "fault", fault: faultHeader.trim() })
  const model = isRecord(body) && typeof body.model === "string" ? body.model : undefined
  if (model?.startsWith("fault:")) return checkBehavior({ kind: "fault", fault: model.slice("fault:".length) })
  if (model?.startsWith("replay:")) return checkBehavior({ kind: "replay", fixture: model.slice("replay:".length) })
  return undefined
}
