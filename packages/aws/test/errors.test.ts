import { SecretNotFoundError, SecretProviderError } from "@hf-secrets/core";
import { errorText, expectNoSecret, makeTestToken } from "@hf-secrets/testing";
import { describe, expect, it } from "vitest";
import { type AwsSecretsManagerOptions, fromAwsSecretsManager } from "../src/index.js";
import {
  createFakeSecretsManager,
  type FakeSecretsManager,
  networkError,
  serviceError,
} from "./fake-secrets-manager.js";
import { unexpected } from "./unexpected.js";

interface Setup {
  client: FakeSecretsManager;
  token: string;
  fail(options?: Partial<AwsSecretsManagerOptions>): Promise<SecretProviderError>;
}

/** A secret holding a token, a provider for it, and a way to get the error of one read — leak-checked. */
function setup(secretText?: (token: string) => string | Uint8Array): Setup {
  const client = createFakeSecretsManager("eu-west-1");
  const token = makeTestToken();
  client.put("prod/hf", secretText ? secretText(token) : token);
  return {
    client,
    token,
    async fail(options = {}) {
      const provider = fromAwsSecretsManager({ client, secretId: "prod/hf", ...options });
      const error = await provider.getSecret("HF_TOKEN").then(
        () => {
          throw new Error("expected the read to fail");
        },
        (e: unknown) => e,
      );
      expect(SecretProviderError.isInstance(error)).toBe(true);
      // Every failure path: the stored token never shows, in any form, anywhere in the error.
      expectNoSecret(errorText(error), token, "the error");
      expect((error as Error).message).toMatch(/^\[hf-secrets\] \[aws\] /);
      return error as SecretProviderError;
    },
  };
}

/** A service error whose raw response carries the token (worst case): it must not travel. */
function leakyServiceError(
  token: string,
  name: string,
  message: string,
  status = 400,
  headers: Record<string, string> = {},
) {
  return serviceError(name, message, {
    status,
    headers: { ...headers, "x-echo": token },
    body: `{"echo":"${token}"}`,
  });
}

describe("fromAwsSecretsManager: not found", () => {
  it("maps ResourceNotFoundException to a tryNext SecretNotFoundError naming the secret and region", async () => {
    const { fail } = setup();
    const error = await fail({ secretId: "prod/missing" });
    expect(SecretNotFoundError.isInstance(error)).toBe(true);
    expect(error.tryNext).toBe(true);
    expect(error.message).toContain('Secret "prod/missing" was not found in eu-west-1.');
    expect(error.fix).toContain("aws secretsmanager create-secret --name prod/missing");
    expect(error.location).toBe("aws:prod/missing@AWSCURRENT (eu-west-1)");
  });

  it("says which version is missing when the stage or version id does not exist", async () => {
    const { fail } = setup();
    const error = await fail({ versionStage: "BLUE" });
    expect(error.code).toBe("NOT_FOUND");
    expect(error.message).toContain('Secret "prod/hf" exists in eu-west-1 but has no version BLUE.');
    const byId = await fail({ versionId: "does-not-exist" });
    expect(byId.message).toContain("has no version does-not-exist");
  });
});

