/**
 * The pieces OpenAI's two APIs share, read into the request contract's: images and files (data URLs or image URLs),
 * function tool definitions, the tool choice, and tool-call arguments (a JSON string on the wire, an object in the
 * contract). Everything the contract cannot carry is a 400 naming the parameter.
 */
import type { FilePart, ImagePart, ToolCall, ToolChoice, ToolDefinition } from "@orch/provider"
import { type GatewayError, invalidRequestError } from "./OpenAiError.ts"

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
  if (data !== null) return { type: "image", data: data[2]!, mediaType: data[1]!.toLowerCase() }
  if (/^https?:\/\//i.test(url)) {
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
  return { type: "file", data: data[2]!, mediaType: data[1]!.toLowerCase(), ...(typeof filename === "string" ? { filename } : {}) }
}

/** A function tool: chat completions nest it under `function`, the Responses API does not. */
export const toolFrom = (tool: unknown, param: string): ToolDefinition | GatewayError => {
  if (!isRecord(tool) || tool.type !== "function") {
    return invalidRequestError(`${param}: only function tools are supported, not ${JSON.stringify(isRecord(tool) ? tool.type : tool)?.slice(0, 40)}`, param)
  }
  const spec = isRecord(tool.function) ? tool.function : tool
  if (typeof spec.name !== "string") return invalidRequestError(`${param}: a function tool needs a name`, param)
  if (spec.parameters !== undefined && !isRecord(spec.parameters)) return invalidRequestError(`${param}: parameters must be a JSON Schema object`, param)
  return {
    name: spec.name,
    ...(typeof spec.description === "string" ? { description: spec.description } : {}),
    parameters: isRecord(spec.parameters) ? spec.parameters : { type: "object", properties: {} }
  }
}

/** The tools of a request, or undefined when it has none. */
export const toolsFrom = (tools: unknown): ReadonlyArray<ToolDefinition> | undefined | GatewayError => {
  if (tools === undefined || tools === null) return undefined
  if (!Array.isArray(tools)) return invalidRequestError("tools must be a list of function tools", "tools")
  const out: Array<ToolDefinition> = []
  for (let i = 0; i < tools.length; i++) {
    const tool = toolFrom(tools[i], "tools")
    if ("status" in tool) return tool
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
  return invalidRequestError('tool_choice must be "auto", "none", "required" or a function by name', "tool_choice")
}

/** A tool call with its arguments parsed from the wire's JSON string. */
export const toolCallFrom = (id: unknown, name: unknown, args: unknown, param: string): ToolCall | GatewayError => {
  if (typeof id !== "string" || typeof name !== "string") return invalidRequestError(`${param}: a tool call needs an id and a function name`, param)
  let parsed: unknown = {}
  if (typeof args === "string" && args.trim() !== "") {
    try {
      parsed = JSON.parse(args)
    } catch {
      return invalidRequestError(`${param}: the arguments of tool call ${id.slice(0, 60)} are not valid JSON`, param)
    }
  } else if (isRecord(args)) parsed = args
  if (!isRecord(parsed)) return invalidRequestError(`${param}: the arguments of tool call ${id.slice(0, 60)} must be a JSON object`, param)
  return { id, name, arguments: parsed }
}
