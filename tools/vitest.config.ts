import { defineConfig } from "vitest/config"

export default defineConfig({
  test: { include: ["test/**/*.test.ts"], environment: "node", reporters: ["default", ["json", { outputFile: "out-tsc/test-results.json" }]], testTimeout: 60_000 }
})
