import {
  type ProviderContext,
  resolveEnvironment,
  resolvePolicy,
  type SecretProviderError,
  validateOptions,
} from "@hf-secrets/core";
import { describe, expect, it } from "vitest";
import { type AwsSecretsManagerOptions, fromAwsSecretsManager, hfSecretsProvider } from "../src/index.js";
import { loadSecretsManagerSdk } from "../src/sdk-client.js";
import { createFakeSecretsManager } from "./fake-secrets-manager.js";
import { unexpected } from "./unexpected.js";

function context(environment = "production", env: Record<string, string> = {}): ProviderContext {
  return {
    environment,
    policy: resolvePolicy(environment),
    cwd: "/app",
    env,
    configFile: "/app/hf-secrets.config.json",
    path: "environments.production.chain[1]",
  };
}

async function createFromConfig(options: Record<string, unknown>, ctx = context()) {
  const validated = validateOptions(options, hfSecretsProvider.options, {
    file: ctx.configFile,
    path: ctx.path,
    provider: "aws",
  });
  return hfSecretsProvider.create(validated, ctx);
}

function failure(run: () => unknown): SecretProviderError {
  try {
    run();
  } catch (error) {
    return error as SecretProviderError;
  }
  throw new Error("expected a throw");
}

describe("fromAwsSecretsManager: options are checked when the provider is created", () => {
  const client = createFakeSecretsManager();
  it.each<[string, Partial<AwsSecretsManagerOptions>, string]>([
    ["no secretId", {}, '"secretId" must be the secret\'s name or ARN'],
    ["a blank secretId", { secretId: "  " }, '"secretId" must be'],
    ["an empty key", { secretId: "x", key: "" }, '"key" must be a non-empty string'],
    ["a bad JSON Pointer", { secretId: "x", key: "/a~2b" }, '"key" is not a valid JSON Pointer'],
    [
      "a stage and a version id",
      { secretId: "x", versionStage: "AWSCURRENT", versionId: "v1" },
      '"versionId" cannot be combined with "versionStage"',
    ],
    ["an empty region", { secretId: "x", region: "" }, '"region" must be a non-empty string'],
    [
      "an unknown binaryEncoding",
      { secretId: "x", binaryEncoding: "bytes" as never },
      '"binaryEncoding" must be "base64" or "utf8"',
    ],
    [
      "a non-URL endpoint",
      { secretId: "x", endpoint: "localhost:4566" },
      '"endpoint" must be an http:// or https:// URL',
    ],
    [
      "a client without send",
      { secretId: "x", client: {} as never },
      '"client" must be a SecretsManagerClient',
    ],
    [
      "client and clientConfig",
      { secretId: "x", client, clientConfig: { region: "us-east-1" } },
      '"clientConfig" cannot be combined with "client"',
    ],
  ])("refuses %s", (_label, options, text) => {
    const error = failure(() => fromAwsSecretsManager(options as AwsSecretsManagerOptions));
    expect(error.code).toBe("INVALID_CONFIGURATION");
    expect(error.message).toContain(`fromAwsSecretsManager(): ${text}`);
  });
});

describe("loading the AWS SDK lazily", () => {
  it("says which package to install when @aws-sdk/client-secrets-manager is missing", async () => {
    const missing = Object.assign(
      new Error("Cannot find package '@aws-sdk/client-secrets-manager' imported from /app/x.js"),
      {
        code: "ERR_MODULE_NOT_FOUND",
      },
    );
    const error = await loadSecretsManagerSdk("aws", () => Promise.reject(missing)).then(
      unexpected,
      (e: unknown) => e as SecretProviderError,
    );
    expect(error.code).toBe("PROVIDER_NOT_INSTALLED");
    expect(error.fix).toContain("npm install @aws-sdk/client-secrets-manager");
  });

  it("reports another load failure as such", async () => {
    const broken = new SyntaxError("Unexpected token");
    const error = await loadSecretsManagerSdk("aws", () => Promise.reject(broken)).then(
      unexpected,
      (e: unknown) => e as SecretProviderError,
    );
    expect(error.code).toBe("INVALID_CONFIGURATION");
    expect(error.message).toContain("failed to load");
  });

  it("does not load the SDK when the provider is created, only at the first read", async () => {
    // Creating a provider without a client and without credentials must not throw or reach the network.
    const provider = fromAwsSecretsManager({ secretId: "prod/hf", region: "us-east-1" });
    expect(provider.name).toBe("aws");
    expect(provider.describe?.("HF_TOKEN")).toBe("aws:prod/hf@AWSCURRENT (us-east-1)");
    await provider.dispose?.();
  });
});

