/** The version of `@hf-secrets/cli` (printed by `--version` and written into SARIF logs). */
export const CLI_VERSION = "0.1.0";
