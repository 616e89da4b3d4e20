/**
 * One spelling for one JSON value: object keys sorted, no whitespace. Two tool-call argument objects or two
 * structured answers are the same value exactly when their canonical texts are equal, whatever order a model wrote
 * the keys in.
 */

/**
 * The canonical JSON text of a value: keys sorted at every depth, `undefined` members dropped, non-finite numbers
 * written as `null` (as `JSON.stringify` does). Iterative, so a deeply nested value cannot overflow the stack; a
 * cycle is written as `null` where it closes.
 */
export const canonicalJson = (value: unknown): string => {
  const out: Array<string> = []
  type Frame = { readonly kind: "value"; readonly value: unknown } | { readonly kind: "text"; readonly text: string } | { readonly kind: "leave"; readonly value: object }
  const stack: Array<Frame> = [{ kind: "value", value }]
  const open = new Set<object>()
  while (stack.length > 0) {
    const frame = stack.pop() as Frame
    if (frame.kind === "text") {
      out.push(frame.text)
      continue
    }
    if (frame.kind === "leave") {
      open.delete(frame.value)
      continue
    }
    const current = frame.value
    if (current === null || typeof current === "boolean") out.push(String(current))
    else if (typeof current === "number") out.push(Number.isFinite(current) ? JSON.stringify(current) : "null")
    else if (typeof current === "string") out.push(JSON.stringify(current))
    else if (typeof current === "bigint") out.push(current.toString())
    else if (typeof current !== "object") out.push("null")
    else if (open.has(current)) out.push("null")
    else if (Array.isArray(current)) {
      open.add(current)
      const frames: Array<Frame> = [{ kind: "text", text: "[" }]
      current.forEach((item, i) => {
        if (i > 0) frames.push({ kind: "text", text: "," })
        frames.push({ kind: "value", value: item === undefined || typeof item === "function" ? null : item })
      })
      frames.push({ kind: "text", text: "]" }, { kind: "leave", value: current })
      for (let i = frames.length - 1; i >= 0; i--) stack.push(frames[i] as Frame)
    } else {
      open.add(current)
      const record = current as Record<string, unknown>
      const keys = Object.keys(record).filter((k) => record[k] !== undefined && typeof record[k] !== "function").sort()
      const frames: Array<Frame> = [{ kind: "text", text: "{" }]
      keys.forEach((key, i) => {
        frames.push({ kind: "text", text: `${i > 0 ? "," : ""}${JSON.stringify(key)}:` }, { kind: "value", value: record[key] })
      })
      frames.push({ kind: "text", text: "}" }, { kind: "leave", value: current })
      for (let i = frames.length - 1; i >= 0; i--) stack.push(frames[i] as Frame)
    }
  }
  return out.join("")
}
