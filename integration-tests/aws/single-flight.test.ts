import { fromAwsSecretsManager } from "@hf-secrets/aws";
import { cached } from "@hf-secrets/core";
import { makeTestToken } from "@hf-secrets/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CountingProxy,
  createSecret,
  deleteCreatedSecrets,
  localstack,
  startCountingProxy,
  uniqueName,
} from "./localstack.js";

// Counted at the server side: a proxy in front of LocalStack counts the GetSecretValue requests it forwarded.

let proxy: CountingProxy;
beforeAll(async () => {
  proxy = await startCountingProxy();
});
afterAll(async () => {
  await proxy.close();
  await deleteCreatedSecrets();
});

describe(`single-flight through cached() (${localstack.flavor})`, () => {
  it("100 concurrent cold getSecret calls reach Secrets Manager as exactly one GetSecretValue", async () => {
    const name = uniqueName("single-flight");
    const token = makeTestToken();
    await createSecret(name, JSON.stringify({ HF_TOKEN: token }));
    const cache = cached(
      fromAwsSecretsManager({
        secretId: name,
        endpoint: proxy.url,
        region: localstack.region,
        clientConfig: { credentials: localstack.credentials },
      }),
    );
    const before = proxy.count("GetSecretValue");
    const values = await Promise.all(Array.from({ length: 100 }, () => cache.getSecret("HF_TOKEN")));
    expect(proxy.count("GetSecretValue") - before).toBe(1);
    expect(new Set(values.map((v) => v.value.reveal()))).toEqual(new Set([token]));
    expect(new Set(values)).toHaveLength(1);

    // Warm: another 100 calls are cache hits, no request at all.
    await Promise.all(Array.from({ length: 100 }, () => cache.getSecret("HF_TOKEN")));
    expect(proxy.count("GetSecretValue") - before).toBe(1);
    expect(proxy.count("DescribeSecret")).toBe(0);
    await cache.dispose();
  });

  it("without the cache, the same 100 calls are 100 requests (the proxy counts every one)", async () => {
    const name = uniqueName("no-cache");
    await createSecret(name, makeTestToken());
    const provider = fromAwsSecretsManager({
      secretId: name,
      endpoint: proxy.url,
      region: localstack.region,
      clientConfig: { credentials: localstack.credentials },
    });
    const before = proxy.count("GetSecretValue");
    await Promise.all(Array.from({ length: 100 }, () => provider.getSecret("HF_TOKEN")));
    expect(proxy.count("GetSecretValue") - before).toBe(100);
    await provider.dispose?.();
  });
});
