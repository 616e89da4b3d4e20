/**
 * A mistake on the command line or in the config file: shown with the usage of the command, exit code 2.
 */

/** A command-line or config-file mistake, with the fix in its message. */
export class UsageError extends Error {
  override readonly name = "UsageError"
  /** The command whose usage to show, when known. */
  readonly command: string | undefined
  constructor(message: string, command?: string) {
    super(message)
    this.command = command
  }
}

/** Whether a thrown value is a usage error. */
export const isUsageError = (u: unknown): u is UsageError => u instanceof UsageError
