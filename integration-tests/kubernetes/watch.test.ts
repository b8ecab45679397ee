import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { cached, type SecretProviderError } from "@hf-secrets/core";
import { fromKubernetesSecret } from "@hf-secrets/kubernetes";
import { makeTestToken } from "@hf-secrets/testing";
import { describe, expect, it } from "vitest";
import {
  auditedGets,
  cluster,
  createSecret,
  grant,
  kubeConfigFrom,
  NAMESPACE,
  replaceSecret,
  serverValue,
  uniqueName,
} from "./cluster.js";

// The watch on one Secret against the real API server: an update reaches cached() through the watch (not the
// TTL), and the watch survives a restart of kube-apiserver.

const run = promisify(execFile);

/** Resolves on the cache's next "rotated" event, or rejects after `ms`. */
function nextRotation(cache: ReturnType<typeof cached>, ms: number): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no rotation within ${ms} ms`));
    }, ms);
    const off = cache.events.on("rotated", () => {
      clearTimeout(timer);
      off();
      resolve(performance.now() - started);
    });
  });
}

async function watchedCache(secretName: string, onWatchError?: (e: SecretProviderError) => void) {
  await grant(secretName, ["get", "watch"], { kind: "User", name: "reader" });
  const provider = fromKubernetesSecret({
    name: secretName,
    namespace: NAMESPACE,
    kubeConfig: kubeConfigFrom(cluster.readerKubeconfig),
    watch: true,
    watchBackoff: { baseDelayMs: 250, maxDelayMs: 2_000 },
    onWatchError,
  });
  // A TTL of an hour: only the watch can bring a new value in these tests.
  return cached(provider, { ttlMs: 3_600_000 });
}

describe("kubernetes API mode: watch", () => {
  it("an update through the API reaches cached() through the watch within a second", async () => {
    const name = uniqueName("watched");
    const first = makeTestToken();
    await createSecret(name, { HF_TOKEN: first });
    const cache = await watchedCache(name);
    try {
      expect((await cache.getSecret("HF_TOKEN")).value.reveal()).toBe(first);
      const latencies: number[] = [];
      for (let round = 0; round < 3; round++) {
        const next = makeTestToken();
        const rotated = nextRotation(cache, 1_000);
        await replaceSecret(name, { HF_TOKEN: next });
        latencies.push(await rotated);
        expect((await cache.getSecret("HF_TOKEN")).value.reveal()).toBe(next);
      }
      console.log(
        `[kubernetes] update → cached() via watch: ${latencies.map((ms) => `${ms.toFixed(0)} ms`).join(", ")}`,
      );
      // One GET to start, one per update (the watch invalidated the value); no polling.
      expect(await auditedGets(name, "reader")).toBe(4);
    } finally {
      await cache.dispose();
    }
  });

  it("recovers from a kube-apiserver restart mid-watch, and then holds the server's value", async () => {
    const name = uniqueName("restart");
    await createSecret(name, { HF_TOKEN: makeTestToken() });
    const errors: SecretProviderError[] = [];
    const cache = await watchedCache(name, (error) => errors.push(error));
    try {
      await cache.getSecret("HF_TOKEN");
      const started = performance.now();
      await run("bash", ["integration-tests/emulators/kubernetes.sh", "restart-apiserver"], {
        timeout: 120_000,
      });
      const restartMs = performance.now() - started;
      // The watch broke while the server was away (so recovery is what is being tested). Besides network
      // errors, a restarting API server may answer 403 until its RBAC informers have synced: the loop keeps
      // retrying whatever the error (client-node's informer would stop there).
      expect(errors.length).toBeGreaterThan(0);
      expect(errors.every((e) => e.transient || e.code === "ACCESS_DENIED")).toBe(true);
      const after = makeTestToken();
      const rotated = nextRotation(cache, 30_000);
      const updatedAt = performance.now();
      await replaceSecret(name, { HF_TOKEN: after });
      await rotated;
      const recoveryMs = performance.now() - updatedAt;
      expect((await cache.getSecret("HF_TOKEN")).value.reveal()).toBe(await serverValue(name, "HF_TOKEN"));
      expect((await cache.getSecret("HF_TOKEN")).value.reveal()).toBe(after);
      console.log(
        `[kubernetes] restart-apiserver took ${(restartMs / 1000).toFixed(1)} s; ${errors.length} watch errors (${[...new Set(errors.map((e) => e.code))].join(", ")}); update after restart seen in ${recoveryMs.toFixed(0)} ms`,
      );
    } finally {
      await cache.dispose();
    }
  });
});
