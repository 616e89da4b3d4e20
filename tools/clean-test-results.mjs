// Removes the previous run's vitest JSON reports so the summary counts only this run.
import fs from "node:fs"
import path from "node:path"

const root = path.resolve(import.meta.dirname, "..")
for (const group of ["packages", "apps"]) {
  const base = path.join(root, group)
  if (!fs.existsSync(base)) continue
  for (const dir of fs.readdirSync(base)) fs.rmSync(path.join(base, dir, "out-tsc/test-results.json"), { force: true })
}
fs.rmSync(path.join(root, "tools/out-tsc/test-results.json"), { force: true })
