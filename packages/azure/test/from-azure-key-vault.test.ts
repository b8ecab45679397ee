import {
  AggregateAuthenticationError,
  AuthenticationError,
  CredentialUnavailableError,
} from "@azure/identity";
import { SecretNotFoundError, SecretProviderError } from "@hf-secrets/core";
import { createFakeClock, makeTestToken } from "@hf-secrets/testing";
import { describe, expect, it } from "vitest";
import { fromAzureKeyVault } from "../src/index.js";
import { FakeTokenCredential } from "./fake-key-vault.js";
import { expectProviderError, kvSecret, mockClient, networkError, restError, VAULT } from "./helpers.js";

const HOST = "unit-vault.vault.azure.net";

describe("fromAzureKeyVault with a mocked SecretClient: names and values", () => {
  it("reads HF_TOKEN from the secret hf-token, latest version, with provenance", async () => {
    const token = makeTestToken();
    const client = mockClient(async (name) =>
      kvSecret(name, token, { version: "aaaabbbbccccddddeeeeffff00001111" }),
    );
    const provider = fromAzureKeyVault({ vaultUrl: VAULT, client });
    const value = await provider.getSecret("HF_TOKEN");
    expect(value.value.reveal()).toBe(token);
    expect(value.provider).toBe("azure");
    expect(value.location).toBe(`azure:${HOST}/secrets/hf-token`);
    expect(value.version).toBe("aaaabbbbccccddddeeeeffff00001111");
    expect(value.expiresAt).toBeUndefined();
    expect(client.calls).toEqual([{ name: "hf-token", version: undefined }]);
    expect(provider.describe?.("HF_TOKEN")).toBe(`azure:${HOST}/secrets/hf-token`);
  });

  it("maps other logical names the same way (lower-case, _ → -)", async () => {
    const client = mockClient(async (name) => kvSecret(name, "v"));
    const provider = fromAzureKeyVault({ vaultUrl: VAULT, client });
    await provider.getSecret("OPENAI_API_KEY");
    await provider.getSecret("already-fine-9");
    expect(client.calls.map((c) => c.name)).toEqual(["openai-api-key", "already-fine-9"]);
  });

  it("reads a pinned version and shows it in the location", async () => {
    const pinned = "0000111122223333444455556666aaaa";
    const client = mockClient(async (name, o) => kvSecret(name, "v", { version: o?.version }));
    const provider = fromAzureKeyVault({ vaultUrl: VAULT, client, version: pinned });
    const value = await provider.getSecret("HF_TOKEN", { forceRefresh: true });
    expect(client.calls).toEqual([{ name: "hf-token", version: pinned }]);
    expect(value.version).toBe(pinned);
    expect(value.location).toBe(`azure:${HOST}/secrets/hf-token/${pinned}`);
  });

  it("uses a string secretName for HF_TOKEN only, secretNames first, and a function for every name", async () => {
    const client = mockClient(async (name) => kvSecret(name, "v"));
    const stringForm = fromAzureKeyVault({
      vaultUrl: VAULT,
      client,
      secretName: "Prod-HF",
      secretNames: { OTHER: "other-one" },
    });
    await stringForm.getSecret("HF_TOKEN");
    await stringForm.getSecret("OTHER");
    await stringForm.getSecret("THIRD_NAME");
    const functionForm = fromAzureKeyVault({
      vaultUrl: VAULT,
      client,
      secretName: (name) => `app1-${name.toLowerCase().replaceAll("_", "-")}`,
    });
    await functionForm.getSecret("HF_TOKEN");
    expect(client.calls.map((c) => c.name)).toEqual(["Prod-HF", "other-one", "third-name", "app1-hf-token"]);
  });

  it.each([
    ["HF.TOKEN", '"hf.token"'],
    ["hf token", '"hf token"'],
    ["", '""'],
    ["A".repeat(128), "a name of 128 characters"],
    ["ÜBER_TOKEN", '"über-token"'],
  ])("refuses the logical name %j before any request, naming it", async (name, shown) => {
    const client = mockClient(async (n) => kvSecret(n, "v"));
    const provider = fromAzureKeyVault({ vaultUrl: VAULT, client });
    const error = await expectProviderError(provider.getSecret(name), "INVALID_CONFIGURATION");
    expect(error.message).toContain(JSON.stringify(name.slice(0, 140)));
    expect(error.message).toContain(shown);
    expect(error.tryNext).toBe(false);
    expect(client.calls).toEqual([]);
  });

  it("refuses a bad secretName function result or a throwing function, and bad fixed names at creation", async () => {
    const client = mockClient(async (n) => kvSecret(n, "v"));
    const bad = fromAzureKeyVault({ vaultUrl: VAULT, client, secretName: () => "has_underscore" });
    const error = await expectProviderError(bad.getSecret("HF_TOKEN"), "INVALID_CONFIGURATION");
    expect(error.message).toContain('"has_underscore"');
    expect(error.message).toContain("the secretName function");
    const throwing = fromAzureKeyVault({
      vaultUrl: VAULT,
      client,
      secretName: () => {
        throw new Error("boom");
      },
    });
    await expectProviderError(throwing.getSecret("HF_TOKEN"), "INVALID_CONFIGURATION");
    expect(() => fromAzureKeyVault({ vaultUrl: VAULT, client, secretName: "bad/name" })).toThrow(/bad\/name/);
    expect(() => fromAzureKeyVault({ vaultUrl: VAULT, client, secretNames: { X: "x.y" } })).toThrow(/x\.y/);
    expect(client.calls).toEqual([]);
  });

  it("cleans the HF token like huggingface_hub and refuses an empty value", async () => {
    const token = makeTestToken();
    let stored: string | undefined = `  ${token}\r\n`;
    const client = mockClient(async (name) => kvSecret(name, stored));
    const provider = fromAzureKeyVault({ vaultUrl: VAULT, client });
    expect((await provider.getSecret("HF_TOKEN")).value.reveal()).toBe(token);
    expect((await provider.getSecret("OTHER")).value.reveal()).toBe(`  ${token}\r\n`);
    stored = " \n";
    await expectProviderError(provider.getSecret("HF_TOKEN"), "MALFORMED_SECRET", [token]);
    stored = undefined;
    await expectProviderError(provider.getSecret("OTHER"), "MALFORMED_SECRET");
  });
});

