import {
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import { type AwsSecretsManagerOptions, fromAwsSecretsManager, hfSecretsProvider } from "@hf-secrets/aws";
import { resolveEnvironment, SecretNotFoundError, type SecretProviderError } from "@hf-secrets/core";
import { errorText, expectNoSecret, makeTestToken } from "@hf-secrets/testing";
import { afterAll, describe, expect, it } from "vitest";
import { admin, createSecret, deleteCreatedSecrets, localstack, putValue, uniqueName } from "./localstack.js";

afterAll(deleteCreatedSecrets);

function provider(options: Partial<AwsSecretsManagerOptions> & Pick<AwsSecretsManagerOptions, "secretId">) {
  return fromAwsSecretsManager({
    endpoint: localstack.endpoint,
    region: localstack.region,
    clientConfig: { credentials: localstack.credentials },
    ...options,
  });
}

async function failure(promise: Promise<unknown>, token: string): Promise<SecretProviderError> {
  const error = await promise.then(
    () => {
      throw new Error("expected the read to fail");
    },
    (e: unknown) => e as SecretProviderError,
  );
  expectNoSecret(errorText(error), token, "the error");
  return error;
}

describe(`SecretString and SecretBinary (${localstack.flavor})`, () => {
  it("reads a plain secret with its version id and location", async () => {
    const name = uniqueName("plain");
    const token = makeTestToken();
    const versionId = await createSecret(name, token);
    const value = await provider({ secretId: name }).getSecret("HF_TOKEN");
    expect(value.value.reveal()).toBe(token);
    expect(value.version).toBe(versionId);
    expect(value.location).toBe(`aws:${name}@AWSCURRENT (${localstack.region})`);
  });

  it("reads a secret by its ARN", async () => {
    const name = uniqueName("arn");
    const token = makeTestToken();
    await createSecret(name, token);
    const arn = (await admin.send(new DescribeSecretCommand({ SecretId: name }))).ARN!;
    const value = await provider({ secretId: arn }).getSecret("HF_TOKEN");
    expect(value.value.reveal()).toBe(token);
    expect(value.location).toBe(`aws:${arn}@AWSCURRENT`);
  });

  it("reads a JSON key, the logical name as default key, and a nested key through a JSON Pointer", async () => {
    const name = uniqueName("json");
    const token = makeTestToken();
    const nested = makeTestToken();
    await createSecret(
      name,
      JSON.stringify({ HF_TOKEN: token, DB_PASSWORD: "pw", hf: { write: { token: nested } } }),
    );
    expect((await provider({ secretId: name, key: "HF_TOKEN" }).getSecret("X")).value.reveal()).toBe(token);
    const byName = await provider({ secretId: name }).getSecret("HF_TOKEN");
    expect(byName.value.reveal()).toBe(token);
    expect(byName.location).toBe(`aws:${name}#HF_TOKEN@AWSCURRENT (${localstack.region})`);
    expect((await provider({ secretId: name }).getSecret("DB_PASSWORD")).value.reveal()).toBe("pw");
    const deep = await provider({ secretId: name, key: "/hf/write/token" }).getSecret("HF_TOKEN");
    expect(deep.value.reveal()).toBe(nested);
    expect(deep.location).toBe(`aws:${name}#/hf/write/token@AWSCURRENT (${localstack.region})`);
  });

  it("names the missing key and the existing keys, never the values", async () => {
    const name = uniqueName("json-missing");
    const token = makeTestToken();
    await createSecret(name, JSON.stringify({ hf_token: token, other: "x" }));
    const error = await failure(provider({ secretId: name, key: "HF_TOKEN" }).getSecret("HF_TOKEN"), token);
    expect(error.code).toBe("MALFORMED_SECRET");
    expect(error.message).toContain(
      `Secret "${name}" has no JSON key "HF_TOKEN": it has the keys "hf_token", "other".`,
    );
  });

  it("refuses invalid JSON when a key is asked for, without quoting it", async () => {
    const name = uniqueName("json-invalid");
    const token = makeTestToken();
    await createSecret(name, `{"HF_TOKEN": "${token}"`);
    const error = await failure(provider({ secretId: name, key: "HF_TOKEN" }).getSecret("HF_TOKEN"), token);
    expect(error.code).toBe("MALFORMED_SECRET");
    expect(errorText(error)).not.toMatch(/position|Unexpected|Expected/);
  });

  it("reads SecretBinary as base64, or as UTF-8 text when asked", async () => {
    const bytes = new Uint8Array([0, 1, 2, 200, 255]);
    const binName = uniqueName("binary");
    await createSecret(binName, bytes);
    expect((await provider({ secretId: binName }).getSecret("BLOB")).value.reveal()).toBe(
      Buffer.from(bytes).toString("base64"),
    );
    const utf8Error = await failure(
      provider({ secretId: binName, binaryEncoding: "utf8" }).getSecret("BLOB"),
      Buffer.from(bytes).toString("base64"),
    );
    expect(utf8Error.code).toBe("MALFORMED_SECRET");

    const token = makeTestToken();
    const textName = uniqueName("binary-text");
    await createSecret(textName, new TextEncoder().encode(JSON.stringify({ HF_TOKEN: token })));
    const value = await provider({ secretId: textName, key: "HF_TOKEN", binaryEncoding: "utf8" }).getSecret(
      "HF_TOKEN",
    );
    expect(value.value.reveal()).toBe(token);
  });
});

describe(`stages and versions (${localstack.flavor})`, () => {
  it("follows AWSPENDING → AWSCURRENT → AWSPREVIOUS through a rotation done with UpdateSecretVersionStage", async () => {
    const name = uniqueName("stages");
    const first = makeTestToken();
    const second = makeTestToken();
    const firstId = await createSecret(name, first);
    const secondId = await putValue(name, second, ["AWSPENDING"]);

    const current = provider({ secretId: name });
    expect((await current.getSecret("HF_TOKEN")).version).toBe(firstId);
    const pending = await current.getPendingSecret!("HF_TOKEN");
    expect(pending?.value.reveal()).toBe(second);
    expect(pending?.version).toBe(secondId);
    expect(pending?.location).toBe(`aws:${name}@AWSPENDING (${localstack.region})`);
    expect(
      await provider({ secretId: name, versionStage: "AWSPREVIOUS" })
        .getSecret("HF_TOKEN")
        .catch((e: unknown) => e),
    ).toSatisfy((e: unknown) => SecretNotFoundError.isInstance(e));

    // finishSecret of a rotation: move AWSCURRENT to the pending version.
    await admin.send(
      new UpdateSecretVersionStageCommand({
        SecretId: name,
        VersionStage: "AWSCURRENT",
        MoveToVersionId: secondId,
        RemoveFromVersionId: firstId,
      }),
    );
    await admin.send(
      new UpdateSecretVersionStageCommand({
        SecretId: name,
        VersionStage: "AWSPENDING",
        RemoveFromVersionId: secondId,
      }),
    );

    const now = await current.getSecret("HF_TOKEN");
    expect(now.value.reveal()).toBe(second);
    expect(now.version).toBe(secondId);
    const previous = await provider({ secretId: name, versionStage: "AWSPREVIOUS" }).getSecret("HF_TOKEN");
    expect(previous.value.reveal()).toBe(first);
    expect(previous.version).toBe(firstId);
    expect(await current.getPendingSecret!("HF_TOKEN")).toBeUndefined();
    const pinned = await provider({ secretId: name, versionId: firstId }).getSecret("HF_TOKEN");
    expect(pinned.value.reveal()).toBe(first);
    expect(pinned.location).toBe(`aws:${name}@${firstId} (${localstack.region})`);
  });

  it("PutSecretValue without stages moves AWSCURRENT and labels the old version AWSPREVIOUS", async () => {
    const name = uniqueName("put");
    const first = makeTestToken();
    const second = makeTestToken();
    await createSecret(name, first);
    await putValue(name, second);
    expect((await provider({ secretId: name }).getSecret("HF_TOKEN")).value.reveal()).toBe(second);
    expect(
      (await provider({ secretId: name, versionStage: "AWSPREVIOUS" }).getSecret("HF_TOKEN")).value.reveal(),
    ).toBe(first);
  });
});

describe(`absent and unusable secrets (${localstack.flavor})`, () => {
  it("maps a missing secret to a tryNext SecretNotFoundError, and a missing stage or version id too", async () => {
    const missing = uniqueName("missing");
    const error = await failure(provider({ secretId: missing }).getSecret("HF_TOKEN"), "unused-value-xyz");
    expect(SecretNotFoundError.isInstance(error)).toBe(true);
    expect(error.tryNext).toBe(true);
    expect(error.message).toContain(`Secret "${missing}" was not found in ${localstack.region}.`);

    const name = uniqueName("no-stage");
    const token = makeTestToken();
    await createSecret(name, token);
    const stage = await failure(
      provider({ secretId: name, versionStage: "BLUE" }).getSecret("HF_TOKEN"),
      token,
    );
    expect(stage.code).toBe("NOT_FOUND");
    expect(stage.message).toContain("has no version BLUE");
    const id = await failure(
      provider({ secretId: name, versionId: "00000000-0000-0000-0000-000000000000" }).getSecret("HF_TOKEN"),
      token,
    );
    expect(id.code).toBe("NOT_FOUND");
  });

  it("reports a secret scheduled for deletion as DISABLED with the DeletedDate that DescribeSecret reports", async () => {
    const name = uniqueName("deleted");
    const token = makeTestToken();
    await createSecret(name, token);
    await admin.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));
    const raw = await admin.send(new GetSecretValueCommand({ SecretId: name })).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(raw?.name).toBe("InvalidRequestException");
    const described = await admin.send(new DescribeSecretCommand({ SecretId: name }));
    expect(described.DeletedDate).toBeInstanceOf(Date);

    const error = await failure(provider({ secretId: name }).getSecret("HF_TOKEN"), token);
    expect(error.code).toBe("DISABLED");
    expect(error.tryNext).toBe(false);
    expect(error.message).toContain(
      `Secret "${name}" in ${localstack.region} is scheduled for deletion (DeletedDate ${described.DeletedDate!.toISOString()})`,
    );
    expect(error.fix).toContain(`aws secretsmanager restore-secret --secret-id ${name}`);
  });
});

