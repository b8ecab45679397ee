// Unit tests through the REAL @azure/keyvault-secrets SDK against a FAKE Key Vault (test/fake-key-vault.ts, a
// node:http server written for these tests). They check the wire: the challenge flow, Azure's JSON shapes and
// error bodies, one request per read. They are NOT the integration tests: those run against Lowkey Vault in
// integration-tests/azure.
import { createHfSecrets } from "@hf-secrets/client";
import { cached, type SecretEvent } from "@hf-secrets/core";
import {
  createFakeClock,
  describeSecretProviderContract,
  type FakeHfServer,
  makeTestToken,
  startFakeHfServer,
} from "@hf-secrets/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type AzureKeyVaultProviderOptions, fromAzureKeyVault, mapLogicalName } from "../src/index.js";
import { type FakeKeyVault, startFakeKeyVault } from "./fake-key-vault.js";
import { expectProviderError } from "./helpers.js";

// Plain HTTP and a challenge for https://vault.azure.net: both only because this is a local fake.
const fakeOnly = { allowInsecureConnection: true, disableChallengeResourceVerification: true } as const;

function providerFor(kv: FakeKeyVault, options: Partial<AzureKeyVaultProviderOptions> = {}) {
  return fromAzureKeyVault({
    vaultUrl: kv.url,
    credential: kv.credential,
    clientOptions: fakeOnly,
    ...options,
  });
}

describeSecretProviderContract(
  "azure, real SDK against a FAKE Key Vault server (unit level, not the integration test)",
  async () => {
    const kv = await startFakeKeyVault();
    return {
      provider: providerFor(kv),
      seed: async (name, value) => void kv.setSecret(mapLogicalName(name), value),
      update: async (name, value) => void kv.setSecret(mapLogicalName(name), value),
      cleanup: () => kv.close(),
    };
  },
  { update: true },
);

