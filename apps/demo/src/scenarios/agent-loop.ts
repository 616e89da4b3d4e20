/**
 * Scenario: a small agent loop with a tool, on LOCAL_FIRST, that survives a failover mid-conversation. The local
 * model (the Ollama stand-in, replaying a recorded tool call) asks for `get_current_weather`; the scenario runs the
 * tool itself and sends the result back. Ollama then fails (503), so LOCAL_FIRST continues the same conversation on
 * the cloud model (the OpenAI stand-in), which reads the local model's tool call and its result and answers. The
 * history is carried as @orch messages; each backend gets it in the form it accepts (tool-call ids rewritten where
 * needed, results right after their calls).
 *
 * Run: node --conditions=@orch/source apps/demo/src/scenarios/agent-loop.ts
 */
import { createOrchestrator } from "@orch/core"
import type { Message, ToolCall, ToolDefinition } from "@orch/provider"
import { startSubstrate } from "../LoopbackSubstrate.ts"

/** The tool the agent may call, and its implementation: a lookup in the scenario's own table. */
const weatherTool: ToolDefinition = {
  name: "get_current_weather",
  description: "The current weather in a city",
  parameters: { type: "object", properties: { city: { type: "string", description: "The city, e.g. Paris" } }, required: ["city"] }
}
const weatherByCity: Readonly<Record<string, string>> = { paris: "18 °C, light rain", oslo: "4 °C, clear" }
const runTool = (call: ToolCall): string => {
  const city = typeof call.arguments["city"] === "string" ? call.arguments["city"] : ""
  return weatherByCity[city.toLowerCase()] ?? `no weather known for ${JSON.stringify(city)}`
}

let turn = 0
const substrate = await startSubstrate({
  // Turn 1: the recorded Ollama tool call; turn 2: Ollama is overloaded, so the conversation moves to the cloud.
  localAnswer: () => (++turn === 1 ? { kind: "replay", fixture: "ollama/chat_tool_calls.json" } : { kind: "fault", fault: "server-503" }),
  cloudAnswer: () => ({ kind: "synth", text: "In Paris it is 18 °C with light rain: take an umbrella." })
})
// The Ollama stand-in says, as Ollama's `/api/show` does for llama3.2, that the model can call tools (a model that
// cannot is never sent a request with tools); one answer for each time the provider asks.
const show = { kind: "json", status: 200, body: { modelfile: "", parameters: "", template: "{{ .Prompt }}", model_info: { "general.architecture": "llama", "llama.context_length": 131072 }, capabilities: ["completion", "tools"] } } as const
substrate.local.enqueueFor("/api/show", ...Array.from({ length: 8 }, () => show))
const orchestrator = createOrchestrator({ providers: substrate.providers, strategy: "local_first" })
try {
  const messages: Array<Message> = [{ role: "user", content: "What is the weather in Paris? Use the get_current_weather tool." }]
  const models = ["ollama/llama3.2:1b", "openai/gpt-4o-mini"]
  for (let step = 1; step <= 4; step++) {
    const response = await orchestrator.complete(messages, { tools: [weatherTool], models })
    const failed = response.attempts.filter((a) => a.outcome === "failure").map((a) => `${a.provider}/${a.model} (${a.error ?? "failed"})`)
    console.log(`turn ${step}: ${response.provider}/${response.model} answered${failed.length > 0 ? ` after ${failed.join(", ")} failed` : ""}`)
    const calls = response.toolCalls ?? []
    if (calls.length === 0) {
      console.log(`final answer from ${response.provider}/${response.model}: ${response.text}`)
      break
    }
    messages.push({ role: "assistant", content: response.text, toolCalls: calls })
    for (const call of calls) {
      const result = runTool(call)
      console.log(`  tool call ${call.name}(${JSON.stringify(call.arguments)}) -> ${result}`)
      messages.push({ role: "tool", toolCallId: call.id, name: call.name, content: result })
    }
  }
  const cloudSaw = substrate.cloud.requests.filter((r) => r.path === "/v1/chat/completions").at(-1)?.body as { messages?: ReadonlyArray<{ role: string }> } | undefined
  console.log(`the cloud model received the conversation as ${(cloudSaw?.messages ?? []).map((m) => m.role).join(" -> ") || "nothing"}`)
} finally {
  await orchestrator.dispose()
  await substrate.close()
}
