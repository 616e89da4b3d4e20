/**
 * Server-sent events as the chat wire sends them, read from a body's text pieces: lines split across pieces at any
 * point, LF or CRLF endings, `data:` lines (several joined by a newline), comments and other fields skipped, an event
 * dispatched at its blank line, `[DONE]` ending the data (what follows is read and ignored). An event left without
 * its blank line when the body ends is dropped, as the `openai` SDK drops it.
 */

/**
 * The data of each event, as `parse` makes it of the event's text, handed over as one array per body piece (the
 * events that piece completed; a piece that completes none hands over nothing). `parse` may throw: the events of the
 * piece before it are handed over first, then the iteration fails. An event (or a line) that grows past
 * `maxEventChars` before its end fails it the same way with `tooLarge()`: a server that never ends a line cannot
 * fill the memory.
 */
export async function* sseDataBatches<A>(
  pieces: AsyncIterable<string>,
  parse: (text: string) => A,
  limit: { readonly maxEventChars: number; readonly tooLarge: () => unknown }
): AsyncGenerator<ReadonlyArray<A>> {
  // Text after the last newline, kept as pieces until a newline arrives: a long line is read in time and memory
  // proportional to its length (never re-joined or re-searched per piece).
  let pending: Array<string> = []
  let pendingChars = 0
  let data: Array<string> = []
  let dataChars = 0
  let done = false
  for await (const piece of pieces) {
    if (piece.indexOf("\n") === -1) {
      pending.push(piece)
      pendingChars += piece.length
      if (pendingChars > limit.maxEventChars) throw limit.tooLarge()
      continue
    }
    const buffer = pending.length === 0 ? piece : pending.join("") + piece
    const batch: Array<A> = []
    // What ends the reading after this piece's events (a parse that threw, an event too large), if anything.
    let failure: { readonly error: unknown } | undefined
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
          batch.push(parse(text))
        } catch (error) {
          failure = { error }
          break
        }
      } else if (line.startsWith("data:")) {
        const value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5)
        dataChars += value.length
        if (dataChars > limit.maxEventChars) {
          failure = { error: limit.tooLarge() }
          break
        }
        data.push(value)
      }
      // Comments (`:`), `event:`, `id:` and `retry:` carry nothing the chat wire needs.
    }
    if (batch.length > 0) yield batch
    if (failure !== undefined) throw failure.error
    const rest = buffer.slice(start)
    pending = rest.length === 0 ? [] : [rest]
    pendingChars = rest.length
    if (pendingChars > limit.maxEventChars) throw limit.tooLarge()
  }
}
