/**
 * What a caller asks of a model: a prompt or chat messages (text, images, files, tool calls and tool results), the
 * tools it may call, the shape of the answer, and the options every backend understands. Backend-specific options go
 * under `providerOptions[backend]`, never on the shared request, and may not override what validation and pricing own.
 */
import { Effect, Exit, Result, Schema } from "effect"
import { canonicalJson } from "./CanonicalJson.ts"
import { schemaIssues } from "./JsonSchema.ts"
import { invalidRequest, type ProviderError } from "./ProviderError.ts"

/** A piece of text. */
export interface TextPart { readonly type: "text"; readonly text: string }

/**
 * An image: base64 `data` (no `data:` prefix) or a `url`, with its media type (`image/png`, `image/jpeg`,
 * `image/gif`, `image/webp`).
 */
export type ImagePart =
  | { readonly type: "image"; readonly data: string; readonly mediaType: string; readonly url?: never }
  | { readonly type: "image"; readonly url: string; readonly mediaType: string; readonly data?: never }

/** A document as base64 `data` with its media type (e.g. `application/pdf`, `text/plain`). */
export interface FilePart {
  readonly type: "file"
  readonly data: string
  readonly mediaType: string
  /** A file name a backend may show the model. */
  readonly filename?: string
}

/**
 * Hidden reasoning an assistant produced. `signature` (Anthropic) and `redactedData` (encrypted reasoning) only
 * mean something to the `provider` that made them: history sent to another backend drops them (see `History`).
 */
export interface ReasoningPart {
  readonly type: "reasoning"
  readonly text: string
  readonly signature?: string
  readonly redactedData?: string
  /** The backend that produced it (`anthropic`, `openai`, ...). */
  readonly provider?: string
}

/** Any part of a message. Which parts a role may carry is checked by `validateRequest`. */
export type ContentPart = TextPart | ImagePart | FilePart | ReasoningPart

/** A message's content: a plain string, or a list of parts. */
export type MessageContent = string | ReadonlyArray<ContentPart>

/** A call a model asked for: which tool, with which arguments (a parsed JSON object). */
export interface ToolCall {
  /** The call's id, which its result names in `toolCallId`. */
  readonly id: string
  readonly name: string
  readonly arguments: Readonly<Record<string, unknown>>
}

/** A system prompt. */
export interface SystemMessage { readonly role: "system"; readonly content: string | ReadonlyArray<TextPart> }
/** What the user said: text, images and files. */
export interface UserMessage { readonly role: "user"; readonly content: string | ReadonlyArray<TextPart | ImagePart | FilePart> }
/** What a model said: text (and reasoning), and the tool calls it made. `content` may be omitted when it only called tools. */
export interface AssistantMessage {
  readonly role: "assistant"
  readonly content?: string | ReadonlyArray<TextPart | ReasoningPart>
  readonly toolCalls?: ReadonlyArray<ToolCall>
}
/** The result of one tool call, answering the assistant's call with the same id. */
export interface ToolMessage {
  readonly role: "tool"
  readonly toolCallId: string
  readonly content: string | ReadonlyArray<TextPart>
  /** The tool's name (some backends want it; filled from the call when omitted). */
  readonly name?: string
  /** The tool failed; `content` says how. */
  readonly isError?: boolean
}

/** One chat message. */
export type Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage

/** Who said a message. */
export type Role = Message["role"]

/** A tool the model may call: a name, what it does, and its parameters as a JSON Schema object. */
export interface ToolDefinition {
  readonly name: string
  readonly description?: string
  readonly parameters: Readonly<Record<string, unknown>>
}

/** Whether and which tool the model must call: `auto` (default), `none`, `required` (some tool), or one by name. */
export type ToolChoice = "auto" | "none" | "required" | { readonly name: string }

/**
 * The shape of the answer: free text, or JSON. With a `schema` (a JSON Schema object) the completion carries
 * `object`, the parsed value checked against it; without one, any JSON. `name` names the schema for backends that
 * want one (OpenAI's `json_schema.name`).
 */
