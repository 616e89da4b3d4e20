/**
 * @orch/cost-tracker: prices, a cost for every attempt, budgets enforced before money is spent, and a durable
 * ledger (in memory, SQLite or Redis). Depends on the contract (`@orch/provider`) only.
 */
export * from "./AttemptRecord.ts"
export * from "./Budget.ts"
export * from "./CostTracker.ts"
export * from "./LedgerExport.ts"
export * from "./LedgerStore.ts"
export * from "./LiteLlmPrices.ts"
export * from "./MemoryLedger.ts"
export * from "./ModelPrice.ts"
export * from "./Money.ts"
export * from "./PriceData.ts"
export * from "./PriceTable.ts"
export * from "./RedisLedger.ts"
export * from "./SqliteLedger.ts"
export * from "./Summary.ts"
export * from "./TokenEstimate.ts"
export * from "./UsageCheck.ts"
