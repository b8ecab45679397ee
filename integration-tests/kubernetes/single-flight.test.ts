import { cached } from "@hf-secrets/core";
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
  uniqueName,
} from "./cluster.js";

// Counted at the server, not in the client: the API server's audit log records every request to a Secret.

describe("kubernetes API mode: single flight at the server", () => {
  it("100 concurrent cold gets through cached() make exactly one GET at the API server", async () => {
    const name = uniqueName("flight");
    const token = makeTestToken();
    await createSecret(name, { HF_TOKEN: token });
    await grant(name, ["get"], { kind: "User", name: "reader" });
    expect(await auditedGets(name, "reader")).toBe(0);
    const cache = cached(
      fromKubernetesSecret({
        name,
        namespace: NAMESPACE,
        kubeConfig: kubeConfigFrom(cluster.readerKubeconfig),
      }),
    );
    try {
      const results = await Promise.all(Array.from({ length: 100 }, () => cache.getSecret("HF_TOKEN")));
      expect(new Set(results.map((r) => r.value.reveal()))).toEqual(new Set([token]));
      // Blocking audit mode writes the event before the response; poll briefly in case the file lags.
      let gets = 0;
      for (let i = 0; i < 20 && gets === 0; i++) {
        gets = await auditedGets(name, "reader");
        if (gets === 0) await new Promise((r) => setTimeout(r, 50));
      }
      expect(gets).toBe(1);
      // And hits stay hits.
      await Promise.all(Array.from({ length: 100 }, () => cache.getSecret("HF_TOKEN")));
      expect(await auditedGets(name, "reader")).toBe(1);
    } finally {
      await cache.dispose();
    }
  });
});