export type ResponseFormat = { readonly type: "text" } | { readonly type: "json"; readonly schema?: Readonly<Record<string, unknown>>; readonly name?: string }

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
  /** Tools the model may call; its calls come back in `Completion.toolCalls`. */
  readonly tools?: ReadonlyArray<ToolDefinition>
  readonly toolChoice?: ToolChoice
  /** Ask the backend for token log-probabilities where it can give them. */
  readonly logprobs?: boolean
  /**
   * Options for one backend only, keyed by backend name (e.g. `{ ollama: { keep_alive: "5m" } }`). They may not
   * set what validation and pricing own: see `reservedProviderOptionKeys`.
   */
  readonly providerOptions?: Readonly<Record<string, Readonly<Record<string, unknown>>>>
}

const finiteNumber = Schema.Number.pipe(Schema.check(Schema.isFinite()))

/**
 * The request's outer shape, for callers that receive requests as untrusted data. Messages, tools, the tool choice
 * and the response format are checked part by part by `validateRequest`, which gives clearer errors; use it.
 */
export const CompletionRequestSchema = Schema.Struct({
  prompt: Schema.optional(Schema.String),
  messages: Schema.optional(Schema.Array(Schema.Unknown)),
  system: Schema.optional(Schema.String),
  maxTokens: Schema.optional(Schema.Int.pipe(Schema.check(Schema.isGreaterThan(0)), Schema.check(Schema.isLessThanOrEqualTo(10_000_000)))),
  temperature: Schema.optional(finiteNumber.pipe(Schema.check(Schema.isBetween({ minimum: 0, maximum: 2 })))),
  topP: Schema.optional(finiteNumber.pipe(Schema.check(Schema.isBetween({ minimum: 0, maximum: 1 })))),
  stop: Schema.optional(Schema.Array(Schema.String)),
  seed: Schema.optional(Schema.Int),
  responseFormat: Schema.optional(Schema.Unknown),
  tools: Schema.optional(Schema.Array(Schema.Unknown)),
  toolChoice: Schema.optional(Schema.Unknown),
  logprobs: Schema.optional(Schema.Boolean),
  providerOptions: Schema.optional(Schema.Record(Schema.String, Schema.Record(Schema.String, Schema.Unknown)))
})

/**
 * Keys `providerOptions[backend]` may not set, in every backend's spelling: the model, the token limit, the
 * messages, the stream flag and the number of choices are owned by validation and pricing (a swapped model or a
 * raised limit would be billed at a price nobody reserved). Ollama's nested `options` object is checked too.
 */
export const reservedProviderOptionKeys: ReadonlyArray<string> = [
  "model", "messages", "prompt", "system", "input", "contents",
  "max_tokens", "maxTokens", "max_completion_tokens", "max_output_tokens", "maxOutputTokens", "num_predict", "n_predict",
  "stream", "stream_options", "n", "best_of", "num_choices"
]
const reservedKeys = new Set(reservedProviderOptionKeys)

/**
 * Values of `providerOptions[backend]` that raise a call's price above the rates @orch reserves and records, refused as
 * a swapped model is: OpenAI's `service_tier: "priority"` (twice the standard rates) and Anthropic's `speed: "fast"`
 * (fast mode, a multiple of them). Values that keep or lower the price (`service_tier: "flex"`, `"auto"`) pass.
 */
export const pricedProviderOptionValues: Readonly<Record<string, ReadonlyArray<string>>> = {
  service_tier: ["priority"],
  speed: ["fast"]
}

/** Tool and schema names as OpenAI and Anthropic accept them. */
const toolNamePattern = /^[a-zA-Z0-9_-]{1,64}$/
const base64Pattern = /^[A-Za-z0-9+/]*={0,2}$/
const mediaTypePattern = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === "object" && u !== null && !Array.isArray(u)

const isPlainJsonObject = (u: unknown): u is Readonly<Record<string, unknown>> =>
  isRecord(u) && (Object.getPrototypeOf(u) === Object.prototype || Object.getPrototypeOf(u) === null)

/** Whether a string is canonical standard base64 (no `data:` prefix, no whitespace, padded). */
export const isBase64 = (text: string): boolean => text.length > 0 && text.length % 4 === 0 && base64Pattern.test(text)

/**
 * Whether some string in a value (keys included) passes `test`: the usual request (shallow, small) by plain
 * recursion with no bookkeeping, anything deeper or larger by `someStringDeep`.
 */
const someString = (root: unknown, test: (s: string) => boolean): boolean => {
  const budget = { nodes: shallowWalkNodes }
  return someStringShallow(root, test, shallowWalkDepth, budget) ?? someStringDeep(root, test)
}

