/**
 * @orch/testing (private): what makes tests real without a model service. A loopback HTTP server that replays the
 * recorded traffic of the real services and synthesises their wire formats with faults on demand, and a scripted
 * model for strategy tests driven by `TestClock`.
 */
export * from "./Backstop.ts"
export * from "./BoundedCalls.ts"
export * from "./BoundedStreamCases.ts"
export * from "./ModelCalls.ts"
export * from "./RedisServer.ts"
export * from "./SharedData.ts"
export * from "./ScriptedModel.ts"
export * from "./ScriptedProvider.ts"
export * from "./WireServer.ts"
