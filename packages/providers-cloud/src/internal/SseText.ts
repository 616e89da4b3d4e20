/**
 * Server-sent events as Anthropic's wire sends them, read by @orch itself (not the SDK, which drops every event that
 * has no `event:` line, as some Anthropic-compatible proxies send them): each event's name and data, from a body that
 * streams in or from one read whole. Events end at a blank line; `data:` lines are joined by a newline; LF or CRLF
 * line ends; comments, `id:` and `retry:` lines are skipped, and so is an event with no data. An event left without
 * its blank line when the body ends is dropped, as the SSE standard says.
 */

/** One event: its `event:` name, when it had one, and its data. */
export interface SseEvent {
  readonly event: string | undefined
  readonly data: string
}

/** A reader of a body's text pieces: each call appends the events the piece completes to `out`. */
export interface SseParser {
  readonly push: (piece: string, out: Array<SseEvent>) => void
  /**
   * The characters of the event not yet complete: its data lines so far and the line not yet ended (a server that
   * never ends a line, or an event, must not fill the memory).
   */
  readonly pendingChars: () => number
}

/** A fresh parser for one body. A piece with no line end is only kept (a long line is joined once, when it ends). */
export const makeSseParser = (): SseParser => {
  let pending: Array<string> = []
  let pendingChars = 0
  let event: string | undefined
  let data: Array<string> = []
  let dataChars = 0
  const push = (piece: string, out: Array<SseEvent>): void => {
    if (piece.indexOf("\n") === -1) {
      pending.push(piece)
      pendingChars += piece.length
      return
    }
    const text = pending.length === 0 ? piece : pending.join("") + piece
    let start = 0
    for (let end = text.indexOf("\n"); end !== -1; end = text.indexOf("\n", start)) {
      const line = end > start && text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end)
      start = end + 1
      if (line.length === 0) {
        if (data.length > 0) out.push({ event, data: data.length === 1 ? data[0]! : data.join("\n") })
        event = undefined
        data = []
        dataChars = 0
      } else if (line.startsWith("data:")) {
        const value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5)
        data.push(value)
        dataChars += value.length
      } else if (line.startsWith("event:")) {
        event = line.charCodeAt(6) === 32 ? line.slice(7) : line.slice(6)
      }
    }
    const rest = text.slice(start)
    pending = rest.length === 0 ? [] : [rest]
    pendingChars = rest.length
  }
  return { push, pendingChars: () => pendingChars + dataChars }
}

/** Whether a body's text reads as server-sent events: its first line that is not a comment is a field line. */
export const looksLikeSse = (text: string): boolean => /^(?:\s*:[^\n]*\n)*\s*(?:event|data|id|retry):/.test(text)

/** The events of a whole SSE body. */
export const sseEventsOf = (text: string): ReadonlyArray<SseEvent> => {
  const events: Array<SseEvent> = []
  makeSseParser().push(text, events)
  return events
}