describe(`configuration from the environment and from a config file (${localstack.flavor})`, () => {
  it("uses AWS_ENDPOINT_URL_SECRETS_MANAGER and AWS_REGION through the SDK when no endpoint is given", async () => {
    const name = uniqueName("env");
    const token = makeTestToken();
    await createSecret(name, token);
    const value = await fromAwsSecretsManager({ secretId: name }).getSecret("HF_TOKEN");
    expect(value.value.reveal()).toBe(token);
    expect(value.location).toBe(`aws:${name}@AWSCURRENT (${localstack.region})`);
  });

  it("resolves a production chain { provider: aws, secretId, key, endpoint } and reads through it", async () => {
    const name = uniqueName("config");
    const token = makeTestToken();
    await createSecret(name, JSON.stringify({ HF_TOKEN: token }));
    const environment = await resolveEnvironment({
      environment: "production",
      config: {
        environments: {
          production: {
            chain: [{ provider: "aws", secretId: name, key: "HF_TOKEN", endpoint: localstack.endpoint }],
          },
        },
      },
      env: { AWS_REGION: localstack.region },
      importer: async () => ({ hfSecretsProvider }),
    });
    const value = await environment.provider.getSecret("HF_TOKEN");
    expect(value.value.reveal()).toBe(token);
    expect(value.provider).toBe("aws");
    expect(value.location).toBe(`aws:${name}#HF_TOKEN@AWSCURRENT (${localstack.region})`);
  });
});
