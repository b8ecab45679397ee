import { defineConfig } from "tsup";

const external = [/^@hf-secrets\//, "commander"];

// The library builds as ESM + CJS; the bin is ESM only (it uses top-level await).
export default defineConfig([
  {
    entry: ["src/index.ts"],
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "node20",
    external,
  },
  {
    entry: ["src/bin.ts"],
    format: ["esm"],
    dts: false,
    sourcemap: true,
    clean: false,
    target: "node20",
    external,
  },
]);
