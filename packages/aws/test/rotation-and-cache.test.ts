import { cached, type SecretEvent, type SecretProviderError } from "@hf-secrets/core";
import { createFakeClock, errorText, expectNoSecret, makeTestToken } from "@hf-secrets/testing";
import { describe, expect, it } from "vitest";
import { fromAwsSecretsManager } from "../src/index.js";
import { createFakeSecretsManager, serviceError } from "./fake-secrets-manager.js";
import { unexpected } from "./unexpected.js";

describe("getPendingSecret (a rotation in progress)", () => {
  it("reads AWSPENDING with its version id and location", async () => {
    const client = createFakeSecretsManager();
    const current = makeTestToken();
    const pending = makeTestToken();
    client.put("prod/hf", JSON.stringify({ HF_TOKEN: current }));
    const pendingId = client.put("prod/hf", JSON.stringify({ HF_TOKEN: pending }), ["AWSPENDING"]);
    const provider = fromAwsSecretsManager({ client, secretId: "prod/hf", key: "HF_TOKEN" });
    expect((await provider.getSecret("HF_TOKEN")).value.reveal()).toBe(current);
    const value = await provider.getPendingSecret!("HF_TOKEN");
    expect(value?.value.reveal()).toBe(pending);
    expect(value?.version).toBe(pendingId);
    expect(value?.location).toBe("aws:prod/hf#HF_TOKEN@AWSPENDING (us-east-1)");
    expect(client.calls.at(-1)?.input).toEqual({ SecretId: "prod/hf", VersionStage: "AWSPENDING" });
  });

  it("resolves undefined when no version carries AWSPENDING", async () => {
    const client = createFakeSecretsManager();
    client.put("prod/hf", makeTestToken());
    expect(
      await fromAwsSecretsManager({ client, secretId: "prod/hf" }).getPendingSecret!("HF_TOKEN"),
    ).toBeUndefined();
    expect(client.calls).toHaveLength(1);
  });

  it("resolves undefined without a call when a version id is pinned", async () => {
    const client = createFakeSecretsManager();
    const id = client.put("prod/hf", makeTestToken());
    expect(
      await fromAwsSecretsManager({ client, secretId: "prod/hf", versionId: id }).getPendingSecret!(
        "HF_TOKEN",
      ),
    ).toBeUndefined();
    expect(client.calls).toHaveLength(0);
  });

  it("throws other failures (access denied to AWSPENDING) instead of hiding them", async () => {
    const client = createFakeSecretsManager();
    const token = makeTestToken();
    client.put("prod/hf", token);
    client.failNext(
      serviceError("AccessDeniedException", "not authorized", { headers: { "x-echo": token } }),
    );
    const error = await fromAwsSecretsManager({ client, secretId: "prod/hf" }).getPendingSecret!(
      "HF_TOKEN",
    ).then(unexpected, (e: unknown) => e as SecretProviderError);
    expect(error.code).toBe("ACCESS_DENIED");
    expect(error.location).toBe("aws:prod/hf@AWSPENDING (us-east-1)");
    expectNoSecret(errorText(error), token, "the error");
  });

  it("is passed through cached()", async () => {
    const client = createFakeSecretsManager();
    client.put("prod/hf", makeTestToken());
    const pending = makeTestToken();
    client.put("prod/hf", pending, ["AWSPENDING"]);
    const cache = cached(fromAwsSecretsManager({ client, secretId: "prod/hf" }));
    expect((await cache.getPendingSecret!("HF_TOKEN"))?.value.reveal()).toBe(pending);
    await cache.dispose();
  });
});

