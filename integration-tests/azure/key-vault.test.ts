// fromAzureKeyVault against Lowkey Vault (real server; see lowkey.ts): versions, expiresOn/notBefore, disabled,
// missing, deleted, the name mapping, a rotation under getHfClient(), single-flight at the server, TLS.
//
// Lowkey never answers 401 for a bad token nor 403 at all (it checks only that a bearer token is present), and it
// answers a disabled secret with 404 where Azure answers 403 SecretDisabled: the 401/403 mappings and Azure's own
// error bodies are covered by the unit tests against the fake server (packages/azure/test/fake-key-vault.test.ts).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { ManagedIdentityCredential } from "@azure/identity";
import type { SecretClient } from "@azure/keyvault-secrets";
import { type AzureKeyVaultProviderOptions, fromAzureKeyVault, mapLogicalName } from "@hf-secrets/azure";
import { createHfSecrets } from "@hf-secrets/client";
import { cached, type SecretEvent, SecretNotFoundError, SecretProviderError } from "@hf-secrets/core";
import {
  createFakeClock,
  errorText,
  expectNoSecret,
  makeTestToken,
  startFakeHfServer,
} from "@hf-secrets/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  adminClient,
  type CountingProxy,
  deleteAndPurge,
  type LowkeyEnv,
  lowkeyClientOptions,
  lowkeyEnv,
  startCountingProxy,
  uniqueLogicalName,
} from "./lowkey.js";

let env: LowkeyEnv;
let admin: SecretClient;
let proxy: CountingProxy;
const created = new Set<string>();

beforeAll(async () => {
  env = lowkeyEnv();
  admin = adminClient(env.vaultUrl);
  proxy = await startCountingProxy(env);
});
afterAll(async () => {
  await proxy?.close();
  if (admin) await deleteAndPurge(admin, created);
});

function provider(options: Partial<AzureKeyVaultProviderOptions> = {}) {
  return fromAzureKeyVault({
    vaultUrl: env.vaultUrl,
    credential: new ManagedIdentityCredential(),
    clientOptions: lowkeyClientOptions,
    ...options,
  });
}

/** Stores a value under the mapped name of a fresh logical name; returns both names and the version id. */
async function seed(
  value: string,
  options: { expiresOn?: Date; notBefore?: Date; enabled?: boolean } = {},
  logical = uniqueLogicalName(),
) {
  const secretName = mapLogicalName(logical);
  created.add(secretName);
  const stored = await admin.setSecret(secretName, value, options);
  return { logical, secretName, version: stored.properties.version! };
}

async function rejection(promise: Promise<unknown>): Promise<SecretProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(SecretProviderError.isInstance(error), `expected a SecretProviderError, got ${String(error)}`).toBe(
    true,
  );
  return error as SecretProviderError;
}

describe("Lowkey Vault: versions", () => {
  it("reads the latest version by default and a pinned one when asked, with the Key Vault version ids", async () => {
    const values = [makeTestToken(), makeTestToken(), makeTestToken()];
    const logical = uniqueLogicalName();
    const versions: string[] = [];
    for (const value of values) versions.push((await seed(value, {}, logical)).version);
    const latest = await provider().getSecret(logical);
    expect(latest.value.reveal()).toBe(values[2]);
    expect(latest.version).toBe(versions[2]);
    for (const i of [0, 1]) {
      const pinned = await provider({ version: versions[i] }).getSecret(logical);
      expect(pinned.value.reveal()).toBe(values[i]);
      expect(pinned.version).toBe(versions[i]);
      expect(pinned.location).toContain(`/${versions[i]}`);
    }
    const missing = await rejection(provider({ version: "0".repeat(32) }).getSecret(logical));
    expect(missing.code).toBe("NOT_FOUND");
    expect(missing.message).toContain(`Version ${"0".repeat(32)}`);
  });
});