/** How deep and how many values the plain recursion looks before it hands over (a cycle or shared values end it too). */
const shallowWalkDepth = 8
const shallowWalkNodes = 2_000

/** `someString` by recursion: true or false, or undefined when the value is deeper or larger than the budget. */
const someStringShallow = (value: unknown, test: (s: string) => boolean, depth: number, budget: { nodes: number }): boolean | undefined => {
  if (typeof value === "string") return test(value)
  if (typeof value !== "object" || value === null) return false
  if (depth === 0 || --budget.nodes < 0) return undefined
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = someStringShallow(item, test, depth - 1, budget)
      if (found !== false) return found
    }
    return false
  }
  // Own enumerable keys, as `Object.keys` gives them, without the array.
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue
    if (test(key)) return true
    const found = someStringShallow((value as Record<string, unknown>)[key], test, depth - 1, budget)
    if (found !== false) return found
  }
  return false
}

/** Every string in a value, keys included, found without recursion (a deep or cyclic value cannot break it). */
const someStringDeep = (root: unknown, test: (s: string) => boolean): boolean => {
  const stack: Array<unknown> = [root]
  const seen = new Set<object>()
  while (stack.length > 0) {
    const value = stack.pop()
    if (typeof value === "string") {
      if (test(value)) return true
    } else if (typeof value === "object" && value !== null && !seen.has(value)) {
      seen.add(value)
      if (Array.isArray(value)) for (const item of value) stack.push(item)
      else {
        for (const key of Object.keys(value)) {
          if (test(key)) return true
          stack.push((value as Record<string, unknown>)[key])
        }
      }
    }
  }
  return false
}

const hasLoneSurrogate = (text: string): boolean => !text.isWellFormed()

const describeSchemaIssues = (lines: ReadonlyArray<string>): ReadonlyArray<string> => {
  const text = lines.join(" ").replace(/\s+/g, " ").trim()
  return [text.length > 400 ? `${text.slice(0, 400)}…` : text || "the request does not have the expected shape"]
}

const partIssues = (part: unknown, where: string, allowed: ReadonlyArray<ContentPart["type"]>, issues: Array<string>): void => {
  if (!isRecord(part) || typeof part["type"] !== "string") {
    issues.push(`${where} must be an object with a "type" (${allowed.join(", ")})`)
    return
  }
  const type = part["type"]
  if (!(allowed as ReadonlyArray<string>).includes(type)) {
    issues.push(`${where} has type "${type}", which this role cannot carry (allowed: ${allowed.join(", ")})`)
    return
  }
  switch (type) {
    case "text":
      if (typeof part["text"] !== "string") issues.push(`${where} (text) needs "text" as a string`)
      return
    case "reasoning":
      if (typeof part["text"] !== "string") issues.push(`${where} (reasoning) needs "text" as a string`)
      for (const key of ["signature", "redactedData", "provider"]) {
        if (part[key] !== undefined && typeof part[key] !== "string") issues.push(`${where} (reasoning): "${key}" must be a string`)
      }
      return
    case "image":
    case "file": {
      const mediaType = part["mediaType"]
      if (typeof mediaType !== "string" || !mediaTypePattern.test(mediaType)) {
        issues.push(`${where} (${type}) needs "mediaType" as a media type such as ${type === "image" ? "image/png" : "application/pdf"}`)
      } else if (type === "image" && !mediaType.toLowerCase().startsWith("image/")) {
        issues.push(`${where} (image) has media type "${mediaType}", which is not an image type`)
      }
      const data = part["data"]
      const url = part["url"]
      if (type === "file" && url !== undefined) issues.push(`${where} (file) takes base64 "data", not a "url"`)
      if (type === "image" && (data === undefined) === (url === undefined)) {
        issues.push(`${where} (image) needs exactly one of "data" (base64) or "url"`)
      }
      if (data !== undefined || type === "file") {
        if (typeof data !== "string") issues.push(`${where} (${type}) needs "data" as a base64 string`)
        else if (data.startsWith("data:")) issues.push(`${where} (${type}): give "data" as plain base64, without the "data:...;base64," prefix`)
        else if (!isBase64(data)) issues.push(`${where} (${type}): "data" is not valid base64 (standard alphabet, padded, no whitespace)`)
      }
      if (url !== undefined && type === "image") {
        if (typeof url !== "string" || !URL.canParse(url) || !["http:", "https:"].includes(new URL(url).protocol)) {
          issues.push(`${where} (image): "url" must be an http or https URL`)
        }
      }
      if (type === "file" && part["filename"] !== undefined && typeof part["filename"] !== "string") {
        issues.push(`${where} (file): "filename" must be a string`)
      }
      return
    }
  }
}

