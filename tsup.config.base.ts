import { defineConfig, type Options } from "tsup";

/** The build every package shares: ESM + CJS + .d.ts/.d.cts from src/index.ts, for Node 20+. */
export function packageBuild(overrides: Options = {}) {
  return defineConfig({
    entry: ["src/index.ts"],
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "node20",
    treeshake: true,
    ...overrides,
  });
}
