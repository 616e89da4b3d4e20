/**
 * The pieces OpenAI's two APIs share, read into the request contract's: the checks of a field's type and range
 * (OpenAI's `invalid_type` and `invalid_value` 400s, `param` naming the field as OpenAI does, `messages[0].content`),
 * the refusals of fields the gateway cannot honour and of fields OpenAI does not document (`unknown_parameter`),
 * images and files (data URLs or image URLs), function tool definitions, the tool choice, and tool-call arguments (a
 * JSON string on the wire, an object in the contract). Everything the contract cannot carry is a 400 naming the
 * parameter.
 */
import { type FilePart, type ImagePart, isBase64, type ToolCall, type ToolChoice, type ToolDefinition } from "@orch/provider"
import { type GatewayError, gatewayError, invalidRequestError } from "./OpenAiError.ts"
import { nestedDeeperThan, tooDeep } from "./RequestBody.ts"

/** 400 `invalid_type`: the field holds the wrong kind of value. */
export const invalidType = (param: string, expected: string): GatewayError =>
  gatewayError(400, "invalid_request_error", "invalid_type", `Invalid type for '${param}': expected ${expected}`, param)

/** 400 `invalid_value`: the field has the right type and a value outside what it may be. */
export const invalidValue = (param: string, message: string): GatewayError =>
  gatewayError(400, "invalid_request_error", "invalid_value", `Invalid value for '${param}': ${message}`, param)

/** The range of a number field: bounds (inclusive) and whether it counts (an integer). */
export interface NumberRange {
  readonly min?: number
  readonly max?: number
  readonly integer?: boolean
}

/**
 * A number field of a body, checked against its range: undefined when absent or null (OpenAI's "not set"), else the
 * number, or the 400 naming the field. JSON's `1e999` reads as Infinity and is no number here.
 */
export const numberField = (body: Readonly<Record<string, unknown>>, name: string, range: NumberRange): number | undefined | GatewayError => {
  const value = body[name]
  if (value === undefined || value === null) return undefined
  if (typeof value !== "number" || !Number.isFinite(value)) return invalidType(name, range.integer === true ? "an integer" : "a number")
  if (range.integer === true && !Number.isSafeInteger(value)) return invalidType(name, "an integer")
  if (range.min !== undefined && value < range.min) return invalidValue(name, `expected a value >= ${range.min}, but got ${value}`)
  if (range.max !== undefined && value > range.max) return invalidValue(name, `expected a value <= ${range.max}, but got ${value}`)
  return value
}

/** A field that does not change the answer, with what it must hold: its name, the words for it, the check. */
export type FieldCheck = readonly [field: string, expected: string, holds: (value: unknown) => boolean]

/** The 400 for the first field of `checks` the body sets (not null) to a value that fails its check, or undefined. */
export const checkFields = (body: Readonly<Record<string, unknown>>, checks: ReadonlyArray<FieldCheck>): GatewayError | undefined => {
  for (const [field, expected, holds] of checks) {
    const value = body[field]
    if (value !== undefined && value !== null && !holds(value)) return invalidType(field, expected)
  }
  return undefined
}

/** Whether a value is a string. */
export const isString = (value: unknown): value is string => typeof value === "string"

/** Whether a value is a boolean. */
export const isBoolean = (value: unknown): value is boolean => typeof value === "boolean"

/** OpenAI's `metadata`: at most 16 pairs, keys up to 64 characters, string values up to 512. */
export const isMetadata = (value: unknown): boolean =>
  isRecord(value) && Object.keys(value).length <= 16 &&
  Object.entries(value).every(([key, v]) => key.length <= 64 && typeof v === "string" && v.length <= 512)

/**
 * The fields both APIs share that only label or file a call, with the type each must have: accepted and not used,
 * but a value of the wrong type is the caller's mistake, a 400 as OpenAI gives it.
 */
export const labelChecks: ReadonlyArray<FieldCheck> = [
  ["user", "a string", isString],
  ["safety_identifier", "a string", isString],
  ["prompt_cache_key", "a string", isString],
  ["metadata", "an object of at most 16 string values (keys up to 64 characters, values up to 512)", isMetadata],
  ["store", "a boolean", isBoolean],
  ["parallel_tool_calls", "a boolean", isBoolean],
  ["service_tier", "a string such as \"auto\"", isString],
  ["stream", "a boolean", isBoolean]
]

/**
 * `stream_options`: an object of booleans (`include_usage`, `include_obfuscation`), and only on a streamed request
 * (OpenAI refuses it otherwise). Returns whether the usage chunk is asked for, or the 400.
 */
export const readStreamOptions = (body: Readonly<Record<string, unknown>>): boolean | GatewayError => {
  const options = body.stream_options
  if (options === undefined || options === null) return false
  if (!isRecord(options)) return invalidType("stream_options", "an object such as {\"include_usage\": true}")
  if (body.stream !== true) return invalidValue("stream_options", "stream_options is only allowed when stream is true")
  for (const field of ["include_usage", "include_obfuscation"]) {
    const value = options[field]
    if (value !== undefined && value !== null && typeof value !== "boolean") return invalidType(`stream_options.${field}`, "a boolean")
  }
  return options.include_usage === true
}

