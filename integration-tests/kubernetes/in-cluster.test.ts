import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { cached } from "@hf-secrets/core";
import { fromKubernetesSecret, SERVICE_ACCOUNT_DIR } from "@hf-secrets/kubernetes";
import { makeTestToken } from "@hf-secrets/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  admin,
  apiserverPort,
  cluster,
  createSecret,
  createServiceAccount,
  grant,
  NAMESPACE,
  replaceSecret,
  requestToken,
  uniqueName,
} from "./cluster.js";

// In-cluster mode as a pod sees it: KUBERNETES_SERVICE_HOST/PORT and a service-account folder holding a
// bound token (from the TokenRequest API, as `kubectl create token` gets it), the cluster CA and the
// namespace. loadFromCluster(prefix) reads that folder under a temp root.

let root: string;
let serviceAccountDir: string;
const env = { KUBERNETES_SERVICE_HOST: "127.0.0.1", KUBERNETES_SERVICE_PORT: apiserverPort };

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "hf-secrets-incluster-"));
  serviceAccountDir = join(root, SERVICE_ACCOUNT_DIR);
  await mkdir(serviceAccountDir, { recursive: true });
  await copyFile(cluster.caFile, join(serviceAccountDir, "ca.crt"));
  // kubelet writes the namespace and the token without a trailing newline.
  await writeFile(join(serviceAccountDir, "namespace"), NAMESPACE);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** `kubectl create token <account>` as the admin (kubectl is Debian's package on these machines). */
async function kubectlCreateToken(account: string): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)("kubectl", [
      "--kubeconfig",
      cluster.adminKubeconfig,
      "--namespace",
      NAMESPACE,
      "create",
      "token",
      account,
      "--duration=10m",
    ]);
    return stdout.trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      throw new Error("kubectl is not installed (apt-get install kubectl)");
    throw error;
  }
}

/** What a request with `token` gets from the server (to show a token really stopped working). */
async function statusWith(token: string, secretName: string): Promise<number> {
  const https = await import("node:https");
  const { readFile } = await import("node:fs/promises");
  const ca = await readFile(cluster.caFile);
  return new Promise((resolve, reject) => {
    https
      .get(
        `${cluster.url}/api/v1/namespaces/${NAMESPACE}/secrets/${secretName}`,
        { ca, headers: { Authorization: `Bearer ${token}` } },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      )
      .on("error", reject);
  });
}

