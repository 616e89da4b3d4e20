/**
 * `orch run "<prompt>"`: one answer through the orchestrator. Tokens stream to stdout as they arrive, then the
 * routing decision and the cost table of every attempt follow on stdout, so the whole report can be piped. With
 * `--json`, no streaming and exactly one JSON object on stdout. `--image` adds images to the prompt, `--schema`
 * asks for JSON matching a schema (and prints the object), `--tools` offers tools (and prints the calls made).
 */
import type { CallOptions, OrchestratedResponse, PromptInput } from "@orch/core"
import { parseCommandArguments, positiveIntegerFlag, promptOf, stringFlag } from "./CommandLine.ts"
import { readImage, readSchema, readTools } from "./RequestFiles.ts"
import { applyConfigFile } from "./ConfigFile.ts"
import { ExitCode } from "./ExitCode.ts"
import { setupOrchestrator } from "./OrchestratorSetup.ts"
import { attemptTable, describeRouting, responseJson } from "./ResponseReport.ts"
import { strategyFromArgument, taskTypeFromArgument } from "./StrategyAliases.ts"
import type { Terminal } from "./Terminal.ts"
import { UsageError } from "./UsageError.ts"

/** The usage of `orch run`. */
export const runUsage = `orch run "<prompt>" [--strategy S] [--task T] [--model M] [--max-tokens N] [--image FILE]... [--schema FILE.json] [--tools FILE.json] [--stream] [--json] [--config FILE]
  --strategy   auto (default), local_first, cloud_first, local_only (local), cloud_only (cloud), cascade, ensemble, parallel; any case
  --task       skip classification: code_generation, code_review, reasoning, summarization, error_diagnosis, ...
  --model      call this model only (backend/name, e.g. ollama/llama3.2, openai/gpt-4o-mini); see orch providers
  --max-tokens the longest answer, in tokens
  --image      add an image (PNG, JPEG, GIF, WebP) to the prompt; repeat for several; only models that take images are asked
  --schema     ask for JSON matching this JSON Schema file and print the parsed object
  --tools      offer the tools in this JSON file ([{ "name", "description", "parameters" }]) and print the calls the model makes
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

/** The object (pretty JSON) or the tool calls (one per line: name and arguments) of a response, else its text. */
export const structuredReport = (response: OrchestratedResponse): string => {
  const lines: Array<string> = []
  if (response.object !== undefined) lines.push(JSON.stringify(response.object, null, 2))
  for (const call of response.toolCalls ?? []) lines.push(`tool call ${JSON.stringify(call.name)} ${JSON.stringify(call.arguments)} (id ${JSON.stringify(call.id)})`)
  if (lines.length === 0) lines.push(response.text.length > 0 ? response.text : "(no object and no tool calls)")
  return lines.join("\n")
}

/** Run `orch run`; resolves with the exit code, rejects with a ProviderError or UsageError. */
export const runCommand = async (args: ReadonlyArray<string>, terminal: Terminal): Promise<number> => {
  const parsed = parseCommandArguments("run", args, {
    strategy: { type: "string", short: "s" }, task: { type: "string", short: "t" }, model: { type: "string", short: "m" },
    "max-tokens": { type: "string" }, stream: { type: "boolean" }, json: { type: "boolean" }, config: { type: "string" },
    image: { type: "string", multiple: true }, schema: { type: "string" }, tools: { type: "string" }
  })
  if (parsed.values["help"] === true) { terminal.stdout.write(`${runUsage}\n`); return ExitCode.Ok }
  if (parsed.values["json"] === true && parsed.values["stream"] === true) throw new UsageError("--json prints one object at the end: drop --stream", "run")
  const text = promptOf("run", parsed)
  const images = ((parsed.values["image"] ?? []) as unknown as ReadonlyArray<string>).map((file) => readImage("run", file))
  const schemaFile = stringFlag(parsed, "schema")
  const toolsFile = stringFlag(parsed, "tools")
  const prompt: PromptInput = images.length === 0 ? text : [{ role: "user", content: [{ type: "text", text }, ...images] }]
  const callOptions: CallOptions = {
    ...callOptionsOf("run", parsed),
    ...(schemaFile !== undefined ? { responseFormat: { type: "json", schema: readSchema("run", schemaFile) } } : {}),
    ...(toolsFile !== undefined ? { tools: readTools("run", toolsFile) } : {})
  }
  const structured = schemaFile !== undefined || toolsFile !== undefined
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
    if (structured) {
      // The answer is an object or tool calls, not prose: print them whole once they are checked.
      const response = await orchestrator.complete(prompt, { ...callOptions, signal: terminal.signal })
      terminal.stdout.write(`${structuredReport(response)}\n\n${describeRouting(response)}\n\n${attemptTable(response.attempts)}\n`)
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
