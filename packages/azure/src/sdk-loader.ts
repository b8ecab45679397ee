import { SecretProviderError } from "@hf-secrets/core";

/** The npm package of the Key Vault secrets SDK (a peer dependency). */
export const KEY_VAULT_SECRETS_PACKAGE = "@azure/keyvault-secrets";
/** The npm package of the Azure identity SDK (a peer dependency, needed only for the default credential). */
export const IDENTITY_PACKAGE = "@azure/identity";

/** The `@azure/keyvault-secrets` module, as far as this provider uses it. */
export type KeyVaultSecretsModule = typeof import("@azure/keyvault-secrets");
/** The `@azure/identity` module, as far as this provider uses it. */
export type IdentityModule = typeof import("@azure/identity");

/** Imports a module by specifier. Tests replace it to simulate a missing package. */
export type SdkImporter = (specifier: string) => Promise<unknown>;

const defaultImporter: SdkImporter = (specifier) => import(specifier);

/**
 * Imports an Azure SDK package at first use, so that importing `@hf-secrets/azure` never loads (or needs) it.
 * A missing package becomes `PROVIDER_NOT_INSTALLED` with the install command.
 */
export async function importSdk<T>(
  specifier: typeof KEY_VAULT_SECRETS_PACKAGE | typeof IDENTITY_PACKAGE,
  provider: string,
  why: string,
  importer: SdkImporter = defaultImporter,
): Promise<T> {
  try {
    return (await importer(specifier)) as T;
  } catch (error) {
    if (!isModuleNotFound(error, specifier)) throw error;
    throw new SecretProviderError({
      code: "PROVIDER_NOT_INSTALLED",
      provider,
      message: `The Azure Key Vault provider needs the package "${specifier}" ${why}, and it is not installed.`,
      fix: `Run \`npm install ${specifier}\` in your project (peer dependencies of @hf-secrets/azure: @azure/keyvault-secrets, and @azure/identity unless you pass \`credential\` or \`client\`).`,
      cause: error,
    });
  }
}

function isModuleNotFound(error: unknown, specifier: string): boolean {
  const record = (typeof error === "object" && error !== null ? error : {}) as {
    code?: unknown;
    message?: unknown;
  };
  const code = record.code;
  const message = typeof record.message === "string" ? record.message : "";
  return (
    (code === "ERR_MODULE_NOT_FOUND" ||
      code === "MODULE_NOT_FOUND" ||
      /Cannot find (module|package)/.test(message)) &&
    message.includes(specifier)
  );
}