describe("FAKE Key Vault server + real SDK (unit level, not the integration test)", () => {
  let kv: FakeKeyVault;
  beforeEach(async () => {
    kv = await startFakeKeyVault();
  });
  afterEach(async () => {
    await kv.close();
  });
  const host = () => new URL(kv.url).host;

  it("goes through the real challenge: 401 + WWW-Authenticate, then a token for https://vault.azure.net in the vault's tenant", async () => {
    const token = makeTestToken();
    const version = kv.setSecret("hf-token", token);
    const value = await providerFor(kv).getSecret("HF_TOKEN");
    expect(value.value.reveal()).toBe(token);
    expect(value.version).toBe(version);
    expect(value.location).toBe(`azure:${host()}/secrets/hf-token`);
    expect(kv.requests.map((r) => [r.status, r.authorized, r.path])).toEqual([
      [401, false, "/secrets/hf-token/"],
      [200, true, "/secrets/hf-token/"],
    ]);
    expect(kv.credential.calls).toEqual([
      { scopes: ["https://vault.azure.net/.default"], tenantId: kv.tenantId },
    ]);
  });

  it("reads a pinned version and the latest one", async () => {
    const first = makeTestToken();
    const v1 = kv.setSecret("hf-token", first);
    kv.setSecret("hf-token", makeTestToken());
    const latest = makeTestToken();
    const v3 = kv.setSecret("hf-token", latest);
    expect((await providerFor(kv).getSecret("HF_TOKEN")).version).toBe(v3);
    const pinned = await providerFor(kv, { version: v1 }).getSecret("HF_TOKEN", { forceRefresh: true });
    expect(pinned.value.reveal()).toBe(first);
    expect(pinned.version).toBe(v1);
  });

  it("maps the attributes on the wire: exp → expiresAt, a past exp → EXPIRED, a future nbf → DISABLED", async () => {
    const token = makeTestToken();
    const exp = Math.floor(Date.now() / 1000 + 3600) * 1000;
    kv.setSecret("with-exp", token, { expiresOn: exp });
    kv.setSecret("expired", token, { expiresOn: Date.now() - 60_000 });
    kv.setSecret("later", token, { notBefore: Date.now() + 3_600_000 });
    const provider = providerFor(kv);
    expect((await provider.getSecret("WITH_EXP")).expiresAt).toBe(exp);
    await expectProviderError(provider.getSecret("EXPIRED"), "EXPIRED", [token]);
    const later = await expectProviderError(provider.getSecret("LATER"), "DISABLED", [token]);
    expect(later.message).toContain("notBefore");
  });

  it("maps Azure's 403 Forbidden/SecretDisabled body to DISABLED", async () => {
    const token = makeTestToken();
    const version = kv.setSecret("hf-token", token);
    kv.updateVersion("hf-token", version, { enabled: false });
    await expectProviderError(providerFor(kv).getSecret("HF_TOKEN"), "DISABLED", [token]);
    expect(kv.requests.at(-1)?.status).toBe(403);
  });

  it("maps 404 SecretNotFound to NOT_FOUND after checking the deleted secrets (one extra request)", async () => {
    const error = await expectProviderError(providerFor(kv).getSecret("HF_TOKEN"), "NOT_FOUND");
    expect(error.tryNext).toBe(true);
    expect(error.message).toContain("It is not soft-deleted either.");
    expect(kv.requests.filter((r) => r.authorized).map((r) => [r.status, r.path])).toEqual([
      [404, "/secrets/hf-token/"],
      [404, "/deletedsecrets/hf-token"],
    ]);
  });

  it("says a deleted secret is soft-deleted, with its purge date; an identity that may not read deleted secrets gets the plain message", async () => {
    const token = makeTestToken();
    kv.setSecret("hf-token", token);
    kv.deleteSecret("hf-token");
    const deleted = await expectProviderError(providerFor(kv).getSecret("HF_TOKEN"), "DISABLED", [token]);
    expect(deleted.message).toMatch(
      /was deleted on \d{4}-.* and is soft-deleted until it is purged on \d{4}-/,
    );
    kv.denyDeletedReads(true);
    const unknown = await expectProviderError(providerFor(kv).getSecret("HF_TOKEN"), "NOT_FOUND", [token]);
    expect(unknown.message).toContain("this identity may not read deleted secrets");
    kv.denyDeletedReads(false);
    kv.purgeSecret("hf-token");
    const purged = await expectProviderError(providerFor(kv).getSecret("HF_TOKEN"), "NOT_FOUND");
    expect(purged.message).toContain("It is not soft-deleted either.");
  });

  it.each([
    ["rbac", "by Azure RBAC (HTTP 403 ForbiddenByRbac)"],
    ["access-policy", "by the vault's access policies (HTTP 403 AccessDenied)"],
    ["firewall", "The firewall of"],
    ["unauthorized", "did not accept the token of FakeTokenCredential"],
  ] as const)(
    "maps Azure's %s refusal to ACCESS_DENIED naming the vault and the credential class",
    async (mode, says) => {
      kv.setSecret("hf-token", makeTestToken());
      kv.deny(mode);
      const error = await expectProviderError(providerFor(kv).getSecret("HF_TOKEN"), "ACCESS_DENIED");
      expect(error.message).toContain(says);
      expect(error.message).toContain(host());
      expect(error.message).toContain("FakeTokenCredential");
      expect(error.tryNext).toBe(false);
    },
  );

  it("maps 429 to THROTTLED with Retry-After, and 5xx to TRANSIENT, each after exactly one request (the SDK does not retry)", async () => {
    kv.setSecret("hf-token", makeTestToken());
    const provider = providerFor(kv);
    await provider.getSecret("HF_TOKEN"); // completes the challenge
    const before = kv.requests.length;
    kv.enqueue({ status: 429, headers: { "retry-after": "7" } });
    const throttled = await expectProviderError(provider.getSecret("HF_TOKEN"), "THROTTLED");
    expect(throttled.retryAfterMs).toBe(7_000);
    kv.enqueue({ status: 503, headers: { "retry-after": "2" } });
    const unavailable = await expectProviderError(provider.getSecret("HF_TOKEN"), "TRANSIENT");
    expect(unavailable.retryAfterMs).toBe(2_000);
    kv.enqueue({ status: 500 });
    await expectProviderError(provider.getSecret("HF_TOKEN"), "TRANSIENT");
    expect(kv.requests.slice(before).map((r) => r.status)).toEqual([429, 503, 500]);
  });

  it("shares one request among 100 concurrent cold gets through cached()", async () => {
    const token = makeTestToken();
    kv.setSecret("hf-token", token);
    const cache = cached(providerFor(kv), { watch: false });
    const results = await Promise.all(Array.from({ length: 100 }, () => cache.getSecret("HF_TOKEN")));
    expect(new Set(results.map((r) => r.value.reveal()))).toEqual(new Set([token]));
    expect(kv.readsOf("hf-token")).toBe(1);
    await cache.dispose();
  });
});

// Key Vault's attributes are whole epoch seconds: starting on a whole second keeps the arithmetic below exact.
const wholeSecondNow = () => Math.floor(Date.now() / 1000) * 1000;

