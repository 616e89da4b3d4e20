/**
 * Text bound for a person's terminal. Upstream answers, model names, error messages and echoed arguments can carry
 * control characters: an ESC sequence that recolours, clears, retitles or rewrites the screen, a carriage return
 * that overwrites a line, a bidi override that reorders it. Human output shows each of them as a visible escape
 * (`\x1b`, `\r`, `\u202e`) instead, and is redacted; `--json` output is left exact (JSON escapes its own).
 */
import { redact } from "@orch/provider"
import type { Output } from "./Terminal.ts"

/** C0 controls but tab and newline, DEL, C1 controls, bidi embeddings, overrides and isolates, line/paragraph separators. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const unsafe = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

const visible = (char: string): string => {
  const code = char.charCodeAt(0)
  if (char === "\r") return "\\r"
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`
}

/** The text with every control character shown as a visible escape, and secrets redacted. */
export const sanitizeForTerminal = (text: string): string => redact(text).replace(unsafe, visible)

/** An output that sanitises everything written to it. */
export const sanitizedOutput = (output: Output): Output => ({
  write: (text: string) => output.write(sanitizeForTerminal(text)),
  ...(output.isTTY !== undefined ? { isTTY: output.isTTY } : {})
})
