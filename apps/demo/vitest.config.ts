import { defineConfig } from "vitest/config"

// Every test runs the orch command as subprocesses (seconds each on a loaded machine): the timeouts only guard against
// hangs, they measure nothing.
export default defineConfig({
  resolve: { conditions: ["@orch/source"] },
  ssr: { resolve: { conditions: ["@orch/source"] } },
  test: { include: ["src/**/*.test.ts", "test/**/*.test.ts"], environment: "node", reporters: ["default", ["json", { outputFile: "out-tsc/test-results.json" }]], testTimeout: 180_000, hookTimeout: 60_000 }
})