describe("behind cached(): the core's retries and stale-if-error apply to the AWS mapping", () => {
  it("retries a throttled read after Retry-After and succeeds", async () => {
    const clock = createFakeClock();
    const client = createFakeSecretsManager();
    const token = makeTestToken();
    client.put("prod/hf", token);
    client.failNext(
      serviceError("ThrottlingException", "Rate exceeded", { headers: { "retry-after": "2" } }),
    );
    const cache = cached(fromAwsSecretsManager({ client, secretId: "prod/hf" }), { clock, watch: false });
    const read = cache.getSecret("HF_TOKEN");
    await clock.advance(2_000);
    expect((await read).value.reveal()).toBe(token);
    expect(client.calls).toHaveLength(2);
    await cache.dispose();
  });

  it("serves the previous value (stale) while refreshes fail with 5xx, but drops it on ACCESS_DENIED", async () => {
    const clock = createFakeClock();
    const client = createFakeSecretsManager();
    const token = makeTestToken();
    client.put("prod/hf", token);
    const events: SecretEvent[] = [];
    const cache = cached(fromAwsSecretsManager({ client, secretId: "prod/hf" }), {
      clock,
      watch: false,
      ttlMs: 60_000,
      refreshAhead: false,
      retry: { attempts: 1 },
      onEvent: (e) => events.push(e),
    });
    await cache.getSecret("HF_TOKEN");
    await clock.advance(61_000);
    client.failNext(serviceError("InternalServiceError", "oops", { status: 500 }));
    const stale = await cache.getSecret("HF_TOKEN");
    expect(stale.value.reveal()).toBe(token);
    expect(stale.stale).toBe(true);
    expect(events.some((e) => e.type === "stale")).toBe(true);

    const denied = cached(fromAwsSecretsManager({ client, secretId: "prod/hf" }), {
      clock,
      watch: false,
      ttlMs: 60_000,
      refreshAhead: false,
      retry: { attempts: 3 },
    });
    await denied.getSecret("HF_TOKEN");
    await clock.advance(61_000);
    client.failNext(serviceError("AccessDeniedException", "no"));
    const before = client.calls.length;
    const error = await denied
      .getSecret("HF_TOKEN")
      .then(unexpected, (e: unknown) => e as SecretProviderError);
    expect(error.code).toBe("ACCESS_DENIED");
    expect(client.calls.length - before).toBe(1);
    expect(denied.peek("HF_TOKEN")).toBeUndefined();
    await cache.dispose();
    await denied.dispose();
  });

  it("makes 13.3–15 GetSecretValue calls per hour per name with the default TTL and refresh-ahead (the README's cost figure)", async () => {
    const clock = createFakeClock();
    const client = createFakeSecretsManager();
    client.put("prod/hf", makeTestToken());
    // A deterministic generator: the test must not depend on Math.random.
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const cache = cached(fromAwsSecretsManager({ client, secretId: "prod/hf" }), {
      clock,
      random,
      watch: false,
    });
    await cache.getSecret("HF_TOKEN");
    const hours = 24;
    for (let i = 0; i < hours * 60; i++) await clock.advance(60_000);
    const perHour = (client.calls.length - 1) / hours;
    expect(perHour).toBeGreaterThanOrEqual(3_600 / 270 - 0.1);
    expect(perHour).toBeLessThanOrEqual(3_600 / 240 + 0.1);
    await cache.dispose();

    const fixed = createFakeSecretsManager();
    fixed.put("prod/hf", makeTestToken());
    const clock2 = createFakeClock();
    const noJitter = cached(fromAwsSecretsManager({ client: fixed, secretId: "prod/hf" }), {
      clock: clock2,
      jitter: false,
      watch: false,
    });
    await noJitter.getSecret("HF_TOKEN");
    for (let i = 0; i < 60; i++) await clock2.advance(60_000);
    // The midpoint 0.85 · 300 s = 255 s: 14 refreshes in the first hour after the first read.
    expect(fixed.calls.length - 1).toBe(14);
    await noJitter.dispose();
  });
});

describe("dispose", () => {
  it("is idempotent, leaves an injected client alone, and refuses later reads", async () => {
    const client = createFakeSecretsManager();
    client.put("prod/hf", makeTestToken());
    const provider = fromAwsSecretsManager({ client, secretId: "prod/hf" });
    await provider.getSecret("HF_TOKEN");
    await provider.dispose!();
    await provider.dispose!();
    expect(client.destroyed).toBe(0);
    const error = await provider
      .getSecret("HF_TOKEN")
      .then(unexpected, (e: unknown) => e as SecretProviderError);
    expect(error.code).toBe("DISPOSED");
  });
});
