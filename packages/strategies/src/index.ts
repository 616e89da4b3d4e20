/**
 * @orch/strategies: how @orch decides who answers and survives failure. Composable primitives (retry, timeout,
 * fallback, race, hedge, cascade, vote, chain, circuit breaker, load balance) over models and strategies, and the
 * eight named strategies built from them.
 */
export * from "./Attempt.ts"
export * from "./ChunkLimits.ts"
export * from "./Deadline.ts"
export * from "./Fallback.ts"
export * from "./Hedge.ts"
export * from "./Launch.ts"
export * from "./Plan.ts"
export * from "./Race.ts"
export * from "./Retry.ts"
export * from "./Timeout.ts"
