/**
 * The files `orch run` reads into a request: images (`--image`, repeatable) as base64 image parts, a JSON Schema
 * (`--schema`) for structured output, and tool definitions (`--tools`). Every problem (a missing file, a file that is
 * not an image or not JSON, a tool without a name) is a UsageError that names the file and the fix.
 */
import fs from "node:fs"
import type { ImagePart, ToolDefinition } from "@orch/provider"
import { UsageError } from "./UsageError.ts"

/** The largest file `orch run` reads (services refuse larger images anyway). */
const maxFileBytes = 20 * 1024 * 1024

const readFile = (command: string, flag: string, file: string): Buffer => {
  const stat = fs.statSync(file, { throwIfNoEntry: false })
  if (stat === undefined) throw new UsageError(`--${flag} ${file}: no such file`, command)
  if (!stat.isFile()) throw new UsageError(`--${flag} ${file}: not a regular file`, command)
  if (stat.size > maxFileBytes) throw new UsageError(`--${flag} ${file}: larger than ${maxFileBytes / 1024 / 1024} MB`, command)
  return fs.readFileSync(file)
}

/** The image media type from the file's first bytes: PNG, JPEG, GIF or WebP. */
export const imageMediaType = (bytes: Uint8Array): string | undefined => {
  const starts = (...signature: ReadonlyArray<number>) => signature.every((b, i) => bytes[i] === b)
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png"
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg"
  if (starts(0x47, 0x49, 0x46, 0x38)) return "image/gif"
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50) return "image/webp"
  return undefined
}

/** An image file as an image part; its type is read from its content, not its name. */
export const readImage = (command: string, file: string): ImagePart => {
  const bytes = readFile(command, "image", file)
  const mediaType = imageMediaType(bytes)
  if (mediaType === undefined) throw new UsageError(`--image ${file}: not a PNG, JPEG, GIF or WebP image`, command)
  return { type: "image", data: bytes.toString("base64"), mediaType }
}

const readJsonFile = (command: string, flag: string, file: string): unknown => {
  const text = readFile(command, flag, file).toString("utf8")
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new UsageError(`--${flag} ${file}: not JSON (${(error as Error).message.slice(0, 120)})`, command)
  }
}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

/** A JSON Schema object from a file (its checks run with the request's validation). */
export const readSchema = (command: string, file: string): Readonly<Record<string, unknown>> => {
  const schema = readJsonFile(command, "schema", file)
  if (!isRecord(schema)) throw new UsageError(`--schema ${file}: a JSON Schema must be an object`, command)
  return schema
}

/**
 * Tool definitions from a file: a list (or `{ "tools": [...] }`) of `{ name, description?, parameters }`; the
 * OpenAI spelling `{ type: "function", function: { ... } }` is accepted too. A tool without parameters takes none.
 */
export const readTools = (command: string, file: string): ReadonlyArray<ToolDefinition> => {
  const json = readJsonFile(command, "tools", file)
  const list = Array.isArray(json) ? json : isRecord(json) && Array.isArray(json["tools"]) ? json["tools"] : undefined
  if (list === undefined || list.length === 0) throw new UsageError(`--tools ${file}: expected a non-empty list of tools ({ "name", "description", "parameters" })`, command)
  return list.map((entry, i): ToolDefinition => {
    const tool = isRecord(entry) && entry["type"] === "function" && isRecord(entry["function"]) ? entry["function"] : entry
    if (!isRecord(tool) || typeof tool["name"] !== "string") throw new UsageError(`--tools ${file}: tool ${i + 1} has no "name"`, command)
    const parameters = tool["parameters"] ?? { type: "object", properties: {} }
    return {
      name: tool["name"],
      ...(typeof tool["description"] === "string" ? { description: tool["description"] } : {}),
      parameters: parameters as Readonly<Record<string, unknown>>
    }
  })
}
