/**
 * The bounds of the gateway's numeric options: whole numbers in a range, checked when it is built (a NaN body limit
 * would be no limit, a zero slot count would serve nothing), and timer delays kept within what a Node timer takes.
 */

/** The longest delay a `node:http` timer takes (longer ones fire at once, with a warning on the console). */
export const maxTimerMs = 2_147_483_647

/** A delay for a timer: a number of ms from 0 to `maxTimerMs` (a longer one waits the longest a timer can). */
export const timerMs = (ms: number): number => (ms > maxTimerMs ? maxTimerMs : ms >= 0 ? ms : 0)

/**
 * What is wrong with a whole-number option, or undefined when it is absent or a whole number in `[min, max]`. Named
 * as the option is, so the message says which and what it takes.
 */
export const wholeNumberIssue = (name: string, value: unknown, min: number, max: number): string | undefined =>
  value === undefined || (typeof value === "number" && Number.isInteger(value) && value >= min && value <= max)
    ? undefined
    : `${name} must be a whole number from ${min} to ${max}, not ${typeof value === "number" ? String(value) : typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : value === null ? "null" : typeof value}`
