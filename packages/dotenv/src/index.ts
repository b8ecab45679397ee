export { hfSecretsProvider } from "./definition.js";
export type { DotenvxPrimitives, DotenvxPrimitivesSource } from "./dotenvx.js";
export { dotenvFlowFiles } from "./flow-files.js";
export {
  DOTENV_PROVIDER_NAME,
  type DotenvProviderOptions,
  fromDotenv,
  HF_TOKEN_KEYS,
} from "./from-dotenv.js";
export { type GitIgnoreStatus, gitIgnoreStatus } from "./git-ignore.js";
export { privateKeyNames } from "./private-key-names.js";
export { parseEnvText } from "./read-env-file.js";
