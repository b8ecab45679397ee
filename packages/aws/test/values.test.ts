import { errorText, expectNoSecret, makeTestToken } from "@hf-secrets/testing";
import { describe, expect, it } from "vitest";
import { fromAwsSecretsManager } from "../src/index.js";
import { createFakeSecretsManager } from "./fake-secrets-manager.js";

describe("fromAwsSecretsManager: SecretString", () => {
  it("returns a plain string with provenance: location, version id, provider", async () => {
    const client = createFakeSecretsManager("eu-west-1");
    const token = makeTestToken();
    const versionId = client.put("prod/hf", token);
    const value = await fromAwsSecretsManager({ client, secretId: "prod/hf" }).getSecret("HF_TOKEN");
    expect(value.value.reveal()).toBe(token);
    expect(value.provider).toBe("aws");
    expect(value.location).toBe("aws:prod/hf@AWSCURRENT (eu-west-1)");
    expect(value.version).toBe(versionId);
    expect(value.warnings).toBeUndefined();
    expect(client.calls.map((c) => c.input)).toEqual([{ SecretId: "prod/hf", VersionStage: "AWSCURRENT" }]);
  });

  it("cleans the HF token like huggingface_hub (a trailing newline from `file://token.txt`)", async () => {
    const client = createFakeSecretsManager();
    const token = makeTestToken();
    client.put("prod/hf", ` ${token}\r\n`);
    client.put("prod/other", " kept as is \n");
    const provider = fromAwsSecretsManager({
      client,
      secretId: (name) => (name === "HF_TOKEN" ? "prod/hf" : "prod/other"),
    });
    expect((await provider.getSecret("HF_TOKEN")).value.reveal()).toBe(token);
    expect((await provider.getSecret("OTHER")).value.reveal()).toBe(" kept as is \n");
  });

  it("reads a JSON field named by `key`, and says so in the location", async () => {
    const client = createFakeSecretsManager();
    const token = makeTestToken();
    client.put("prod/app", JSON.stringify({ DB_PASSWORD: "not-this", HF_TOKEN: token }));
    const value = await fromAwsSecretsManager({ client, secretId: "prod/app", key: "HF_TOKEN" }).getSecret(
      "ANY_NAME",
    );
    expect(value.value.reveal()).toBe(token);
    expect(value.location).toBe("aws:prod/app#HF_TOKEN@AWSCURRENT (us-east-1)");
  });

  it("reads a nested field through a JSON Pointer, with RFC 6901 escapes and array indexes", async () => {
    const client = createFakeSecretsManager();
    const token = makeTestToken();
    const other = makeTestToken();
    client.put(
      "prod/app",
      JSON.stringify({ hf: { token, "a/b": other, "m~n": "tilde" }, list: ["zero", other] }),
    );
    const read = (key: string) => fromAwsSecretsManager({ client, secretId: "prod/app", key }).getSecret("X");
    expect((await read("/hf/token")).value.reveal()).toBe(token);
    expect((await read("/hf/token")).location).toBe("aws:prod/app#/hf/token@AWSCURRENT (us-east-1)");
    expect((await read("/hf/a~1b")).value.reveal()).toBe(other);
    expect((await read("/hf/m~0n")).value.reveal()).toBe("tilde");
    expect((await read("/list/1")).value.reveal()).toBe(other);
  });

  it("treats a key without a leading slash as one literal top-level field", async () => {
    const client = createFakeSecretsManager();
    client.put("prod/app", JSON.stringify({ "a/b": "slash", "a.b": "dot", a: { b: "nested" } }));
    const read = (key: string) => fromAwsSecretsManager({ client, secretId: "prod/app", key }).getSecret("X");
    expect((await read("a/b")).value.reveal()).toBe("slash");
    expect((await read("a.b")).value.reveal()).toBe("dot");
  });

  it("converts number and boolean fields to text", async () => {
    const client = createFakeSecretsManager();
    client.put("prod/app", JSON.stringify({ PORT: 5432, FLAG: true }));
    const provider = fromAwsSecretsManager({ client, secretId: "prod/app" });
    expect((await provider.getSecret("PORT")).value.reveal()).toBe("5432");
    expect((await provider.getSecret("FLAG")).value.reveal()).toBe("true");
  });

  it("without `key`, uses the logical name as the key of a JSON object (one secret, several app secrets)", async () => {
    const client = createFakeSecretsManager();
    const token = makeTestToken();
    client.put("prod/app", JSON.stringify({ HF_TOKEN: token, OPENAI_API_KEY: "sk-other" }));
    const provider = fromAwsSecretsManager({ client, secretId: "prod/app" });
    const value = await provider.getSecret("HF_TOKEN");
    expect(value.value.reveal()).toBe(token);
    expect(value.location).toBe("aws:prod/app#HF_TOKEN@AWSCURRENT (us-east-1)");
    expect((await provider.getSecret("OPENAI_API_KEY")).value.reveal()).toBe("sk-other");
  });

  it("without `key`, returns a JSON object lacking the name whole, with a warning naming its keys (not values)", async () => {
    const client = createFakeSecretsManager();
    const secretText = JSON.stringify({ username: "svc", password: makeTestToken() });
    client.put("prod/db", secretText);
    const value = await fromAwsSecretsManager({ client, secretId: "prod/db" }).getSecret("DB_CREDENTIALS");
    expect(value.value.reveal()).toBe(secretText);
    expect(value.location).toBe("aws:prod/db@AWSCURRENT (us-east-1)");
    expect(value.warnings).toHaveLength(1);
    expect(value.warnings?.[0]?.code).toBe("WHOLE_JSON_RETURNED");
    expect(value.warnings?.[0]?.message).toContain('it has the keys "username", "password"');
    expectNoSecret(JSON.stringify(value.warnings), JSON.parse(secretText).password, "the warning");
    expect(JSON.stringify(value.warnings)).not.toContain("svc");
  });

  it("returns text that merely starts like JSON (or is a JSON array) whole", async () => {
    const client = createFakeSecretsManager();
    client.put("a", "{not json");
    client.put("b", '["x"]');
    const provider = fromAwsSecretsManager({ client, secretId: (name) => name });
    expect((await provider.getSecret("a")).value.reveal()).toBe("{not json");
    expect((await provider.getSecret("b")).value.reveal()).toBe('["x"]');
  });
});

