/**
 * Splitting a body at pseudo-random byte boundaries, reproducibly from a seed, so clients are tested against
 * writes that cut lines, events and multi-byte UTF-8 characters in two.
 */

/** How to split: the seed of the generator, and the largest piece in bytes (default 64). */
export interface SplitOptions {
  readonly seed: number
  readonly maxChunk?: number
}

/** A small deterministic generator (mulberry32): the same seed gives the same sequence in [0, 1). */
export const seededRandom = (seed: number): (() => number) => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let mixed = state
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1)
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61)
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Cuts the bytes into pieces of 1..maxChunk bytes at boundaries drawn from the seed. Concatenating the pieces gives
 * the input back.
 */
export const splitBytes = (bytes: Uint8Array, options: SplitOptions): ReadonlyArray<Uint8Array> => {
  const maxChunk = Math.max(1, Math.floor(options.maxChunk ?? 64))
  const random = seededRandom(options.seed)
  const pieces: Array<Uint8Array> = []
  let offset = 0
  while (offset < bytes.length) {
    const size = 1 + Math.floor(random() * maxChunk)
    pieces.push(bytes.subarray(offset, Math.min(bytes.length, offset + size)))
    offset += size
  }
  return pieces
}
