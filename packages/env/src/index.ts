export { hfSecretsProvider } from "./definition.js";
export { ENV_PROVIDER_NAME, type EnvProviderOptions, fromEnv, HF_TOKEN_VARIABLES } from "./from-env.js";
