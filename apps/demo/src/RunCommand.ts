/**
 * `orch run "<prompt>"`: one answer through the orchestrator. Tokens stream to stdout as they arrive, then the
 * routing decision and the cost table of every attempt follow on stdout, so the whole report can be piped. With
 * `--json`, no streaming and exactly one JSON object on stdout.
 */
import type { CallOptions } from "@orch/core"
import { parseCommandArguments, positiveIntegerFlag, promptOf, stringFlag } from "./CommandLine.ts"
import { applyConfigFile } from "./ConfigFile.ts"
import { ExitCode } from "./ExitCode.ts"
import { setupOrchestrator } from "./OrchestratorSetup.ts"
import { attemptTable, describeRouting, responseJson } from "./ResponseReport.ts"
import { strategyFromArgument, taskTypeFromArgument } from "./StrategyAliases.ts"
import type { Terminal } from "./Terminal.ts"
import { UsageError } from "./UsageError.ts"

/** The usage of `orch run`. */
export const runUsage = `orch run "<prompt>" [--strategy S] [--task T] [--model M] [--max-tokens N] [--stream] [--json] [--config FILE]
  --strategy   auto (default), local_first, cloud_first, local_only (local), cloud_only (cloud), cascade, ensemble, parallel; any case
  --task       skip classification: code_generation, code_review, reasoning, summarization, error_diagnosis, ...
  --model      call this model only (backend/name, e.g. ollama/llama3.2, openai/gpt-4o-mini); see orch providers
  --max-tokens the longest answer, in tokens
  --stream     stream tokens as they arrive (the default without --json)
  --json       no streaming: one JSON object on stdout (text, provider, model, strategy, taskType, usage, costUsd, attempts, ...)`

/** The call options from the flags. */
export const callOptionsOf = (command: string, parsed: Parameters<typeof stringFlag>[0]): CallOptions => {
  const strategy = stringFlag(parsed, "strategy")
  const task = stringFlag(parsed, "task")
  const model = stringFlag(parsed, "model")
  const maxTokens = positiveIntegerFlag(command, parsed, "max-tokens")
  return {
    ...(strategy !== undefined ? { strategy: strategyFromArgument(strategy) } : {}),
    ...(task !== undefined ? { taskType: taskTypeFromArgument(task) } : {}),
    ...(model !== undefined ? { model } : {}),
    ...(maxTokens !== undefined ? { maxTokens } : {})
  }
}

/** Run `orch run`; resolves with the exit code, rejects with a ProviderError or UsageError. */
export const runCommand = async (args: ReadonlyArray<string>, terminal: Terminal): Promise<number> => {
  const parsed = parseCommandArguments("run", args, {
    strategy: { type: "string", short: "s" }, task: { type: "string", short: "t" }, model: { type: "string", short: "m" },
    "max-tokens": { type: "string" }, stream: { type: "boolean" }, json: { type: "boolean" }, config: { type: "string" }
  })
  if (parsed.values["help"] === true) { terminal.stdout.write(`${runUsage}\n`); return ExitCode.Ok }
  if (parsed.values["json"] === true && parsed.values["stream"] === true) throw new UsageError("--json prints one object at the end: drop --stream", "run")
  const prompt = promptOf("run", parsed)
  const callOptions = callOptionsOf("run", parsed)
  const config = stringFlag(parsed, "config")
  const env = config !== undefined ? applyConfigFile(config, terminal.env) : terminal.env
  const setup = await setupOrchestrator({ env, progress: terminal.progress ?? terminal.stderr, embeddedDefault: true, ...(callOptions.strategy !== undefined ? { strategy: callOptions.strategy } : {}), ...(callOptions.model !== undefined ? { models: [callOptions.model] } : {}) })
  const { orchestrator } = setup
  try {
    if (parsed.values["json"] === true) {
      const response = await orchestrator.complete(prompt, { ...callOptions, signal: terminal.signal })
      terminal.stdout.write(`${JSON.stringify(responseJson(response))}\n`)
      return ExitCode.Ok
    }
    const stream = orchestrator.stream(prompt, { ...callOptions, signal: terminal.signal })
    for await (const delta of stream) terminal.stdout.write(delta)
    const response = await stream.response
    terminal.stdout.write(`\n\n${describeRouting(response)}\n\n${attemptTable(response.attempts)}\n`)
    return ExitCode.Ok
  } finally {
    await orchestrator.dispose()
  }
}
