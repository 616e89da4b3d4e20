/**
 * @orch/gateway: the orchestrator behind OpenAI's HTTP API, so any language and any OpenAI client gets @orch's
 * routing, strategies, budgets and ledger. `createGateway` gives a `node:http` request handler to mount in an
 * existing server; `serve` runs it on its own server.
 */
export * from "./ApiKeys.ts"
export * from "./Gateway.ts"
export { type ModelAlias, parseAliases, virtualModels } from "./ModelDirectory.ts"
export { type GatewayError } from "./OpenAiError.ts"
export * from "./Serve.ts"
