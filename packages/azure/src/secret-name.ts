import { SecretProviderError } from "@hf-secrets/core";

/** What Key Vault accepts as a secret name: 1 to 127 letters, digits and dashes. */
export const KEY_VAULT_SECRET_NAME = /^[0-9a-zA-Z-]{1,127}$/;

/** How a logical name becomes a Key Vault secret name: a fixed name for the token, a function, or a map. */
export type SecretNameOption = string | ((logicalName: string) => string);

/**
 * The default mapping of a logical name to a Key Vault secret name: lower-case, `_` → `-`
 * (`HF_TOKEN` → `hf-token`). Key Vault names allow only letters, digits and `-`, and are case-insensitive.
 * Returns `undefined` when the result is still not a valid Key Vault name (a `.`, `/`, a space, too long...).
 */
export function defaultKeyVaultSecretName(logicalName: string): string | undefined {
  // The mapping never shortens a name (lower-casing keeps or adds characters): a longer one cannot become valid.
  if (logicalName.length > 127) return undefined;
  const mapped = mapLogicalName(logicalName);
  return KEY_VAULT_SECRET_NAME.test(mapped) ? mapped : undefined;
}

/** The default mapping without the check: lower-case, `_` → `-`. */
export function mapLogicalName(logicalName: string): string {
  return logicalName.toLowerCase().replaceAll("_", "-");
}

/**
 * Checks a secret name against Key Vault's rules before any request: Lowkey Vault answers a bad name with a
 * retried 500 and Azure with a 400, neither of which says what is wrong.
 *
 * @throws SecretProviderError `INVALID_CONFIGURATION` naming the logical name and the rejected result.
 */
export function assertKeyVaultSecretName(
  secretName: unknown,
  logicalName: string,
  provider: string,
  how: string,
): string {
  if (typeof secretName === "string" && KEY_VAULT_SECRET_NAME.test(secretName)) return secretName;
  const shown =
    typeof secretName !== "string"
      ? `a ${typeof secretName}`
      : secretName.length > 127
        ? `a name of ${secretName.length} characters`
        : JSON.stringify(secretName);
  throw new SecretProviderError({
    code: "INVALID_CONFIGURATION",
    provider,
    secretName: logicalName,
    message: `The secret ${JSON.stringify(logicalName.slice(0, 140))} cannot be read from Key Vault: ${how} gives ${shown}, but Key Vault secret names are 1 to 127 letters, digits and dashes.`,
    fix: `Name the Key Vault secret explicitly with the \`secretNames\` option (e.g. { ${JSON.stringify(logicalName.slice(0, 60))}: "hf-token" }) or a \`secretName\` function, or use a logical name made of letters, digits, "_" and "-".`,
  });
}