const contentIssues = (content: unknown, where: string, allowed: ReadonlyArray<ContentPart["type"]>, issues: Array<string>): void => {
  if (typeof content === "string") return
  if (!Array.isArray(content)) {
    issues.push(`${where}: "content" must be a string or a list of parts`)
    return
  }
  content.forEach((part, i) => partIssues(part, `${where} part ${i + 1}`, allowed, issues))
}

const isEmptyContent = (content: unknown): boolean =>
  typeof content === "string"
    ? content.trim().length === 0
    : Array.isArray(content) && content.every((p) => isRecord(p) && (p["type"] === "text" || p["type"] === "reasoning") && typeof p["text"] === "string" && p["text"].trim().length === 0)

/**
 * A message of the usual shape that has nothing to report: a system, user or assistant turn (no tool calls) whose
 * content is a non-blank string. `messageIssues` skips the rest of its checks (and their wording) for it.
 */
const isPlainTextMessage = (raw: unknown): boolean => {
  if (!isRecord(raw)) return false
  const content = raw["content"]
  if (typeof content !== "string") return false
  const role = raw["role"]
  return (role === "user" || role === "system" || (role === "assistant" && raw["toolCalls"] === undefined)) && content.trim().length > 0
}

/**
 * The tool-call ids a request's messages use again from an earlier turn, renamed so that every call of the
 * conversation has its own: by message index, each old id of that message's turn and its new id.
 */
type IdRenames = Map<number, ReadonlyMap<string, string>>

/**
 * The issues of the messages, and the renames of tool-call ids used again. A tool message answers a call of the
 * latest assistant message with tool calls, once; the ids of one assistant message are its own. A later turn may use
 * an id again (servers and local models that number their calls per turn do): it is renamed in that turn's calls and
 * answers, since some services refuse a conversation with two calls of one id.
 */
