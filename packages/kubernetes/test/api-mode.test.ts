import { cached, SecretNotFoundError, type SecretProvider, SecretProviderError } from "@hf-secrets/core";
import {
  createFakeClock,
  describeSecretProviderContract,
  errorText,
  expectNoSecret,
  makeTestToken,
} from "@hf-secrets/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createApiProvider } from "../src/api-provider.js";
import { fromKubernetesSecret, type KubernetesApiOptions, rbacManifest } from "../src/index.js";
import { apiException, FakeCluster } from "./fake-cluster.js";

const NS = "team-a";
const SECRET = "hf-token";
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function apiProvider(cluster: FakeCluster, options: Partial<KubernetesApiOptions> = {}): SecretProvider {
  const provider = fromKubernetesSecret({
    name: SECRET,
    namespace: NS,
    coreV1Api: cluster.coreV1Api,
    watchApi: cluster.watchApi,
    ...options,
  } as KubernetesApiOptions);
  cleanups.push(async () => provider.dispose?.());
  return provider;
}

async function failure(promise: Promise<unknown>): Promise<SecretProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!SecretProviderError.isInstance(error))
    throw new Error(`expected a SecretProviderError, got ${String(error)}`);
  return error;
}

describeSecretProviderContract(
  "kubernetes (API mode, fake API server)",
  async () => {
    const cluster = new FakeCluster();
    const values: Record<string, string> = {};
    cluster.put(NS, SECRET, {});
    const provider = fromKubernetesSecret({
      name: SECRET,
      namespace: NS,
      watch: true,
      coreV1Api: cluster.coreV1Api,
      watchApi: cluster.watchApi,
    });
    const write = async (name: string, value: string) => {
      values[name] = value;
      cluster.put(NS, SECRET, values);
    };
    return { provider, seed: write, update: write, cleanup: async () => provider.dispose?.() };
  },
  { update: true, watch: true },
);

describe("API mode: reading a Secret", () => {
  it("decodes data[key], with namespace/name#key as location and the resourceVersion as version", async () => {
    const cluster = new FakeCluster();
    const token = makeTestToken();
    const rv = cluster.put(NS, SECRET, { HF_TOKEN: `${token}\n`, NOTE: " verbatim\n" });
    const provider = apiProvider(cluster);
    const result = await provider.getSecret("HF_TOKEN");
    expect(result.value.reveal()).toBe(token);
    expect(result.location).toBe(`kubernetes:${NS}/${SECRET}#HF_TOKEN`);
    expect(result.version).toBe(rv);
    expect((await provider.getSecret("NOTE")).value.reveal()).toBe(" verbatim\n");
    expect(cluster.gets).toEqual([`${NS}/${SECRET}`, `${NS}/${SECRET}`]);
  });

  it("maps keys: `key` for HF_TOKEN, `keys` for other names", async () => {
    const cluster = new FakeCluster();
    const token = makeTestToken();
    cluster.put(NS, SECRET, { token, "db.password": "pw" });
    const provider = apiProvider(cluster, { key: "token", keys: { DB_PASSWORD: "db.password" } });
    expect((await provider.getSecret("HF_TOKEN")).value.reveal()).toBe(token);
    expect((await provider.getSecret("DB_PASSWORD")).value.reveal()).toBe("pw");
    expect(provider.describe?.("DB_PASSWORD")).toBe(`kubernetes:${NS}/${SECRET}#db.password`);
  });

  it("answers not found for a missing Secret (404) and for a missing key, listing the keys present", async () => {
    const cluster = new FakeCluster();
    const absent = await failure(apiProvider(cluster).getSecret("HF_TOKEN"));
    expect(SecretNotFoundError.isInstance(absent)).toBe(true);
    expect(absent.message).toContain(`The Secret "${SECRET}" in namespace "${NS}" does not exist (404).`);
    cluster.put(NS, SECRET, { b: "1", a: "2" });
    const noKey = await failure(apiProvider(cluster).getSecret("HF_TOKEN"));
    expect(SecretNotFoundError.isInstance(noKey)).toBe(true);
    expect(noKey.message).toContain(`has no key "HF_TOKEN". Keys present: a, b.`);
  });

  it("rejects data that is not strict base64 with MALFORMED_SECRET naming the key, never the value", async () => {
    const cluster = new FakeCluster();
    const token = makeTestToken();
    const b64 = Buffer.from(token).toString("base64");
    cluster.putRaw(NS, SECRET, {
      HF_TOKEN: `${b64}\n`,
      URL_ALPHABET: Buffer.from([0xfb, 0xff]).toString("base64url"),
      NO_PADDING: b64.replace(/=+$/, "") || `${b64}x`,
      NOT_UTF8: Buffer.from([0x68, 0x66, 0xff]).toString("base64"),
    });
    const provider = apiProvider(cluster);
    const error = await failure(provider.getSecret("HF_TOKEN"));
    expect(error.code).toBe("MALFORMED_SECRET");
    expect(error.message).toContain(
      `The key "HF_TOKEN" of the Secret "${SECRET}" in namespace "${NS}" is not valid base64`,
    );
    expectNoSecret(errorText(error), token, "the MALFORMED_SECRET error");
    expect((await failure(provider.getSecret("URL_ALPHABET"))).code).toBe("MALFORMED_SECRET");
    expect((await failure(provider.getSecret("NOT_UTF8"))).message).toContain(
      "is not valid UTF-8 text (3 bytes)",
    );
  });

  it("treats an HF_TOKEN of only whitespace as absent", async () => {
    const cluster = new FakeCluster();
    cluster.put(NS, SECRET, { HF_TOKEN: " \r\n" });
    expect(SecretNotFoundError.isInstance(await failure(apiProvider(cluster).getSecret("HF_TOKEN")))).toBe(
      true,
    );
  });

  it("answers not found for a logical name that cannot be a Secret key, without a request", async () => {
    const cluster = new FakeCluster();
    const error = await failure(apiProvider(cluster).getSecret("MY SECRET"));
    expect(SecretNotFoundError.isInstance(error)).toBe(true);
    expect(cluster.gets).toEqual([]);
  });
});

