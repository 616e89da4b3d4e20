/**
 * Lightning AI's client: its model API speaks the OpenAI wire format, so it is the kit's client with Lightning's
 * base URL and key, under its own backend name.
 */
import type { OpenAiCompatClient } from "@orch/openai-compat"
import type { BackendSettings } from "./internal/BackendSettings.ts"
import { makeOpenAiClient } from "./OpenAiClient.ts"

/** The kit's client pointed at Lightning AI (settings resolved from `LightningOptions`). */
export const makeLightningClient = (settings: BackendSettings): OpenAiCompatClient => makeOpenAiClient(settings)
