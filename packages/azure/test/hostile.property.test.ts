import { SecretProviderError } from "@hf-secrets/core";
import { propertyRuns, reliabilityRecorder } from "@hf-secrets/testing/properties";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  assertKeyVaultSecretName,
  defaultKeyVaultSecretName,
  KEY_VAULT_SECRET_NAME,
  mapLogicalName,
} from "../src/secret-name.js";

// Hostile input for the Key Vault name mapping (logical name → Key Vault secret name). Properties: a valid
// Key Vault name or a documented refusal, no prototype pollution, linear time on 1 MiB. Case counts are recorded
// for docs/reliability.md when HF_SECRETS_RESULTS_DIR is set.

const numRuns = propertyRuns;
const { property, linear } = reliabilityRecorder("@hf-secrets/azure", "azure");

const logicalName = fc.oneof(
  fc.constantFrom(
    "HF_TOKEN",
    "__proto__",
    "constructor",
    "İSTANBUL_KEY",
    "ǅ_x",
    "ß",
    "K",
    "a.b",
    "a/b",
    "a b",
    "-",
    "_",
    "",
  ),
  fc.string({ maxLength: 140 }),
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,130}$/),
);

describe("azure: hostile Key Vault names", () => {
  it(`the default mapping gives a valid Key Vault name or none, for any logical name (${numRuns} runs)`, () =>
    property(
      "default-name",
      "defaultKeyVaultSecretName(any logical name, Unicode included) → a name matching ^[0-9a-zA-Z-]{1,127}$ or undefined; never throws",
      fc.property(logicalName, (name) => {
        const mapped = defaultKeyVaultSecretName(name);
        return mapped === undefined
          ? !KEY_VAULT_SECRET_NAME.test(mapLogicalName(name))
          : KEY_VAULT_SECRET_NAME.test(mapped) && mapped === mapped.toLowerCase();
      }),
    ));

  it(`assertKeyVaultSecretName: a valid name passes through, anything else is INVALID_CONFIGURATION (${numRuns} runs)`, () =>
    property(
      "assert-name",
      "assertKeyVaultSecretName(any value: strings, numbers, objects, __proto__) → the name itself, or INVALID_CONFIGURATION naming the logical name; no prototype pollution",
      fc.property(fc.oneof(logicalName, fc.anything()), logicalName, (candidate, logical) => {
        try {
          return (
            assertKeyVaultSecretName(candidate, logical, "azure", "secretNames") === candidate &&
            KEY_VAULT_SECRET_NAME.test(candidate as string)
          );
        } catch (error) {
          return (
            SecretProviderError.isInstance(error) &&
            error.code === "INVALID_CONFIGURATION" &&
            !(typeof candidate === "string" && KEY_VAULT_SECRET_NAME.test(candidate)) &&
            Object.keys(Object.prototype).length === 0
          );
        }
      }),
    ));

  it("the mapping and the refusal: linear time on 1 MiB", () => {
    linear(
      "map-1mib",
      "defaultKeyVaultSecretName on a 1 MiB logical name",
      (s) => defaultKeyVaultSecretName(s),
      (n) => "A_".repeat(n / 2),
    );
    linear(
      "map-1mib-unicode",
      "defaultKeyVaultSecretName on 1 MiB of Unicode",
      (s) => defaultKeyVaultSecretName(s),
      (n) => "İǅß".repeat(n / 3),
    );
    linear(
      "assert-1mib",
      "assertKeyVaultSecretName refusing a 1 MiB name",
      (s) => {
        try {
          assertKeyVaultSecretName(s, s, "azure", "secretNames");
        } catch {
          // expected: too long
        }
      },
      (n) => "a".repeat(n),
    );
    expect(Object.keys(Object.prototype)).toEqual([]);
  });
});
