/** @orch strategies: composable primitives (retry, timeout, fallback, race, hedge, cascade, vote, chain, circuit breaker, load balance) and the named strategies */
export {}
