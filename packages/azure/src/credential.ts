import type { SecretClient } from "@azure/keyvault-secrets";
import type { IdentityModule } from "./sdk-loader.js";

/** Any `TokenCredential` from `@azure/core-auth` (what `SecretClient` accepts). */
export type AzureTokenCredential = ConstructorParameters<typeof SecretClient>[1];

/** The credentials a config file can name, each an `@azure/identity` class. */
export const CREDENTIAL_KINDS = [
  "default",
  "managed-identity",
  "workload-identity",
  "azure-cli",
  "environment",
] as const;

/** One of {@link CREDENTIAL_KINDS}. */
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/** A credential chosen by name (config files), built from `@azure/identity` at first use. */
export interface CredentialSettings {
  /** Which `@azure/identity` class; default `"default"` (`DefaultAzureCredential`). */
  readonly kind?: CredentialKind;
  /** Client id of a user-assigned managed identity (`default`, `managed-identity`, `workload-identity`). */
  readonly managedIdentityClientId?: string;
  /** Microsoft Entra tenant (`default`, `workload-identity`, `azure-cli`). */
  readonly tenantId?: string;
}

const CLASS_NAMES: Readonly<Record<CredentialKind, string>> = {
  default: "DefaultAzureCredential",
  "managed-identity": "ManagedIdentityCredential",
  "workload-identity": "WorkloadIdentityCredential",
  "azure-cli": "AzureCliCredential",
  environment: "EnvironmentCredential",
};

/** The `@azure/identity` class a credential kind stands for, as shown in error messages. */
export function credentialClassName(kind: CredentialKind): string {
  return CLASS_NAMES[kind];
}

/** Builds the credential named by `settings` from the loaded `@azure/identity` module. */
export function createCredential(
  identity: IdentityModule,
  settings: CredentialSettings,
): AzureTokenCredential {
  const clientId = settings.managedIdentityClientId;
  const tenantId = settings.tenantId;
  switch (settings.kind ?? "default") {
    case "managed-identity":
      return clientId
        ? new identity.ManagedIdentityCredential({ clientId })
        : new identity.ManagedIdentityCredential();
    case "workload-identity":
      return new identity.WorkloadIdentityCredential({
        ...(clientId ? { clientId } : {}),
        ...(tenantId ? { tenantId } : {}),
      });
    case "azure-cli":
      return new identity.AzureCliCredential(tenantId ? { tenantId } : {});
    case "environment":
      return new identity.EnvironmentCredential();
    default:
      return new identity.DefaultAzureCredential({
        ...(clientId ? { managedIdentityClientId: clientId } : {}),
        ...(tenantId ? { tenantId } : {}),
      });
  }
}

/** The name of a credential's class for messages (`ManagedIdentityCredential`), never its contents. */
export function describeCredential(credential: AzureTokenCredential): string {
  const name = (credential as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name !== "" && name !== "Object" ? name : "a custom TokenCredential";
}
