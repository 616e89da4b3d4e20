/**
 * A plain timer for an absolute time on a clock (epoch milliseconds as the clock reads them), for a call or a stream
 * that keeps a caller's bound itself. Node holds a timer for at most 2^31-1 ms (a longer delay fires at once, with a
 * warning on stderr), so a later time is waited for in steps, each re-reading the clock.
 */

/** Node's longest timer delay in milliseconds. */
export const maxTimerMs = 2 ** 31 - 1

/**
 * Call `fire` once `now()` reaches `atMs`: at once (synchronously) when it already has, else from a timer. Returns
 * the function that cancels it (a no-op once it has fired).
 */
export const timerAt = (atMs: number, now: () => number, fire: () => void): (() => void) => {
  let handle: ReturnType<typeof setTimeout> | undefined
  const arm = (): void => {
    const left = atMs - now()
    if (left > 0) {
      handle = setTimeout(arm, Math.min(left, maxTimerMs))
      return
    }
    handle = undefined
    fire()
  }
  arm()
  return () => {
    if (handle === undefined) return
    clearTimeout(handle)
    handle = undefined
  }
}
