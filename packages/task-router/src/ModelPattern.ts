/**
 * Model preferences as patterns: an exact id (`openai/gpt-4o-mini`), a glob (`anthropic/*`, `*mini*`), or a kind
 * (`local:*`, `cloud:*`, optionally narrowed: `local:llama*`). Matches are found among the models available now.
 */
import type { ModelInfo } from "@orch/provider"

const globCache = new Map<string, RegExp>()

const glob = (pattern: string): RegExp => {
  let compiled = globCache.get(pattern)
  if (compiled === undefined) {
    const source = pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")
    compiled = new RegExp(`^${source}$`, "i")
    globCache.set(pattern, compiled)
  }
  return compiled
}

/** Whether one available model matches a preference pattern. */
export const matchesPattern = (pattern: string, model: ModelInfo): boolean => {
  const kind = /^(local|cloud):(.*)$/.exec(pattern)
  if (kind !== null) {
    const rest = kind[2] ?? "*"
    return model.kind === kind[1] && (rest === "" || rest === "*" || glob(rest).test(model.id) || glob(rest).test(model.name))
  }
  return pattern.includes("*") ? glob(pattern).test(model.id) : pattern.toLowerCase() === model.id.toLowerCase()
}

/**
 * The available models matching a pattern, in a stable order: for local models those already loaded first,
 * otherwise in the order they were listed.
 */
export const modelsMatching = (pattern: string, available: ReadonlyArray<ModelInfo>): ReadonlyArray<ModelInfo> => {
  const matched = available.filter((model) => matchesPattern(pattern, model))
  return matched
    .map((model, index) => ({ model, index }))
    .sort((a, b) => (a.model.loaded === true ? 0 : 1) - (b.model.loaded === true ? 0 : 1) || a.index - b.index)
    .map(({ model }) => model)
}
