/**
 * The argument parser of `orch`: `node:util` parseArgs per command, strict (an unknown flag or a missing value is
 * a UsageError that names the command), numbers and lists checked here so commands get clean values.
 */
import { parseArgs, type ParseArgsOptionsConfig } from "node:util"
import { UsageError } from "./UsageError.ts"

/** The parsed flags and positional arguments of one command. */
export interface ParsedArguments {
  readonly values: Readonly<Record<string, string | boolean | undefined>>
  readonly positionals: ReadonlyArray<string>
}

/** Parse a command's arguments; every problem is a UsageError for that command. */
export const parseCommandArguments = (command: string, args: ReadonlyArray<string>, options: ParseArgsOptionsConfig): ParsedArguments => {
  try {
    const parsed = parseArgs({ args: [...args], options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true })
    return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals }
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, "")
    throw new UsageError(message, command)
  }
}

/** A string flag's value, if given. */
export const stringFlag = (parsed: ParsedArguments, name: string): string | undefined => {
  const value = parsed.values[name]
  return typeof value === "string" ? value : undefined
}

/** Decimal digits only: `Number` would also read `0x10`, `0b11`, `0o7`, `Infinity` and "" (as 0). */
const decimalInteger = /^\s*\+?\d+\s*$/

/** A positive integer flag (e.g. `--max-tokens 64`), if given; written in decimal. */
export const positiveIntegerFlag = (command: string, parsed: ParsedArguments, name: string): number | undefined => {
  const text = stringFlag(parsed, name)
  if (text === undefined) return undefined
  const value = decimalInteger.test(text) ? Number(text) : Number.NaN
  if (!Number.isSafeInteger(value) || value <= 0) throw new UsageError(`--${name} must be a positive whole number, not "${text.slice(0, 40)}"`, command)
  return value
}

/** The prompt: the positional arguments joined by spaces; a UsageError when there is none. */
export const promptOf = (command: string, parsed: ParsedArguments): string => {
  const prompt = parsed.positionals.join(" ").trim()
  if (prompt === "") throw new UsageError(`give a prompt: orch ${command} "your prompt"`, command)
  return prompt
}