describe("Lowkey Vault: expiresOn and notBefore", () => {
  it("refuses a secret whose expiresOn has passed (Lowkey, like Azure, still returns it) and one before its notBefore", async () => {
    const token = makeTestToken();
    const expired = await seed(token, { expiresOn: new Date(Date.now() - 3_600_000) });
    const error = await rejection(provider().getSecret(expired.logical));
    expect(error.code).toBe("EXPIRED");
    expectNoSecret(errorText(error), token, "the EXPIRED error");
    const early = await seed(token, { notBefore: new Date(Date.now() + 3_600_000) });
    const notYet = await rejection(provider().getSecret(early.logical));
    expect(notYet.code).toBe("DISABLED");
    expect(notYet.message).toContain("notBefore");
  });

  it("refreshes before a near expiresOn and picks up the new version (fake clock, real server)", async () => {
    // Key Vault dates are whole seconds: start the fake clock on one so the arithmetic is exact.
    const clock = createFakeClock(Math.floor(Date.now() / 1000) * 1000);
    const first = await seed(makeTestToken(), { expiresOn: new Date(clock.now() + 60_000) });
    const cache = cached(provider({ clock, vaultUrl: proxy.url }), {
      clock,
      jitter: false,
      expirySkewMs: 5_000,
      watch: false,
    });
    try {
      const value = await cache.getSecret(first.logical);
      expect(value.version).toBe(first.version);
      expect(value.expiresAt).toBe(clock.now() + 60_000);
      const next = makeTestToken();
      const second = await seed(next, { expiresOn: new Date(clock.now() + 3_600_000) }, first.logical);
      // Fresh for expiresOn - skew = 55 s; without jitter the refresh starts at 0.85 of it (46.75 s).
      await clock.advance(46_000);
      expect(proxy.readsOf(first.secretName).filter((r) => r.status === 200)).toHaveLength(1);
      await clock.advance(1_000);
      await vi.waitFor(() => expect(cache.peek(first.logical)?.version).toBe(second.version), {
        timeout: 10_000,
      });
      expect((await cache.getSecret(first.logical)).value.reveal()).toBe(next);
    } finally {
      await cache.dispose();
    }
  });

  it("serves nothing after expiresOn when no new version came (no stale value)", async () => {
    const clock = createFakeClock(Math.floor(Date.now() / 1000) * 1000);
    const token = makeTestToken();
    const stored = await seed(token, { expiresOn: new Date(clock.now() + 60_000) });
    const cache = cached(provider({ clock }), {
      clock,
      refreshAhead: false,
      expirySkewMs: 5_000,
      retry: { attempts: 1 },
      watch: false,
    });
    try {
      expect((await cache.getSecret(stored.logical)).value.reveal()).toBe(token);
      await clock.advance(54_000);
      expect(cache.peek(stored.logical)?.value.reveal()).toBe(token);
      await clock.advance(1_000);
      expect(cache.peek(stored.logical)).toBeUndefined();
      await clock.advance(10_000);
      const error = await rejection(cache.getSecret(stored.logical));
      expect(error.code).toBe("EXPIRED");
      expectNoSecret(errorText(error), token, "the EXPIRED error");
    } finally {
      await cache.dispose();
    }
  });
});

describe("Lowkey Vault: disabled, missing and deleted secrets", () => {
  it("says DISABLED for enabled: false (Lowkey answers 404 'not allowed on a disabled entity', Azure 403 SecretDisabled)", async () => {
    const token = makeTestToken();
    const stored = await seed(token);
    await admin.updateSecretProperties(stored.secretName, stored.version, { enabled: false });
    const error = await rejection(provider().getSecret(stored.logical));
    expect(error.code).toBe("DISABLED");
    expect(error.tryNext).toBe(false);
    expectNoSecret(errorText(error), token, "the DISABLED error");
    const next = makeTestToken();
    await seed(next, {}, stored.logical);
    expect((await provider().getSecret(stored.logical)).value.reveal()).toBe(next);
  });

  it("throws a tryNext SecretNotFoundError for a missing secret, after checking it is not soft-deleted", async () => {
    const logical = uniqueLogicalName("MISSING");
    const error = await rejection(provider().getSecret(logical));
    expect(SecretNotFoundError.isInstance(error)).toBe(true);
    expect(error.tryNext).toBe(true);
    expect(error.message).toContain(`"${mapLogicalName(logical)}" was not found`);
    expect(error.message).toContain("It is not soft-deleted either.");
  });

  it("says a deleted secret is soft-deleted until its purge date; after the purge it is just missing", async () => {
    const token = makeTestToken();
    const stored = await seed(token);
    await (await admin.beginDeleteSecret(stored.secretName)).pollUntilDone();
    const deleted = await rejection(provider().getSecret(stored.logical));
    expect(deleted.code).toBe("DISABLED");
    expect(deleted.message).toMatch(
      /was deleted on \d{4}-.* and is soft-deleted until it is purged on \d{4}-/,
    );
    expectNoSecret(errorText(deleted), token, "the soft-deleted error");
    await admin.purgeDeletedSecret(stored.secretName);
    const purged = await rejection(provider().getSecret(stored.logical));
    expect(purged.code).toBe("NOT_FOUND");
  });

  it("says soft-deleted for a deleted secret whose last version was disabled (Lowkey hides it behind 404 'disabled entity')", async () => {
    const stored = await seed(makeTestToken());
    await admin.updateSecretProperties(stored.secretName, stored.version, { enabled: false });
    // The SDK's delete poller never completes here (Lowkey's getDeletedSecret keeps answering 404): do not wait on it.
    await admin
      .beginDeleteSecret(stored.secretName, { abortSignal: AbortSignal.timeout(5_000) })
      .catch(() => undefined);
    const error = await rejection(provider().getSecret(stored.logical));
    expect(error.code).toBe("DISABLED");
    expect(error.message).toContain(`"${stored.secretName}"`);
    expect(error.message).toContain("was deleted and is soft-deleted");
  });
});