describe("fromAwsSecretsManager: SecretBinary", () => {
  const bytes = new Uint8Array([0, 1, 2, 250, 255]);

  it("returns bytes as base64 text by default (lossless)", async () => {
    const client = createFakeSecretsManager();
    client.put("bin", bytes);
    const value = await fromAwsSecretsManager({ client, secretId: "bin" }).getSecret("BLOB");
    expect(value.value.reveal()).toBe(Buffer.from(bytes).toString("base64"));
  });

  it('returns UTF-8 text with binaryEncoding "utf8", where JSON keys work too', async () => {
    const client = createFakeSecretsManager();
    const token = makeTestToken();
    client.put("bin-text", new TextEncoder().encode(token));
    client.put("bin-json", new TextEncoder().encode(JSON.stringify({ HF_TOKEN: token })));
    const provider = fromAwsSecretsManager({ client, secretId: (n) => n, binaryEncoding: "utf8" });
    expect((await provider.getSecret("bin-text")).value.reveal()).toBe(token);
    const keyed = fromAwsSecretsManager({
      client,
      secretId: "bin-json",
      key: "HF_TOKEN",
      binaryEncoding: "utf8",
    });
    expect((await keyed.getSecret("HF_TOKEN")).value.reveal()).toBe(token);
  });

  it("reads the base64 of a subarray view correctly (no bytes of the surrounding buffer)", async () => {
    const client = createFakeSecretsManager();
    const backing = new Uint8Array([9, 9, 1, 2, 3, 9, 9]);
    client.put("view", backing.subarray(2, 5));
    const value = await fromAwsSecretsManager({ client, secretId: "view" }).getSecret("X");
    expect(value.value.reveal()).toBe(Buffer.from([1, 2, 3]).toString("base64"));
  });
});

