/**
 * Server-sent events in a body read whole (a proxy that answered a plain request with an event stream): the data of
 * each event, in order. Events end at a blank line; `data:` lines are joined by a newline; LF or CRLF line ends;
 * comments, `event:`, `id:` and `retry:` lines carry nothing the data does not (Anthropic's data names its type).
 * An event left without its blank line when the body ends is dropped, as the SSE standard says.
 */

/** Whether a body's text reads as server-sent events: its first line that is not a comment is a field line. */
export const looksLikeSse = (text: string): boolean => /^(?:\s*:[^\n]*\n)*\s*(?:event|data|id|retry):/.test(text)

/** The data of each complete event of a whole SSE body. */
export const sseEventData = (text: string): ReadonlyArray<string> => {
  const events: Array<string> = []
  let data: Array<string> = []
  for (const raw of text.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw
    if (line.length === 0) {
      if (data.length > 0) events.push(data.join("\n"))
      data = []
    } else if (line.startsWith("data:")) {
      data.push(line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5))
    }
  }
  return events
}
