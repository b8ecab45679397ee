export { createAuthenticatedFetch, type TokenSource, tokenRejected } from "./authenticated-fetch.js";
export {
  disposeHfSecrets,
  type GetHfClientOptions,
  getHfClient,
  getHfSecrets,
  getHfToken,
} from "./default-instances.js";
export {
  createHfSecrets,
  type HfClientOptions,
  HfSecrets,
  type HfSecretsOptions,
  type InferenceDefaults,
} from "./hf-secrets.js";
export { MANAGED_TOKEN_PLACEHOLDER, PLACEHOLDER_AUTHORIZATION } from "./placeholder.js";
export { type TokenInfo, TokenVerifier, type TokenVerifierOptions } from "./token-verifier.js";
