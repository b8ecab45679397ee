// Section 2 — single-flight: N concurrent cold gets of one name, backend calls counted for us and each peer.
// Every backend answers after the same simulated latency (a real timer), so concurrent callers overlap.
import { SecretsProvider } from "@aws-lambda-powertools/parameters/secrets";
import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { createHfSecrets } from "@hf-secrets/client";
import { cached, createSecretValue } from "@hf-secrets/core";
import { memoize } from "@smithy/property-provider";
import { LRUCache } from "lru-cache";
import { progress, target, writeResult } from "./lib/result.mjs";
import { mockSecretsManagerClient } from "./lib/secrets-manager.mjs";
import { formatInt, formatMs } from "./lib/stats.mjs";
import { makeBenchToken } from "./lib/test-token.mjs";

const NAME = "HF_TOKEN";
const SIZES = [100, 10_000];
const LATENCY_MS = 20;
const token = makeBenchToken();

function latentBackend() {
  const stats = { calls: 0 };
  const fetchValue = () =>
    new Promise((resolve) => {
      stats.calls++;
      setTimeout(
        () => resolve(createSecretValue({ value: token, provider: "bench", location: "bench:HF_TOKEN" })),
        LATENCY_MS,
      );
    });
  return { stats, fetchValue, provider: { name: "bench", getSecret: fetchValue } };
}

/** Each subject: build(): { get(): Promise, calls(): number } — a fresh, cold instance per run. */
const SUBJECTS = [
  {
    id: "ours",
    label: "hf-secrets cached().getSecret()",
    ours: true,
    build() {
      const b = latentBackend();
      const cache = cached(b.provider);
      return { get: () => cache.getSecret(NAME), calls: () => b.stats.calls };
    },
  },
  {
    id: "oursClient",
    label: "hf-secrets createHfSecrets().getHfToken()",
    ours: true,
    build() {
      const b = latentBackend();
      const secrets = createHfSecrets({ provider: b.provider, verify: false, config: false });
      return { get: () => secrets.getHfToken(), calls: () => b.stats.calls };
    },
  },
  {
    id: "powertoolsDefault",
    label: "Powertools SecretsProvider.get() (default maxAge)",
    build() {
      const m = mockSecretsManagerClient(() => token, { latencyMs: LATENCY_MS });
      const p = new SecretsProvider({ awsSdkV3Client: m.client });
      return { get: () => p.get(NAME), calls: () => m.stats.calls };
    },
  },
  {
    id: "powertoolsExplicit",
    label: "Powertools SecretsProvider.get({ maxAge: 300 })",
    build() {
      const m = mockSecretsManagerClient(() => token, { latencyMs: LATENCY_MS });
      const p = new SecretsProvider({ awsSdkV3Client: m.client });
      return { get: () => p.get(NAME, { maxAge: 300 }), calls: () => m.stats.calls };
    },
  },
  {
    id: "lru",
    label: "lru-cache fetch() (fetchMethod, ttl 300 s)",
    build() {
      const b = latentBackend();
      const lru = new LRUCache({ max: 100, ttl: 300_000, fetchMethod: () => b.fetchValue() });
      return { get: () => lru.fetch(NAME), calls: () => b.stats.calls };
    },
  },
  {
    id: "smithy",
    label: "@smithy/property-provider memoize()",
    build() {
      const b = latentBackend();
      const m = memoize(
        async () => ({ value: await b.fetchValue(), expiration: new Date(Date.now() + 300_000) }),
        (v) => v.expiration.getTime() <= Date.now(),
        (v) => v.expiration !== undefined,
      );
      return { get: () => m(), calls: () => b.stats.calls };
    },
  },
  {
    id: "sdk",
    label: "SDK GetSecretValue on every call (no cache)",
    build() {
      const m = mockSecretsManagerClient(() => token, { latencyMs: LATENCY_MS });
      return {
        get: () => m.client.send(new GetSecretValueCommand({ SecretId: NAME })),
        calls: () => m.stats.calls,
      };
    },
  },
];

async function main() {
  const measured = {};
  for (const n of SIZES) {
    for (const s of SUBJECTS) {
      const subject = s.build();
      const t0 = performance.now();
      const settled = await Promise.allSettled(Array.from({ length: n }, () => subject.get()));
      const elapsed = performance.now() - t0;
      const failed = settled.filter((r) => r.status === "rejected").length;
      measured[`${s.id}:${n}`] = { calls: subject.calls(), elapsed, failed };
      progress("single-flight", `${s.id} x${n}: ${subject.calls()} backend calls, ${failed} failed`);
    }
  }

  const rows = [];
  const targets = [];
  for (const s of SUBJECTS) {
    const cells = [s.label];
    for (const n of SIZES) {
      const m = measured[`${s.id}:${n}`];
      cells.push(formatInt(m.calls), formatMs(m.elapsed) + (m.failed ? ` (${m.failed} failed)` : ""));
    }
    const ok = SIZES.every(
      (n) => measured[`${s.id}:${n}`].calls === 1 && measured[`${s.id}:${n}`].failed === 0,
    );
    cells.push(s.ours ? "1 call" : "—", s.ours ? (ok ? "met" : "MISSED") : "—");
    rows.push(cells);
    if (s.ours) {
      for (const n of SIZES) {
        const m = measured[`${s.id}:${n}`];
        targets.push(
          target(
            `single-flight.${s.id}.${n}`,
            `${formatInt(n)} concurrent cold gets → backend calls (${s.label})`,
            "1",
            formatInt(m.calls),
            m.calls === 1 && m.failed === 0,
            m.calls === 1
              ? {}
              : {
                  why: "Concurrent misses did not share one flight.",
                  fix: "cached() must register the in-flight promise before its first await.",
                },
          ),
        );
      }
    }
  }

  writeResult({
    id: "single-flight",
    title: "2. Single-flight: concurrent cold gets",
    method: [
      `For each N, a fresh (cold) instance of each subject receives N calls in the same tick; every backend answers after ${LATENCY_MS} ms (real timer), so all callers overlap the first call.`,
      "Powertools and the plain SDK get a real SecretsManagerClient with a stubbed `send` (counted); the others wrap a counting in-memory backend.",
      "Time is from the first call to the last settlement (includes the backend latency once, or N times when the calls pile up).",
    ],
    tables: [
      {
        title: "Backend calls for N concurrent cold gets",
        columns: [
          "Subject",
          ...SIZES.flatMap((n) => [`calls, N=${formatInt(n)}`, `time, N=${formatInt(n)}`]),
          "Target",
          "Met",
        ],
        rows,
      },
    ],
    targets,
    raw: measured,
  });
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