const messageIssues = (messages: ReadonlyArray<unknown>, issues: Array<string>): IdRenames | undefined => {
  // The latest turn's tool calls, by id; made at the first message that is not plain text (the usual request has none).
  let seen: Map<string, { readonly answered: boolean }> | undefined
  // Every id of every turn so far (after renaming), the latest turn's renames, and all of them by message.
  let used: Set<string> | undefined
  let turnRenames: Map<string, string> | undefined
  let renames: IdRenames | undefined
  messages.forEach((raw, i) => {
    if (isPlainTextMessage(raw)) return
    const calls = (seen ??= new Map())
    const where = `message ${i + 1}`
    if (!isRecord(raw)) {
      issues.push(`${where} must be an object with a role and content`)
      return
    }
    const role = raw["role"]
    switch (role) {
      case "system":
        contentIssues(raw["content"], `${where} (system)`, ["text"], issues)
        if (isEmptyContent(raw["content"])) issues.push(`${where} (system) is empty`)
        return
      case "user":
        contentIssues(raw["content"], `${where} (user)`, ["text", "image", "file"], issues)
        if (isEmptyContent(raw["content"])) issues.push(`${where} (user) is empty`)
        return
      case "assistant": {
        if (raw["content"] !== undefined) contentIssues(raw["content"], `${where} (assistant)`, ["text", "reasoning"], issues)
        const toolCalls = raw["toolCalls"]
        if (toolCalls === undefined) {
          if (raw["content"] === undefined) issues.push(`${where} (assistant) has neither content nor tool calls`)
          return
        }
        if (!Array.isArray(toolCalls)) {
          issues.push(`${where} (assistant): "toolCalls" must be a list`)
          return
        }
        if (toolCalls.length > 0) {
          calls.clear()
          turnRenames = undefined
        }
        toolCalls.forEach((call, j) => {
          const at = `${where} (assistant) tool call ${j + 1}`
          if (!isRecord(call)) {
            issues.push(`${at} must be an object with id, name and arguments`)
            return
          }
          const { id, name } = call
          if (typeof id !== "string" || id.length === 0) issues.push(`${at} needs a non-empty "id"`)
          else if (calls.has(id)) issues.push(`${at} reuses the id "${id}" of another call of this message`)
          else {
            calls.set(id, { answered: false })
            const all = (used ??= new Set())
            if (all.has(id)) {
              let n = 2
              while (all.has(`${id}_${n}`)) n++
              all.add(`${id}_${n}`)
              ;(turnRenames ??= new Map()).set(id, `${id}_${n}`)
              ;(renames ??= new Map()).set(i, turnRenames)
            } else all.add(id)
          }
          if (typeof name !== "string" || !toolNamePattern.test(name)) issues.push(`${at} needs a "name" of 1 to 64 letters, digits, _ or -`)
          if (!isPlainJsonObject(call["arguments"])) issues.push(`${at} needs "arguments" as a JSON object (parsed, not a string)`)
        })
        return
      }
      case "tool": {
        const id = raw["toolCallId"]
        contentIssues(raw["content"], `${where} (tool)`, ["text"], issues)
        if (raw["name"] !== undefined && typeof raw["name"] !== "string") issues.push(`${where} (tool): "name" must be a string`)
        if (raw["isError"] !== undefined && typeof raw["isError"] !== "boolean") issues.push(`${where} (tool): "isError" must be a boolean`)
        if (typeof id !== "string" || id.length === 0) {
          issues.push(`${where} (tool) needs "toolCallId", the id of the call it answers`)
          return
        }
        const call = calls.get(id)
        if (call === undefined) issues.push(`${where} (tool) answers the call "${id}", but the latest assistant message with tool calls did not make that call`)
        else if (call.answered) issues.push(`${where} (tool) answers the call "${id}" a second time`)
        else {
          calls.set(id, { answered: true })
          if (turnRenames?.has(id) === true) renames!.set(i, turnRenames)
        }
        return
      }
      default:
        issues.push(`${where} has the role ${JSON.stringify(role)}: expected "system", "user", "assistant" or "tool"`)
    }
  })
  return renames
}

/** The messages with the renamed tool-call ids in their calls and answers. */
const withRenamedIds = (messages: ReadonlyArray<Message>, renames: IdRenames): ReadonlyArray<Message> =>
  messages.map((message, i) => {
    const renamed = renames.get(i)
    if (renamed === undefined) return message
    if (message.role === "assistant" && message.toolCalls !== undefined) return { ...message, toolCalls: message.toolCalls.map((call) => ({ ...call, id: renamed.get(call.id) ?? call.id })) }
    if (message.role === "tool") return { ...message, toolCallId: renamed.get(message.toolCallId) ?? message.toolCallId }
    return message
  })

const toolIssues = (tools: ReadonlyArray<unknown>, issues: Array<string>): ReadonlySet<string> => {
  const names = new Set<string>()
  tools.forEach((tool, i) => {
    const where = `tool ${i + 1}`
    if (!isRecord(tool)) {
      issues.push(`${where} must be an object with a name and parameters`)
      return
    }
    const name = tool["name"]
    if (typeof name !== "string" || !toolNamePattern.test(name)) issues.push(`${where} needs a "name" of 1 to 64 letters, digits, _ or -`)
    else if (names.has(name)) issues.push(`${where}: the name "${name}" is given twice`)
    else names.add(name)
    if (tool["description"] !== undefined && typeof tool["description"] !== "string") issues.push(`${where}: "description" must be a string`)
    const parameters = tool["parameters"]
    const label = `${where} (${typeof name === "string" ? name : "?"}) parameters`
    if (!isPlainJsonObject(parameters)) issues.push(`${label} must be a JSON Schema object`)
    else {
      issues.push(...schemaIssues(parameters, label))
      if (parameters["type"] !== undefined && parameters["type"] !== "object") issues.push(`${label} must describe an object ("type": "object")`)
    }
  })
  return names
}

const toolChoiceIssues = (choice: unknown, names: ReadonlySet<string>, hasTools: boolean, issues: Array<string>): void => {
  if (choice === "auto" || choice === "none") return
  if (choice === "required") {
    if (!hasTools) issues.push(`toolChoice "required" needs at least one tool in "tools"`)
    return
  }
  if (isRecord(choice) && typeof choice["name"] === "string") {
    if (!names.has(choice["name"])) {
      issues.push(`toolChoice names the tool "${choice["name"]}", which is not in "tools"${names.size > 0 ? ` (${[...names].join(", ")})` : ""}`)
    }
    return
  }
  issues.push(`toolChoice must be "auto", "none", "required" or { name }`)
}