/** A field the gateway cannot honour: its name, whether a value asks for it (not the default), and the refusal. */
export type Unhonoured = readonly [field: string, asks: (value: unknown) => boolean, message: string]

/** The 400 for the first field of `fields` the body sets to something that asks for it, or undefined. */
export const refuseUnhonoured = (body: Record<string, unknown>, fields: ReadonlyArray<Unhonoured>, prefix = ""): GatewayError | undefined => {
  for (const [field, asks, message] of fields) {
    const value = body[field]
    if (value !== undefined && value !== null && asks(value)) return invalidRequestError(message, `${prefix}${field}`)
  }
  return undefined
}

/**
 * The 400 for the first field of the body that is not one of `known` (OpenAI's `unknown_parameter`): OpenAI refuses
 * what it does not know, and a field the gateway does not know is one it would otherwise drop without a word.
 */
export const refuseUnknown = (body: Record<string, unknown>, known: ReadonlySet<string>, prefix = ""): GatewayError | undefined => {
  for (const field in body) {
    if (!known.has(field)) {
      const param = `${prefix}${field.slice(0, 64)}`
      return gatewayError(400, "invalid_request_error", "unknown_parameter", `Unknown parameter: ${JSON.stringify(param)}; this gateway takes the fields OpenAI documents`, param)
    }
  }
  return undefined
}

/** `logit_bias` other than `{}`: token ids differ between backends (Chat Completions and Responses alike). */
export const logitBiasRefused: Unhonoured =
  ["logit_bias", (v) => !(typeof v === "object" && v !== null && Object.keys(v).length === 0), "logit_bias is not supported: token ids differ between the backends the gateway routes to"]

const extension = (field: string, asks: (value: unknown) => boolean, leaveAs: string): Unhonoured =>
  [field, asks, `${field} is not an OpenAI field, and the gateway cannot honour it across its backends; leave it out${leaveAs}`]

/**
 * Sampling and decoding fields of other OpenAI-compatible servers (vLLM, llama.cpp, LiteLLM's `extra_body`) that
 * change the answer: the gateway cannot honour them across its backends, so each is a 400 naming it when set to
 * anything but its no-op value, never quietly dropped. Chat Completions and Responses alike.
 */
export const extensionsRefused: ReadonlyArray<Unhonoured> = [
  extension("top_k", (v) => v !== -1 && v !== 0, " (or -1)"),
  extension("min_p", (v) => v !== 0, " (or 0)"),
  extension("typical_p", (v) => v !== 1, " (or 1)"),
  extension("repetition_penalty", (v) => v !== 1, " (or 1)"),
  extension("repeat_penalty", (v) => v !== 1, " (or 1)"),
  extension("min_tokens", (v) => v !== 0, " (or 0)"),
  extension("ignore_eos", (v) => v !== false, " (or false)"),
  extension("best_of", (v) => v !== 1, " (or 1)"),
  extension("use_beam_search", (v) => v !== false, " (or false)"),
  extension("echo", (v) => v !== false, " (or false)"),
  extension("guided_json", () => true, ": send response_format with a json_schema"),
  extension("guided_regex", () => true, ""),
  extension("guided_choice", () => true, ""),
  extension("guided_grammar", () => true, ""),
  extension("grammar", () => true, ""),
  extension("json_schema", () => true, ": send response_format with a json_schema"),
  extension("mirostat", (v) => v !== 0, " (or 0)")
]

/** Function names as OpenAI accepts them. */
const toolNamePattern = /^[a-zA-Z0-9_-]{1,64}$/

/** Whether a value is a plain object. */
export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value)

