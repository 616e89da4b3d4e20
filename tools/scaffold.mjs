// Writes the per-project config files (tsconfig*, vitest, eslint) for a workspace project.
// Usage: node tools/scaffold.mjs <dir> <name> <tag,tag> <description> [dep@ver ...]
import fs from "node:fs"
import path from "node:path"
const [dir, name, tags, description, ...deps] = process.argv.slice(2)
const root = path.resolve(dir)
fs.mkdirSync(path.join(root, "src"), { recursive: true })
const depth = path.relative(root, process.cwd()) || "."
const write = (f, content) => { const p = path.join(root, f); if (!fs.existsSync(p)) fs.writeFileSync(p, content) }
const isPrivate = dir.startsWith("apps/") || name === "@orch/testing"
const dependencies = Object.fromEntries(deps.map((d) => { const i = d.lastIndexOf("@"); return [d.slice(0, i), d.slice(i + 1)] }))
write("package.json", JSON.stringify({
  name, version: "0.0.0", description, ...(isPrivate ? { private: true } : {}),
  type: "module", license: "MIT", sideEffects: false,
  repository: { type: "git", url: "https://example.invalid/orch.git", directory: dir },
  exports: {
    "./package.json": "./package.json",
    ".": { "@orch/source": "./src/index.ts", types: "./dist/index.d.ts", import: "./dist/index.js", default: "./dist/index.js" },
    "./internal/*": null
  },
  main: "./dist/index.js", types: "./dist/index.d.ts",
  files: ["dist", "!dist/**/*.test.*", "!dist/**/*.tsbuildinfo", "README.md", "CHANGELOG.md"],
  nx: { tags: tags.split(",") },
  dependencies
}, null, 2) + "\n")
write("tsconfig.json", JSON.stringify({ extends: `${depth}/tsconfig.base.json`, files: [], include: [], references: [{ path: "./tsconfig.lib.json" }, { path: "./tsconfig.spec.json" }] }, null, 2) + "\n")
write("tsconfig.lib.json", JSON.stringify({ extends: `${depth}/tsconfig.base.json`, compilerOptions: { rootDir: "src", outDir: "dist", tsBuildInfoFile: "dist/tsconfig.lib.tsbuildinfo", types: ["node"] }, include: ["src/**/*.ts"], exclude: ["src/**/*.test.ts", "src/**/*.bench.ts"], references: [] }, null, 2) + "\n")
write("tsconfig.spec.json", JSON.stringify({ extends: `${depth}/tsconfig.base.json`, compilerOptions: { outDir: "./out-tsc/vitest", types: ["node"], noEmit: false, emitDeclarationOnly: true }, include: ["src/**/*.test.ts", "src/**/*.bench.ts", "test/**/*.ts", "scripts/**/*.ts", "bench/**/*.ts", "vitest.config.ts"], references: [{ path: "./tsconfig.lib.json" }] }, null, 2) + "\n")
write("vitest.config.ts", `import { defineConfig } from "vitest/config"

export default defineConfig({
  resolve: { conditions: ["@orch/source"] },
  ssr: { resolve: { conditions: ["@orch/source"] } },
  test: { include: ["src/**/*.test.ts", "test/**/*.test.ts"], environment: "node", testTimeout: 30_000, hookTimeout: 30_000 }
})
`)
write("eslint.config.mjs", `export { default } from "${depth}/eslint.config.mjs"\n`)
write("src/index.ts", `/** ${description} */\nexport {}\n`)
