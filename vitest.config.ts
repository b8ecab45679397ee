import { defineConfig } from "vitest/config";

// One runner for every package's unit tests, so `npm test` prints one summary.
// Integration suites live in integration-tests/ and run through `npm run test:integration`.
export default defineConfig({
  test: {
    include: [
      "packages/*/test/**/*.test.ts",
      "packages/*/examples/**/*.test.ts",
      "examples/*/test/**/*.test.ts",
      "docs/snippets/**/*.test.ts",
    ],
    environment: "node",
    pool: "forks",
    // expectLinearTime() collects garbage between samples when it can.
    execArgv: ["--expose-gc"],
    testTimeout: 20_000,
    reporters: process.env.CI ? ["default"] : ["default"],
  },
});
