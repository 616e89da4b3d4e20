/**
 * Structured output with an Effect `Schema`: the schema is sent to the model as JSON Schema
 * (`responseFormat: { type: "json", schema }`), every backend's answer is checked against it, and the response's
 * `object` is decoded to the schema's type. An answer that does not decode is a `MalformedResponse` with the text.
 */
import { malformedStructuredOutput, type ProviderError } from "@orch/provider"
import { Effect, Result, Schema } from "effect"
import { ModelOrchestrator } from "./ModelOrchestrator.ts"
import type { OrchestratedResponse } from "./OrchestratedResponse.ts"
import type { CallOptions, PromptInput } from "./OrchestratorOptions.ts"

/** A response whose `object` is the schema's decoded value. */
export type ObjectResponse<A> = OrchestratedResponse & { readonly object: A }

/** A schema as the JSON Schema object a request carries: the document's root with its definitions as `$defs`. */
export const jsonSchemaOf = (schema: Schema.Top): Readonly<Record<string, unknown>> => {
  const document = Schema.toJsonSchemaDocument(schema)
  const definitions = document.definitions ?? {}
  return Object.keys(definitions).length > 0 ? { ...document.schema, $defs: definitions } : { ...document.schema }
}

/**
 * `complete` with an Effect `Schema` for the answer: the model is asked for JSON matching the schema (named `name`
 * where a backend wants a name), and the response's `object` is the decoded value, of the schema's type.
 */
export const completeObject = <S extends Schema.Top & Schema.Codec<unknown, unknown, never, never>>(
  schema: S,
  input: PromptInput,
  options: Omit<CallOptions, "responseFormat"> & { readonly name?: string } = {}
): Effect.Effect<ObjectResponse<S["Type"]>, ProviderError, ModelOrchestrator> =>
  Effect.gen(function*() {
    const { name, ...callOptions } = options
    const orchestrator = yield* ModelOrchestrator
    const response = yield* orchestrator.complete(input, {
      ...callOptions,
      responseFormat: { type: "json", schema: jsonSchemaOf(schema), ...(name !== undefined ? { name } : {}) }
    })
    const decoded = Schema.decodeUnknownResult(Schema.toCodecJson(schema))(response.object)
    if (Result.isFailure(decoded)) {
      return yield* Effect.fail(malformedStructuredOutput(response.text, [decoded.failure.message.split("\n")[0] ?? "does not decode"], { provider: response.provider, model: response.model }))
    }
    return { ...response, object: decoded.success as S["Type"] }
  })