describe("API mode: errors from the API server", () => {
  const forbidden = (user: string) =>
    apiException(
      403,
      `secrets "${SECRET}" is forbidden: User "${user}" cannot get resource "secrets" in API group "" in the namespace "${NS}"`,
      { "audit-id": "hdr-marker-1" },
      { details: { name: SECRET, kind: "secrets" } },
    );

  it("403 → ACCESS_DENIED naming the identity, namespace, Secret and verb, with the exact Role and RoleBinding", async () => {
    const cluster = new FakeCluster();
    cluster.getFailures.push(forbidden(`system:serviceaccount:${NS}:app`));
    const error = await failure(apiProvider(cluster).getSecret("HF_TOKEN"));
    expect(error.code).toBe("ACCESS_DENIED");
    expect(error.tryNext).toBe(false);
    expect(error.detail).toBe(
      `"system:serviceaccount:${NS}:app" may not "get" the Secret "${SECRET}" in namespace "${NS}" (403 Forbidden): RBAC grants no "get" on "secrets" with resourceNames ["${SECRET}"].`,
    );
    expect(error.fix).toBe(
      [
        "Grant it with this Role and RoleBinding (kubectl apply -f -):",
        "apiVersion: rbac.authorization.k8s.io/v1",
        "kind: Role",
        `metadata: {name: hf-secrets-read-${SECRET}, namespace: ${NS}}`,
        "rules:",
        '- apiGroups: [""]',
        '  resources: ["secrets"]',
        `  resourceNames: ["${SECRET}"]`,
        '  verbs: ["get"]',
        "---",
        "apiVersion: rbac.authorization.k8s.io/v1",
        "kind: RoleBinding",
        `metadata: {name: hf-secrets-read-${SECRET}, namespace: ${NS}}`,
        `roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: hf-secrets-read-${SECRET}}`,
        "subjects:",
        `- {kind: ServiceAccount, name: app, namespace: ${NS}}`,
      ].join("\n"),
    );
    expect(errorText(error)).not.toContain("hdr-marker-1");
    expect((error.cause as { statusCode?: number }).statusCode).toBe(403);
  });

  it("403 with watch: true asks for get and watch; a user (not a service account) is bound as a User", async () => {
    const cluster = new FakeCluster();
    cluster.getFailures.push(forbidden("reader"));
    const error = await failure(apiProvider(cluster, { watch: true }).getSecret("HF_TOKEN"));
    expect(error.fix).toContain('  verbs: ["get", "watch"]');
    expect(error.fix).toContain('- {kind: User, apiGroup: rbac.authorization.k8s.io, name: "reader"}');
  });

  it("401 → ACCESS_DENIED about the credentials", async () => {
    const cluster = new FakeCluster();
    cluster.getFailures.push(apiException(401, "Unauthorized"));
    const error = await failure(apiProvider(cluster).getSecret("HF_TOKEN"));
    expect(error.code).toBe("ACCESS_DENIED");
    expect(error.message).toContain("rejected the credentials (401 Unauthorized)");
  });

  it("429 → THROTTLED with Retry-After; 5xx → TRANSIENT; 504 → TIMEOUT", async () => {
    const cluster = new FakeCluster();
    cluster.getFailures.push(
      apiException(429, "too many requests", { "Retry-After": "3" }),
      apiException(503, "unavailable"),
      apiException(504, "timeout"),
    );
    const provider = apiProvider(cluster);
    const throttled = await failure(provider.getSecret("HF_TOKEN"));
    expect([throttled.code, throttled.retryAfterMs, throttled.transient]).toEqual(["THROTTLED", 3_000, true]);
    expect((await failure(provider.getSecret("HF_TOKEN"))).code).toBe("TRANSIENT");
    expect((await failure(provider.getSecret("HF_TOKEN"))).code).toBe("TIMEOUT");
  });

  it("network faults → TRANSIENT or TIMEOUT; a rejected TLS certificate → INVALID_CONFIGURATION", async () => {
    const cluster = new FakeCluster();
    const systemError = (code: string) =>
      Object.assign(new Error(`request failed, reason: ${code}`), { code, type: "system" });
    cluster.getFailures.push(
      systemError("ECONNREFUSED"),
      Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNRESET" } }),
      systemError("ETIMEDOUT"),
      systemError("UNABLE_TO_VERIFY_LEAF_SIGNATURE"),
    );
    const provider = apiProvider(cluster);
    expect((await failure(provider.getSecret("HF_TOKEN"))).code).toBe("TRANSIENT");
    expect((await failure(provider.getSecret("HF_TOKEN"))).code).toBe("TRANSIENT");
    expect((await failure(provider.getSecret("HF_TOKEN"))).code).toBe("TIMEOUT");
    const tls = await failure(provider.getSecret("HF_TOKEN"));
    expect(tls.code).toBe("INVALID_CONFIGURATION");
    expect(tls.message).toContain("TLS certificate was not accepted (UNABLE_TO_VERIFY_LEAF_SIGNATURE)");
  });

  it("through cached(): a transient error is retried, a 403 is not", async () => {
    const cluster = new FakeCluster();
    const token = makeTestToken();
    cluster.put(NS, SECRET, { HF_TOKEN: token });
    cluster.getFailures.push(apiException(503, "unavailable"));
    const cache = cached(apiProvider(cluster), { retry: { baseDelayMs: 1, maxDelayMs: 1 } });
    expect((await cache.getSecret("HF_TOKEN")).value.reveal()).toBe(token);
    expect(cluster.gets).toHaveLength(2);
    cluster.getFailures.push(forbidden("reader"));
    const denied = await failure(cache.getSecret("HF_TOKEN", { forceRefresh: true }));
    expect(denied.code).toBe("ACCESS_DENIED");
    expect(cluster.gets).toHaveLength(3);
    await cache.dispose();
  });

  it("rbacManifest() builds the Role for any Secret", () => {
    expect(rbacManifest({ namespace: "ns", secretName: "s", neededVerbs: ["get"] })).toContain(
      "- {kind: ServiceAccount, name: <your-service-account>, namespace: ns}",
    );
  });
});

