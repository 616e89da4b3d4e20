/**
 * Lightning AI's client: its model API speaks the OpenAI wire format, so it is the official `openai` client with
 * Lightning's base URL and key (retries off, backstop timeout, no SDK logging), under its own backend name.
 */
import type OpenAI from "openai"
import type { BackendSettings } from "./internal/BackendSettings.ts"
import { makeOpenAiClient } from "./OpenAiClient.ts"

/** An `openai` client pointed at Lightning AI (settings resolved from `LightningOptions`). */
export const makeLightningClient = (settings: BackendSettings): OpenAI => makeOpenAiClient(settings)
