/**
 * What the `model` field of a request can name: a real model (`ollama/llama3.2`, `openai/gpt-4o-mini`), a virtual
 * model for a strategy (`orch/auto`, `orch/local-first`, ...), or an alias from the config file (a strategy, its
 * models and its budget). Resolving a name is a map lookup; anything else is passed to the orchestrator as a model id.
 */

/** The virtual models and the named strategy each runs. */
export const virtualModels: Readonly<Record<string, string>> = {
  "orch/auto": "auto",
  "orch/local-first": "local_first",
  "orch/cloud-first": "cloud_first",
  "orch/local-only": "local_only",
  "orch/cloud-only": "cloud_only",
  "orch/parallel": "parallel",
  "orch/cascade": "cascade",
  "orch/ensemble": "ensemble"
}

/** An alias as the config file gives it. */
export interface ModelAlias {
  /** The named strategy (any case, `-` or `_`); default `auto`. */
  readonly strategy?: string
  /** The models to use, in order (`backend/name`); default the route's. */
  readonly models?: ReadonlyArray<string>
  /** A hard, all-time budget in USD for everything called through this alias. */
  readonly budgetUsd?: number
  /** A description for `/v1/models` clients that show one. */
  readonly description?: string
}

/** How a request's model is served. */
export interface ModelRoute {
  /** The named strategy, for virtual models and aliases. */
  readonly strategy?: string
  /** The one model, when a real model is named. */
  readonly model?: string
  /** The alias's models. */
  readonly models?: ReadonlyArray<string>
  /** The alias, when one was named. */
  readonly alias?: string
}

const strategies = new Set(Object.values(virtualModels))

/** A strategy name in any case and with `-` or `_`, as the orchestrator spells it. */
export const normalizeStrategy = (name: string): string => name.trim().toLowerCase().replace(/-/g, "_")

/**
 * Check the `aliases` object of a config file: names that are not virtual models, known strategies, model ids as
 * `backend/name`, non-negative budgets. Returns the problems, or the aliases.
 */
export const parseAliases = (value: unknown): { readonly aliases: Readonly<Record<string, ModelAlias>> } | { readonly problems: ReadonlyArray<string> } => {
  if (value === undefined) return { aliases: {} }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { problems: ['"aliases" must be an object such as { "fast": { "strategy": "local_first", "models": ["ollama/llama3.2"] } }'] }
  const problems: Array<string> = []
  const aliases: Record<string, ModelAlias> = {}
  for (const [name, raw] of Object.entries(value)) {
    const where = `alias "${name.slice(0, 60)}"`
    if (!/^[A-Za-z0-9._:/-]{1,128}$/.test(name)) { problems.push(`${where}: a name is 1 to 128 letters, digits, ".", "_", ":", "/" or "-"`); continue }
    if (name.startsWith("orch/")) { problems.push(`${where}: names under orch/ are the virtual strategy models`); continue }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) { problems.push(`${where} must be an object`); continue }
    const { strategy, models, budgetUsd, description, ...rest } = raw as Record<string, unknown>
    for (const extra of Object.keys(rest)) problems.push(`${where}: "${extra.slice(0, 40)}" is not a field (use strategy, models, budgetUsd, description)`)
    if (strategy !== undefined && (typeof strategy !== "string" || !strategies.has(normalizeStrategy(strategy)))) {
      problems.push(`${where}: "strategy" must be one of ${[...strategies].join(", ")}`)
    }
    if (models !== undefined && (!Array.isArray(models) || models.length === 0 || !models.every((m) => typeof m === "string" && /^[^/\s]+\/\S+$/.test(m)))) {
      problems.push(`${where}: "models" must be a non-empty list of backend/name ids`)
    }
    if (budgetUsd !== undefined && (typeof budgetUsd !== "number" || !Number.isFinite(budgetUsd) || budgetUsd < 0)) problems.push(`${where}: "budgetUsd" must be a number >= 0`)
    if (description !== undefined && typeof description !== "string") problems.push(`${where}: "description" must be a string`)
    aliases[name] = {
      ...(typeof strategy === "string" ? { strategy: normalizeStrategy(strategy) } : {}),
      ...(Array.isArray(models) ? { models: models as ReadonlyArray<string> } : {}),
      ...(typeof budgetUsd === "number" ? { budgetUsd } : {}),
      ...(typeof description === "string" ? { description } : {})
    }
  }
  return problems.length > 0 ? { problems } : { aliases }
}

/** The route of a `model` field: virtual model, alias, or a real model id. */
export const routeModel = (model: string, aliases: Readonly<Record<string, ModelAlias>>): ModelRoute => {
  const strategy = virtualModels[model]
  if (strategy !== undefined) return { strategy }
  const alias = Object.hasOwn(aliases, model) ? aliases[model] : undefined
  if (alias !== undefined) {
    return { strategy: alias.strategy ?? "auto", ...(alias.models !== undefined ? { models: alias.models } : {}), alias: model }
  }
  return { model }
}

/** The budget scope key of an alias in the ledger. */
export const aliasScope = (alias: string): string => `alias/${alias}`
