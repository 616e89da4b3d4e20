/** Percentiles and medians for the benchmark and load figures. */

/** The p-th percentile (0..100) of some samples, by nearest rank; NaN for none. */
export const percentile = (samples: ReadonlyArray<number>, p: number): number => {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number
}

/** The median of some samples. */
export const median = (samples: ReadonlyArray<number>): number => percentile(samples, 50)

/** A number with a fixed count of decimals, for tables. */
export const fixed = (value: number, digits = 2): string => (Number.isFinite(value) ? value.toFixed(digits) : "n/a")
