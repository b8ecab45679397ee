export { hfSecretsProvider } from "./definition.js";
export { fromHfCli, HF_CLI_PROVIDER_NAME, type HfCliProviderOptions } from "./from-hf-cli.js";
export { type HfPathOptions, type HfPaths, resolveHfPaths } from "./hf-paths.js";
export { type ParsedIni, parseIni, parseStoredTokens, StoredTokensSyntaxError } from "./stored-tokens.js";