const responseFormatIssues = (format: unknown, issues: Array<string>): void => {
  if (!isRecord(format) || (format["type"] !== "text" && format["type"] !== "json")) {
    issues.push(`responseFormat must be { type: "text" } or { type: "json", schema?, name? }`)
    return
  }
  if (format["type"] === "text") return
  const { schema, name } = format
  if (name !== undefined && (typeof name !== "string" || !toolNamePattern.test(name))) {
    issues.push(`responseFormat "name" must be 1 to 64 letters, digits, _ or -`)
  }
  if (schema !== undefined) {
    if (!isPlainJsonObject(schema)) issues.push("responseFormat schema must be a JSON Schema object")
    else issues.push(...schemaIssues(schema, "responseFormat schema"))
  }
}

const providerOptionIssues = (options: Readonly<Record<string, Readonly<Record<string, unknown>>>>, issues: Array<string>): void => {
  for (const [backend, own] of Object.entries(options)) {
    const found = Object.keys(own).filter((key) => reservedKeys.has(key))
    const nested = own["options"]
    if (isRecord(nested)) found.push(...Object.keys(nested).filter((key) => reservedKeys.has(key)).map((key) => `options.${key}`))
    if (found.length > 0) {
      issues.push(
        `providerOptions.${backend} may not set ${found.map((k) => `"${k}"`).join(", ")}: the model, token limit, messages, stream flag and number of choices are set by the request itself (model, maxTokens, messages)`
      )
    }
    for (const [key, values] of Object.entries(pricedProviderOptionValues)) {
      const value = own[key]
      if (typeof value === "string" && values.includes(value)) {
        issues.push(`providerOptions.${backend} may not set "${key}": "${value}", which bills the call above the rates @orch reserves and records`)
      }
    }
  }
}

/**
 * The request's top-level fields read by hand when every one present is plainly what the schema wants (a plain
 * object; strings, arrays, whole numbers in range, finite numbers in range, booleans): the same fields the schema's
 * decode keeps, at a fraction of its cost. `undefined` when anything is off or unusual (a field set to `undefined`,
 * `seed`, `providerOptions`), and the schema decides and words the issue.
 */
const plainShell = (input: unknown): Record<string, unknown> | undefined => {
  if (typeof input !== "object" || input === null) return undefined
  const proto = Object.getPrototypeOf(input)
  if (proto !== Object.prototype && proto !== null) return undefined
  const record = input as Record<string, unknown>
  const shell: Record<string, unknown> = {}
  for (const key in record) {
    if (!Object.prototype.hasOwnProperty.call(record, key)) continue
    const value = record[key]
    switch (key) {
      case "prompt":
      case "system":
        if (typeof value !== "string") return undefined
        break
      case "messages":
      case "tools":
        if (!Array.isArray(value)) return undefined
        break
      case "stop":
        if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) return undefined
        break
      case "maxTokens":
        if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0 || value > 10_000_000) return undefined
        break
      case "temperature":
        if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 2) return undefined
        break
      case "topP":
        if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 1) return undefined
        break
      case "logprobs":
        if (typeof value !== "boolean") return undefined
        break
      case "responseFormat":
      case "toolChoice":
        if (value === undefined) return undefined
        break
      default:
        // A field the schema does not know is dropped, as its decode drops it; one it checks in ways not written
        // here (`seed`, `providerOptions`) goes to the schema.
        if (key === "seed" || key === "providerOptions") return undefined
        continue
    }
    shell[key] = value
  }
  return shell
}

/** The tool names of a request without tools (shared: never written to). */
const noNames: ReadonlySet<string> = new Set()

