import { cached, SecretNotFoundError, type SecretProviderError } from "@hf-secrets/core";
import { fromKubernetesSecret } from "@hf-secrets/kubernetes";
import { makeTestToken } from "@hf-secrets/testing";
import { describe, expect, it } from "vitest";
import {
  admin,
  cluster,
  createSecret,
  grant,
  kubeConfigFrom,
  NAMESPACE,
  replaceSecret,
  uniqueName,
} from "./cluster.js";

// RBAC and values as the real API server enforces and stores them.

const reader = () => kubeConfigFrom(cluster.readerKubeconfig);

async function failure(promise: Promise<unknown>): Promise<SecretProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error === undefined) throw new Error("expected a failure");
  return error as SecretProviderError;
}

describe("kubernetes API mode: RBAC on one Secret", () => {
  it("reads the Secret the reader may get, and is forbidden another one, with the missing permission named", async () => {
    const allowed = uniqueName("allowed");
    const other = uniqueName("other");
    const token = makeTestToken();
    await createSecret(allowed, { HF_TOKEN: token });
    await createSecret(other, { HF_TOKEN: makeTestToken() });
    await grant(allowed, ["get"], { kind: "User", name: "reader" });

    const ok = fromKubernetesSecret({ name: allowed, namespace: NAMESPACE, kubeConfig: reader() });
    expect((await ok.getSecret("HF_TOKEN")).value.reveal()).toBe(token);

    const denied = await failure(
      fromKubernetesSecret({ name: other, namespace: NAMESPACE, kubeConfig: reader() }).getSecret("HF_TOKEN"),
    );
    expect(denied.code).toBe("ACCESS_DENIED");
    expect(denied.tryNext).toBe(false);
    expect(denied.detail).toBe(
      `"reader" may not "get" the Secret "${other}" in namespace "${NAMESPACE}" (403 Forbidden): RBAC grants no "get" on "secrets" with resourceNames ["${other}"].`,
    );
    expect(denied.fix).toContain(`  resourceNames: ["${other}"]\n  verbs: ["get"]`);
    expect(denied.fix).toContain('- {kind: User, apiGroup: rbac.authorization.k8s.io, name: "reader"}');
  });

  it("a Role with get but not watch: reads work, the watch reports the missing watch verb", async () => {
    const name = uniqueName("nowatch");
    await createSecret(name, { HF_TOKEN: makeTestToken() });
    await grant(name, ["get"], { kind: "User", name: "reader" });
    const errors: SecretProviderError[] = [];
    const provider = fromKubernetesSecret({
      name,
      namespace: NAMESPACE,
      kubeConfig: reader(),
      watch: true,
      watchBackoff: { baseDelayMs: 100, maxDelayMs: 200 },
      onWatchError: (error) => errors.push(error),
    });
    await provider.getSecret("HF_TOKEN");
    const stop = provider.watch!("HF_TOKEN", () => {});
    try {
      for (let i = 0; i < 200 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(errors[0]?.code).toBe("ACCESS_DENIED");
      expect(errors[0]?.detail).toContain(`may not "watch" the Secret "${name}" in namespace "${NAMESPACE}"`);
      expect(errors[0]?.fix).toContain('verbs: ["get", "watch"]');
    } finally {
      stop();
      await provider.dispose?.();
    }
  });

  it("a Secret that does not exist is not found (the chain moves on), even when RBAC names it", async () => {
    const name = uniqueName("absent");
    await grant(name, ["get"], { kind: "User", name: "reader" });
    const error = await failure(
      fromKubernetesSecret({ name, namespace: NAMESPACE, kubeConfig: reader() }).getSecret("HF_TOKEN"),
    );
    expect(SecretNotFoundError.isInstance(error)).toBe(true);
    expect(error.detail).toBe(`The Secret "${name}" in namespace "${NAMESPACE}" does not exist (404).`);
  });
});

describe("kubernetes API mode: values the server stores", () => {
  it("reads a Secret created with stringData (the server moves it into base64 data)", async () => {
    const name = uniqueName("stringdata");
    const token = makeTestToken();
    await createSecret(name, { HF_TOKEN: `${token}\n`, CONFIG: "a: 1\nb: ünïcödé\n" }, "stringData");
    await grant(name, ["get"], { kind: "User", name: "reader" });
    const provider = fromKubernetesSecret({ name, namespace: NAMESPACE, kubeConfig: reader() });
    expect((await provider.getSecret("HF_TOKEN")).value.reveal()).toBe(token);
    expect((await provider.getSecret("CONFIG")).value.reveal()).toBe("a: 1\nb: ünïcödé\n");
    const missing = await failure(provider.getSecret("NOPE"));
    expect(SecretNotFoundError.isInstance(missing)).toBe(true);
    expect(missing.detail).toContain("Keys present: CONFIG, HF_TOKEN.");
  });

  it("binary data that is not UTF-8 is MALFORMED_SECRET naming the key", async () => {
    const name = uniqueName("binary");
    await createSecret(name, {});
    await grant(name, ["get"], { kind: "User", name: "reader" });
    await admin.replaceNamespacedSecret({
      name,
      namespace: NAMESPACE,
      body: {
        metadata: { name, namespace: NAMESPACE },
        data: { BLOB: Buffer.from([0xff, 0x00, 0xfe]).toString("base64") },
      },
    });
    const error = await failure(
      fromKubernetesSecret({ name, namespace: NAMESPACE, kubeConfig: reader() }).getSecret("BLOB"),
    );
    expect(error.code).toBe("MALFORMED_SECRET");
    expect(error.detail).toContain(`The key "BLOB" of the Secret "${name}"`);
  });

  it("forceRefresh through cached() returns the replaced value, with the new resourceVersion", async () => {
    const name = uniqueName("replace");
    const first = makeTestToken();
    const second = makeTestToken();
    await createSecret(name, { HF_TOKEN: first });
    await grant(name, ["get"], { kind: "User", name: "reader" });
    const cache = cached(fromKubernetesSecret({ name, namespace: NAMESPACE, kubeConfig: reader() }), {
      forceRefreshIntervalMs: 0,
    });
    const before = await cache.getSecret("HF_TOKEN");
    const replaced = await replaceSecret(name, { HF_TOKEN: second });
    const after = await cache.getSecret("HF_TOKEN", { forceRefresh: true });
    expect([before.value.reveal(), after.value.reveal()]).toEqual([first, second]);
    expect(after.version).toBe(replaced.metadata?.resourceVersion);
    await cache.dispose();
  });
});