describe("API mode: options and aborts", () => {
  it("validates name, namespace, keys and the choice of mode at construction", () => {
    const code = (make: () => unknown) => {
      try {
        make();
        return "none";
      } catch (error) {
        return (error as SecretProviderError).code;
      }
    };
    expect(code(() => fromKubernetesSecret({ name: "Bad_Name" }))).toBe("INVALID_CONFIGURATION");
    expect(code(() => fromKubernetesSecret({ name: "ok", namespace: "a.b" }))).toBe("INVALID_CONFIGURATION");
    expect(code(() => fromKubernetesSecret({ name: "ok", key: "has space" }))).toBe("INVALID_CONFIGURATION");
    expect(code(() => fromKubernetesSecret({ name: "ok", keys: { A: "a/b" } }))).toBe(
      "INVALID_CONFIGURATION",
    );
    expect(code(() => fromKubernetesSecret({ name: "ok", mountPath: "/x" } as never))).toBe(
      "INVALID_CONFIGURATION",
    );
    expect(code(() => fromKubernetesSecret({ mode: "api" } as never))).toBe("INVALID_CONFIGURATION");
    expect(code(() => fromKubernetesSecret({ mode: "other", mountPath: "/x" } as never))).toBe(
      "INVALID_CONFIGURATION",
    );
    expect(code(() => fromKubernetesSecret({ name: "ok.example-1", namespace: "ns-1" }))).toBe("none");
  });

  it("rejects at once when the caller aborts a request that hangs, and hands the signal to the request", async () => {
    const cluster = new FakeCluster();
    cluster.put(NS, SECRET, { HF_TOKEN: makeTestToken() });
    cluster.hang = new Promise(() => {});
    let seen: unknown;
    const provider = apiProvider(cluster, {
      coreV1Api: {
        readNamespacedSecret: (param, options) => {
          seen = options;
          return cluster.coreV1Api.readNamespacedSecret(param);
        },
      },
    });
    const controller = new AbortController();
    const pending = provider.getSecret("HF_TOKEN", { signal: controller.signal });
    await new Promise<void>((resolve) => setImmediate(resolve));
    controller.abort();
    expect((await failure(pending)).code).toBe("ABORTED");
    const middleware = (seen as { middleware: { pre(c: unknown): { toPromise(): Promise<unknown> } }[] })
      .middleware[0]!;
    let handed: AbortSignal | undefined;
    await middleware.pre({ setSignal: (s: AbortSignal) => (handed = s) }).toPromise();
    expect(handed).toBe(controller.signal);
  });

  it("passes cached()'s TIMEOUT through when it aborts a hanging request", async () => {
    const cluster = new FakeCluster();
    cluster.put(NS, SECRET, { HF_TOKEN: makeTestToken() });
    cluster.hang = new Promise(() => {});
    const clock = createFakeClock();
    const cache = cached(apiProvider(cluster), { clock, timeoutMs: 1_000, retry: { attempts: 1 } });
    const pending = failure(cache.getSecret("HF_TOKEN"));
    await clock.advance(1_000);
    expect((await pending).code).toBe("TIMEOUT");
    await cache.dispose();
  });

  it("never imports @kubernetes/client-node when a CoreV1Api is injected", async () => {
    const cluster = new FakeCluster();
    const token = makeTestToken();
    cluster.put(NS, SECRET, { HF_TOKEN: token });
    let imports = 0;
    const provider = createApiProvider(
      { name: SECRET, namespace: NS, coreV1Api: cluster.coreV1Api },
      async () => {
        imports++;
        throw Object.assign(new Error("Cannot find package '@kubernetes/client-node'"), {
          code: "ERR_MODULE_NOT_FOUND",
        });
      },
    );
    expect((await provider.getSecret("HF_TOKEN")).value.reveal()).toBe(token);
    expect(imports).toBe(0);
  });

  it("without the client package: PROVIDER_NOT_INSTALLED with the install command, at the first call only", async () => {
    let imports = 0;
    const provider = createApiProvider({ name: SECRET, namespace: NS }, async () => {
      imports++;
      throw Object.assign(new Error("Cannot find package '@kubernetes/client-node' imported from x"), {
        code: "ERR_MODULE_NOT_FOUND",
      });
    });
    expect(imports).toBe(0);
    const error = await failure(provider.getSecret("HF_TOKEN"));
    expect(error.code).toBe("PROVIDER_NOT_INSTALLED");
    expect(error.fix).toContain("npm install @kubernetes/client-node");
    expect(imports).toBe(1);
  });
});
