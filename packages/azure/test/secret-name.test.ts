import { SecretProviderError } from "@hf-secrets/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assertKeyVaultSecretName, defaultKeyVaultSecretName, KEY_VAULT_SECRET_NAME } from "../src/index.js";

const numRuns = Number(process.env.HF_SECRETS_FC_RUNS ?? 10_000);
const logicalChar = fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");

describe("the default Key Vault name mapping", () => {
  it("maps HF_TOKEN to hf-token", () => {
    expect(defaultKeyVaultSecretName("HF_TOKEN")).toBe("hf-token");
    expect(defaultKeyVaultSecretName("HUGGING_FACE_HUB_TOKEN")).toBe("hugging-face-hub-token");
  });

  it("gives a valid, lower-case Key Vault name for every name of letters, digits, _ and - up to 127 long", () => {
    fc.assert(
      fc.property(fc.array(logicalChar, { minLength: 1, maxLength: 127 }), (chars) => {
        const name = chars.join("");
        const mapped = defaultKeyVaultSecretName(name);
        expect(mapped).toBeDefined();
        expect(KEY_VAULT_SECRET_NAME.test(mapped!)).toBe(true);
        expect(mapped).toBe(name.toLowerCase().replaceAll("_", "-"));
        expect(mapped!.length).toBe(name.length);
      }),
      { numRuns },
    );
  });

  it("gives no name for anything holding another character, or longer than 127", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }),
        fc.string({ minLength: 1, maxLength: 4 }).filter((s) => /[^A-Za-z0-9_-]/.test(s)),
        fc.string({ maxLength: 40 }),
        (before, bad, after) => {
          expect(defaultKeyVaultSecretName(before + bad + after)).toBeUndefined();
        },
      ),
      { numRuns },
    );
    expect(defaultKeyVaultSecretName("a".repeat(128))).toBeUndefined();
    expect(defaultKeyVaultSecretName("")).toBeUndefined();
  });

  it("throws INVALID_CONFIGURATION naming the logical name for an unusable result", () => {
    let thrown: unknown;
    try {
      assertKeyVaultSecretName("hf.token", "HF.TOKEN", "azure", "the default mapping");
    } catch (error) {
      thrown = error;
    }
    expect(SecretProviderError.isInstance(thrown)).toBe(true);
    expect((thrown as SecretProviderError).code).toBe("INVALID_CONFIGURATION");
    expect((thrown as SecretProviderError).message).toContain('"HF.TOKEN"');
    expect((thrown as SecretProviderError).message).toContain('"hf.token"');
    expect(assertKeyVaultSecretName("ok-1", "X", "azure", "x")).toBe("ok-1");
  });
});
