/**
 * Server-sent events as the chat wire sends them, read from a body's text pieces: lines split across pieces at any
 * point, LF or CRLF endings, `data:` lines (several joined by a newline), comments and other fields skipped, an event
 * dispatched at its blank line, `[DONE]` ending the data (what follows is read and ignored). An event left without
 * its blank line when the body ends is dropped, as the `openai` SDK drops it.
 */

/** The data of each event, as `parse` makes it of the event's text (`parse` may throw: the iteration fails). */
export async function* sseData<A>(pieces: AsyncIterable<string>, parse: (text: string) => A): AsyncGenerator<A> {
  let buffer = ""
  let data: Array<string> = []
  let done = false
  for await (const piece of pieces) {
    buffer = buffer.length === 0 ? piece : buffer + piece
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
        if (done) continue
        if (text.startsWith("[DONE]")) {
          done = true
          continue
        }
        yield parse(text)
      } else if (line.startsWith("data:")) {
        data.push(line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5))
      }
      // Comments (`:`), `event:`, `id:` and `retry:` carry nothing the chat wire needs.
    }
    buffer = start === 0 ? buffer : buffer.slice(start)
  }
}