describe("fromAwsSecretsManager: versions, names, regions", () => {
  it("reads the stage or version id it is told to, and names it in the location", async () => {
    const client = createFakeSecretsManager();
    const first = makeTestToken();
    const second = makeTestToken();
    const firstId = client.put("prod/hf", first);
    client.put("prod/hf", second);
    const previous = await fromAwsSecretsManager({
      client,
      secretId: "prod/hf",
      versionStage: "AWSPREVIOUS",
    }).getSecret("HF_TOKEN");
    expect(previous.value.reveal()).toBe(first);
    expect(previous.location).toBe("aws:prod/hf@AWSPREVIOUS (us-east-1)");
    const pinned = await fromAwsSecretsManager({ client, secretId: "prod/hf", versionId: firstId }).getSecret(
      "HF_TOKEN",
    );
    expect(pinned.value.reveal()).toBe(first);
    expect(pinned.location).toBe(`aws:prod/hf@${firstId} (us-east-1)`);
    expect(client.calls.at(-1)?.input).toEqual({ SecretId: "prod/hf", VersionId: firstId });
  });

  it("maps logical names through secretId and key functions (one provider, several names)", async () => {
    const client = createFakeSecretsManager();
    const token = makeTestToken();
    client.put("prod/hf", JSON.stringify({ token }));
    client.put("prod/openai", "sk-x");
    const provider = fromAwsSecretsManager({
      client,
      secretId: (name) => (name === "HF_TOKEN" ? "prod/hf" : "prod/openai"),
      key: (name) => (name === "HF_TOKEN" ? "token" : undefined),
    });
    expect((await provider.getSecret("HF_TOKEN")).value.reveal()).toBe(token);
    expect((await provider.getSecret("OPENAI_API_KEY")).value.reveal()).toBe("sk-x");
    expect(provider.describe?.("HF_TOKEN")).toBe("aws:prod/hf#token@AWSCURRENT (us-east-1)");
  });

  it("keeps an ARN as the location without repeating the region", async () => {
    const client = createFakeSecretsManager();
    client.put("prod/hf", makeTestToken());
    const arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/hf-AbCdEf";
    const value = await fromAwsSecretsManager({ client, secretId: arn }).getSecret("HF_TOKEN");
    expect(value.location).toBe(`aws:${arn}@AWSCURRENT`);
  });

  it("names the region from the options before any call, and from the client after the first", async () => {
    const client = createFakeSecretsManager("ap-south-1");
    client.put("prod/hf", makeTestToken());
    expect(
      fromAwsSecretsManager({ client, secretId: "prod/hf", region: "eu-central-1" }).describe?.("HF_TOKEN"),
    ).toBe("aws:prod/hf@AWSCURRENT (eu-central-1)");
    const provider = fromAwsSecretsManager({ client, secretId: "prod/hf" });
    expect(provider.describe?.("HF_TOKEN")).toBe("aws:prod/hf@AWSCURRENT");
    await provider.getSecret("HF_TOKEN");
    expect(provider.describe?.("HF_TOKEN")).toBe("aws:prod/hf@AWSCURRENT (ap-south-1)");
  });

  it("turns a throwing secretId function into INVALID_CONFIGURATION without the thrown details leaking values", async () => {
    const client = createFakeSecretsManager();
    const token = makeTestToken();
    const provider = fromAwsSecretsManager({
      client,
      secretId: () => {
        throw new Error("no mapping");
      },
    });
    const error = await provider.getSecret("HF_TOKEN").catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe("INVALID_CONFIGURATION");
    expect(provider.describe?.("HF_TOKEN")).toBe("aws:<secretId for HF_TOKEN>@AWSCURRENT");
    expectNoSecret(errorText(error), token, "the error");
    const empty = fromAwsSecretsManager({ client, secretId: () => "" });
    expect(((await empty.getSecret("HF_TOKEN").catch((e: unknown) => e)) as { code?: string }).code).toBe(
      "INVALID_CONFIGURATION",
    );
    const badKey = fromAwsSecretsManager({ client, secretId: "x", key: () => "/bad~2" });
    expect(((await badKey.getSecret("HF_TOKEN").catch((e: unknown) => e)) as { code?: string }).code).toBe(
      "INVALID_CONFIGURATION",
    );
    expect(client.calls).toHaveLength(0);
  });
});
