/**
 * Errors a person understands: each `ProviderError` reason turned into one line that says what went wrong and
 * the fix (start Ollama, `ollama pull <model>`, set a key, raise the budget, point ORCH_LLAMA_MODEL at a file).
 */
import type { ProviderError } from "@orch/provider"

const noModelFix = "configure a model: start Ollama (`ollama serve`, then `ollama pull llama3.2`) or set OLLAMA_HOST; set ORCH_LLAMA_MODEL=path/to/model.gguf for the embedded engine; or set OPENAI_API_KEY, ANTHROPIC_API_KEY or LIGHTNING_API_KEY"

const keyVariable = (provider: string | undefined): string => {
  if (provider === "anthropic") return "ANTHROPIC_API_KEY"
  if (provider === "lightning") return "LIGHTNING_API_KEY"
  if (provider === "vllm") return "VLLM_API_KEY"
  return "OPENAI_API_KEY"
}

const formatUsd = (usd: number): string => `$${usd.toFixed(4)}`

/** The fix for one error, or undefined when there is nothing a person can do but retry. */
export const fixFor = (error: ProviderError): string | undefined => {
  const reason = error.reason
  const provider = error.provider
  switch (reason._tag) {
    case "BudgetExceeded":
      return `the budget "${reason.budget}" allows ${formatUsd(reason.limitUsd)} and ${formatUsd(reason.spentUsd)} is spent; raise ORCH_BUDGET_USD (or "budgetUsd" in --config), or wait for the budget's period to end`
    case "Authentication":
    case "PermissionDenied":
      return `the ${provider ?? "provider"} key is missing or was rejected: set ${keyVariable(provider)} to a valid key`
    case "ModelNotFound":
      if (reason.modelId === "any") return noModelFix
      if (provider === "ollama") return `pull the model first: \`ollama pull ${error.model ?? reason.modelId.replace(/^ollama\//, "")}\``
      if (provider === "llamacpp") return "point ORCH_LLAMA_MODEL at an existing GGUF file"
      return "run `orch providers` to see the models you can call, then pass one with --model"
    case "Unavailable":
      if (reason.component === "ledger") return "the cost ledger could not be opened or written: check ORCH_COST_DB (SQLite) or the Redis URL (redisUrl, ORCH_REDIS_URL) and that it is reachable"
      // No provider could take the call: the message already names each one's problem and the variable to set.
      if (provider === undefined && /needs a (local|cloud) provider|No model is available/.test(error.message)) return noModelFix
      if (/download/i.test(error.message)) return "there is no network to download the embedded default model: set ORCH_LLAMA_MODEL=path/to/model.gguf (offline example: ORCH_LLAMA_MODEL=../shared/models/stories260K-chatml.gguf)"
      if (provider === "ollama") return "Ollama is not running: start it with `ollama serve` (or set OLLAMA_HOST to where it runs)"
      if (provider === "vllm") return "the vLLM server is not reachable: start it or set VLLM_BASE_URL"
      if (provider === "llamacpp") return "the embedded engine could not start: check ORCH_LLAMA_MODEL and that node-llama-cpp is installed"
      return `${provider ?? "the service"} is not reachable: check the network and the base URL`
    case "ContextLengthExceeded":
      return `the prompt is too long for the model${reason.limit !== undefined ? ` (limit ${reason.limit} tokens)` : ""}: shorten it or pick a model with a larger context (--model)`
    case "RateLimited":
      return reason.quotaExhausted === true ? `the ${provider ?? "provider"} account's quota is used up: add credit or use another provider` : "rate limited: wait a little and retry"
    case "Timeout":
      return "the model did not answer in time: raise ORCH_DEADLINE_MS or try a smaller model"
    case "InvalidRequest":
      return "fix the request as the message says"
    default:
      return undefined
  }
}

/** The lines that explain an error: its message and fix, and for AllAttemptsFailed, each attempt's. */
export const explainError = (error: ProviderError): ReadonlyArray<string> => {
  const reason = error.reason
  if (reason._tag === "AllAttemptsFailed") {
    const lines = [`error: every attempt failed (${reason.errors.length})`]
    for (const inner of reason.errors) {
      const fix = fixFor(inner)
      lines.push(`  - ${inner.provider ?? "?"}${inner.model !== undefined ? `/${inner.model}` : ""}: ${inner.reason._tag}: ${inner.message}`)
      if (fix !== undefined) lines.push(`    fix: ${fix}`)
    }
    return lines
  }
  const fix = fixFor(error)
  return [`error: ${reason._tag}: ${error.message}`, ...(fix !== undefined ? [`fix: ${fix}`] : [])]
}
