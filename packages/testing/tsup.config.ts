import { packageBuild } from "../../tsup.config.base.js";

export default packageBuild({ external: ["vitest", "@hf-secrets/core"] });