describe("FAKE Key Vault + cached() with a fake clock: expiresOn drives the cache", () => {
  let kv: FakeKeyVault;
  afterEach(async () => {
    await kv.close();
  });

  it("refreshes before expiresOn and picks up the new version", async () => {
    const clock = createFakeClock(wholeSecondNow());
    kv = await startFakeKeyVault({ now: () => clock.now() });
    const first = makeTestToken();
    const second = makeTestToken();
    const v1 = kv.setSecret("hf-token", first, { expiresOn: clock.now() + 60_000 });
    const cache = cached(providerFor(kv, { clock }), {
      clock,
      jitter: false,
      expirySkewMs: 5_000,
      watch: false,
    });
    const value = await cache.getSecret("HF_TOKEN");
    expect(value.version).toBe(v1);
    const v2 = kv.setSecret("hf-token", second, { expiresOn: clock.now() + 3_600_000 });
    // Fresh for min(TTL, expiresOn - skew) = 55 s; without jitter the refresh starts at 0.85 of it (46.75 s).
    await clock.advance(46_000);
    expect(kv.readsOf("hf-token")).toBe(1);
    await clock.advance(1_000);
    await vi.waitFor(() => expect(cache.peek("HF_TOKEN")?.version).toBe(v2));
    expect(kv.readsOf("hf-token")).toBe(2);
    expect((await cache.getSecret("HF_TOKEN")).value.reveal()).toBe(second);
    await cache.dispose();
  });

  it("serves nothing after expiresOn: no stale value, even when the vault then fails", async () => {
    const clock = createFakeClock(wholeSecondNow());
    kv = await startFakeKeyVault({ now: () => clock.now() });
    const token = makeTestToken();
    kv.setSecret("hf-token", token, { expiresOn: clock.now() + 60_000 });
    const cache = cached(providerFor(kv, { clock }), {
      clock,
      refreshAhead: false,
      expirySkewMs: 5_000,
      retry: { attempts: 1 },
      watch: false,
    });
    expect((await cache.getSecret("HF_TOKEN")).value.reveal()).toBe(token);
    await clock.advance(54_000);
    expect(cache.peek("HF_TOKEN")?.value.reveal()).toBe(token);
    await clock.advance(1_000);
    expect(cache.peek("HF_TOKEN")).toBeUndefined();
    await clock.advance(10_000);
    await expectProviderError(cache.getSecret("HF_TOKEN"), "EXPIRED", [token]);
    kv.enqueue({ status: 503 });
    await expectProviderError(cache.getSecret("HF_TOKEN"), "TRANSIENT", [token]);
    expect(cache.peek("HF_TOKEN")).toBeUndefined();
    await cache.dispose();
  });
});

describe("FAKE Key Vault: a rotation while a getHfClient() client is in use (unit level)", () => {
  let kv: FakeKeyVault;
  let hf: FakeHfServer;
  beforeAll(async () => {
    hf = await startFakeHfServer();
  });
  afterAll(async () => {
    await hf.close();
  });
  beforeEach(async () => {
    kv = await startFakeKeyVault();
  });
  afterEach(async () => {
    await kv.close();
  });

  it("a 401 from Hugging Face makes one forced refresh that reads the latest Key Vault version", async () => {
    const oldToken = makeTestToken();
    const newToken = makeTestToken();
    const oldVersion = kv.setSecret("hf-token", oldToken);
    hf.acceptToken(oldToken);
    const events: SecretEvent[] = [];
    const secrets = createHfSecrets({ provider: providerFor(kv), onEvent: (e) => events.push(e) });
    const client = await secrets.getHfClient({ endpointUrl: hf.url });
    const chat = { model: "test/model", messages: [{ role: "user" as const, content: "hi" }] };
    await client.chatCompletion(chat);
    const newVersion = kv.setSecret("hf-token", newToken);
    hf.acceptToken(newToken);
    hf.revokeToken(oldToken);
    const start = hf.requests.length;
    const answer = await client.chatCompletion(chat);
    expect(answer.choices[0]?.message.content).toBe("ok");
    expect(hf.requests.slice(start).map((r) => [r.status, r.authorization])).toEqual([
      [401, `Bearer ${oldToken}`],
      [200, `Bearer ${newToken}`],
    ]);
    expect(kv.readsOf("hf-token")).toBe(2);
    const rotated = events.find((e) => e.type === "rotated") as
      | Extract<SecretEvent, { type: "rotated" }>
      | undefined;
    expect(rotated?.previousVersion).toBe(oldVersion);
    expect(rotated?.version).toBe(newVersion);
    await secrets.dispose();
  });
});