describe("Lowkey Vault: the name mapping", () => {
  it("reads HF_TOKEN from hf-token, maps other names, and sends nothing for a name Key Vault cannot hold", async () => {
    const token = makeTestToken();
    created.add("hf-token");
    await admin.setSecret("hf-token", token);
    const other = makeTestToken();
    const explicit = `explicit-${Date.now().toString(36)}`;
    created.add(explicit);
    await admin.setSecret(explicit, other);
    const viaProxy = provider({ vaultUrl: proxy.url, secretNames: { "MY.DOTTED.NAME": explicit } });
    const value = await viaProxy.getSecret("HF_TOKEN");
    expect(value.value.reveal()).toBe(token);
    expect(value.location).toBe(`azure:${new URL(proxy.url).host}/secrets/hf-token`);
    expect((await viaProxy.getSecret("MY.DOTTED.NAME")).value.reveal()).toBe(other);
    const before = proxy.requests.length;
    const error = await rejection(viaProxy.getSecret("HF.TOKEN"));
    expect(error.code).toBe("INVALID_CONFIGURATION");
    expect(error.message).toContain('"HF.TOKEN"');
    expect(proxy.requests.length).toBe(before);
  });
});

describe("Lowkey Vault: single flight at the server", () => {
  it("100 concurrent cold gets through cached() make one request at the server", async () => {
    const token = makeTestToken();
    const warm = await seed(makeTestToken());
    const stored = await seed(token);
    const counted = provider({ vaultUrl: proxy.url });
    await counted.getSecret(warm.logical); // the challenge round trip happens here, not below
    const cache = cached(counted, { watch: false });
    try {
      const results = await Promise.all(Array.from({ length: 100 }, () => cache.getSecret(stored.logical)));
      expect(new Set(results.map((r) => r.value.reveal()))).toEqual(new Set([token]));
      expect(proxy.readsOf(stored.secretName).map((r) => [r.status, r.authorized])).toEqual([[200, true]]);
    } finally {
      await cache.dispose();
    }
  });
});

describe("Lowkey Vault: a rotation while a getHfClient() client is in use", () => {
  it("a 401 from Hugging Face triggers one forced refresh that reads the new Key Vault version", async () => {
    const hf = await startFakeHfServer();
    const oldToken = makeTestToken();
    const newToken = makeTestToken();
    const first = await seed(oldToken);
    hf.acceptToken(oldToken);
    const events: SecretEvent[] = [];
    const secrets = createHfSecrets({
      provider: provider({ vaultUrl: proxy.url }),
      secretName: first.logical,
      onEvent: (e) => events.push(e),
    });
    try {
      const client = await secrets.getHfClient({ endpointUrl: hf.url });
      const chat = { model: "test/model", messages: [{ role: "user" as const, content: "hi" }] };
      await client.chatCompletion(chat);
      const second = await seed(newToken, {}, first.logical); // the rotation: a new version in the vault
      hf.acceptToken(newToken);
      hf.revokeToken(oldToken);
      const start = hf.requests.length;
      const answer = await client.chatCompletion(chat);
      expect(answer.choices[0]?.message.content).toBe("ok");
      expect(hf.requests.slice(start).map((r) => [r.status, r.authorization])).toEqual([
        [401, `Bearer ${oldToken}`],
        [200, `Bearer ${newToken}`],
      ]);
      expect(proxy.readsOf(first.secretName).filter((r) => r.status === 200)).toHaveLength(2);
      const rotated = events.find((e) => e.type === "rotated") as
        | Extract<SecretEvent, { type: "rotated" }>
        | undefined;
      expect(rotated?.previousVersion).toBe(first.version);
      expect(rotated?.version).toBe(second.version);
    } finally {
      await secrets.dispose();
      await hf.close();
    }
  });
});

describe("Lowkey Vault: identity and TLS", () => {
  it("works with the default credential (DefaultAzureCredential, created at first use)", async () => {
    const token = makeTestToken();
    const stored = await seed(token);
    const value = await fromAzureKeyVault({
      vaultUrl: env.vaultUrl,
      clientOptions: lowkeyClientOptions,
    }).getSecret(stored.logical);
    expect(value.value.reveal()).toBe(token);
  });

  it("without Lowkey's CA in NODE_EXTRA_CA_CERTS the read fails as INVALID_CONFIGURATION (TLS is never turned off)", async () => {
    const stored = await seed(makeTestToken());
    const script = `
      import { fromAzureKeyVault } from "@hf-secrets/azure";
      const p = fromAzureKeyVault({ vaultUrl: process.env.AZURE_KEYVAULT_URL, credential: { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3600000 }) }, clientOptions: { disableChallengeResourceVerification: true } });
      try { await p.getSecret(${JSON.stringify(stored.logical)}); console.log("READ"); } catch (e) { console.log(e.code + " " + e.message); }`;
    const childEnv = { ...process.env };
    delete childEnv.NODE_EXTRA_CA_CERTS;
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
      env: childEnv,
      cwd: process.cwd(),
    });
    expect(stdout).toMatch(
      /^INVALID_CONFIGURATION .*not trusted \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)/,
    );
    expect(stdout).toContain("NODE_EXTRA_CA_CERTS");
  });
});