describe("fromAwsSecretsManager: access denied", () => {
  it("maps AccessDeniedException to ACCESS_DENIED with the secret, region, IAM action and kms hint", async () => {
    const { client, token, fail } = setup();
    client.failNext(
      leakyServiceError(
        token,
        "AccessDeniedException",
        "User: arn:aws:sts::123456789012:assumed-role/app/i-1 is not authorized to perform: secretsmanager:GetSecretValue on resource: prod/hf",
      ),
    );
    const error = await fail();
    expect(error.code).toBe("ACCESS_DENIED");
    expect(error.tryNext).toBe(false);
    expect(error.transient).toBe(false);
    expect(error.message).toContain('secret "prod/hf" in eu-west-1');
    expect(error.message).toContain("secretsmanager:GetSecretValue");
    expect(error.fix).toContain("arn:aws:secretsmanager:eu-west-1:<account-id>:secret:prod/hf-??????");
    expect(error.fix).toContain("kms:Decrypt");
    expect((error.cause as Error).name).toBe("AccessDeniedException");
    expect(Object.keys(error.cause as object)).not.toContain("$response");
  });

  it.each([
    ["UnrecognizedClientException", "The security token included in the request is invalid."],
    [
      "InvalidSignatureException",
      "The request signature we calculated does not match the signature you provided.",
    ],
    ["ExpiredTokenException", "The security token included in the request is expired"],
  ])("maps %s (rejected credentials) to ACCESS_DENIED", async (name, message) => {
    const { client, token, fail } = setup();
    client.failNext(leakyServiceError(token, name, message));
    const error = await fail();
    expect(error.code).toBe("ACCESS_DENIED");
    expect(error.message).toContain(
      `AWS rejected the credentials used to read secret "prod/hf" in eu-west-1 (${name}`,
    );
    expect(error.message).toContain("secretsmanager:GetSecretValue");
    expect(error.fix).toContain("kms:Decrypt");
  });

  it("maps a bare HTTP 403 to ACCESS_DENIED", async () => {
    const { client, token, fail } = setup();
    client.failNext(leakyServiceError(token, "UnknownError", "Forbidden", 403));
    expect((await fail()).code).toBe("ACCESS_DENIED");
  });

  it("maps DecryptionFailure to ACCESS_DENIED pointing at kms:Decrypt", async () => {
    const { client, token, fail } = setup();
    client.failNext(leakyServiceError(token, "DecryptionFailure", "Access to KMS is not allowed"));
    const error = await fail();
    expect(error.code).toBe("ACCESS_DENIED");
    expect(error.message).toContain("kms:Decrypt");
    expect(error.fix).toMatch(/^Allow `kms:Decrypt`/);
  });
});

describe("fromAwsSecretsManager: transient failures", () => {
  it("maps ThrottlingException to THROTTLED with Retry-After from the response header", async () => {
    const { client, token, fail } = setup();
    client.failNext(
      leakyServiceError(token, "ThrottlingException", "Rate exceeded", 400, { "retry-after": "3" }),
    );
    const error = await fail();
    expect(error.code).toBe("THROTTLED");
    expect(error.transient).toBe(true);
    expect(error.retryAfterMs).toBe(3_000);
    expect(error.message).toContain("retry after 3000 ms");
  });

  it("maps HTTP 429 without a known name to THROTTLED, without retryAfterMs when no header came", async () => {
    const { client, token, fail } = setup();
    client.failNext(leakyServiceError(token, "TooManyRequests", "slow down", 429));
    const error = await fail();
    expect(error.code).toBe("THROTTLED");
    expect(error.retryAfterMs).toBeUndefined();
  });

  it.each([
    ["InternalServiceError", 500],
    ["ServiceUnavailable", 503],
    ["BadGateway", 502],
  ])("maps %s (HTTP %i) to TRANSIENT", async (name, status) => {
    const { client, token, fail } = setup();
    client.failNext(leakyServiceError(token, name, "try later", status));
    const error = await fail();
    expect(error.code).toBe("TRANSIENT");
    expect(error.transient).toBe(true);
    expect(error.tryNext).toBe(false);
  });

  it.each([
    ["ECONNRESET", "read ECONNRESET"],
    ["ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:4566"],
    ["ECONNRESET", "socket hang up"],
    ["EAI_AGAIN", "getaddrinfo EAI_AGAIN secretsmanager.eu-west-1.amazonaws.com"],
  ])("maps a network error (%s: %s) to TRANSIENT", async (code, message) => {
    const { client, fail } = setup();
    client.failNext(networkError(code, message));
    const error = await fail({ endpoint: "http://127.0.0.1:4566" });
    expect(error.code).toBe("TRANSIENT");
    expect(error.message).toContain("The connection to http://127.0.0.1:4566 failed");
    expect(error.fix).toContain("AWS_ENDPOINT_URL_SECRETS_MANAGER");
  });

  it("maps `socket hang up` without a code to TRANSIENT", async () => {
    const { client, fail } = setup();
    client.failNext(new Error("socket hang up"));
    expect((await fail()).code).toBe("TRANSIENT");
  });

  it.each([
    [Object.assign(new Error("request timed out"), { name: "TimeoutError" })],
    [networkError("ETIMEDOUT", "connect ETIMEDOUT 10.0.0.1:443")],
  ])("maps timeouts to TIMEOUT (%s)", async (thrown) => {
    const { client, fail } = setup();
    client.failNext(thrown);
    const error = await fail();
    expect(error.code).toBe("TIMEOUT");
    expect(error.transient).toBe(true);
  });
});

