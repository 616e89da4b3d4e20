/**
 * The resolved settings of one cloud backend (key, base URL, backstop timeout), or why it is not configured.
 * Every backend resolves its options the same way: a key that is missing or blank makes it unavailable with a
 * reason that names the variable to set; a base URL that is not a URL does the same.
 */
import { registerSecrets, secretsOfUrl } from "@orch/provider"
import { Config, Option, Redacted } from "effect"

/** The SDK timeout when none is given: a backstop only, the strategies own the real deadlines. */
export const defaultTimeoutMs = 10 * 60 * 1000

/** Settings of a backend that can be called. */
export interface BackendSettings {
  /** The backend's name: the ledger's provider column and the model id prefix. */
  readonly backend: string
  readonly apiKey: Redacted.Redacted<string>
  readonly baseUrl: string
  readonly timeoutMs: number
  /** A fetch to use instead of the global one (proxies, tests). */
  readonly fetch?: typeof globalThis.fetch
}

/** A backend is configured with its settings, or not, with a reason that names the fix. */
export type BackendState =
  | { readonly configured: true; readonly settings: BackendSettings }
  | { readonly configured: false; readonly backend: string; readonly reason: string }

/** The options every backend takes. */
export interface CommonOptions {
  readonly apiKey?: string | Redacted.Redacted<string> | undefined
  readonly baseUrl?: string | undefined
  readonly timeoutMs?: number | undefined
  readonly fetch?: typeof globalThis.fetch | undefined
}

/** Where a backend's configuration comes from, for the reasons it gives. */
export interface BackendNames {
  readonly backend: string
  readonly keyVariable: string
  readonly baseUrlVariable: string
  readonly defaultBaseUrl: string
}

/** Resolve one backend's options into settings, or say why it cannot be used. */
export const resolveBackend = (names: BackendNames, options: CommonOptions | undefined): BackendState => {
  const raw = options?.apiKey
  const key = raw === undefined ? undefined : Redacted.isRedacted(raw) ? raw : Redacted.make(raw)
  if (key === undefined || Redacted.value(key).trim() === "") {
    return { configured: false, backend: names.backend, reason: `set ${names.keyVariable}` }
  }
  const baseUrl = options?.baseUrl?.trim() || names.defaultBaseUrl
  if (!URL.canParse(baseUrl)) {
    return { configured: false, backend: names.backend, reason: `${names.baseUrlVariable} is not a valid URL` }
  }
  // The key and any credentials in the base URL are secrets from here on: no error, log or output shows them.
  registerSecrets([Redacted.value(key), ...secretsOfUrl(baseUrl)])
  const timeout = options?.timeoutMs
  return {
    configured: true,
    settings: {
      backend: names.backend,
      apiKey: key,
      baseUrl,
      timeoutMs: timeout !== undefined && Number.isFinite(timeout) && timeout > 0 ? timeout : defaultTimeoutMs,
      ...(options?.fetch ? { fetch: options.fetch } : {})
    }
  }
}

/** A backend's key and base URL from the environment (or any `ConfigProvider`); both optional. */
export const backendConfig = (names: BackendNames): Config.Config<CommonOptions> =>
  Config.all({
    apiKey: Config.option(Config.Redacted(names.keyVariable)),
    baseUrl: Config.option(Config.String(names.baseUrlVariable))
  }).pipe(
    Config.map(({ apiKey, baseUrl }) => ({
      ...(Option.isSome(apiKey) ? { apiKey: apiKey.value } : {}),
      ...(Option.isSome(baseUrl) ? { baseUrl: baseUrl.value } : {})
    }))
  )
