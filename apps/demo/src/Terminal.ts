/**
 * What a command talks to: stdout for results, stderr for progress and errors, the environment it reads, and a
 * signal that aborts on Ctrl-C. The CLI gets the real process's; nothing else reads `process` directly.
 */
import type { Environment } from "./DataDirectories.ts"

/** An output stream (stdout or stderr). */
export interface Output {
  readonly write: (text: string) => unknown
  readonly isTTY?: boolean
}

/** The terminal a command runs in. */
export interface Terminal {
  readonly stdout: Output
  readonly stderr: Output
  readonly env: Environment
  /** Aborts when the user interrupts the command. */
  readonly signal: AbortSignal
  /** Where a progress bar redraws itself in place (stderr, unsanitised: only @orch's own text goes there). */
  readonly progress?: Output
}
