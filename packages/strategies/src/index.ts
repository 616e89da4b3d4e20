/**
 * @orch/strategies: how @orch decides who answers and survives failure. Composable primitives (retry, timeout,
 * fallback, race, hedge, cascade, vote, chain, circuit breaker, load balance) over models and plans, and the eight
 * named strategies built from them.
 */
export * from "./Attempt.ts"
export * from "./Cascade.ts"
export * from "./Chain.ts"
export * from "./ChunkLimits.ts"
export * from "./CircuitBreaker.ts"
export * from "./Deadline.ts"
export * from "./Fallback.ts"
export * from "./Hedge.ts"
export * from "./LatencyObserver.ts"
export * from "./Launch.ts"
export * from "./LoadBalance.ts"
export * from "./ModelHealth.ts"
export * from "./NamedStrategy.ts"
export * from "./Plan.ts"
export * from "./Race.ts"
export * from "./Retry.ts"
export * from "./Timeout.ts"
export * from "./TimeBound.ts"
export * from "./Vote.ts"
