/** @orch cost tracker: prices, per-attempt costs, budgets and a durable ledger */
export {}
