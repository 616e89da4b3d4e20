/**
 * A progress bar on stderr for long work (a model download): redrawn in place on a terminal, printed at most
 * every 10 % otherwise, so logs of scripts stay short.
 */

/** Where the bar is drawn. */
export interface ProgressOutput {
  readonly write: (text: string) => unknown
  readonly isTTY?: boolean
}

/** A progress bar: `update` with bytes done and total, `done` to end the line. */
export interface ProgressBar {
  readonly update: (done: number, total: number) => void
  readonly done: () => void
}

const megabytes = (bytes: number): string => `${(bytes / 1_048_576).toFixed(1)} MB`

/** A bar labelled `label`, drawn on `output` (stderr). */
export const makeProgressBar = (label: string, output: ProgressOutput, width = 30): ProgressBar => {
  let lastDecile = -1
  let drawn = false
  return {
    update: (done, total) => {
      const fraction = total > 0 ? Math.min(1, done / total) : 0
      const filled = Math.round(fraction * width)
      const line = `${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${megabytes(done)}${total > 0 ? ` of ${megabytes(total)}` : ""}`
      if (output.isTTY === true) {
        output.write(`\r${line}`)
        drawn = true
        return
      }
      const decile = Math.floor(fraction * 10)
      if (decile !== lastDecile) {
        lastDecile = decile
        output.write(`${line}\n`)
      }
    },
    done: () => {
      if (drawn) output.write("\n")
      drawn = false
    }
  }
}
