/**
 * Recorded wire traffic under `sharedDir()/fixtures/wire`: where a recording lives and how to read it with the
 * status and headers it was recorded with (from the `.meta.json` beside it).
 */
import fs from "node:fs"
import path from "node:path"
import { sharedPath } from "./SharedData.ts"

/** A recording read from disk: the exact body, the recorded status and headers (null when not recorded), its meta. */
export interface Fixture {
  readonly body: string
  readonly status: number
  readonly headers: Record<string, string> | null
  readonly meta: unknown
}

/**
 * The absolute path of a recording, e.g. `fixturePath("openai/chat_completion_stream_usage.sse")`.
 * Throws when the name leaves the fixtures folder (`..`, absolute paths).
 */
export const fixturePath = (name: string): string => {
  const root = sharedPath("fixtures", "wire")
  const target = path.resolve(root, name)
  if (path.isAbsolute(name) || !target.startsWith(root + path.sep)) {
    throw new Error(`fixture name must be a path under fixtures/wire, got ${JSON.stringify(name)}`)
  }
  return target
}

const metaPathOf = (bodyPath: string): string => bodyPath.replace(/\.(json|sse|ndjson|txt|html)$/, "") + ".meta.json"

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * Reads a recording and its meta. The status comes from the meta (200 when it has none); headers are the recorded
 * ones as strings, or null when the recording has none. Throws a clear error when the recording is missing.
 */
export const loadFixture = (name: string): Fixture => {
  const bodyPath = fixturePath(name)
  if (!fs.existsSync(bodyPath)) {
    throw new Error(`fixture not found: ${name} (looked for ${bodyPath}; set ORCH_SHARED_DIR if the shared data lives elsewhere)`)
  }
  const body = fs.readFileSync(bodyPath, "utf8")
  const metaPath = metaPathOf(bodyPath)
  const meta: unknown = fs.existsSync(metaPath) ? JSON.parse(fs.readFileSync(metaPath, "utf8")) : null
  const status = isRecord(meta) && typeof meta.status === "number" ? meta.status : 200
  const recorded = isRecord(meta) && isRecord(meta.headers) ? meta.headers : null
  const headers = recorded === null
    ? null
    : Object.fromEntries(Object.entries(recorded).map(([key, value]) => [key, String(value)]))
  return { body, status, headers, meta }
}

/** The content type a recording implies by its extension, for recordings without headers. */
export const contentTypeOfFixture = (name: string): string =>
  name.endsWith(".sse")
    ? "text/event-stream; charset=utf-8"
    : name.endsWith(".ndjson")
    ? "application/x-ndjson"
    : name.endsWith(".html")
    ? "text/html; charset=utf-8"
    : name.endsWith(".json")
    ? "application/json"
    : "text/plain; charset=utf-8"
