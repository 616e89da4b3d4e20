// Proves the boundary checks fail where they must: a provider importing the core, a deep import, a relative import
// into another package, a package dependency cycle and a module import cycle (fixture: test/fixtures/bad-workspace).
import { execFileSync } from "node:child_process"
import path from "node:path"
import { ESLint } from "eslint"
import { describe, expect, it } from "vitest"

const tools = path.resolve(import.meta.dirname, "..")
const root = path.resolve(tools, "..")
const fixture = path.join(import.meta.dirname, "fixtures/bad-workspace")

describe("module boundaries (ESLint rule)", () => {
  it("fails a provider package that imports the core, deep-imports, or reaches into another package", async () => {
    const eslint = new ESLint({ cwd: root, overrideConfigFile: path.join(root, "eslint.config.mjs"), ignore: false })
    const [result] = await eslint.lintFiles([path.join(fixture, "packages/providers-x/src/index.ts")])
    const messages = (result?.messages ?? []).filter((m) => m.ruleId === "orch/module-boundaries").map((m) => m.message)
    expect(messages).toEqual([
      expect.stringContaining("@orch/providers-x (type:provider) may not import @orch/core (type:core)"),
      expect.stringContaining('deep import "@orch/core/internal/secret"'),
      expect.stringContaining('relative import "../../core/src/index.ts" leaves @orch/providers-x')
    ])
  })

  it("lets a provider import a kit, never another provider; a kit imports the contract only", async () => {
    const { checkImport } = await import("../eslint/boundaries.mjs")
    const inLocal = path.join(root, "packages/providers-local/src/OpenAiCompatProvider.ts")
    const inKit = path.join(root, "packages/openai-compat/src/OpenAiCompatClient.ts")
    expect(checkImport(inLocal, "@orch/openai-compat")).toBeUndefined()
    expect(checkImport(inLocal, "@orch/providers-cloud")).toContain("may not import @orch/providers-cloud")
    expect(checkImport(inKit, "@orch/provider")).toBeUndefined()
    expect(checkImport(inKit, "@orch/providers-local")).toContain("@orch/openai-compat (type:kit) may not import @orch/providers-local")
  })

  it("passes the real workspace's contract package", async () => {
    const eslint = new ESLint({ cwd: root, overrideConfigFile: path.join(root, "eslint.config.mjs") })
    const results = await eslint.lintFiles([path.join(root, "packages/provider/src")])
    const boundary = results.flatMap((r) => r.messages).filter((m) => m.ruleId === "orch/module-boundaries")
    expect(boundary).toEqual([])
  })
})

describe("cycle and layering check (tools/check-boundaries.mjs)", () => {
  const run = (dir: string) => {
    try {
      return { code: 0, output: execFileSync(process.execPath, [path.join(tools, "check-boundaries.mjs"), dir], { encoding: "utf8", stdio: "pipe" }) }
    } catch (error) {
      const e = error as { status: number; stderr: string }
      return { code: e.status, output: e.stderr }
    }
  }
  it("fails on package and module cycles and a provider depending on the core", () => {
    const { code, output } = run(fixture)
    expect(code).toBe(1)
    expect(output).toContain("@orch/providers-x (type:provider) depends on @orch/core")
    expect(output).toMatch(/package dependency cycle: @orch\/(a|b) -> @orch\/(a|b)/)
    expect(output).toMatch(/module import cycle in @orch\/a: src\/(one|two)\.ts -> src\/(one|two)\.ts/)
  })
  it("passes on the real workspace", () => {
    const { code, output } = run(root)
    expect(output).toContain("no cycles")
    expect(code).toBe(0)
  })
})