describe("fromAzureKeyVault with a mocked SecretClient: Key Vault attributes", () => {
  it("turns expiresOn into expiresAt", async () => {
    const clock = createFakeClock();
    const expiresOn = new Date(clock.now() + 3_600_000);
    const client = mockClient(async (name) => kvSecret(name, "v", { expiresOn }));
    const value = await fromAzureKeyVault({ vaultUrl: VAULT, client, clock }).getSecret("HF_TOKEN");
    expect(value.expiresAt).toBe(expiresOn.getTime());
    expect(value.fetchedAt).toBe(clock.now());
  });

  it("refuses a secret whose expiresOn has passed (Key Vault still returns it) with EXPIRED", async () => {
    const clock = createFakeClock();
    const token = makeTestToken();
    for (const offset of [-3_600_000, 0]) {
      const client = mockClient(async (name) =>
        kvSecret(name, token, { expiresOn: new Date(clock.now() + offset) }),
      );
      const error = await expectProviderError(
        fromAzureKeyVault({ vaultUrl: VAULT, client, clock }).getSecret("HF_TOKEN"),
        "EXPIRED",
        [token],
      );
      expect(error.message).toContain(new Date(clock.now() + offset).toISOString());
      expect(error.tryNext).toBe(false);
    }
  });

  it("refuses a secret before its notBefore with DISABLED saying when it becomes valid", async () => {
    const clock = createFakeClock();
    const notBefore = new Date(clock.now() + 86_400_000);
    const client = mockClient(async (name) => kvSecret(name, "v", { notBefore }));
    const provider = fromAzureKeyVault({ vaultUrl: VAULT, client, clock });
    const error = await expectProviderError(provider.getSecret("HF_TOKEN"), "DISABLED");
    expect(error.message).toContain(
      `not valid yet: its activation date (notBefore) is ${notBefore.toISOString()}`,
    );
    await clock.advance(86_400_000);
    expect((await provider.getSecret("HF_TOKEN")).value.reveal()).toBe("v");
  });

  it("refuses a secret returned with enabled: false", async () => {
    const token = makeTestToken();
    const client = mockClient(async (name) => kvSecret(name, token, { enabled: false }));
    const error = await expectProviderError(
      fromAzureKeyVault({ vaultUrl: VAULT, client }).getSecret("HF_TOKEN"),
      "DISABLED",
      [token],
    );
    expect(error.message).toContain("enabled: false");
  });
});