const dataUrl = /^data:([a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*)(?:;[^,;]*)*;base64,(.*)$/is

const imageTypes: Readonly<Record<string, string>> = { png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", gif: "image/gif", webp: "image/webp" }

/**
 * An image from a data URL or an http(s) URL. A URL's media type is read from its extension; the services fetch the
 * URL and read the type themselves, so an unknown extension is sent as `image/jpeg`.
 */
export const imageFrom = (url: unknown, param: string): ImagePart | GatewayError => {
  if (typeof url !== "string" || url.length === 0) return invalidRequestError(`${param}: an image needs a url (a data: URL or http(s) URL)`, param)
  const data = dataUrl.exec(url)
  if (data !== null) {
    const mediaType = data[1]!.toLowerCase()
    if (!mediaType.startsWith("image/")) return invalidValue(param, `a data: URL of ${JSON.stringify(mediaType.slice(0, 60))} is not an image`)
    if (!isBase64(data[2]!)) return invalidValue(param, "the data: URL's data is not valid base64 (standard alphabet, padded)")
    return { type: "image", data: data[2]!, mediaType }
  }
  if (/^https?:\/\//i.test(url)) {
    if (!URL.canParse(url)) return invalidValue(param, "the image URL is not a valid URL")
    const extension = /\.([a-z0-9]+)(?:[?#].*)?$/i.exec(url)?.[1]?.toLowerCase()
    return { type: "image", url, mediaType: (extension !== undefined ? imageTypes[extension] : undefined) ?? "image/jpeg" }
  }
  return invalidRequestError(`${param}: an image url must be a data: URL with base64 data or an http(s) URL`, param)
}

/** A file from a data URL (`file_data`); uploaded file ids are refused (the gateway has no files API). */
export const fileFrom = (fileData: unknown, filename: unknown, fileId: unknown, param: string): FilePart | GatewayError => {
  if (fileId !== undefined && fileData === undefined) return invalidRequestError(`${param}: file ids are not supported (the gateway has no files API); send file_data as a data: URL`, param)
  const data = typeof fileData === "string" ? dataUrl.exec(fileData) : null
  if (data === null) return invalidRequestError(`${param}: file_data must be a data: URL with base64 data`, param)
  if (!isBase64(data[2]!)) return invalidValue(param, "the data: URL's data is not valid base64 (standard alphabet, padded)")
  return { type: "file", data: data[2]!, mediaType: data[1]!.toLowerCase(), ...(typeof filename === "string" ? { filename } : {}) }
}

/** A function tool: chat completions nest it under `function` (param `tools[0].function.name`), the Responses API does not. */
export const toolFrom = (tool: unknown, param: string): ToolDefinition | GatewayError => {
  if (!isRecord(tool)) return invalidType(param, "a function tool object")
  if (tool.type !== "function") {
    return invalidValue(`${param}.type`, `only function tools are supported, not ${JSON.stringify(tool.type)?.slice(0, 40)}`)
  }
  const nested = isRecord(tool.function)
  const spec = nested ? tool.function as Record<string, unknown> : tool
  const at = nested ? `${param}.function` : param
  if (typeof spec.name !== "string") return invalidType(`${at}.name`, "a string")
  if (!toolNamePattern.test(spec.name)) return invalidValue(`${at}.name`, `a function name is 1 to 64 letters, digits, "_" or "-", not ${JSON.stringify(spec.name.slice(0, 70))}`)
  if (spec.description !== undefined && spec.description !== null && typeof spec.description !== "string") return invalidType(`${at}.description`, "a string")
  if (spec.parameters !== undefined && spec.parameters !== null && !isRecord(spec.parameters)) return invalidType(`${at}.parameters`, "a JSON Schema object")
  return {
    name: spec.name,
    ...(typeof spec.description === "string" ? { description: spec.description } : {}),
    parameters: isRecord(spec.parameters) ? spec.parameters : { type: "object", properties: {} }
  }
}

/** The tools of a request (no name twice), or undefined when it has none. */
export const toolsFrom = (tools: unknown): ReadonlyArray<ToolDefinition> | undefined | GatewayError => {
  if (tools === undefined || tools === null) return undefined
  if (!Array.isArray(tools)) return invalidType("tools", "a list of function tools")
  const out: Array<ToolDefinition> = []
  const names = new Set<string>()
  for (let i = 0; i < tools.length; i++) {
    const tool = toolFrom(tools[i], `tools[${i}]`)
    if ("status" in tool) return tool
    if (names.has(tool.name)) return invalidValue(`tools[${i}]`, `the function name ${JSON.stringify(tool.name)} is given twice`)
    names.add(tool.name)
    out.push(tool)
  }
  return out.length > 0 ? out : undefined
}

/** `tool_choice`: "auto", "none", "required", or one function by name (either API's spelling). */
export const toolChoiceFrom = (choice: unknown): ToolChoice | undefined | GatewayError => {
  if (choice === undefined || choice === null) return undefined
  if (choice === "auto" || choice === "none" || choice === "required") return choice
  if (isRecord(choice) && choice.type === "function") {
    const name = isRecord(choice.function) ? choice.function.name : choice.name
    if (typeof name === "string") return { name }
  }
  return invalidValue("tool_choice", 'expected "auto", "none", "required" or a function by name')
}

/** A tool call with its arguments parsed from the wire's JSON string; `param` names the call (`messages[1].tool_calls[0]`). */
export const toolCallFrom = (id: unknown, name: unknown, args: unknown, param: string): ToolCall | GatewayError => {
  if (typeof id !== "string" || id === "") return invalidType(param, "a tool call with an id")
  if (typeof name !== "string") return invalidType(param, "a tool call with a function name")
  if (!toolNamePattern.test(name)) return invalidValue(param, `a function name is 1 to 64 letters, digits, "_" or "-", not ${JSON.stringify(name.slice(0, 70))}`)
  let parsed: unknown = {}
  if (typeof args === "string" && args.trim() !== "") {
    try {
      parsed = JSON.parse(args)
    } catch {
      return invalidValue(param, `the arguments of tool call ${id.slice(0, 60)} are not valid JSON`)
    }
  } else if (isRecord(args)) parsed = args
  if (!isRecord(parsed)) return invalidValue(param, `the arguments of tool call ${id.slice(0, 60)} must be a JSON object`)
  if (nestedDeeperThan(parsed)) return tooDeep(param)
  return { id, name, arguments: parsed }
}
