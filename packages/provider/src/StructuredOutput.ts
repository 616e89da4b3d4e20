/**
 * Structured answers: a JSON answer parsed and checked against the request's schema, and a tool call's arguments
 * checked against the tool's parameters. Every backend's completion goes through `withStructuredOutput`, so
 * `Completion.object` always means "parsed and valid", and a bad answer is a `MalformedResponse` carrying the text
 * (a cascade escalates on it; fallback tries the next model).
 */
import { Effect } from "effect"
import type { Completion } from "./Completion.ts"
import { validateJson } from "./JsonSchema.ts"
import { providerError, type ErrorContext, type ProviderError } from "./ProviderError.ts"
import type { CompletionRequest, ToolCall, ToolDefinition } from "./Request.ts"

const maxKeptText = 100_000

/** The outcome of reading JSON from a model: the value, or why it is not JSON. */
export type JsonReading = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly issue: string }

/**
 * Read JSON a model wrote. Surrounding whitespace and one Markdown code fence (```json ... ```) are tolerated, since
 * models add them even when asked not to; anything else that is not JSON is an issue.
 */
export const readJson = (text: string): JsonReading => {
  const trimmed = text.trim()
  const fenced = /^```[a-zA-Z0-9_-]*\s*\n([\s\S]*?)\n?```$/.exec(trimmed)
  const body = fenced?.[1] ?? trimmed
  if (body.length === 0) return { ok: false, issue: "the answer is empty, not JSON" }
  try {
    return { ok: true, value: JSON.parse(body) as unknown }
  } catch (error) {
    return { ok: false, issue: `the answer is not JSON (${error instanceof Error ? error.message.slice(0, 120) : "parse error"})` }
  }
}

/**
 * Tool-call arguments from the JSON text a service sent: an empty text is `{}` (some services send nothing for a
 * call without parameters); anything but a JSON object is an issue.
 */
export const readToolArguments = (text: string): { readonly ok: true; readonly value: Readonly<Record<string, unknown>> } | { readonly ok: false; readonly issue: string } => {
  if (text.trim().length === 0) return { ok: true, value: {} }
  const reading = readJson(text)
  if (!reading.ok) return { ok: false, issue: `the tool call's arguments are not JSON: ${reading.issue}` }
  const value = reading.value
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, issue: "the tool call's arguments are not a JSON object" }
  return { ok: true, value: value as Readonly<Record<string, unknown>> }
}

/**
 * Where a parsed JSON answer does not fit the request's `responseFormat` (empty when it fits, or when the request
 * asked for text or gave no schema).
 */
export const structuredOutputIssues = (request: CompletionRequest, value: unknown): ReadonlyArray<string> => {
  const format = request.responseFormat
  if (format?.type !== "json" || format.schema === undefined) return []
  return validateJson(format.schema, value)
}

/**
 * Where a tool call does not fit the tools offered: a tool that was not offered, or arguments that do not match its
 * parameters. Empty when it fits.
 */
export const toolCallIssues = (call: ToolCall, tools: ReadonlyArray<ToolDefinition>): ReadonlyArray<string> => {
  const tool = tools.find((t) => t.name === call.name)
  if (tool === undefined) return [`the model called "${call.name}", which is not one of the tools offered`]
  return validateJson(tool.parameters, call.arguments).map((issue) => `${call.name} arguments ${issue}`)
}

/** A `MalformedResponse` for a structured answer: the issues in the message, the text and issues on the reason. */
export const malformedStructuredOutput = (text: string, issues: ReadonlyArray<string>, context: ErrorContext = {}): ProviderError =>
  providerError(
    { _tag: "MalformedResponse", text: text.length > maxKeptText ? text.slice(0, maxKeptText) : text, issues },
    `The answer does not match the requested JSON: ${issues.slice(0, 3).join("; ")}`,
    context
  )

/**
 * The completion with `object` set, for a request that asked for JSON: the answer parsed and checked against the
 * schema. Invalid or missing JSON fails with `MalformedResponse` carrying the text. A completion that ended in tool
 * calls is left as it is (the JSON comes after the tools have run), and so is a text request.
 */
export const withStructuredOutput = (request: CompletionRequest, completion: Completion): Effect.Effect<Completion, ProviderError> =>
  Effect.suspend(() => {
    if (request.responseFormat?.type !== "json") return Effect.succeed(completion)
    if ((completion.toolCalls?.length ?? 0) > 0) return Effect.succeed(completion)
    const context = { provider: completion.provider, model: completion.model }
    const source = completion.object !== undefined ? { ok: true as const, value: completion.object } : readJson(completion.text)
    if (!source.ok) return Effect.fail(malformedStructuredOutput(completion.text, [source.issue], context))
    const issues = structuredOutputIssues(request, source.value)
    if (issues.length > 0) return Effect.fail(malformedStructuredOutput(completion.text, issues, context))
    return Effect.succeed({ ...completion, object: source.value })
  })