describe("fromAzureKeyVault with a mocked SecretClient: Key Vault errors", () => {
  const failing = (error: unknown, deleted?: () => Promise<never>) =>
    mockClient(async () => {
      throw error;
    }, deleted);

  it("maps Azure's 403 SecretDisabled and Lowkey's 404 'disabled entity' to DISABLED, without a soft-delete check", async () => {
    const azure = failing(
      restError(403, "Forbidden", "Operation get is not allowed on a disabled secret.", {
        inner: "SecretDisabled",
      }),
      async () => {
        throw new Error("must not be called");
      },
    );
    const lowkey = failing(
      restError(
        404,
        "com.github.nagyesta.lowkeyvault.service.exception.NotFoundException",
        "Operation get is not allowed on a disabled entity.",
      ),
      async () => {
        throw new Error("must not be called");
      },
    );
    for (const client of [azure, lowkey]) {
      const error = await expectProviderError(
        fromAzureKeyVault({ vaultUrl: VAULT, client }).getSecret("HF_TOKEN"),
        "DISABLED",
      );
      expect(error.message).toContain('"hf-token"');
      expect(error.message).toContain("disabled");
      expect(error.tryNext).toBe(false);
      expect(client.deletedCalls).toEqual([]);
    }
  });

  it("maps 404 to a tryNext SecretNotFoundError that mentions soft delete when it cannot tell", async () => {
    const client = failing(
      restError(404, "SecretNotFound", "A secret with (name/id) hf-token was not found in this key vault."),
    );
    const error = await expectProviderError(
      fromAzureKeyVault({ vaultUrl: VAULT, client }).getSecret("HF_TOKEN"),
      "NOT_FOUND",
    );
    expect(SecretNotFoundError.isInstance(error)).toBe(true);
    expect(error.tryNext).toBe(true);
    expect(error.message).toContain(`The secret "hf-token" was not found in ${HOST}`);
    expect(error.message).toMatch(/soft-deleted.*recovered or purged/);
    expect(error.location).toBe(`azure:${HOST}/secrets/hf-token`);
  });

  it("says DISABLED (soft-deleted, with dates) when getDeletedSecret finds the secret", async () => {
    const deletedOn = new Date(Date.UTC(2026, 2, 1));
    const scheduledPurgeDate = new Date(Date.UTC(2026, 4, 30));
    const token = makeTestToken();
    const client = mockClient(
      async () => {
        throw restError(404, "SecretNotFound", "not found");
      },
      async (name) => ({
        ...kvSecret(name, token),
        deletedOn,
        scheduledPurgeDate,
        recoveryId: `${VAULT}/deletedsecrets/${name}`,
      }),
    );
    const error = await expectProviderError(
      fromAzureKeyVault({ vaultUrl: VAULT, client }).getSecret("HF_TOKEN"),
      "DISABLED",
      [token],
    );
    expect(error.message).toContain(
      `was deleted on ${deletedOn.toISOString()} and is soft-deleted until it is purged on ${scheduledPurgeDate.toISOString()}`,
    );
    expect(error.fix).toContain("az keyvault secret recover");
    expect(error.tryNext).toBe(false);
    expect(client.deletedCalls).toEqual(["hf-token"]);
  });

  it("says soft-deleted when getDeletedSecret refuses a disabled deleted secret (Lowkey's 404 'disabled entity')", async () => {
    const client = mockClient(
      async () => {
        throw restError(404, "NotFoundException", "Key not found: secret:https://127.0.0.1:8443/hf-token/--");
      },
      async () => {
        throw restError(404, "NotFoundException", "Operation get is not allowed on a disabled entity.");
      },
    );
    const error = await expectProviderError(
      fromAzureKeyVault({ vaultUrl: VAULT, client }).getSecret("HF_TOKEN"),
      "DISABLED",
    );
    expect(error.message).toContain(
      'The secret "hf-token" in unit-vault.vault.azure.net was deleted and is soft-deleted;',
    );
  });

  it("says 'not soft-deleted either' when getDeletedSecret answers 404, and 'unknown' when it answers 403", async () => {
    const notFound = () => restError(404, "SecretNotFound", "not found");
    const clientA = mockClient(
      async () => {
        throw notFound();
      },
      async () => {
        throw notFound();
      },
    );
    const a = await expectProviderError(
      fromAzureKeyVault({ vaultUrl: VAULT, client: clientA }).getSecret("HF_TOKEN"),
      "NOT_FOUND",
    );
    expect(a.message).toContain("It is not soft-deleted either.");
    const clientB = mockClient(
      async () => {
        throw notFound();
      },
      async () => {
        throw restError(403, "Forbidden", "denied", { inner: "ForbiddenByRbac" });
      },
    );
    const b = await expectProviderError(
      fromAzureKeyVault({ vaultUrl: VAULT, client: clientB }).getSecret("HF_TOKEN"),
      "NOT_FOUND",
    );
    expect(b.message).toContain(
      "whether it was deleted is unknown: this identity may not read deleted secrets",
    );
    expect(b.tryNext).toBe(true);
  });

  it("does not probe deleted secrets with checkSoftDeleted: false or for a pinned version", async () => {
    const probe = async (): Promise<never> => {
      throw new Error("must not be called");
    };
    const client = mockClient(async () => {
      throw restError(404, "SecretNotFound", "not found");
    }, probe);
    await expectProviderError(
      fromAzureKeyVault({ vaultUrl: VAULT, client, checkSoftDeleted: false }).getSecret("HF_TOKEN"),
      "NOT_FOUND",
    );
    const pinned = await expectProviderError(
      fromAzureKeyVault({ vaultUrl: VAULT, client, version: "ffff0000ffff0000ffff0000ffff0000" }).getSecret(
        "HF_TOKEN",
      ),
      "NOT_FOUND",
    );
    expect(pinned.message).toContain(
      'Version ffff0000ffff0000ffff0000ffff0000 of the secret "hf-token" does not exist',
    );
    expect(client.deletedCalls).toEqual([]);
  });

  it("maps 401 to ACCESS_DENIED naming the vault and the credential class", async () => {
    const unauthorized = restError(401, "Unauthorized", "AKV10032: Invalid issuer.");
    const credential = new FakeTokenCredential("t");
    const client = failing(unauthorized);
    const withClient = await expectProviderError(
      fromAzureKeyVault({ vaultUrl: VAULT, client }).getSecret("HF_TOKEN"),
      "ACCESS_DENIED",
    );
    expect(withClient.message).toContain(HOST);
    expect(withClient.message).toContain("the injected SecretClient's credential");
    expect(withClient.tryNext).toBe(false);
    // Without a client, the identity is the credential's class (the SDK call itself is not reached here).
    expect(fromAzureKeyVault({ vaultUrl: VAULT, credential }).describe?.("HF_TOKEN")).toBe(
      `azure:${HOST}/secrets/hf-token`,
    );
  });

  it.each([
    ["ForbiddenByRbac", "by Azure RBAC"],
    ["AccessDenied", "by the vault's access policies"],
    ["ForbiddenByPolicy", "by the vault's access policies"],
    [undefined, "denied (HTTP 403)"],
  ])("maps 403 %s to ACCESS_DENIED with the role and access policy to grant", async (inner, says) => {
    const client = failing(
      restError(
        403,
        "Forbidden",
        "Caller is not authorized to perform action on resource.",
        inner ? { inner } : {},
      ),
    );
    const error = await expectProviderError(
      fromAzureKeyVault({ vaultUrl: VAULT, client }).getSecret("HF_TOKEN"),
      "ACCESS_DENIED",
    );
    expect(error.message).toContain(says);
    expect(error.message).toContain(`"hf-token" in ${HOST}`);
    expect(error.fix).toContain('"Key Vault Secrets User"');
    expect(error.fix).toContain('secret permission "get"');
    expect(error.tryNext).toBe(false);
  });

  it("maps 403 ForbiddenByFirewall to ACCESS_DENIED about the network, not the role", async () => {
    const client = failing(
      restError(403, "Forbidden", "Client address is not authorized and caller is not a trusted service.", {
        inner: "ForbiddenByFirewall",
      }),
    );
    const error = await expectProviderError(
      fromAzureKeyVault({ vaultUrl: VAULT, client }).getSecret("HF_TOKEN"),
      "ACCESS_DENIED",
    );
    expect(error.message).toContain("firewall");
    expect(error.fix).toContain("private endpoint");
    expect(error.fix).not.toContain("Key Vault Secrets User");
  });

  it("maps 429 to THROTTLED with Retry-After in ms (seconds, HTTP date, retry-after-ms)", async () => {
    const clock = createFakeClock(Date.UTC(2026, 0, 1, 12, 0, 0));
    const cases: Array<[Record<string, string>, number | undefined]> = [
      [{ "retry-after": "7" }, 7_000],
      [{ "retry-after": "Thu, 01 Jan 2026 12:00:30 GMT" }, 30_000],
      [{ "retry-after-ms": "1500", "retry-after": "9" }, 1_500],
      [{ "x-ms-retry-after-ms": "250" }, 250],
      [{}, undefined],
    ];
    for (const [headers, expected] of cases) {
      const client = failing(
        restError(429, "Throttled", "Request was not processed because too many requests were received.", {
          headers,
        }),
      );
      const error = await expectProviderError(
        fromAzureKeyVault({ vaultUrl: VAULT, client, clock }).getSecret("HF_TOKEN"),
        "THROTTLED",
      );
      expect(error.retryAfterMs).toBe(expected);
      expect(error.transient).toBe(true);
      expect(error.fix).toContain("4,000");
    }
  });

  it("maps 5xx to TRANSIENT (with Retry-After when sent)", async () => {
    for (const [status, headers, expected] of [
      [500, {}, undefined],
      [503, { "retry-after": "3" }, 3_000],
    ] as const) {
      const client = failing(
        restError(status, "ServiceUnavailable", "The service is unavailable.", { headers }),
      );
      const error = await expectProviderError(
        fromAzureKeyVault({ vaultUrl: VAULT, client }).getSecret("HF_TOKEN"),
        "TRANSIENT",
      );
      expect(error.retryAfterMs).toBe(expected);
      expect(error.message).toContain(`HTTP ${status}`);
    }
  });

  it("maps 400 BadParameter and unexpected 4xx to INVALID_CONFIGURATION, 408 to TIMEOUT", async () => {
    const bad = failing(restError(400, "BadParameter", "The request URI contains an invalid name: x"));
    await expectProviderError(
      fromAzureKeyVault({ vaultUrl: VAULT, client: bad }).getSecret("HF_TOKEN"),
      "INVALID_CONFIGURATION",
    );
    const odd = failing(restError(405, "MethodNotAllowed", "nope"));
    const error = await expectProviderError(
      fromAzureKeyVault({ vaultUrl: VAULT, client: odd }).getSecret("HF_TOKEN"),
      "INVALID_CONFIGURATION",
    );
    expect(error.fix).toContain("vaultUrl");
    await expectProviderError(
      fromAzureKeyVault({ vaultUrl: VAULT, client: failing(restError(408, undefined, "timeout")) }).getSecret(
        "HF_TOKEN",
      ),
      "TIMEOUT",
    );
  });

  it("maps network faults to TRANSIENT, an unknown host and an untrusted certificate to INVALID_CONFIGURATION", async () => {
    for (const code of ["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EAI_AGAIN"]) {
      await expectProviderError(
        fromAzureKeyVault({
          vaultUrl: VAULT,
          client: failing(networkError(code, `connect ${code} 10.0.0.1:443`)),
        }).getSecret("HF_TOKEN"),
        "TRANSIENT",
      );
    }
    const dns = await expectProviderError(
      fromAzureKeyVault({
        vaultUrl: VAULT,
        client: failing(networkError("ENOTFOUND", `getaddrinfo ENOTFOUND ${HOST}`)),
      }).getSecret("HF_TOKEN"),
      "INVALID_CONFIGURATION",
    );
    expect(dns.message).toContain("does not resolve");
    const tls = await expectProviderError(
      fromAzureKeyVault({
        vaultUrl: VAULT,
        client: failing(networkError("DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate")),
      }).getSecret("HF_TOKEN"),
      "INVALID_CONFIGURATION",
    );
    expect(tls.fix).toContain("NODE_EXTRA_CA_CERTS");
    expect(tls.fix).toContain("Never turn TLS verification off");
  });

  it("maps 'no identity available' to INVALID_CONFIGURATION with how DefaultAzureCredential looks, and a refused token to ACCESS_DENIED", async () => {
    const unavailable = new CredentialUnavailableError("ManagedIdentityCredential: Network unreachable.");
    const aggregate = new AggregateAuthenticationError(
      [unavailable],
      "ChainedTokenCredential authentication failed.",
    );
    for (const thrown of [unavailable, aggregate]) {
      const error = await expectProviderError(
        fromAzureKeyVault({ vaultUrl: VAULT, client: failing(thrown) }).getSecret("HF_TOKEN"),
        "INVALID_CONFIGURATION",
      );
      expect(error.message).toContain("No Azure identity is available");
      expect(error.fix).toContain("AZURE_CLIENT_ID");
      expect(error.fix).toContain("AZURE_FEDERATED_TOKEN_FILE");
      expect(error.fix).toContain("managed identity");
      expect(error.fix).toContain("az login");
      expect(error.tryNext).toBe(false);
    }
    const refused = new AuthenticationError(400, {
      error: "invalid_client",
      error_description: "AADSTS7000215: Invalid client secret provided.",
    });
    const error = await expectProviderError(
      fromAzureKeyVault({ vaultUrl: VAULT, client: failing(refused) }).getSecret("HF_TOKEN"),
      "ACCESS_DENIED",
    );
    expect(error.message).toContain("Microsoft Entra ID refused a token");
    expect(error.message).toContain("AADSTS7000215");
  });

  it("keeps only a reduced cause: no request, response or headers travel with the error", async () => {
    const client = failing(restError(429, "Throttled", "slow down", { headers: { "retry-after": "1" } }));
    const error = await expectProviderError(
      fromAzureKeyVault({ vaultUrl: VAULT, client }).getSecret("HF_TOKEN"),
      "THROTTLED",
    );
    const cause = error.cause as Record<string, unknown>;
    expect(cause.statusCode).toBe(429);
    expect(cause.request).toBeUndefined();
    expect(cause.response).toBeUndefined();
    expect(cause.details).toBeUndefined();
  });
});

