/**
 * @orch/provider: the contract every @orch package builds on. Requests (text, images, files, tools, schemas),
 * completions, stream parts, models as values, providers, attempt events, cross-provider history, structured output,
 * and the one error type with its typed reasons. Depends on `effect` only.
 */
export * from "./AnswerAssembler.ts"
export * from "./Attempt.ts"
export * from "./CanonicalJson.ts"
export * from "./Collect.ts"
export * from "./Completion.ts"
export * from "./History.ts"
export * from "./EventReader.ts"
export * from "./HttpErrors.ts"
export * from "./MakeLanguageModel.ts"
export * from "./JsonSchema.ts"
export * from "./Model.ts"
export * from "./Provider.ts"
export * from "./PlainStage.ts"
export * from "./ProviderGroup.ts"
export * from "./ProviderError.ts"
export * from "./Redaction.ts"
export * from "./Request.ts"
export * from "./SdkFailure.ts"
export * from "./StreamPart.ts"
export * from "./ThinkTags.ts"
export * from "./TimerAt.ts"
export * from "./StructuredOutput.ts"
export * from "./ToolCallAssembly.ts"