const checkRequest = (input: unknown): Result.Result<CompletionRequest, ProviderError> => {
  let shell: Schema.Schema.Type<typeof CompletionRequestSchema> | undefined = plainShell(input) as Schema.Schema.Type<typeof CompletionRequestSchema> | undefined
  if (shell === undefined) {
    const decoded = Schema.decodeUnknownResult(CompletionRequestSchema)(input)
    if (Result.isFailure(decoded)) {
      const text = decoded.failure.message.split("\n").filter((l) => l.trim().length > 0).slice(0, 6)
      return Result.fail(invalidRequest(describeSchemaIssues(text)))
    }
    shell = decoded.success
  }
  const issues: Array<string> = []
  const { prompt, messages } = shell
  if (prompt === undefined && (messages === undefined || messages.length === 0)) {
    issues.push(messages === undefined ? "give a prompt or a list of messages" : "the message list is empty")
  }
  if (prompt !== undefined && prompt.trim().length === 0) issues.push("the prompt is empty")
  if (messages !== undefined && messages.length > 0) {
    const renames = messageIssues(messages, issues)
    if (renames !== undefined) shell = { ...shell, messages: withRenamedIds(messages as ReadonlyArray<Message>, renames) }
    if (prompt === undefined && !messages.some((m) => isRecord(m) && m["role"] === "user")) issues.push("the messages have no user message")
  }
  let names: ReadonlySet<string> = noNames
  if (shell.tools !== undefined) names = toolIssues(shell.tools, issues)
  if (shell.toolChoice !== undefined) toolChoiceIssues(shell.toolChoice, names, (shell.tools?.length ?? 0) > 0, issues)
  if (shell.responseFormat !== undefined) responseFormatIssues(shell.responseFormat, issues)
  if (shell.providerOptions !== undefined) providerOptionIssues(shell.providerOptions, issues)
  if (someString(shell, hasLoneSurrogate)) issues.push("the request is not valid Unicode (a text, name, stop sequence, argument or option has a lone surrogate)")
  return issues.length > 0 ? Result.fail(invalidRequest(issues.slice(0, 20))) : Result.succeed(shell as CompletionRequest)
}

/**
 * Check a request and say, in words a person understands, everything wrong with it: an empty prompt, an empty
 * message list, no user message, an unknown role, a negative `maxTokens`, a temperature out of range, a part a role
 * cannot carry, bad base64, a tool result without its call, a tool whose parameters are not a JSON Schema object, a
 * `toolChoice` naming an unknown tool, a `providerOptions` key that overrides the request, and text anywhere in the
 * request that is not valid Unicode. A value that cannot even be read (a throwing getter) is an `InvalidRequest` too.
 */
export const validateRequest = (input: unknown): Effect.Effect<CompletionRequest, ProviderError> =>
  isCheckedRequest(input) ? Effect.succeed(input) : Effect.suspend(() => validateRequestNow(input))

/**
 * `validateRequest` decided at once, as an `Exit` (itself an effect): for code already running in an effect, so a
 * call checks its request without a step of its own. The same checks and errors.
 */
export const validateRequestNow = (input: unknown): Exit.Exit<CompletionRequest, ProviderError> => {
  if (isCheckedRequest(input)) return Exit.succeed(input)
  const result = validateRequestResult(input)
  if (Result.isFailure(result)) return Exit.fail(result.failure)
  CheckedMark.set(result.success)
  return Exit.succeed(result.success)
}

/**
 * `validateRequest` as a plain function, for a caller already running inside an effect that uses the request once
 * (a model's `generate`): the checked request, or the same `InvalidRequest`. Never throws: a value that cannot be
 * read is an `InvalidRequest`. Unlike `validateRequest` and `validateRequestNow` it does not mark the request as
 * checked (marking costs more than the check of a usual request), so a request passed on to other calls should come
 * from one of those.
 */
export const validateRequestResult = (input: unknown): Result.Result<CompletionRequest, ProviderError> => {
  if (isCheckedRequest(input)) return Result.succeed(input)
  try {
    return checkRequest(input)
  } catch (error) {
    return Result.fail(invalidRequest([`the request could not be read: ${error instanceof Error ? error.message.slice(0, 200) : "a property threw"}`]))
  }
}

const isCheckedRequest = (input: unknown): input is CompletionRequest =>
  CheckedMark.isOn(input)

/**
 * The mark of a request this module built from a checked input (never set on a caller's object, and not copied by a
 * spread): a call's request is checked once, not again by every attempt and model under it. Requests are values
 * (their types are read-only). The mark is a private field, set on the request by a constructor whose base returns
 * the object it is given: invisible to keys, JSON and spreads like a hidden property, at the cost of a plain one
 * (defining a non-enumerable property costs about ten times as much).
 */
