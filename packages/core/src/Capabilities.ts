/**
 * Capability routing: a request that carries images, files, tools or a JSON schema goes only to models that can take
 * it. What a model can do comes from its `info.capabilities` (the service says: Ollama `/api/show`, model lists),
 * else from the small table of well-known model families below; what nobody says is unknown, and an unknown
 * capability does not exclude a model (the service decides). When every candidate lacks something the request
 * needs, the call fails before anything is sent, with an `InvalidRequest` naming the missing capabilities.
 */
import {
  hasFiles, hasImages, invalidRequest, type CompletionRequest, type LanguageModel, type ModelCapabilities, type ProviderError
} from "@orch/provider"
import { Effect } from "effect"

/** A capability a request may need. */
export type Capability = keyof ModelCapabilities

/** What well-known model families can do, by backend and name, where the service does not say. */
const knownFamilies: ReadonlyArray<{ readonly provider?: string; readonly name: RegExp; readonly capabilities: ModelCapabilities }> = [
  { name: /^gpt-3\.5/, capabilities: { tools: true, images: false, files: false, jsonSchema: false, reasoning: false } },
  { name: /^(gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4-turbo)/, capabilities: { tools: true, images: true, files: true, jsonSchema: true, reasoning: false } },
  { name: /^gpt-5/, capabilities: { tools: true, images: true, files: true, jsonSchema: true, reasoning: true } },
  { name: /^o[134](-|$)/, capabilities: { tools: true, jsonSchema: true, reasoning: true } },
  { name: /^claude-(3-7|sonnet-4|opus-4|haiku-4|[a-z]+-4)/, capabilities: { tools: true, images: true, files: true, jsonSchema: true, reasoning: true } },
  { name: /^claude-/, capabilities: { tools: true, images: true, jsonSchema: true } },
  // The embedded engine (node-llama-cpp) reads text only.
  { provider: "llamacpp", name: /./, capabilities: { images: false, files: false } }
]

/** What a model can do: its own `info.capabilities` first, then the well-known family table. */
export const capabilitiesOf = (model: LanguageModel): ModelCapabilities => {
  const family = knownFamilies.find((f) => (f.provider === undefined || f.provider === model.provider) && f.name.test(model.name))
  return { ...family?.capabilities, ...model.info?.capabilities }
}

/** What a request needs beyond text: tools (offered and not turned off), images, files, a JSON schema. */
export const requiredCapabilities = (request: CompletionRequest): ReadonlyArray<Capability> => {
  const needed: Array<Capability> = []
  if ((request.tools?.length ?? 0) > 0 && request.toolChoice !== "none") needed.push("tools")
  if (hasImages(request)) needed.push("images")
  if (hasFiles(request)) needed.push("files")
  if (request.responseFormat?.type === "json" && request.responseFormat.schema !== undefined) needed.push("jsonSchema")
  return needed
}

const describe: Readonly<Record<Capability, string>> = {
  tools: "tools",
  images: "images",
  files: "files",
  jsonSchema: "a JSON schema",
  reasoning: "reasoning"
}

/**
 * The models that can take the request, in their order: those that do not say they lack a capability it needs.
 * When there were models and none is left, fails with `InvalidRequest` (`missingCapabilities` set) naming, for each
 * model, what it lacks, before anything is sent.
 */
export const capableModels = (models: ReadonlyArray<LanguageModel>, request: CompletionRequest): Effect.Effect<ReadonlyArray<LanguageModel>, ProviderError> => {
  // Decided at once (the answer is an Exit): it reads only its arguments.
  const needed = requiredCapabilities(request)
  if (needed.length === 0 || models.length === 0) return Effect.succeed(models)
  const lacking = models.map((model) => {
    const capabilities = capabilitiesOf(model)
    return { model, missing: needed.filter((c) => capabilities[c] === false) }
  })
  const capable = lacking.filter((l) => l.missing.length === 0).map((l) => l.model)
  if (capable.length > 0) return Effect.succeed(capable)
  const missing = needed.filter((c) => lacking.some((l) => l.missing.includes(c)))
  const issue = `no model that could answer can take ${missing.map((c) => describe[c]).join(" and ")}: ${
    lacking.map((l) => `${l.model.id} cannot take ${l.missing.map((c) => describe[c]).join(" or ")}`).join("; ")
  }. Name a model that can (e.g. a vision or tool-calling model), or leave them out of the request.`
  return Effect.fail(invalidRequest([issue], {}, missing))
}