describe("fromAwsSecretsManager: unusable secrets", () => {
  it("reports a secret scheduled for deletion as DISABLED with DescribeSecret's DeletedDate", async () => {
    const { client, fail } = setup();
    client.scheduleDeletion("prod/hf", new Date("2026-02-03T04:05:06.000Z"));
    const error = await fail();
    expect(error.code).toBe("DISABLED");
    expect(error.tryNext).toBe(false);
    expect(error.transient).toBe(false);
    expect(error.message).toContain(
      'Secret "prod/hf" in eu-west-1 is scheduled for deletion (DeletedDate 2026-02-03T04:05:06.000Z), so Secrets Manager refuses to return its value.',
    );
    expect(error.fix).toContain("aws secretsmanager restore-secret --secret-id prod/hf");
    expect(client.calls.map((c) => c.command)).toEqual(["GetSecretValue", "DescribeSecret"]);
  });

  it("still reports DISABLED when DescribeSecret is not allowed, saying why the date is missing", async () => {
    const { client, token, fail } = setup();
    client.scheduleDeletion("prod/hf", new Date("2026-02-03T04:05:06.000Z"));
    client.failNextDescribe(
      leakyServiceError(token, "AccessDeniedException", "not authorized to perform DescribeSecret"),
    );
    const error = await fail();
    expect(error.code).toBe("DISABLED");
    expect(error.message).toContain(
      "Its deletion date is unknown (DescribeSecret failed: AccessDeniedException;",
    );
  });

  it("reports a JSON secret without the key as MALFORMED_SECRET naming the key and the keys that exist, not values", async () => {
    const other = makeTestToken();
    const { fail } = setup((token) => JSON.stringify({ hf_token: token, OPENAI_KEY: other }));
    const error = await fail({ key: "HF_TOKEN" });
    expect(error.code).toBe("MALFORMED_SECRET");
    expect(error.tryNext).toBe(false);
    expect(error.message).toContain(
      'Secret "prod/hf" has no JSON key "HF_TOKEN": it has the keys "hf_token", "OPENAI_KEY".',
    );
    expect(error.location).toBe("aws:prod/hf#HF_TOKEN@AWSCURRENT (eu-west-1)");
    expectNoSecret(errorText(error), other, "the error");
  });

  it("names the deepest existing level for a missing nested key", async () => {
    const { fail } = setup((token) => JSON.stringify({ hf: { read: token, write: "w" } }));
    const error = await fail({ key: "/hf/token" });
    expect(error.message).toContain('has no JSON key "/hf/token": it has the keys "read", "write" at "/hf".');
    const deeper = await fail({ key: "/hf/read/x" });
    expect(deeper.message).toContain('the value at "/hf/read" is not an object or array');
  });

  it("masks a key that looks like a token when listing keys", async () => {
    const { token, fail } = setup((t) => JSON.stringify({ [t]: "value-stored-as-key" }));
    const error = await fail({ key: "HF_TOKEN" });
    expect(error.message).toContain(`"hf_****${token.slice(-4)}"`);
    expect(error.message).not.toContain("value-stored-as-key");
  });

  it("reports invalid JSON with a key as MALFORMED_SECRET without quoting the content or the parser's message", async () => {
    const { token, fail } = setup((t) => `{"HF_TOKEN": "${t}", oops}`);
    const error = await fail({ key: "HF_TOKEN" });
    expect(error.code).toBe("MALFORMED_SECRET");
    expect(error.message).toContain(
      'Secret "prod/hf" is not valid JSON, so the key "HF_TOKEN" cannot be read from it.',
    );
    const text = errorText(error);
    expect(text).not.toMatch(/Unexpected|position|oops/);
    expectNoSecret(text, token.slice(0, 12), "the error (a prefix of the token)");
  });

  it.each([
    ['"just a string"', "JSON a string"],
    ["42", "JSON a number"],
    ["null", "JSON null"],
  ])("reports JSON %s with a key as MALFORMED_SECRET (%s, not an object)", async (json, words) => {
    const { fail } = setup(() => json);
    const error = await fail({ key: "HF_TOKEN" });
    expect(error.code).toBe("MALFORMED_SECRET");
    expect(error.message).toContain(words);
  });

  it("reports a key that holds an object as MALFORMED_SECRET", async () => {
    const { fail } = setup((token) => JSON.stringify({ HF_TOKEN: { value: token } }));
    const error = await fail({ key: "HF_TOKEN" });
    expect(error.message).toContain(
      'The JSON key "HF_TOKEN" of secret "prod/hf" holds an object, not a string.',
    );
  });

  it("reports an empty (or whitespace-only) HF token as MALFORMED_SECRET", async () => {
    const { client, fail } = setup();
    client.put("prod/hf", " \r\n");
    const error = await fail();
    expect(error.code).toBe("MALFORMED_SECRET");
    expect(error.message).toContain('Secret "prod/hf" is empty (or holds only whitespace).');
  });

  it("reports binary that is not UTF-8 when UTF-8 was asked, and a key on base64 binary", async () => {
    const { fail } = setup(() => new Uint8Array([0xff, 0xfe, 0x00]));
    const utf8 = await fail({ binaryEncoding: "utf8" });
    expect(utf8.code).toBe("MALFORMED_SECRET");
    expect(utf8.message).toContain("not valid UTF-8 (3 bytes)");
    const keyed = await fail({ key: "HF_TOKEN" });
    expect(keyed.code).toBe("MALFORMED_SECRET");
    expect(keyed.fix).toContain('binaryEncoding: "utf8"');
  });
});