class Stamped {
  constructor(target: object) {
    return target
  }
}
class CheckedMark extends Stamped {
  readonly #checked = true
  /** Mark `request` as checked. */
  static set(request: object): void {
    new CheckedMark(request)
  }
  /** Whether `value` carries the mark. */
  static isOn(value: unknown): boolean {
    return typeof value === "object" && value !== null && #checked in value
  }
}

/** The text of a message's content: a string as is, text parts joined by newlines (images, files and reasoning left out). */
export const messageText = (content: MessageContent | undefined): string => {
  if (content === undefined) return ""
  if (typeof content === "string") return content
  const texts: Array<string> = []
  for (const part of content) if (part.type === "text") texts.push(part.text)
  return texts.join("\n")
}

/** Whether any message carries an image part. */
export const hasImages = (request: CompletionRequest): boolean => hasPart(request, "image")

/** Whether any message carries a file part. */
export const hasFiles = (request: CompletionRequest): boolean => hasPart(request, "file")

const hasPart = (request: CompletionRequest, type: ContentPart["type"]): boolean => {
  const messages = request.messages
  if (messages === undefined) return false
  for (const message of messages) {
    const content = message.content
    if (typeof content === "string" || content === undefined) continue
    for (const part of content) if (part.type === type) return true
  }
  return false
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

/**
 * All the text a request sends, for token estimates: every message's text, tool calls and their arguments, the tool
 * definitions and the response schema (they cost input tokens too). Images and files are not text and not counted.
 */
export const requestText = (request: CompletionRequest): string => {
  // The pieces joined by newlines as they come (in `toMessages` order), with no list of messages or pieces.
  let text: string | undefined
  if (request.system !== undefined && request.system.length > 0) text = request.system
  if (request.messages) {
    for (const m of request.messages) {
      text = joined(text, messageText(m.content))
      if (m.role === "assistant" && m.toolCalls !== undefined) for (const call of m.toolCalls) text = joined(text, `${call.name} ${canonicalJson(call.arguments)}`)
    }
  }
  if (request.prompt !== undefined) text = joined(text, request.prompt)
  if (request.tools !== undefined) for (const tool of request.tools) text = joined(text, `${tool.name} ${tool.description ?? ""} ${canonicalJson(tool.parameters)}`)
  if (request.responseFormat?.type === "json" && request.responseFormat.schema !== undefined) text = joined(text, canonicalJson(request.responseFormat.schema))
  return text ?? ""
}

/** `text` and `piece` on lines of their own (the first piece alone). */
const joined = (text: string | undefined, piece: string): string => (text === undefined ? piece : `${text}\n${piece}`)

/** A chat turn as plain text, for backends (or adapters) that take text only. */
export interface TextMessage { readonly role: "system" | "user" | "assistant"; readonly content: string }

/**
 * The request as plain-text turns (see `toMessages`), for a backend that takes text only (the embedded engine): an
 * assistant's tool calls are written out after its text (`[called name {"a":1}]`), and a tool result becomes a user
 * turn quoting it. Images and files are left out; route requests that carry them to models that take them.
 */
export const textMessages = (request: CompletionRequest): ReadonlyArray<TextMessage> =>
  toMessages(request).map((m): TextMessage => {
    switch (m.role) {
      case "tool":
        return { role: "user", content: `Result of the tool call ${m.name ?? m.toolCallId}:\n${messageText(m.content)}` }
      case "assistant": {
        const calls = (m.toolCalls ?? []).map((call) => `[called ${call.name} ${canonicalJson(call.arguments)}]`)
        return { role: "assistant", content: [messageText(m.content), ...calls].filter((t) => t.length > 0).join("\n") }
      }
      default:
        return { role: m.role, content: messageText(m.content) }
    }
  })

/** The last user message's text (what a task router classifies), or the prompt. */
export const lastUserText = (request: CompletionRequest): string => {
  if (request.prompt !== undefined) return request.prompt
  const messages = request.messages ?? []
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]
    if (m !== undefined && m.role === "user") return messageText(m.content)
  }
  return ""
}

/** The options of one backend from `providerOptions`, or an empty object. */
export const optionsFor = (request: CompletionRequest, backend: string): Readonly<Record<string, unknown>> =>
  request.providerOptions?.[backend] ?? {}
