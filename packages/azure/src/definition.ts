import { configError, defineProvider, type ProviderDefinition } from "@hf-secrets/core";
import { CREDENTIAL_KINDS, type CredentialKind } from "./credential.js";
import { AZURE_PROVIDER_NAME, fromAzureKeyVault } from "./from-azure-key-vault.js";

const SERVICE_VERSIONS = ["7.0", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "2025-07-01"] as const;

/**
 * Lets config files use `{ "provider": "azure", "vaultUrl": "https://my-vault.vault.azure.net" }`, with
 * `secretName`, `secretNames`, `version`, `credential` (the name of an `@azure/identity` class),
 * `managedIdentityClientId`, `tenantId`, `serviceVersion`, `disableChallengeResourceVerification` and
 * `checkSoftDeleted`.
 */
export const hfSecretsProvider: ProviderDefinition = defineProvider({
  name: AZURE_PROVIDER_NAME,
  packageName: "@hf-secrets/azure",
  options: {
    vaultUrl: {
      type: "string",
      required: true,
      description: "the vault URI, e.g. https://my-vault.vault.azure.net",
    },
    secretName: {
      type: "string",
      description: "the Key Vault secret holding the HF token (default hf-token)",
    },
    secretNames: { type: "object", description: "logical secret name → Key Vault secret name" },
    version: { type: "string", description: "a pinned Key Vault version id (default: the latest)" },
    credential: {
      type: "string",
      enum: CREDENTIAL_KINDS,
      description:
        "the @azure/identity credential: default, managed-identity, workload-identity, azure-cli, environment",
    },
    managedIdentityClientId: { type: "string", description: "client id of a user-assigned managed identity" },
    tenantId: { type: "string", description: "the Microsoft Entra tenant id" },
    serviceVersion: { type: "string", enum: SERVICE_VERSIONS, description: "the Key Vault API version" },
    disableChallengeResourceVerification: {
      type: "boolean",
      description: "accept a token challenge for another domain (emulators, custom domains)",
    },
    checkSoftDeleted: {
      type: "boolean",
      description: "on a 404, check whether the secret was soft-deleted (default true)",
    },
  },
  create: (options, context) => {
    const secretNames = options.secretNames as Record<string, unknown> | undefined;
    for (const [key, value] of Object.entries(secretNames ?? {})) {
      if (typeof value !== "string") {
        throw configError(
          { file: context.configFile, path: context.path, provider: AZURE_PROVIDER_NAME },
          `${context.path}.secretNames.${key}`,
          "must be a string (a Key Vault secret name)",
        );
      }
    }
    const serviceVersion = options.serviceVersion as (typeof SERVICE_VERSIONS)[number] | undefined;
    const disableVerification = options.disableChallengeResourceVerification as boolean | undefined;
    return fromAzureKeyVault({
      vaultUrl: options.vaultUrl as string,
      secretName: options.secretName as string | undefined,
      secretNames: secretNames as Record<string, string> | undefined,
      version: options.version as string | undefined,
      credential: options.credential as CredentialKind | undefined,
      managedIdentityClientId: options.managedIdentityClientId as string | undefined,
      tenantId: options.tenantId as string | undefined,
      checkSoftDeleted: options.checkSoftDeleted as boolean | undefined,
      clientOptions: {
        ...(serviceVersion ? { serviceVersion } : {}),
        ...(disableVerification !== undefined
          ? { disableChallengeResourceVerification: disableVerification }
          : {}),
      },
    });
  },
});