describe("kubernetes API mode in a pod (loadFromCluster)", () => {
  it("reads with a token from `kubectl create token`, in the namespace of the service-account folder", async () => {
    const secretName = uniqueName("kubectl");
    const account = uniqueName("app");
    const token = makeTestToken();
    await createSecret(secretName, { HF_TOKEN: token });
    await createServiceAccount(account);
    await grant(secretName, ["get"], { kind: "ServiceAccount", name: account });
    await writeFile(join(serviceAccountDir, "token"), await kubectlCreateToken(account));
    const result = await fromKubernetesSecret({ name: secretName, env, inClusterPathPrefix: root }).getSecret(
      "HF_TOKEN",
    );
    expect(result.value.reveal()).toBe(token);
    expect(result.location).toBe(`kubernetes:${NAMESPACE}/${secretName}#HF_TOKEN`);
  });

  it("reads and watches with a TokenRequest token (what kubectl calls)", async () => {
    const secretName = uniqueName("incluster");
    const account = uniqueName("app");
    const token = makeTestToken();
    await createSecret(secretName, { HF_TOKEN: token });
    await createServiceAccount(account);
    await grant(secretName, ["get", "watch"], { kind: "ServiceAccount", name: account });
    await writeFile(join(serviceAccountDir, "token"), await requestToken(account));

    const cache = cached(
      fromKubernetesSecret({ name: secretName, env, inClusterPathPrefix: root, watch: true }),
      {
        ttlMs: 3_600_000,
      },
    );
    try {
      expect((await cache.getSecret("HF_TOKEN")).value.reveal()).toBe(token);
      const next = makeTestToken();
      const rotated = new Promise<void>((resolve) => cache.events.on("rotated", () => resolve()));
      await replaceSecret(secretName, { HF_TOKEN: next });
      await rotated;
      expect((await cache.getSecret("HF_TOKEN")).value.reveal()).toBe(next);
    } finally {
      await cache.dispose();
    }
  });

  it("uses a rotated token at once: the old one is revoked, the next read carries the new one", async () => {
    const secretName = uniqueName("rotation");
    const account = uniqueName("app");
    const token = makeTestToken();
    await createSecret(secretName, { HF_TOKEN: token });
    await createServiceAccount(account);
    await grant(secretName, ["get"], { kind: "ServiceAccount", name: account });
    // Each token is bound to an object: deleting the object invalidates the token (once the API server's
    // 10 s cache of successful token reviews has expired).
    const holderA = await createSecret(uniqueName("bound-a"), {});
    const holderB = await createSecret(uniqueName("bound-b"), {});
    const tokenA = await requestToken(account, holderA);
    const tokenB = await requestToken(account, holderB);
    await writeFile(join(serviceAccountDir, "token"), tokenA);

    const cache = cached(fromKubernetesSecret({ name: secretName, env, inClusterPathPrefix: root }), {
      forceRefreshIntervalMs: 0,
    });
    try {
      expect((await cache.getSecret("HF_TOKEN")).value.reveal()).toBe(token);
      // kubelet rotates the projected token file; then the old token stops working.
      await writeFile(join(serviceAccountDir, "token"), tokenB);
      await admin.deleteNamespacedSecret({ name: holderA.metadata!.name!, namespace: NAMESPACE });
      // The API server caches a successful token review for up to 10 s: wait until it rejects token A.
      let statusA = await statusWith(tokenA, secretName);
      for (let i = 0; i < 150 && statusA !== 401; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        statusA = await statusWith(tokenA, secretName);
      }
      expect(statusA).toBe(401);
      expect(await statusWith(tokenB, secretName)).toBe(200);
      // With client-node's own tokenFile provider this read would still send token A (kept for 60 s) → 401.
      const after = await cache.getSecret("HF_TOKEN", { forceRefresh: true });
      expect(after.value.reveal()).toBe(token);
    } finally {
      await cache.dispose();
    }
  });

  it("a revoked token with no replacement is ACCESS_DENIED (401), not a transient error", async () => {
    const secretName = uniqueName("revoked");
    const account = uniqueName("app");
    await createSecret(secretName, { HF_TOKEN: makeTestToken() });
    await createServiceAccount(account);
    await grant(secretName, ["get"], { kind: "ServiceAccount", name: account });
    const holder = await createSecret(uniqueName("bound"), {});
    await writeFile(join(serviceAccountDir, "token"), await requestToken(account, holder));
    await admin.deleteNamespacedSecret({ name: holder.metadata!.name!, namespace: NAMESPACE });
    const error = await fromKubernetesSecret({ name: secretName, env, inClusterPathPrefix: root })
      .getSecret("HF_TOKEN")
      .catch((e: { code?: string; message?: string }) => e);
    expect((error as { code?: string }).code).toBe("ACCESS_DENIED");
    expect((error as { message?: string }).message).toContain("401 Unauthorized");
  });

  it("the service account without a RoleBinding is forbidden, and the fix binds that service account", async () => {
    const secretName = uniqueName("sa-denied");
    const account = uniqueName("app");
    await createSecret(secretName, { HF_TOKEN: makeTestToken() });
    await createServiceAccount(account);
    await writeFile(join(serviceAccountDir, "token"), await requestToken(account));
    const error = (await fromKubernetesSecret({ name: secretName, env, inClusterPathPrefix: root })
      .getSecret("HF_TOKEN")
      .catch((e: unknown) => e)) as { code?: string; detail?: string; fix?: string };
    expect(error.code).toBe("ACCESS_DENIED");
    expect(error.detail).toContain(`"system:serviceaccount:${NAMESPACE}:${account}" may not "get"`);
    expect(error.fix).toContain(`- {kind: ServiceAccount, name: ${account}, namespace: ${NAMESPACE}}`);
  });
});
