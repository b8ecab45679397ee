import { packageBuild } from "../../tsup.config.base.js";

export default packageBuild({
  entry: ["src/index.ts", "src/properties.ts"],
  external: ["vitest", "@hf-secrets/core", "fast-check"],
});
