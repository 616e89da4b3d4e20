/**
 * Presets of the OpenAI-compatible servers people run: the name their models go by, the address they listen on by
 * default, and where they state a model's context window. Adding a server is one entry here (and its test).
 */

/** One server kind's defaults. */
export interface OpenAiCompatPreset {
  /** The backend name in model ids. */
  readonly name: string
  /** The default API root. */
  readonly baseUrl: string
  /** What it is, for `orch providers` and error messages. */
  readonly title: string
  /** The server states each slot's context in `GET /props` (a llama.cpp server). */
  readonly propsWindow?: boolean
  /** Whether it accepts `stream_options.include_usage` (default true). */
  readonly streamUsage?: boolean
  /**
   * The server says each model's type, state and loaded context at `GET /api/v0/models` (LM Studio): embedding
   * models, which its `/v1/models` lists beside chat models, are then left out.
   */
  readonly modelDetails?: boolean
}

/** The presets by name. */
export const openAiCompatPresets = {
  vllm: { name: "vllm", baseUrl: "http://127.0.0.1:8000/v1", title: "vLLM" },
  "llama-server": { name: "llama-server", baseUrl: "http://127.0.0.1:8080/v1", title: "llama.cpp server", propsWindow: true },
  lmstudio: { name: "lmstudio", baseUrl: "http://127.0.0.1:1234/v1", title: "LM Studio", modelDetails: true },
  "ollama-openai": { name: "ollama-openai", baseUrl: "http://127.0.0.1:11434/v1", title: "Ollama's OpenAI-compatible API" },
  sglang: { name: "sglang", baseUrl: "http://127.0.0.1:30000/v1", title: "SGLang" }
} as const satisfies Record<string, OpenAiCompatPreset>

/** A preset's name. */
export type OpenAiCompatPresetName = keyof typeof openAiCompatPresets

/** Whether a string names a preset. */
export const isOpenAiCompatPreset = (name: string): name is OpenAiCompatPresetName => Object.hasOwn(openAiCompatPresets, name)
