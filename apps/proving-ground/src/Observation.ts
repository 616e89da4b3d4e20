/**
 * What the proving ground watches around a scenario: unhandled rejections and uncaught exceptions, the process's
 * active handles (sockets, servers, timers), and everything written to stdout/stderr (Effect's logger included),
 * so secrets and leaks can be checked afterwards.
 */

/** Counts of the process's active resources by kind, from `process.getActiveResourcesInfo()`. */
export const activeResources = (): Readonly<Record<string, number>> => {
  const counts: Record<string, number> = {}
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1
  return counts
}

/** The kinds whose count grew from `before` to `after`, as "kind +n". */
export const grownResources = (before: Readonly<Record<string, number>>, after: Readonly<Record<string, number>>): ReadonlyArray<string> =>
  Object.entries(after).filter(([kind, n]) => n > (before[kind] ?? 0)).map(([kind, n]) => `${kind} +${n - (before[kind] ?? 0)}`)

/** Waits until no resource kind has grown past `before`, or `timeoutMs` passed; returns what is still grown. */
export const settledResources = async (before: Readonly<Record<string, number>>, timeoutMs: number): Promise<ReadonlyArray<string>> => {
  const started = performance.now()
  for (;;) {
    const grown = grownResources(before, activeResources())
    if (grown.length === 0 || performance.now() - started > timeoutMs) return grown
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** A watch over the process: counts of unhandled failures and the output written since it started. */
export interface ProcessWatch {
  readonly unhandled: () => number
  /** The output captured since the last `takeOutput`. */
  readonly takeOutput: () => string
  /** Write to the real stdout (progress lines), bypassing the capture. */
  readonly print: (line: string) => void
  readonly stop: () => void
}

/**
 * Start watching: counts `unhandledRejection`/`uncaughtException`, captures stdout and stderr (and so the console
 * and Effect's default logger). `passThrough` also forwards the captured output.
 */
export const watchProcess = (options: { readonly passThrough?: boolean } = {}): ProcessWatch => {
  let unhandled = 0
  let captured: Array<string> = []
  const onUnhandled = () => { unhandled++ }
  process.on("unhandledRejection", onUnhandled)
  process.on("uncaughtException", onUnhandled)
  const stdoutWrite = process.stdout.write.bind(process.stdout)
  const stderrWrite = process.stderr.write.bind(process.stderr)
  const capture = (original: typeof process.stdout.write) =>
    ((chunk: unknown, ...rest: Array<unknown>) => {
      captured.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"))
      if (options.passThrough) return (original as (...args: Array<unknown>) => boolean)(chunk, ...rest)
      const callback = rest.find((r) => typeof r === "function") as (() => void) | undefined
      callback?.()
      return true
    }) as typeof process.stdout.write
  process.stdout.write = capture(stdoutWrite)
  process.stderr.write = capture(stderrWrite)
  return {
    unhandled: () => unhandled,
    takeOutput: () => { const out = captured.join(""); captured = []; return out },
    print: (line) => { stdoutWrite(`${line}\n`) },
    stop: () => {
      process.stdout.write = stdoutWrite
      process.stderr.write = stderrWrite
      process.off("unhandledRejection", onUnhandled)
      process.off("uncaughtException", onUnhandled)
    }
  }
}
