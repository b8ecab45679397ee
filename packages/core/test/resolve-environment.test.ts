import { makeTestToken } from "@hf-secrets/testing";
import { describe, expect, it } from "vitest";
import type { SecretProvider } from "../src/contract.js";
import { selectEnvironment } from "../src/environment.js";
import { defineProvider } from "../src/provider-definition.js";
import type { ModuleImporter } from "../src/provider-loader.js";
import { resolveEnvironment } from "../src/resolve-environment.js";
import { createSecretValue } from "../src/secret-value.js";

function fakeDefinition(name: string, packageName: string, value?: string) {
  return defineProvider({
    name,
    packageName,
    options: { secretId: { type: "string" } },
    create: (options): SecretProvider => ({
      name,
      getSecret: async (secret) =>
        createSecretValue({
          value: value ?? makeTestToken(),
          provider: name,
          location: `${name}:${String(options.secretId ?? secret)}`,
        }),
    }),
  });
}

const importer: ModuleImporter = async (specifier) => {
  const known: Record<string, unknown> = {
    "@hf-secrets/env": { hfSecretsProvider: fakeDefinition("env", "@hf-secrets/env") },
    "@hf-secrets/dotenv": { hfSecretsProvider: fakeDefinition("dotenv", "@hf-secrets/dotenv") },
    "@hf-secrets/hf-cli": { hfSecretsProvider: fakeDefinition("hf-cli", "@hf-secrets/hf-cli") },
    "@hf-secrets/aws": { hfSecretsProvider: fakeDefinition("aws", "@hf-secrets/aws") },
  };
  if (specifier in known) return known[specifier];
  throw Object.assign(new Error(`Cannot find package '${specifier}' imported from x`), {
    code: "ERR_MODULE_NOT_FOUND",
  });
};

describe("selectEnvironment", () => {
  it("uses HF_SECRETS_ENV, then NODE_ENV, then development", () => {
    expect(selectEnvironment(undefined, { HF_SECRETS_ENV: "staging", NODE_ENV: "production" })).toEqual({
      name: "staging",
      source: "HF_SECRETS_ENV",
    });
    expect(selectEnvironment(undefined, { NODE_ENV: "production" })).toEqual({
      name: "production",
      source: "NODE_ENV",
    });
    expect(selectEnvironment(undefined, { HF_SECRETS_ENV: " ", NODE_ENV: "" })).toEqual({
      name: "development",
      source: "default",
    });
    expect(selectEnvironment("test", { HF_SECRETS_ENV: "staging" })).toEqual({
      name: "test",
      source: "option",
    });
  });
});

describe("resolveEnvironment", () => {
  it("uses the default chain env → dotenv → hf-cli without a config", async () => {
    const resolved = await resolveEnvironment({ config: false, env: {}, importer });
    expect(resolved.members.map((m) => m.name)).toEqual(["env", "dotenv", "hf-cli"]);
    expect(resolved.environment).toEqual({ name: "development", source: "default" });
  });

  it("leaves dotenv and hf-cli out of the default chain in production, and says why", async () => {
    const resolved = await resolveEnvironment({ config: false, env: { NODE_ENV: "production" }, importer });
    expect(resolved.members.map((m) => m.name)).toEqual(["env"]);
    expect(resolved.excluded.map((e) => e.name)).toEqual(["dotenv", "hf-cli"]);
  });

  it("leaves default-chain providers that are not installed out, but not ones a config names", async () => {
    const onlyEnv: ModuleImporter = (specifier) =>
      specifier === "@hf-secrets/env"
        ? importer(specifier)
        : Promise.reject(
            Object.assign(new Error(`Cannot find package '${specifier}'`), { code: "ERR_MODULE_NOT_FOUND" }),
          );
    const resolved = await resolveEnvironment({ config: false, env: {}, importer: onlyEnv });
    expect(resolved.members.map((m) => m.name)).toEqual(["env"]);
    expect(resolved.excluded.map((e) => e.name)).toEqual(["dotenv", "hf-cli"]);
    const config = { environments: { development: { chain: ["env", "dotenv"] } } };
    await expect(resolveEnvironment({ config, env: {}, importer: onlyEnv })).rejects.toMatchObject({
      code: "PROVIDER_NOT_INSTALLED",
    });
  });

  it("refuses a config chain that lists a provider the policy denies", async () => {
    const config = { environments: { production: { chain: ["dotenv", "aws"] } } };
    await expect(
      resolveEnvironment({ config, env: { NODE_ENV: "production" }, importer }),
    ).rejects.toMatchObject({
      code: "POLICY_VIOLATION",
      provider: "dotenv",
    });
  });

  it("imports only the providers of the selected environment and validates their options", async () => {
    const imported: string[] = [];
    const spy: ModuleImporter = (s) => {
      imported.push(s);
      return importer(s);
    };
    const config = {
      environments: {
        development: { chain: ["env"] },
        production: { chain: [{ provider: "aws", secretId: "prod/hf" }] },
      },
    };
    const resolved = await resolveEnvironment({
      config,
      env: { HF_SECRETS_ENV: "production" },
      importer: spy,
    });
    expect(imported).toEqual(["@hf-secrets/aws"]);
    expect((await resolved.provider.getSecret("HF_TOKEN")).location).toBe("aws:prod/hf");
    await expect(
      resolveEnvironment({
        config: { environments: { production: { chain: [{ provider: "aws", secretID: "x" }] } } },
        env: { NODE_ENV: "production" },
        importer,
      }),
    ).rejects.toThrow(
      '"environments.production.chain[0].secretID" is not a known option (did you mean "secretId"?)',
    );
  });

  it("names the package to install when a provider package is missing", async () => {
    const config = { environments: { production: { chain: [{ provider: "azure" }] } } };
    await expect(resolveEnvironment({ config, env: { NODE_ENV: "production" }, importer })).rejects.toThrow(
      'The provider "azure" (environments.production.chain[0]) needs the package "@hf-secrets/azure", which is not installed. Fix: Run `npm install @hf-secrets/azure @azure/keyvault-secrets @azure/identity` in your project.',
    );
  });

  it("rejects an unknown provider name", async () => {
    const config = { environments: { development: { chain: ["vault"] } } };
    await expect(resolveEnvironment({ config, env: {}, importer })).rejects.toThrow(
      /Unknown provider "vault" at environments\.development\.chain\[0\]\. Fix: Use one of "env", "dotenv", "hf-cli", "aws", "azure", "kubernetes"/,
    );
  });

  it("says which environments exist when the selected one is missing", async () => {
    const config = { environments: { development: { chain: ["env"] } } };
    await expect(resolveEnvironment({ config, env: { NODE_ENV: "test" }, importer })).rejects.toThrow(
      'The environment "test" (from NODE_ENV) is not defined in the config; it defines "development". Fix: Add "environments.test" to the config, or select one of those with HF_SECRETS_ENV.',
    );
  });
});