describe("fromAzureKeyVault: abort, dispose and options", () => {
  it("rejects an aborted call without a request, and passes the cache's TIMEOUT reason through", async () => {
    const client = mockClient(async (name) => kvSecret(name, "v"));
    const provider = fromAzureKeyVault({ vaultUrl: VAULT, client });
    const controller = new AbortController();
    controller.abort();
    await expectProviderError(provider.getSecret("HF_TOKEN", { signal: controller.signal }), "ABORTED");
    expect(client.calls).toEqual([]);

    const timeout = new SecretProviderError({ code: "TIMEOUT", provider: "azure", message: "took too long" });
    const slow = new AbortController();
    const hanging = mockClient(
      (_name, options) =>
        new Promise((_, reject) => {
          if (options?.abortSignal?.aborted)
            reject(Object.assign(new Error("The operation was aborted."), { name: "AbortError" }));
          options?.abortSignal?.addEventListener("abort", () =>
            reject(Object.assign(new Error("The operation was aborted."), { name: "AbortError" })),
          );
        }),
    );
    const pending = fromAzureKeyVault({ vaultUrl: VAULT, client: hanging }).getSecret("HF_TOKEN", {
      signal: slow.signal,
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(hanging.calls).toHaveLength(1); // the request is in flight when the cache gives up on it
    slow.abort(timeout);
    expect(await pending.catch((e: unknown) => e)).toBe(timeout);
  });

  it("disposes idempotently and refuses reads afterwards", async () => {
    const client = mockClient(async (name) => kvSecret(name, "v"));
    const provider = fromAzureKeyVault({ vaultUrl: VAULT, client });
    await provider.dispose?.();
    await provider.dispose?.();
    await expectProviderError(provider.getSecret("HF_TOKEN"), "DISPOSED");
  });

  it.each([
    [{}, '"vaultUrl" is required'],
    [{ vaultUrl: "my-vault" }, "is not a URL"],
    [{ vaultUrl: "http://my-vault.vault.azure.net" }, "must use https"],
    [{ vaultUrl: "https://my-vault.vault.azure.net/secrets/hf-token" }, "bare vault URI"],
    [{ vaultUrl: "https://my-vault.vault.azure.net/?x=1" }, "bare vault URI"],
    [{ vaultUrl: VAULT, version: "../other" }, "version id"],
  ])("refuses options %j at creation with INVALID_CONFIGURATION", (options, says) => {
    let thrown: unknown;
    try {
      fromAzureKeyVault(options);
    } catch (error) {
      thrown = error;
    }
    expect(SecretProviderError.isInstance(thrown)).toBe(true);
    expect((thrown as SecretProviderError).code).toBe("INVALID_CONFIGURATION");
    expect((thrown as SecretProviderError).message).toContain(says);
  });

  it("takes the vault from an injected client, and refuses a different vaultUrl", async () => {
    const client = { ...mockClient(async (name) => kvSecret(name, "v")), vaultUrl: `${VAULT}/` };
    expect((await fromAzureKeyVault({ client }).getSecret("HF_TOKEN")).location).toBe(
      `azure:${HOST}/secrets/hf-token`,
    );
    expect(() => fromAzureKeyVault({ client, vaultUrl: "https://other.vault.azure.net" })).toThrow(
      /differs from the injected client/,
    );
  });

  it("accepts http only with clientOptions.allowInsecureConnection (local test fakes)", () => {
    expect(() =>
      fromAzureKeyVault({ vaultUrl: "http://127.0.0.1:1", clientOptions: { allowInsecureConnection: true } }),
    ).not.toThrow();
  });
});
