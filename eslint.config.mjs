// Root ESLint flat config: TypeScript rules, and @orch's module boundaries (tools/eslint/boundaries.mjs).
import js from "@eslint/js"
import tseslint from "typescript-eslint"
import boundaries from "./tools/eslint/boundaries.mjs"

export default tseslint.config(
  { ignores: ["**/dist/**", "**/out-tsc/**", "**/node_modules/**", "**/.nx/**", "**/vitest.config.*.timestamp*", "**/test/fixtures/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { orch: boundaries },
    rules: {
      "orch/module-boundaries": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": "error"
    }
  },
  {
    files: ["**/*.mjs", "**/*.cjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly", Buffer: "readonly", setTimeout: "readonly", clearTimeout: "readonly" } }
  },
  {
    files: ["**/*.test.ts", "**/scripts/**", "**/bench/**", "apps/**", "tools/**", "**/*.mjs"],
    rules: { "no-console": "off" }
  }
)