describe("fromAwsSecretsManager: configuration errors", () => {
  it.each([
    ["InvalidParameterException", "You provided an invalid value for a parameter."],
    ["ValidationException", "1 validation error detected"],
    [
      "InvalidRequestException",
      "You can't perform this operation on the secret because it was created by another service.",
    ],
  ])("maps %s to INVALID_CONFIGURATION", async (name, message) => {
    const { client, token, fail } = setup();
    client.failNext(leakyServiceError(token, name, message));
    const error = await fail();
    expect(error.code).toBe("INVALID_CONFIGURATION");
    expect(error.message).toContain(name);
  });

  it("maps missing credentials and a missing region to INVALID_CONFIGURATION", async () => {
    const { client, fail } = setup();
    client.failNext(
      Object.assign(new Error("Could not load credentials from any providers"), {
        name: "CredentialsProviderError",
      }),
    );
    const credentials = await fail();
    expect(credentials.code).toBe("INVALID_CONFIGURATION");
    expect(credentials.fix).toContain("AWS_PROFILE");
    client.failNext(new Error("Region is missing"));
    const region = await fail();
    expect(region.code).toBe("INVALID_CONFIGURATION");
    expect(region.fix).toContain("AWS_REGION");
  });
});

describe("fromAwsSecretsManager: abort", () => {
  it("rejects at once with ABORTED for an aborted signal, without calling AWS", async () => {
    const client = createFakeSecretsManager();
    client.put("prod/hf", makeTestToken());
    const controller = new AbortController();
    controller.abort();
    const error = await fromAwsSecretsManager({ client, secretId: "prod/hf" })
      .getSecret("HF_TOKEN", { signal: controller.signal })
      .then(unexpected, (e: unknown) => e as SecretProviderError);
    expect(error.code).toBe("ABORTED");
    expect(client.calls).toHaveLength(0);
  });

  it("passes the signal to send(), and an abort carrying an hf-secrets error (the cache's timeout) comes back as is", async () => {
    const client = createFakeSecretsManager();
    client.put("prod/hf", makeTestToken());
    client.hangNext();
    const controller = new AbortController();
    const pending = fromAwsSecretsManager({ client, secretId: "prod/hf" })
      .getSecret("HF_TOKEN", { signal: controller.signal })
      .catch((e: unknown) => e);
    await new Promise((resolve) => setImmediate(resolve));
    expect(client.calls[0]?.signal).toBe(controller.signal);
    const timeout = new SecretProviderError({ code: "TIMEOUT", provider: "aws", message: "took too long" });
    controller.abort(timeout);
    expect(await pending).toBe(timeout);
  });
});
