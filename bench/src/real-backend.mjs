// Section 3 — against a real backend: LocalStack's Secrets Manager (started and stopped here, on 127.0.0.1).
// Open-loop load: one call every 1000/RATE ms for DURATION seconds, whatever the previous calls are doing, so
// slow calls pile up instead of slowing the schedule (no coordinated omission). Mid-run, the value is changed at
// the server (PutSecretValue). Backend calls are counted by a middleware inside each SDK client; a caller "waited
// on the backend" when an SDK call ran in its own async context (AsyncLocalStorage) or, for our cache, when
// nothing usable was cached at the moment of the call (it joined a flight).
import { AsyncLocalStorage } from "node:async_hooks";
import { SecretsProvider } from "@aws-lambda-powertools/parameters/secrets";
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { getHfToken } from "@hf-secrets/client";
import { cached } from "@hf-secrets/core";
import { awsProvider } from "./lib/aws-provider.mjs";
import { startLocalStack } from "./lib/localstack.mjs";
import { progress, target, writeResult } from "./lib/result.mjs";
import { countCalls } from "./lib/secrets-manager.mjs";
import { formatInt, formatMs, formatRatio, percentile } from "./lib/stats.mjs";
import { makeBenchToken } from "./lib/test-token.mjs";

const NAME = "HF_TOKEN";
const SECRET_ID = "bench/hf-token";
const RATE = Number(process.env.HF_BENCH_REAL_RATE ?? 200);
const DURATION_S = Number(process.env.HF_BENCH_REAL_SECONDS ?? 60);
const ROTATE_AT_S = DURATION_S / 2;
const ROTATION_TTL_MS = 20_000;
const DRAIN_LIMIT_MS = 30_000;
const als = new AsyncLocalStorage();

function markWaited() {
  const rec = als.getStore();
  if (rec && !rec.done) rec.waited = true;
}

