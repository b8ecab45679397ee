import * as identity from "@azure/identity";
import { type ProviderContext, resolvePolicy, SecretProviderError, validateOptions } from "@hf-secrets/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  CREDENTIAL_KINDS,
  createCredential,
  credentialClassName,
  fromAzureKeyVault,
  hfSecretsProvider,
} from "../src/index.js";
import { startFakeKeyVault } from "./fake-key-vault.js";

const context: ProviderContext = {
  environment: "production",
  policy: resolvePolicy("production"),
  cwd: "/app",
  env: {},
  configFile: "/app/hf-secrets.config.json",
  path: "environments.production.chain[0]",
};
const site = { file: context.configFile, path: context.path, provider: "azure" };

describe("hfSecretsProvider (config files)", () => {
  it("is named azure, from @hf-secrets/azure, and requires vaultUrl", () => {
    expect(hfSecretsProvider.name).toBe("azure");
    expect(hfSecretsProvider.packageName).toBe("@hf-secrets/azure");
    expect(() => validateOptions({}, hfSecretsProvider.options, site)).toThrow(
      /"environments.production.chain\[0\].vaultUrl" is required/,
    );
  });

  it("rejects unknown credential names and unknown options", () => {
    expect(() =>
      validateOptions(
        { vaultUrl: "https://v.vault.azure.net", credential: "magic" },
        hfSecretsProvider.options,
        site,
      ),
    ).toThrow(
      /must be one of "default", "managed-identity", "workload-identity", "azure-cli", "environment"/,
    );
    expect(() =>
      validateOptions(
        { vaultUrl: "https://v.vault.azure.net", secretname: "x" },
        hfSecretsProvider.options,
        site,
      ),
    ).toThrow(/did you mean "secretName"/);
  });

  it("rejects a non-string secretNames entry with the config path", async () => {
    const options = validateOptions(
      { vaultUrl: "https://v.vault.azure.net", secretNames: { A: 1 } },
      hfSecretsProvider.options,
      site,
    );
    let thrown: unknown;
    try {
      await hfSecretsProvider.create(options, context);
    } catch (error) {
      thrown = error;
    }
    expect(SecretProviderError.isInstance(thrown)).toBe(true);
    expect((thrown as SecretProviderError).message).toContain("secretNames.A");
  });

  it("creates a provider from validated options, importing nothing until the first read", async () => {
    const options = validateOptions(
      {
        vaultUrl: "https://v.vault.azure.net",
        secretName: "prod-hf",
        credential: "managed-identity",
        disableChallengeResourceVerification: true,
      },
      hfSecretsProvider.options,
      site,
    );
    const provider = await hfSecretsProvider.create(options, context);
    expect(provider.name).toBe("azure");
    expect(provider.describe?.("HF_TOKEN")).toBe("azure:v.vault.azure.net/secrets/prod-hf");
    expect(provider.describe?.("OTHER_NAME")).toBe("azure:v.vault.azure.net/secrets/other-name");
  });
});

describe("named credentials", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("builds each @azure/identity class, without any network call", () => {
    // Set by the AKS workload identity webhook; WorkloadIdentityCredential refuses to be built without it.
    vi.stubEnv("AZURE_FEDERATED_TOKEN_FILE", "/var/run/secrets/azure/tokens/azure-identity-token");
    for (const kind of CREDENTIAL_KINDS) {
      const credential = createCredential(identity, {
        kind,
        managedIdentityClientId: "00000000-0000-0000-0000-00000000000a",
        tenantId: "00000000-0000-0000-0000-00000000000b",
      });
      expect((credential as object).constructor.name).toBe(credentialClassName(kind));
    }
  });
});

describe("a named credential that cannot be built", () => {
  it("gives INVALID_CONFIGURATION naming the class, before any request", async () => {
    vi.stubEnv("AZURE_FEDERATED_TOKEN_FILE", "");
    const kv = await startFakeKeyVault();
    try {
      const provider = fromAzureKeyVault({
        vaultUrl: kv.url,
        credential: "workload-identity",
        clientOptions: { allowInsecureConnection: true, disableChallengeResourceVerification: true },
      });
      const error = await provider.getSecret("HF_TOKEN").catch((e: unknown) => e);
      expect(SecretProviderError.isInstance(error)).toBe(true);
      expect((error as SecretProviderError).code).toBe("INVALID_CONFIGURATION");
      expect((error as SecretProviderError).message).toContain("WorkloadIdentityCredential");
      expect((error as SecretProviderError).fix).toContain("AZURE_FEDERATED_TOKEN_FILE");
      expect(kv.requests).toEqual([]);
    } finally {
      vi.unstubAllEnvs();
      await kv.close();
    }
  });
});
