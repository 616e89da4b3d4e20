/**
 * A conversation written by one backend, made acceptable to another: the history an agent loop carries across a
 * failover. Tool-call ids are rewritten to what the target accepts (Anthropic wants `^[a-zA-Z0-9_-]+$`, OpenAI at
 * most 40 characters, Mistral exactly nine letters and digits), reasoning that only its own backend can read
 * (signatures, encrypted blocks) is dropped, and every tool call is paired with its result, right after the call.
 * Adapters apply `historyFor` to every request before mapping it to their wire format.
 */
import type { Completion } from "./Completion.ts"
import type { AssistantMessage, CompletionRequest, Message, ReasoningPart, TextPart, ToolCall, ToolMessage } from "./Request.ts"

/** What a backend accepts as tool-call ids. */
export interface HistoryTarget {
  /** The backend's name, as in `LanguageModel.provider` (reasoning made by the same backend is kept). */
  readonly provider: string
  /** Whether the backend accepts this id as it is. */
  readonly acceptsId: (id: string) => boolean
  /** A replacement id for `original`, derived from it (deterministic), for the `attempt`-th try at a unique one. */
  readonly makeId: (original: string, attempt: number) => string
}

const safeId = /^[a-zA-Z0-9_-]+$/

/** FNV-1a over the id, with the attempt mixed in: a short, stable, well-spread number. */
const hashOf = (text: string, attempt: number): number => {
  let hash = 0x811c9dc5 ^ attempt
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash >>> 0
}

const hashText = (text: string, attempt: number, length: number): string => {
  let out = ""
  let round = 0
  while (out.length < length) out += hashOf(`${round++}:${text}`, attempt).toString(36).padStart(7, "0")
  return out.slice(0, length)
}

/** A target whose ids match `^[a-zA-Z0-9_-]+$` and have at most `maxLength` characters. */
export const safeIdTarget = (provider: string, maxLength: number): HistoryTarget => ({
  provider,
  acceptsId: (id) => id.length <= maxLength && safeId.test(id),
  makeId: (original, attempt) => {
    const cleaned = original.replace(/[^a-zA-Z0-9_-]/g, "_")
    if (attempt === 0 && cleaned.length <= maxLength && cleaned.length > 0) return cleaned
    const suffix = hashText(original, attempt, 8)
    const head = cleaned.slice(0, Math.max(0, maxLength - suffix.length - 1))
    return head.length > 0 ? `${head}_${suffix}` : suffix.slice(0, maxLength)
  }
})

/** A target whose ids are exactly `length` letters and digits (Mistral: nine). */
export const fixedIdTarget = (provider: string, length: number): HistoryTarget => {
  const pattern = new RegExp(`^[a-zA-Z0-9]{${length}}$`)
  return { provider, acceptsId: (id) => pattern.test(id), makeId: (original, attempt) => hashText(original, attempt, length) }
}

const knownTargets: Readonly<Record<string, HistoryTarget>> = {
  anthropic: safeIdTarget("anthropic", 64),
  openai: safeIdTarget("openai", 40),
  mistral: fixedIdTarget("mistral", 9)
}

/** The id rules of a backend by name: Anthropic, OpenAI and Mistral as documented, others the safe 40-character form. */
export const historyTarget = (provider: string): HistoryTarget => knownTargets[provider] ?? safeIdTarget(provider, 40)

const textPartsOf = (content: AssistantMessage["content"]): ReadonlyArray<TextPart | ReasoningPart> =>
  content === undefined ? [] : typeof content === "string" ? (content.length > 0 ? [{ type: "text", text: content }] : []) : content

/** The reasoning parts the target can read: those its own backend made. Others and their signatures are dropped. */
const keepReasoning = (part: ReasoningPart, target: HistoryTarget): boolean => part.provider === target.provider

const missingResult = (call: ToolCall): ToolMessage => ({
  role: "tool",
  toolCallId: call.id,
  name: call.name,
  content: "No result was recorded for this call.",
  isError: true
})

/**
 * The messages as `target` accepts them:
 * - tool-call ids it would refuse are rewritten (deterministically, unique, the call and its result alike);
 * - reasoning from another backend is dropped (with its signature or encrypted data); an assistant message left
 *   with nothing is dropped;
 * - each call's result follows its assistant message, in call order, with the tool's `name` filled in; a call with
 *   no result gets one marked `isError` ("No result was recorded"); a result whose call is not in the history
 *   becomes a user message quoting it, so nothing the tool said is lost.
 */
