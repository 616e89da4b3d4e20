/**
 * Money as integer nano-dollars (1e-9 USD). Every amount a ledger adds up is an integer, so the ledger's total
 * equals the sum of its records exactly, in memory, in SQLite and in Redis alike; USD figures are derived at the edge.
 */

/** Nano-dollars in one US dollar. */
export const nanosPerUsd = 1_000_000_000

/** USD to integer nano-dollars, rounded to the nearest nano-dollar. */
export const usdToNanos = (usd: number): number => Math.round(usd * nanosPerUsd)

/** Integer nano-dollars to USD. */
export const nanosToUsd = (nanos: number): number => nanos / nanosPerUsd

/** USD rounded to the cent, for display and comparisons "to the cent". */
export const roundToCent = (usd: number): number => Math.round(usd * 100) / 100