/** Runs the open-loop schedule; returns per-call records and the rotation times (ms from the start). */
async function drive({ invoke, waitedNow, admin, oldToken, newToken }) {
  const n = Math.round(DURATION_S * RATE);
  const interval = 1000 / RATE;
  const recs = new Array(n);
  const start = performance.now();
  const rotation = { issuedAt: Number.NaN, doneAt: Number.NaN, error: undefined };
  let rotating = false;
  let i = 0;
  const fire = () => {
    const rec = {
      t: performance.now() - start,
      lat: Number.NaN,
      waited: false,
      isNew: false,
      err: false,
      done: false,
    };
    if (waitedNow()) rec.waited = true;
    const t0 = performance.now();
    let promise;
    try {
      promise = als.run(rec, invoke);
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(
      (value) => {
        rec.lat = performance.now() - t0;
        rec.isNew = value === newToken;
        rec.err = value !== newToken && value !== oldToken;
        rec.done = true;
      },
      () => {
        rec.lat = performance.now() - t0;
        rec.err = true;
        rec.done = true;
      },
    );
    return rec;
  };
  await new Promise((resolve) => {
    const loop = () => {
      const now = performance.now();
      while (i < n && start + i * interval <= now) recs[i++] = fire();
      if (!rotating && now - start >= ROTATE_AT_S * 1000) {
        rotating = true;
        rotation.issuedAt = now - start;
        admin.send(new PutSecretValueCommand({ SecretId: SECRET_ID, SecretString: newToken })).then(
          () => {
            rotation.doneAt = performance.now() - start;
          },
          (error) => {
            rotation.error = error?.name ?? "error";
          },
        );
      }
      if (i >= n) return resolve();
      setTimeout(loop, Math.max(0, start + i * interval - performance.now()));
    };
    loop();
  });
  const deadline = performance.now() + DRAIN_LIMIT_MS;
  while (recs.some((r) => !r.done) && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  for (const r of recs) {
    if (!r.done) {
      r.err = true;
      r.lat = Number.POSITIVE_INFINITY;
    }
  }
  return { recs, rotation, wallMs: performance.now() - start };
}

function summarize(recs, from = 0, to = Number.POSITIVE_INFINITY) {
  const inWindow = recs.filter((r) => r.t >= from && r.t < to);
  const lat = inWindow.filter((r) => !r.err).map((r) => r.lat);
  return {
    calls: inWindow.length,
    errors: inWindow.filter((r) => r.err).length,
    waited: inWindow.filter((r) => r.waited).length,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    max: lat.length ? Math.max(...lat) : Number.NaN,
  };
}

async function runVariant({ id, label, build, admin, clientConfig }) {
  const oldToken = makeBenchToken();
  const newToken = makeBenchToken();
  await admin.send(new PutSecretValueCommand({ SecretId: SECRET_ID, SecretString: oldToken }));
  const client = new SecretsManagerClient(clientConfig);
  const counter = countCalls(client, markWaited);
  const subject = await build(client);
  const warmStart = performance.now();
  const first = await subject.invoke();
  const warmupMs = performance.now() - warmStart;
  if (first !== oldToken) throw new Error(`${id}: the warm-up call did not return the seeded value`);
  const callsBefore = counter.calls;
  progress("real-backend", `${id}: ${DURATION_S} s at ${RATE}/s (warm-up ${formatMs(warmupMs)})`);
  const { recs, rotation, wallMs } = await drive({
    invoke: subject.invoke,
    waitedNow: subject.waitedNow,
    admin,
    oldToken,
    newToken,
  });
  const backendCalls = counter.calls - callsBefore;
  await subject.dispose?.();
  client.destroy();

  const all = summarize(recs);
  const steady = summarize(recs, 0, rotation.issuedAt);
  const adopted = recs.find((r) => r.isNew);
  const adoptAt = adopted?.t;
  const window = adoptAt === undefined ? undefined : summarize(recs, rotation.issuedAt, adoptAt + 1000);
  const oldAfterAdopt =
    adoptAt === undefined ? 0 : recs.filter((r) => r.t > adoptAt + 1000 && !r.isNew && !r.err).length;
  return {
    id,
    label,
    source: subject.source,
    warmupMs,
    backendCalls,
    wallMs,
    all,
    steady,
    window,
    rotation,
    adoptAfterMs: adoptAt === undefined ? undefined : adoptAt - rotation.issuedAt,
    oldAfterAdopt,
  };
}

async function main() {
  const unavailable = process.env.HF_BENCH_LOCALSTACK_UNAVAILABLE;
  let ls;
  const started = performance.now();
  try {
    if (unavailable) throw new Error(unavailable);
    ls = await startLocalStack();
  } catch (error) {
    writeUnavailable(String(error?.message ?? error));
    return;
  }
  progress(
    "real-backend",
    `${ls.flavor} ready on ${ls.env.AWS_ENDPOINT_URL_SECRETS_MANAGER} in ${formatMs(performance.now() - started)}`,
  );
  const clientConfig = {
    endpoint: ls.env.AWS_ENDPOINT_URL_SECRETS_MANAGER,
    region: ls.env.AWS_REGION ?? "us-east-1",
    credentials: {
      accessKeyId: ls.env.AWS_ACCESS_KEY_ID ?? "test",
      secretAccessKey: ls.env.AWS_SECRET_ACCESS_KEY ?? "test",
    },
  };
  const admin = new SecretsManagerClient(clientConfig);
  const results = [];
  try {
    await admin.send(new CreateSecretCommand({ Name: SECRET_ID, SecretString: makeBenchToken() }));

    const ours = (cacheOptions) => async (client) => {
      const { provider, source } = await awsProvider({ client, secretId: SECRET_ID });
      const cache = cached(provider, cacheOptions);
      const options = { provider: cache, verify: false, config: false };
      return {
        source: `${source} behind cached(${cacheOptions.ttlMs ? `{ ttlMs: ${cacheOptions.ttlMs} }` : "defaults"}), called through getHfToken()`,
        invoke: () => getHfToken(options),
        waitedNow: () => cache.peek(NAME) === undefined,
        dispose: () => cache.dispose(),
      };
    };
    const variants = [
      { id: "ours", label: "hf-secrets getHfToken() (defaults: TTL 300 s)", build: ours({}) },
      {
        id: "oursRotation",
        label: `hf-secrets getHfToken() (ttlMs ${ROTATION_TTL_MS / 1000} s, so the rotation is picked up in the run)`,
        build: ours({ ttlMs: ROTATION_TTL_MS }),
      },
      {
        id: "powertools",
        label: "Powertools SecretsProvider.get() (default maxAge 5 s)",
        build: async (client) => {
          const p = new SecretsProvider({ awsSdkV3Client: client });
          return {
            source: "@aws-lambda-powertools/parameters 2.35.0",
            invoke: () => p.get(SECRET_ID),
            waitedNow: () => false,
          };
        },
      },
      {
        id: "sdk",
        label: "SDK GetSecretValue on every call",
        build: async (client) => ({
          source: "@aws-sdk/client-secrets-manager 3.1164.0",
          invoke: () =>
            client.send(new GetSecretValueCommand({ SecretId: SECRET_ID })).then((o) => o.SecretString),
          waitedNow: () => false,
        }),
      },
    ];
    for (const v of variants) {
      try {
        results.push(await runVariant({ ...v, admin, clientConfig }));
      } catch (error) {
        results.push({ id: v.id, label: v.label, error: String(error?.message ?? error) });
      }
    }
  } finally {
    admin.destroy();
    ls.stop();
  }
  writeReport(results, ls.flavor);
}

function writeReport(results, flavor) {
  const byId = Object.fromEntries(results.map((r) => [r.id, r]));
  const rows = results.map((r) => {
    if (r.error) return [r.label, "failed", r.error, "", "", "", "", "", "", "—", "—"];
    return [
      r.label,
      formatInt(r.backendCalls),
      formatMs(r.all.p50),
      formatMs(r.all.p99),
      formatMs(r.all.max),
      `${formatInt(r.all.waited)} (${((100 * r.all.waited) / r.all.calls).toFixed(1)}%)`,
      formatInt(r.all.errors),
      r.adoptAfterMs === undefined ? "not within the run" : formatMs(r.adoptAfterMs),
      r.window
        ? `${formatMs(r.window.p99)} vs ${formatMs(r.steady.p99)} (${formatRatio(r.window.p99 / r.steady.p99)})`
        : "—",
      r.id === "oursRotation" ? "p99 ≤ 2× steady; 0 callers wait" : r.id === "ours" ? "0 callers wait" : "—",
      r.id === "oursRotation"
        ? mark(rotationMet(r))
        : r.id === "ours"
          ? mark(r.all.waited === 0 && r.all.errors === 0)
          : "—",
    ];
  });
  const targets = [];
  const o = byId.ours;
  if (o && !o.error) {
    targets.push(
      target(
        "real.ours.waited",
        "callers that waited on the backend after warm-up (defaults, 60 s at 200/s)",
        "0",
        `${o.all.waited} of ${formatInt(o.all.calls)}`,
        o.all.waited === 0 && o.all.errors === 0,
      ),
    );
  }
  const r = byId.oursRotation;
  if (r && !r.error) {
    const ratio = r.window ? r.window.p99 / r.steady.p99 : Number.NaN;
    targets.push(
      target(
        "real.rotation.p99",
        "p99 during the rotation window vs steady state (ours)",
        "≤ 2×",
        r.window
          ? `${formatRatio(ratio)} (${formatMs(r.window.p99)} vs ${formatMs(r.steady.p99)})`
          : "rotation not picked up",
        r.window ? ratio <= 2 : false,
        r.window && ratio > 2
          ? {
              why: `The background refresh that picks up the new version runs on the same event loop as the callers: its SDK work (signing, HTTP, parsing) delays the hits scheduled during it. Window: ${formatInt(r.window.calls)} calls, steady: ${formatInt(r.steady.calls)}.`,
              fix: "Measure again on an idle machine; if it persists, the refresh's CPU work is the cost — nothing a caller waits on (see the waited count).",
            }
          : {},
      ),
      target(
        "real.rotation.waited",
        "callers that waited on the backend after warm-up, rotation run (ours)",
        "0",
        `${r.all.waited} of ${formatInt(r.all.calls)}`,
        r.all.waited === 0 && r.all.errors === 0,
      ),
    );
  }
  writeResult({
    id: "real-backend",
    title: "3. Against a real backend (LocalStack Secrets Manager)",
    method: [
      `Backend: ${flavor === "moto" ? "moto server (LocalStack's fallback flavor)" : "LocalStack 4.13.1 (open-source runtime, host mode)"} on 127.0.0.1, started and stopped by this section${process.env.HF_BENCH_NETNS === "1" ? " inside a network namespace with loopback only" : ""}.`,
      `Load: ${RATE} calls/s, open loop, for ${DURATION_S} s per variant (${formatInt(RATE * DURATION_S)} calls) — the issue's "1,000 getHfToken() calls at 200/s for 60 s" read as 200/s sustained for 60 s. Variants run one after another, each with its own SDK client and a fresh secret version.`,
      `Rotation: at ${ROTATE_AT_S} s the value is changed at the server (PutSecretValue → new AWSCURRENT). Steady state = calls before that; rotation window = from then until 1 s after the first caller got the new value.`,
      `With the default TTL (300 s) a rotated value is picked up by the next background refresh (240–270 s after the previous fetch, so after the end of a ${DURATION_S} s run), or at once when Hugging Face rejects the old token (getHfClient()'s forced refresh); the ttlMs ${ROTATION_TTL_MS / 1000} s variant shows the pick-up itself and carries the rotation targets.`,
      "Latency is per call, from the call to its resolution (after one warm-up call per variant, not counted). Backend calls are SDK attempts counted by a middleware in each client, during the timed run.",
      "Waited = the caller's own async context made an SDK call before it resolved, or (ours) nothing usable was cached when it called, so it joined a backend call.",
      ...results.filter((x) => x.source).map((x) => `${x.id}: ${x.source}.`),
    ],
    tables: [
      {
        title: `Per variant, ${DURATION_S} s at ${RATE}/s`,
        columns: [
          "Variant",
          "Backend calls",
          "p50",
          "p99",
          "max",
          "Callers that waited on the backend",
          "Errors",
          "New value seen after",
          "Rotation window p99 vs steady",
          "Target",
          "Met",
        ],
        rows,
      },
    ],
    targets,
    raw: results,
  });
}

function rotationMet(r) {
  return !!r.window && r.window.p99 / r.steady.p99 <= 2 && r.all.waited === 0 && r.all.errors === 0;
}

function mark(ok) {
  return ok ? "met" : "MISSED";
}

function writeUnavailable(reason) {
  writeResult({
    id: "real-backend",
    title: "3. Against a real backend (LocalStack Secrets Manager)",
    method: [
      "LocalStack could not be started, so this section did not run; the other sections are unaffected.",
    ],
    tables: [],
    targets: [
      target(
        "real.rotation.p99",
        "p99 during the rotation window vs steady state (ours)",
        "≤ 2×",
        "not measured",
        null,
        {
          why: `LocalStack not available: ${reason}`,
          fix: "Run `bash integration-tests/emulators/localstack.sh install` (needs PyPI) and run the bench again.",
        },
      ),
    ],
    notes: [`LocalStack not available: ${reason}`],
  });
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