export const historyFor = (target: HistoryTarget | string, messages: ReadonlyArray<Message>): ReadonlyArray<Message> => {
  const rules = typeof target === "string" ? historyTarget(target) : target
  const ids = new Map<string, string>()
  const taken = new Set<string>()
  const rename = (id: string): string => {
    const known = ids.get(id)
    if (known !== undefined) return known
    let next = id
    for (let attempt = 0; !rules.acceptsId(next) || taken.has(next); attempt++) next = rules.makeId(id, attempt)
    ids.set(id, next)
    taken.add(next)
    return next
  }
  // Results by the call they answer (first one wins), so each can be placed right after its call.
  const calls = new Map<string, ToolCall>()
  for (const m of messages) if (m.role === "assistant") for (const call of m.toolCalls ?? []) if (!calls.has(call.id)) calls.set(call.id, call)
  const results = new Map<string, ToolMessage>()
  for (const m of messages) if (m.role === "tool" && calls.has(m.toolCallId) && !results.has(m.toolCallId)) results.set(m.toolCallId, m)

  const out: Array<Message> = []
  const placed = new Set<string>()
  for (const message of messages) {
    if (message.role === "tool") {
      if (results.get(message.toolCallId) === message) continue
      const text = typeof message.content === "string" ? message.content : message.content.map((p) => p.text).join("\n")
      out.push({ role: "user", content: `Result of the tool call ${message.name ?? message.toolCallId}:\n${text}` })
      continue
    }
    if (message.role !== "assistant") {
      out.push(message)
      continue
    }
    const parts = textPartsOf(message.content).filter((p) => p.type !== "reasoning" || keepReasoning(p, rules))
    const own = (message.toolCalls ?? []).filter((call) => calls.get(call.id) === call && !placed.has(call.id))
    if (parts.length === 0 && own.length === 0) continue
    const content = parts.every((p) => p.type === "text") ? parts.map((p) => (p as TextPart).text).join("") : parts
    out.push({
      role: "assistant",
      content,
      ...(own.length > 0 ? { toolCalls: own.map((call) => ({ ...call, id: rename(call.id) })) } : {})
    })
    for (const call of own) {
      placed.add(call.id)
      const result = results.get(call.id) ?? missingResult(call)
      out.push({ ...result, toolCallId: rename(call.id), name: result.name ?? call.name })
    }
  }
  return out
}

/** The request with its messages made acceptable to `target` (see `historyFor`). */
export const requestFor = (target: HistoryTarget | string, request: CompletionRequest): CompletionRequest =>
  request.messages === undefined || request.messages.every(passesAsIs) ? request : { ...request, messages: historyFor(target, request.messages) }

/**
 * A message every backend takes as it is, so a history of only these needs no adapting: a system or user turn, or
 * an assistant turn of plain text with no tool calls (`historyFor` would rebuild it unchanged).
 */
const passesAsIs = (message: Message): boolean =>
  message.role === "system" || message.role === "user" ||
  (message.role === "assistant" && typeof message.content === "string" && message.content.length > 0 && (message.toolCalls === undefined || message.toolCalls.length === 0))

/**
 * The assistant message to append to a conversation after a completion: its reasoning (with the signature, marked
 * with the backend that made it), its encrypted reasoning blocks, its text and its tool calls. The next turn on the
 * same backend keeps the reasoning; on another backend `historyFor` drops it.
 */
export const assistantMessage = (completion: Completion): AssistantMessage => {
  const parts: Array<TextPart | ReasoningPart> = []
  if (completion.reasoning !== undefined && completion.reasoning.length > 0) {
    parts.push({
      type: "reasoning",
      text: completion.reasoning,
      provider: completion.provider,
      ...(completion.reasoningSignature !== undefined ? { signature: completion.reasoningSignature } : {})
    })
  }
  for (const redactedData of completion.redactedReasoning ?? []) parts.push({ type: "reasoning", text: "", redactedData, provider: completion.provider })
  if (completion.text.length > 0) parts.push({ type: "text", text: completion.text })
  const content = parts.length === 1 && parts[0]?.type === "text" ? completion.text : parts
  return {
    role: "assistant",
    content,
    ...(completion.toolCalls !== undefined && completion.toolCalls.length > 0 ? { toolCalls: completion.toolCalls } : {})
  }
}
