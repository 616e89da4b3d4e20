/**
 * Server-sent events as the chat wire sends them, read from a body's text pieces: lines split across pieces at any
 * point, LF or CRLF endings, `data:` lines (several joined by a newline), comments and other fields skipped, an event
 * dispatched at its blank line, `[DONE]` ending the data (what follows is not waited for), a leading byte-order
 * mark skipped. An event left without its blank line when the body ends is dropped, as the `openai` SDK drops it.
 * Errors a server sends outside `data` end the reading with that error: a llama.cpp server's `error:` field
 * (`error: {"code":500,…}`, which a plain SSE parser skips as an unknown field) and an event named `error`
 * (`event: error`, as the SDK reads it). A body whose first character is `{` is not SSE at all but one JSON document
 * (a server that ignored `stream: true`, or answered with an error object): it is read whole and handed over as one
 * event when the body ends. A body whose first character is `<` is a web page (a proxy's or a captive portal's, sent
 * with a 200), and ends the reading at once.
 */

/** What reads one streamed body: each text piece as it arrives, then the body's end. */
export interface BodyReader<A> {
  /**
   * Take the next piece and append to `out` the data of every event it completes. Returns what ends the reading, if
   * anything; once it has returned an error it must not be called again.
   */
  readonly take: (piece: string, out: Array<A>) => unknown
  /** The body is over: append what only its end completes, or return what ends the reading. */
  readonly end: (out: Array<A>) => unknown
  /** Whether the data has ended (`[DONE]`): nothing after it is read, and the reading may stop before the body does. */
  readonly finished: () => boolean
}

/** How a reader turns what it read into events, and its bound. */
export interface SseReaderOptions {
  /**
   * The most characters one event (or one line, or a whole JSON body) may hold before the reading ends with
   * `tooLarge()`: a server that never ends a line cannot fill the memory.
   */
  readonly maxEventChars: number
  readonly tooLarge: () => unknown
  /** The error of an error the server sent outside `data` (the field's or the event's text, JSON or not). */
  readonly errorEvent: (text: string) => unknown
  /** The error of a body that is a web page, not events. */
  readonly notEvents: () => unknown
}

/** Whether a character code is JSON or SSE whitespace (space, tab, LF, CR) or a byte-order mark. */
const isBlank = (code: number): boolean => code === 32 || code === 9 || code === 10 || code === 13 || code === 0xfeff

/**
 * A reader of one stream's body pieces (see the module comment). `parse` makes an event of an event's data (or of a
 * whole JSON body); what it throws ends the reading (the events before it are in `out`).
 */
