// Runs publint on every publishable package (needs `dist/` built). Fails on any error or warning.
import fs from "node:fs"
import path from "node:path"
import { publint } from "publint"
import { formatMessage } from "publint/utils"

const root = path.resolve(import.meta.dirname, "..")
let failed = 0, checked = 0
for (const dir of fs.readdirSync(path.join(root, "packages"))) {
  const pkgDir = path.join(root, "packages", dir)
  const manifestPath = path.join(pkgDir, "package.json")
  if (!fs.existsSync(manifestPath)) continue
  const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8"))
  if (manifest.private) continue
  checked++
  const { messages } = await publint({ pkgDir, level: "warning", strict: true, pack: "npm" })
  for (const message of messages) {
    console.error(`publint ${manifest.name}: [${message.type}] ${formatMessage(message, manifest)}`)
    if (message.type !== "suggestion") failed++
  }
}
if (failed > 0) process.exit(1)
console.log(`publint: ${checked} packages clean`)
