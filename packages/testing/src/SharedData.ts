/**
 * Where the read-only shared data lives (`../shared` beside the checkout, or `ORCH_SHARED_DIR`): recorded wire
 * traffic, the tiny GGUF model, the task-routing evaluation set. Tests that need it fail loudly in CI when it is
 * missing, and skip with a message elsewhere.
 */
import fs from "node:fs"
import path from "node:path"

/** The shared directory: `ORCH_SHARED_DIR`, else `shared/` beside the repository root. */
export const sharedDir = (): string =>
  process.env.ORCH_SHARED_DIR ?? path.resolve(import.meta.dirname, "../../../../shared")

/** A path inside the shared directory. */
export const sharedPath = (...parts: ReadonlyArray<string>): string => path.join(sharedDir(), ...parts)

/**
 * Whether a shared file or folder is present. In CI (`CI` set) a missing one throws, so a suite can never pass by
 * skipping; elsewhere it returns false and prints why, so the caller can skip.
 */
export const requireShared = (...parts: ReadonlyArray<string>): boolean => {
  const target = sharedPath(...parts)
  if (fs.existsSync(target)) return true
  const message = `shared data missing: ${target} (set ORCH_SHARED_DIR to the folder that holds fixtures/, models/, eval/)`
  if (process.env.CI) throw new Error(message)
  process.emitWarning(`${message}; skipping the tests that need it`)
  return false
}

/** The tiny real GGUF chat model used by the embedded engine's tests. */
export const tinyChatModelPath = (): string => sharedPath("models", "stories260K-chatml.gguf")
