import { defineConfig } from "vitest/config"

export default defineConfig({
  resolve: { conditions: ["@orch/source"] },
  ssr: { resolve: { conditions: ["@orch/source"] } },
  test: { include: ["src/**/*.test.ts", "test/**/*.test.ts"], environment: "node", reporters: ["default", ["json", { outputFile: "out-tsc/test-results.json" }]], testTimeout: 30_000, hookTimeout: 30_000 }
})
