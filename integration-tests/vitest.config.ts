import { defineConfig } from "vitest/config";

// Integration suites run against real servers started by integration-tests/run.sh (inside a loopback-only
// network namespace). Files run one at a time: several suites share one emulator.
export default defineConfig({
  test: {
    include: ["integration-tests/**/*.test.ts"],
    // The reliability suites (faults, leak canary, hostile input) run through `npm run test:faults`, which sets
    // HF_SECRETS_RELIABILITY and renders docs/reliability.md from their results.
    exclude: process.env.HF_SECRETS_RELIABILITY ? [] : ["integration-tests/{faults,leaks,hostile}/**"],
    environment: "node",
    pool: "forks",
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
