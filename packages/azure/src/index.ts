export {
  type AzureTokenCredential,
  CREDENTIAL_KINDS,
  type CredentialKind,
  type CredentialSettings,
  createCredential,
  credentialClassName,
  describeCredential,
} from "./credential.js";
export { hfSecretsProvider } from "./definition.js";
export {
  AZURE_PROVIDER_NAME,
  type AzureKeyVaultProviderOptions,
  type AzureSecretClient,
  fromAzureKeyVault,
} from "./from-azure-key-vault.js";
export {
  isDisabledAnswer,
  mapAzureError,
  READ_PERMISSION_FIX,
  type ReadContext,
  retryAfterFrom,
} from "./map-error.js";
export { IDENTITY_PACKAGE, KEY_VAULT_SECRETS_PACKAGE } from "./sdk-loader.js";
export {
  assertKeyVaultSecretName,
  defaultKeyVaultSecretName,
  KEY_VAULT_SECRET_NAME,
  mapLogicalName,
  type SecretNameOption,
} from "./secret-name.js";
