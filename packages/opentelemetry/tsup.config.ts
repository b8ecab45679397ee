import { packageBuild } from "../../tsup.config.base.js";

// `shims` gives the CJS build an `import.meta.url`, which the lazy loader of @opentelemetry/api resolves from.
export default packageBuild({ external: ["@hf-secrets/core", "@opentelemetry/api"], shims: true });
