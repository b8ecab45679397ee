import type { SecretValue, SecretValueInit } from "./contract.js";
import { Secret } from "./secret.js";

/**
 * Builds a frozen {@link SecretValue}: wraps a string in a {@link Secret}, stamps `fetchedAt`, and drops
 * `undefined` fields so values compare and print cleanly.
 *
 * @example
 * return createSecretValue({ value: raw, provider: "env", location: "env:HF_TOKEN" });
 */
export function createSecretValue(init: SecretValueInit): SecretValue {
  const value: { -readonly [K in keyof SecretValue]: SecretValue[K] } = {
    value: Secret.isSecret(init.value) ? init.value : new Secret(init.value),
    provider: init.provider,
    location: init.location,
    fetchedAt: init.fetchedAt ?? Date.now(),
  };
  if (init.version !== undefined) value.version = init.version;
  if (init.expiresAt !== undefined) value.expiresAt = init.expiresAt;
  if (init.stale) value.stale = true;
  if (init.warnings !== undefined && init.warnings.length > 0)
    value.warnings = Object.freeze([...init.warnings]);
  return Object.freeze(value);
}
