/**
 * Server-sent events as the chat wire sends them, read from a body's text pieces: lines split across pieces at any
 * point, LF or CRLF endings, `data:` lines (several joined by a newline), comments and other fields skipped, an event
 * dispatched at its blank line, `[DONE]` ending the data (what follows is read and ignored). An event left without
 * its blank line when the body ends is dropped, as the `openai` SDK drops it.
 */

/**
 * A reader of one stream's body pieces: each call takes the next piece and appends to `out` the data of every event
 * that piece completes, as `parse` makes it of the event's text. It returns what ends the reading, if anything: the
 * error `parse` threw (the events before it are in `out`), or `tooLarge()` for an event (or a line) that grew past
 * `maxEventChars` before its end (a server that never ends a line cannot fill the memory). Once it has returned an
 * error it must not be called again.
 */
export const makeSseReader = <A>(
  parse: (text: string) => A,
  limit: { readonly maxEventChars: number; readonly tooLarge: () => unknown }
): (piece: string, out: Array<A>) => unknown => {
  // Text after the last newline, kept as pieces until a newline arrives: a long line is read in time and memory
  // proportional to its length (never re-joined or re-searched per piece).
  let pending: Array<string> = []
  let pendingChars = 0
  let data: Array<string> = []
  let dataChars = 0
  let done = false
  return (piece, out) => {
    if (piece.indexOf("\n") === -1) {
      pending.push(piece)
      pendingChars += piece.length
      return pendingChars > limit.maxEventChars ? limit.tooLarge() : undefined
    }
    const buffer = pending.length === 0 ? piece : pending.join("") + piece
    let start = 0
    let end = buffer.indexOf("\n", start)
    while (end !== -1) {
      const line = end > start && buffer.charCodeAt(end - 1) === 13 ? buffer.slice(start, end - 1) : buffer.slice(start, end)
      start = end + 1
      end = buffer.indexOf("\n", start)
      if (line.length === 0) {
        if (data.length === 0) continue
        const text = data.length === 1 ? data[0]! : data.join("\n")
        data = []
        dataChars = 0
        if (done) continue
        if (text.startsWith("[DONE]")) {
          done = true
          continue
        }
        try {
          out.push(parse(text))
        } catch (error) {
          return error
        }
      } else if (line.startsWith("data:")) {
        const value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5)
        dataChars += value.length
        if (dataChars > limit.maxEventChars) return limit.tooLarge()
        data.push(value)
      }
      // Comments (`:`), `event:`, `id:` and `retry:` carry nothing the chat wire needs.
    }
    const rest = buffer.slice(start)
    pending = rest.length === 0 ? [] : [rest]
    pendingChars = rest.length
    return pendingChars > limit.maxEventChars ? limit.tooLarge() : undefined
  }
}