export const makeSseReader = <A>(parse: (text: string) => A, options: SseReaderOptions): BodyReader<A> => {
  // Text after the last newline, kept as pieces until a newline arrives: a long line is read in time and memory
  // proportional to its length (never re-joined or re-searched per piece).
  let pending: Array<string> = []
  let pendingChars = 0
  let data: Array<string> = []
  let dataChars = 0
  // The event's `event:` name and a llama.cpp `error:` field's lines.
  let eventName = ""
  let errorField: Array<string> = []
  let done = false
  // Until the first character that is not blank: whether the body is SSE or one JSON document.
  let mode: "unknown" | "sse" | "json" = "unknown"
  let head: Array<string> = []
  let headChars = 0

  /** The event whose blank line has come: its data parsed into `out`, or what ends the reading. */
  const dispatch = (out: Array<A>): unknown => {
    const named = eventName
    eventName = ""
    if (errorField.length > 0) {
      const text = errorField.join("\n")
      errorField = []
      data = []
      dataChars = 0
      return done ? undefined : options.errorEvent(text)
    }
    if (data.length === 0) return undefined
    const text = data.length === 1 ? data[0]! : data.join("\n")
    data = []
    dataChars = 0
    if (done) return undefined
    if (text.startsWith("[DONE]")) {
      done = true
      return undefined
    }
    if (named === "error") return options.errorEvent(text)
    try {
      out.push(parse(text))
    } catch (error) {
      return error
    }
    return undefined
  }

  const takeSse = (piece: string, out: Array<A>): unknown => {
    if (piece.indexOf("\n") === -1) {
      pending.push(piece)
      pendingChars += piece.length
      return pendingChars > options.maxEventChars ? options.tooLarge() : undefined
    }
    const buffer = pending.length === 0 ? piece : pending.join("") + piece
    let start = 0
    let end = buffer.indexOf("\n", start)
    while (end !== -1) {
      const line = end > start && buffer.charCodeAt(end - 1) === 13 ? buffer.slice(start, end - 1) : buffer.slice(start, end)
      start = end + 1
      end = buffer.indexOf("\n", start)
      if (line.length === 0) {
        const ended = dispatch(out)
        if (ended !== undefined) return ended
      } else if (line.startsWith("data:")) {
        const value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5)
        dataChars += value.length
        if (dataChars > options.maxEventChars) return options.tooLarge()
        data.push(value)
      } else if (line.startsWith("event:")) {
        eventName = (line.charCodeAt(6) === 32 ? line.slice(7) : line.slice(6)).trim()
      } else if (line.startsWith("error:")) {
        const value = line.charCodeAt(6) === 32 ? line.slice(7) : line.slice(6)
        dataChars += value.length
        if (dataChars > options.maxEventChars) return options.tooLarge()
        errorField.push(value)
      }
      // Comments (`:`), `id:` and `retry:` carry nothing the chat wire needs.
    }
    const rest = buffer.slice(start)
    pending = rest.length === 0 ? [] : [rest]
    pendingChars = rest.length
    return pendingChars > options.maxEventChars ? options.tooLarge() : undefined
  }

  const take = (piece: string, out: Array<A>): unknown => {
    if (mode === "sse") return takeSse(piece, out)
    head.push(piece)
    headChars += piece.length
    if (headChars > options.maxEventChars) return options.tooLarge()
    if (mode === "json") return undefined
    let at = 0
    while (at < piece.length && isBlank(piece.charCodeAt(at))) at++
    if (at === piece.length) return undefined
    if (piece.charCodeAt(at) === 123) {
      mode = "json"
      return undefined
    }
    if (piece.charCodeAt(at) === 60) return options.notEvents()
    mode = "sse"
    const text = head.join("")
    head = []
    // A byte-order mark before the first field is not part of it (as the SSE spec strips it).
    return takeSse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, out)
  }

  const end = (out: Array<A>): unknown => {
    if (mode !== "json") return undefined
    const text = head.join("")
    head = []
    try {
      out.push(parse(text))
    } catch (error) {
      return error
    }
    return undefined
  }

  return { take, end, finished: () => done }
}

/**
 * The events of a web `Response` body (the SDK path), read by `reader` as the lean transport reads a socket's: the
 * events of each body piece handed over as one array, then those of the end; what the reader returns fails the
 * iteration. The iteration ends at `[DONE]`, as the `openai` SDK's does. Stopping early cancels the body.
 */
export const webBodyEvents = <A>(body: ReadableStream<Uint8Array> | null, reader: BodyReader<A>): AsyncIterable<ReadonlyArray<A>> => ({
  [Symbol.asyncIterator]: async function*() {
    if (body === null) return
    const bytes = body.getReader()
    const decoder = new TextDecoder()
    let finished = false
    try {
      while (!finished) {
        const read = await bytes.read()
        const out: Array<A> = []
        let error: unknown
        if (read.done) {
          finished = true
          const tail = decoder.decode()
          error = tail.length > 0 ? reader.take(tail, out) : undefined
          if (error === undefined) error = reader.end(out)
        } else {
          error = reader.take(decoder.decode(read.value, { stream: true }), out)
        }
        if (out.length > 0) yield out
        if (error !== undefined) throw error
        // The data has ended: the rest of the body is not waited for (the body is cancelled below).
        if (reader.finished()) return
      }
    } finally {
      if (!finished) await bytes.cancel().catch(() => undefined)
    }
  }
})
