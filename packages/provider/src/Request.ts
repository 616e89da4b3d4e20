/**
 * What a caller asks of a model: a prompt or chat messages, and the options every backend understands.
 * Backend-specific options go under `providerOptions[backend]`, never on the shared request.
 */
import { Effect, Result, Schema } from "effect"
import { invalidRequest, type ProviderError } from "./ProviderError.ts"

/** Who said a message. */
export type Role = "system" | "user" | "assistant"

/** One chat message. */
export interface Message {
  readonly role: Role
  readonly content: string
}

/** The shape of the answer: free text, or JSON (optionally matching a JSON Schema). */
export type ResponseFormat = { readonly type: "text" } | { readonly type: "json"; readonly schema?: unknown; readonly name?: string }

/** A request to one model. Give `prompt` or `messages` (or both: the prompt becomes the last user message). */
export interface CompletionRequest {
  readonly prompt?: string
  readonly messages?: ReadonlyArray<Message>
  /** A system prompt, placed before the messages. */
  readonly system?: string
  readonly maxTokens?: number
  readonly temperature?: number
  readonly topP?: number
  readonly stop?: ReadonlyArray<string>
  readonly seed?: number
  readonly responseFormat?: ResponseFormat
  /** Ask the backend for token log-probabilities where it can give them. */
  readonly logprobs?: boolean
  /** Options for one backend only, keyed by backend name (e.g. `{ ollama: { keep_alive: "5m" } }`). */
  readonly providerOptions?: Readonly<Record<string, Readonly<Record<string, unknown>>>>
}

const MessageSchema = Schema.Struct({
  role: Schema.Literals(["system", "user", "assistant"]),
  content: Schema.String
})

const finiteNumber = Schema.Number.pipe(Schema.check(Schema.isFinite()))

/** The request schema, for callers that receive requests as untrusted data. */
export const CompletionRequestSchema = Schema.Struct({
  prompt: Schema.optional(Schema.String),
  messages: Schema.optional(Schema.Array(MessageSchema)),
  system: Schema.optional(Schema.String),
  maxTokens: Schema.optional(Schema.Int.pipe(Schema.check(Schema.isGreaterThan(0)), Schema.check(Schema.isLessThanOrEqualTo(10_000_000)))),
  temperature: Schema.optional(finiteNumber.pipe(Schema.check(Schema.isBetween({ minimum: 0, maximum: 2 })))),
  topP: Schema.optional(finiteNumber.pipe(Schema.check(Schema.isBetween({ minimum: 0, maximum: 1 })))),
  stop: Schema.optional(Schema.Array(Schema.String)),
  seed: Schema.optional(Schema.Int),
  responseFormat: Schema.optional(Schema.Union([
    Schema.Struct({ type: Schema.Literal("text") }),
    Schema.Struct({ type: Schema.Literal("json"), schema: Schema.optional(Schema.Unknown), name: Schema.optional(Schema.String) })
  ])),
  logprobs: Schema.optional(Schema.Boolean),
  providerOptions: Schema.optional(Schema.Record(Schema.String, Schema.Record(Schema.String, Schema.Unknown)))
})

const hasLoneSurrogate = (text: string): boolean => !text.isWellFormed()

/**
 * Check a request and say, in words a person understands, everything wrong with it: an empty prompt, an empty
 * message list, no user message, an unknown role, a negative `maxTokens`, a temperature out of range,
 * text that is not valid Unicode.
 */
export const validateRequest = (input: unknown): Effect.Effect<CompletionRequest, ProviderError> =>
  Effect.suspend(() => {
    const decoded = Schema.decodeUnknownResult(CompletionRequestSchema)(input)
    if (Result.isFailure(decoded)) {
      const text = decoded.failure.message.split("\n").filter((l) => l.trim().length > 0).slice(0, 6)
      return Effect.fail(invalidRequest(describeSchemaIssues(text)))
    }
    const request = decoded.success as CompletionRequest
    const issues: Array<string> = []
    const prompt = request.prompt
    const messages = request.messages
    if (prompt === undefined && (messages === undefined || messages.length === 0)) {
      issues.push(messages === undefined ? "give a prompt or a list of messages" : "the message list is empty")
    }
    if (prompt !== undefined && prompt.trim().length === 0) issues.push("the prompt is empty")
    if (messages !== undefined && messages.length > 0) {
      messages.forEach((m, i) => {
        if (m.content.trim().length === 0 && m.role !== "assistant") issues.push(`message ${i + 1} (${m.role}) is empty`)
      })
      if (prompt === undefined && !messages.some((m) => m.role === "user")) issues.push("the messages have no user message")
    }
    const texts = [prompt ?? "", request.system ?? "", ...(messages ?? []).map((m) => m.content)]
    if (texts.some(hasLoneSurrogate)) issues.push("the text is not valid Unicode (it has a lone surrogate)")
    return issues.length > 0 ? Effect.fail(invalidRequest(issues)) : Effect.succeed(request)
  })

const describeSchemaIssues = (lines: ReadonlyArray<string>): ReadonlyArray<string> => {
  const text = lines.join(" ").replace(/\s+/g, " ").trim()
  return [text.length > 400 ? `${text.slice(0, 400)}…` : text || "the request does not have the expected shape"]
}

/** The request as one list of chat messages: system prompt first, then messages, then the prompt as a user turn. */
export const toMessages = (request: CompletionRequest): ReadonlyArray<Message> => {
  const out: Array<Message> = []
  if (request.system !== undefined && request.system.length > 0) out.push({ role: "system", content: request.system })
  // One by one: spreading 130,000 messages into push() overflows the stack.
  if (request.messages) for (const message of request.messages) out.push(message)
  if (request.prompt !== undefined) out.push({ role: "user", content: request.prompt })
  return out
}

/** All the text of a request, for token estimates and classification. */
export const requestText = (request: CompletionRequest): string => toMessages(request).map((m) => m.content).join("\n")

/** The last user message's text (what a task router classifies), or the prompt. */
export const lastUserText = (request: CompletionRequest): string => {
  if (request.prompt !== undefined) return request.prompt
  const messages = request.messages ?? []
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]
    if (m !== undefined && m.role === "user") return m.content
  }
  return ""
}

/** The options of one backend from `providerOptions`, or an empty object. */
export const optionsFor = (request: CompletionRequest, backend: string): Readonly<Record<string, unknown>> =>
  request.providerOptions?.[backend] ?? {}
