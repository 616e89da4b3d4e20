/**
 * The shape of a hand-written payload in the corpus sources: what is pasted under a request.
 */

/** A payload: its kind (as the corpus author sees it), its domain and the pasted text. */
export interface Payload {
  readonly kind: "code" | "code_stub" | "traceback" | "error_log" | "output" | "table" | "workflow" | "document" | "dialogue"
  readonly domain: string
  /** The language of code, for requests that name it ("this {lang} code"). */
  readonly lang?: string
  readonly text: string
}