describe("hfSecretsProvider (config files)", () => {
  it("is named aws, lives in @hf-secrets/aws, and requires secretId", () => {
    expect(hfSecretsProvider.name).toBe("aws");
    expect(hfSecretsProvider.packageName).toBe("@hf-secrets/aws");
    const error = failure(() =>
      validateOptions({ key: "HF_TOKEN" }, hfSecretsProvider.options, { path: "chain[0]", provider: "aws" }),
    );
    expect(error.message).toContain('"chain[0].secretId" is required');
    const typo = failure(() =>
      validateOptions({ secretId: "x", secretID: "y" }, hfSecretsProvider.options, {
        path: "chain[0]",
        provider: "aws",
      }),
    );
    expect(typo.message).toContain('did you mean "secretId"');
  });

  it("takes the region from the entry, else AWS_REGION, else AWS_DEFAULT_REGION", async () => {
    expect(
      (await createFromConfig({ secretId: "prod/hf", region: "eu-west-3" })).describe?.("HF_TOKEN"),
    ).toBe("aws:prod/hf@AWSCURRENT (eu-west-3)");
    expect(
      (
        await createFromConfig({ secretId: "prod/hf" }, context("production", { AWS_REGION: "eu-west-1" }))
      ).describe?.("HF_TOKEN"),
    ).toBe("aws:prod/hf@AWSCURRENT (eu-west-1)");
    expect(
      (
        await createFromConfig(
          { secretId: "prod/hf", key: "HF_TOKEN" },
          context("production", { AWS_DEFAULT_REGION: "sa-east-1" }),
        )
      ).describe?.("HF_TOKEN"),
    ).toBe("aws:prod/hf#HF_TOKEN@AWSCURRENT (sa-east-1)");
  });

  it("reports cross-field problems at the config path", async () => {
    const error = await createFromConfig({ secretId: "x", versionStage: "AWSCURRENT", versionId: "v" }).then(
      unexpected,
      (e: unknown) => e as SecretProviderError,
    );
    expect(error.code).toBe("INVALID_CONFIGURATION");
    expect(error.message).toContain(
      '/app/hf-secrets.config.json: "environments.production.chain[1].versionId" cannot be combined',
    );
  });

  it("refuses a plain-http endpoint off loopback under a strict policy, and allows LocalStack on loopback", async () => {
    const error = await createFromConfig({ secretId: "x", endpoint: "http://secrets.internal:4566" }).then(
      unexpected,
      (e: unknown) => e as SecretProviderError,
    );
    expect(error.code).toBe("INVALID_CONFIGURATION");
    expect(error.message).toContain("plain http to a non-loopback host");
    await expect(
      createFromConfig({ secretId: "x", endpoint: "http://127.0.0.1:4566" }),
    ).resolves.toBeDefined();
    await expect(
      createFromConfig({ secretId: "x", endpoint: "http://localhost:4566" }),
    ).resolves.toBeDefined();
    await expect(
      createFromConfig({
        secretId: "x",
        endpoint: "https://vpce-1.secretsmanager.eu-west-1.vpce.amazonaws.com",
      }),
    ).resolves.toBeDefined();
    // Development is not strict by default.
    await expect(
      createFromConfig({ secretId: "x", endpoint: "http://secrets.internal:4566" }, context("development")),
    ).resolves.toBeDefined();
  });

  it("resolves a production chain from a config object end to end", async () => {
    const environment = await resolveEnvironment({
      environment: "production",
      config: {
        environments: {
          production: {
            chain: [{ provider: "aws", secretId: "prod/hf", key: "HF_TOKEN", region: "eu-north-1" }],
          },
        },
      },
      env: {},
      importer: async () => ({ hfSecretsProvider }),
    });
    expect(environment.members.map((m) => m.name)).toEqual(["aws"]);
    expect(environment.members[0]?.provider.describe?.("HF_TOKEN")).toBe(
      "aws:prod/hf#HF_TOKEN@AWSCURRENT (eu-north-1)",
    );
    expect(environment.members[0]?.path).toBe("environments.production.chain[0]");
  });
});
