/**
 * @orch/task-router: classify a prompt by task type (code generation, review, reasoning, summarization, error
 * diagnosis, data interpretation, workflow generation, general) with a learned linear model over the request's words
 * and the payload's kind, and route it to the models and strategy that suit it.
 */
export * from "./TaskType.ts"
export * from "./Classifier.ts"
export * from "./ClassifierTiers.ts"
export * from "./GivenTaskType.ts"
export * from "./Evaluation.ts"
export { splitPrompt, payloadKinds, type PayloadKind, type PayloadBlock, type SplitPrompt } from "./Payload.ts"
export * from "./ModelPattern.ts"
export * from "./RoutingTable.ts"
export * from "./Route.ts"
export * from "./TaskRouter.ts"
