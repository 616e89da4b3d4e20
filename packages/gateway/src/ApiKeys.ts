/**
 * The gateway's API keys: a keys file (`[{ "key": "...", "name": "team-a", "budgetUsd": 5 }]`) checked on load, and
 * the lookup of a bearer token in constant time (every key is compared, by SHA-256 digest, whatever matches). A key
 * appears nowhere but here: errors name the entry by position or name, never by its value.
 */
import { createHash, timingSafeEqual } from "node:crypto"

/** One key as the keys file gives it. */
export interface ApiKeyEntry {
  /** The secret a client sends as `Authorization: Bearer <key>`. */
  readonly key: string
  /** The key's name: its budget scope in the ledger, and what logs and metrics may show. */
  readonly name: string
  /** A hard, all-time budget in USD for this key's spending. */
  readonly budgetUsd?: number
}

/** The keys, for lookups. */
export interface KeyRing {
  /** The names of the keys, in file order. */
  readonly names: ReadonlyArray<string>
  /** The entries' budgets (name and USD) for those that have one. */
  readonly budgets: ReadonlyArray<{ readonly name: string; readonly budgetUsd: number }>
  /** The name of the key a request's `Authorization` header carries, or undefined when it carries none we know. */
  readonly identify: (authorization: string | undefined) => string | undefined
}

const digest = (text: string): Buffer => createHash("sha256").update(text, "utf8").digest()

/**
 * A key a client can send: 8 to 512 visible ASCII characters. A space, a control character or a non-ASCII letter
 * could never arrive whole in an `Authorization: Bearer` header, so such a key would refuse its owner forever.
 */
const usableKey = /^[\x21-\x7e]{8,512}$/

/** A field name plain enough to quote back; anything else (a key written as a field name?) is not repeated. */
const quotableField = /^[A-Za-z_]{1,24}$/

/**
 * Check the keys file's content: an array of entries, each with a key of 8 to 512 visible ASCII characters, a unique
 * name (letters, digits, `.`, `_`, `-`) and an optional non-negative budget. Returns the problems, or the entries.
 * No problem repeats a key, whole or in part.
 */
export const parseKeys = (value: unknown): { readonly keys: ReadonlyArray<ApiKeyEntry> } | { readonly problems: ReadonlyArray<string> } => {
  if (!Array.isArray(value)) return { problems: ['the keys file must hold a JSON array such as [{ "key": "...", "name": "team-a", "budgetUsd": 5 }]'] }
  const problems: Array<string> = []
  const names = new Set<string>()
  const secrets = new Set<string>()
  const keys: Array<ApiKeyEntry> = []
  value.forEach((entry: unknown, index) => {
    const where = `entry ${index + 1}`
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) { problems.push(`${where} must be an object`); return }
    const { key, name, budgetUsd, ...rest } = entry as Record<string, unknown>
    const label = typeof name === "string" && /^[A-Za-z0-9._-]{1,64}$/.test(name) ? `${where} ("${name}")` : where
    if (typeof key !== "string" || !usableKey.test(key)) problems.push(`${label}: "key" must be a string of at least 8 characters (at most 512, visible ASCII, no spaces)`)
    else if (secrets.has(key)) problems.push(`${label}: its key is the same as an earlier entry's`)
    if (typeof name !== "string" || !/^[A-Za-z0-9._-]{1,64}$/.test(name)) problems.push(`${where}: "name" must be 1 to 64 letters, digits, ".", "_" or "-"`)
    else if (names.has(name)) problems.push(`${label}: the name is used twice`)
    if (budgetUsd !== undefined && (typeof budgetUsd !== "number" || !Number.isFinite(budgetUsd) || budgetUsd < 0)) problems.push(`${label}: "budgetUsd" must be a number >= 0`)
    for (const extra of Object.keys(rest)) problems.push(`${label}: ${quotableField.test(extra) ? `"${extra}" is not a field` : "a field is not one of them"} (use key, name, budgetUsd)`)
    if (typeof key === "string") secrets.add(key)
    if (typeof name === "string") names.add(name)
    if (typeof key === "string" && typeof name === "string") keys.push({ key, name, ...(typeof budgetUsd === "number" ? { budgetUsd } : {}) })
  })
  if (value.length === 0) problems.push("the keys file has no keys: a gateway with --keys would refuse every request")
  return problems.length > 0 ? { problems } : { keys }
}

/** The ring over checked entries. Only digests of the keys are kept. */
export const makeKeyRing = (entries: ReadonlyArray<ApiKeyEntry>): KeyRing => {
  const held = entries.map((entry) => ({ name: entry.name, digest: digest(entry.key) }))
  return {
    names: entries.map((entry) => entry.name),
    budgets: entries.flatMap((entry) => (entry.budgetUsd !== undefined ? [{ name: entry.name, budgetUsd: entry.budgetUsd }] : [])),
    identify: (authorization) => {
      if (authorization === undefined) return undefined
      const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization)
      if (match === null) return undefined
      const presented = digest(match[1]!)
      let found: string | undefined
      // Every key is compared, so the time taken does not say which key (or how much of one) matched.
      for (const key of held) {
        if (timingSafeEqual(presented, key.digest) && found === undefined) found = key.name
      }
      return found
    }
  }
}
