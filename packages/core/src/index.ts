/**
 * @orch/core: the ModelOrchestrator (`complete`, `stream`, `ensemble`, `delegate`) over the providers an
 * application hands in, with the strategies, the task router and the cost tracker. An Effect API (services and
 * layers) and a Promise API (`createOrchestrator`, `getOrchestrator`).
 */
export * from "./Capabilities.ts"
export * from "./MeteredModel.ts"
export * from "./ModelCatalog.ts"
export * from "./ModelOrchestrator.ts"
export * from "./OrchestratedResponse.ts"
export * from "./OrchestratorOptions.ts"
export * from "./EnvironmentConfig.ts"
export * from "./PromiseOrchestrator.ts"
export * from "./SchemaOutput.ts"
export { ProviderError } from "@orch/provider"
