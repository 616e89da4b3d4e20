/**
 * `<think>…</think>` at the start of an answer: models served without a reasoning parser (a llama.cpp server, an
 * Ollama model without `think`, vLLM without `--reasoning-parser`) write their reasoning inline. The splitter turns a
 * leading think block into reasoning and leaves the rest as text, across deltas cut anywhere, even inside a tag.
 */

/** A piece of a split answer. */
export interface ThinkPiece {
  readonly kind: "text" | "reasoning"
  readonly text: string
}

/** Splits the answer's deltas; `end` flushes what is held back at the end of the answer. */
export interface ThinkSplitter {
  readonly push: (text: string) => ReadonlyArray<ThinkPiece>
  readonly end: () => ReadonlyArray<ThinkPiece>
}

const open = "<think>"
const close = "</think>"

/** The length of the longest suffix of `text` that is a proper prefix of `tag`. */
const heldBack = (text: string, tag: string): number => {
  for (let n = Math.min(tag.length - 1, text.length); n > 0; n--) {
    if (tag.startsWith(text.slice(text.length - n))) return n
  }
  return 0
}

/** A fresh splitter for one answer. Only a think block at the very start (after whitespace) is reasoning. */
export const makeThinkSplitter = (): ThinkSplitter => {
  let state: "start" | "thinking" | "after" | "text" = "start"
  let pending = ""

  const push = (text: string): ReadonlyArray<ThinkPiece> => {
    const out: Array<ThinkPiece> = []
    let rest = text
    while (rest.length > 0) {
      if (state === "text") {
        out.push({ kind: "text", text: rest })
        break
      } else if (state === "start") {
        pending += rest
        const trimmed = pending.trimStart()
        if (trimmed.length === 0 || (trimmed.length < open.length && open.startsWith(trimmed))) break
        if (trimmed.startsWith(open)) {
          state = "thinking"
          rest = trimmed.slice(open.length)
          pending = ""
        } else {
          state = "text"
          rest = pending
          pending = ""
        }
      } else if (state === "thinking") {
        pending += rest
        rest = ""
        const at = pending.indexOf(close)
        if (at >= 0) {
          if (at > 0) out.push({ kind: "reasoning", text: pending.slice(0, at) })
          rest = pending.slice(at + close.length)
          pending = ""
          state = "after"
        } else {
          const keep = heldBack(pending, close)
          const emit = pending.slice(0, pending.length - keep)
          if (emit.length > 0) out.push({ kind: "reasoning", text: emit })
          pending = pending.slice(pending.length - keep)
        }
      } else {
        const trimmed = rest.trimStart()
        rest = ""
        if (trimmed.length > 0) {
          state = "text"
          rest = trimmed
        }
      }
    }
    return out
  }

  const end = (): ReadonlyArray<ThinkPiece> => {
    const held = pending
    pending = ""
    if (held.length === 0) return []
    if (state === "thinking") return [{ kind: "reasoning", text: held }]
    return state === "start" ? [{ kind: "text", text: held }] : []
  }

  return { push, end }
}
