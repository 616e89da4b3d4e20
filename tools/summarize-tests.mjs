// Adds up the vitest JSON reports of every project (out-tsc/test-results.json) and prints one closing line,
// "N passed, N failed, N skipped". Exits non-zero when a test failed, a project wrote no report, or none ran.
import fs from "node:fs"
import path from "node:path"

const root = path.resolve(import.meta.dirname, "..")
const projects = ["tools", ...["packages", "apps"].flatMap((group) =>
  fs.existsSync(path.join(root, group)) ? fs.readdirSync(path.join(root, group)).map((d) => path.join(group, d)) : [])]
let passed = 0, failed = 0, skipped = 0
const missing = []
for (const project of projects) {
  if (!fs.existsSync(path.join(root, project, "vitest.config.ts"))) continue
  const report = path.join(root, project, "out-tsc/test-results.json")
  if (!fs.existsSync(report)) { missing.push(project); continue }
  const json = JSON.parse(fs.readFileSync(report, "utf8"))
  passed += json.numPassedTests
  failed += json.numFailedTests
  skipped += json.numPendingTests + (json.numTodoTests ?? 0)
  console.log(`${project.padEnd(28)} ${json.numPassedTests} passed, ${json.numFailedTests} failed, ${json.numPendingTests} skipped`)
}
for (const project of missing) console.error(`${project}: no test report (did its tests run?)`)
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(failed > 0 || missing.length > 0 || passed === 0 ? 1 : 0)
