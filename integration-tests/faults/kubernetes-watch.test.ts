import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { cached, type SecretProviderError } from "@hf-secrets/core";
import type { WatchLike } from "@hf-secrets/kubernetes";
import { makeTestToken, startFaultProxy } from "@hf-secrets/testing";
import { afterAll, describe, it } from "vitest";
import { createSecret } from "../kubernetes/cluster.js";
import { kubernetesBackend, type Subject } from "./backends.js";
import { collectEvents, sleep, watchProcess } from "./harness.js";
import { Checks, record, seconds } from "./results.js";

// The Kubernetes watch under faults, against the real kube-apiserver: the live watch connection dropped and its
// reconnections reset, the API server restarted, and a real 410 Gone. In each case the Secret changes while the
// watch is down; the watch must come back by itself and the cache must end with the server's value (no change
// missed). The cache's TTL is an hour, so only the watch can bring the change.

const run = promisify(execFile);
const QUIET_MS = 3_000;
const backend = kubernetesBackend;
const watch = watchProcess();

afterAll(async () => {
  watch.stop();
  // A restarted API server may refuse the reader (403) until its RBAC informers sync: leave it ready for the
  // next suite.
  await readerCanRead();
});

interface WatchLogEntry {
  readonly at: number;
  readonly type: "open" | "event" | "done";
  readonly resourceVersion?: string | undefined;
  readonly phase?: string;
  readonly code?: unknown;
  readonly statusCode?: unknown;
  readonly error?: string | undefined;
}

/** Wraps client-node's Watch to log what the real server sent (ERROR events, 410s, ends). */
function recordingWatch(origin: number) {
  const log: WatchLogEntry[] = [];
  const at = () => Math.round(performance.now() - origin);
  const wrap = (inner: WatchLike): WatchLike => ({
    watch(path, query, callback, done) {
      log.push({ at: at(), type: "open", resourceVersion: query.resourceVersion as string | undefined });
      return inner.watch(
        path,
        query,
        (phase, object, raw) => {
          log.push({
            at: at(),
            type: "event",
            phase,
            code: phase === "ERROR" ? (object as { code?: unknown } | undefined)?.code : undefined,
          });
          callback(phase, object, raw);
        },
        (error) => {
          const e = error as { statusCode?: unknown; name?: unknown; message?: unknown } | null;
          log.push({
            at: at(),
            type: "done",
            statusCode: e?.statusCode,
            error: e ? `${String(e.name)}: ${String(e.message).slice(0, 120)}` : undefined,
          });
          done(error);
        },
      );
    },
  });
  const saw410 = () =>
    log.some(
      (entry) =>
        (entry.type === "event" && entry.code === 410) || (entry.type === "done" && entry.statusCode === 410),
    );
  return { log, wrap, saw410 };
}

async function waitFor(condition: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    if (await condition()) return true;
    await sleep(50);
  }
  return false;
}

async function restartApiserver(): Promise<number> {
  const started = performance.now();
  await run("bash", ["integration-tests/emulators/kubernetes.sh", "restart-apiserver"], { timeout: 120_000 });
  return performance.now() - started;
}

/** Writes through the admin client, retrying while a restarted API server still refuses (429/403/network). */
async function updateWithRetry(subject: Subject, value: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await subject.update(value);
      return;
    } catch (error) {
      if (attempt >= 100) throw error;
      await sleep(100);
    }
  }
}

async function readerCanRead(): Promise<void> {
  const subject = await retry(() => backend.create(makeTestToken()));
  const provider = subject.read(backend.target.port);
  await waitFor(
    async () =>
      provider.getSecret(subject.logicalName).then(
        () => true,
        () => false,
      ),
    30_000,
  );
  await provider.dispose?.();
}

async function retry<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= 100) throw error;
      await sleep(100);
    }
  }
}

interface WatchScenario {
  readonly id: string;
  readonly title: string;
  /** Breaks the watch and changes the Secret meanwhile; returns the moment the fault ended (ms since origin). */
  readonly breakAndChange: (context: {
    subject: Subject;
    proxy: Awaited<ReturnType<typeof startFaultProxy>>;
    origin: number;
    written: string[];
    notes: Record<string, unknown>;
    recorder: ReturnType<typeof recordingWatch>;
  }) => Promise<number>;
  /** Extra checks on what the server sent. */
  readonly expectLog?: (recorder: ReturnType<typeof recordingWatch>, checks: Checks) => void;
}

async function runWatchScenario(scenario: WatchScenario): Promise<void> {
  const first = makeTestToken();
  const written = [first];
  const subject = await retry(() => backend.create(first));
  const proxy = await startFaultProxy({ target: backend.target, maxConnections: 1_000, lifetimeMs: 180_000 });
  const origin = performance.now();
  const recorder = recordingWatch(origin);
  const watchErrors: SecretProviderError[] = [];
  const cache = cached(
    subject.read(proxy.port, {
      watch: true,
      onWatchError: (error) => watchErrors.push(error),
      wrapWatch: recorder.wrap,
    }),
    { ttlMs: 3_600_000, maxStaleMs: 3_600_000, timeoutMs: 2_000, watch: true },
  );
  const events = collectEvents(cache, origin);
  const checks = new Checks();
  const notes: Record<string, unknown> = {};
  const unhandledBefore = watch.count;
  try {
    checks.that("first read", (await cache.getSecret(subject.logicalName)).value.reveal() === first);
    checks.that("the watch opened", await waitFor(() => recorder.log.some((e) => e.type === "open"), 5_000));
    await sleep(300);
    const clearedAt = await scenario.breakAndChange({ subject, proxy, origin, written, notes, recorder });
    const quiet = notes.quietPeriodCheck as { ok: boolean; detail: string } | undefined;
    if (quiet) {
      checks.that(
        "after the restart, an unchanged Secret's watch settles (≤ 15 watch requests in 3 s, backoff included)",
        quiet.ok,
        quiet.detail,
      );
      delete notes.quietPeriodCheck;
    }
    const server = await subject.serverValue();
    const caught = await waitFor(
      async () => (await cache.getSecret(subject.logicalName)).value.reveal() === server,
      30_000,
    );
    const caughtAt = performance.now() - origin;
    const cachedNow = (await cache.getSecret(subject.logicalName)).value.reveal();
    const served = new Set([cachedNow]);
    checks.that(
      "the last change reached the cache through the watch (nothing missed)",
      caught && cachedNow === server,
    );
    checks.that("the value after recovery equals the server's", cachedNow === (await subject.serverValue()));
    checks.that(
      "only values the server held were served",
      [...served].every((v) => written.includes(v)),
    );
    checks.that("the watch reconnected", recorder.log.filter((e) => e.type === "open").length >= 2);
    // Once recovered, a healthy watch stays open: it makes no new requests.
    const opens = () => recorder.log.filter((e) => e.type === "open").length;
    const opensBefore = opens();
    await sleep(QUIET_MS);
    const opensAfterRecovery = opens() - opensBefore;
    notes.watchRequestsInQuietPeriodAfterRecovery = opensAfterRecovery;
    checks.that(
      `no reconnect loop after recovery (≤ 1 watch request in ${QUIET_MS / 1000} s)`,
      opensAfterRecovery <= 1,
      `${opensAfterRecovery} watch requests`,
    );
    scenario.expectLog?.(recorder, checks);
    checks.that(
      "no unhandled rejection or exception",
      watch.count === unhandledBefore,
      watch.seen.slice(unhandledBefore).join("; "),
    );
    const refreshes = events
      .filter(({ event }) => event.type === "refresh")
      .map(({ event }) => (event as { reason: string }).reason);
    record("watch-fault", `kubernetes-watch-${scenario.id}`, {
      provider: "kubernetes",
      fault: scenario.id,
      title: scenario.title,
      ok: checks.ok,
      summary: `${caught ? `server's value in the cache ${seconds(caughtAt - clearedAt)} after the fault ended` : "change MISSED"}; ${recorder.log.filter((e) => e.type === "open").length} watch requests, ${watchErrors.length} watch errors (${[...new Set(watchErrors.map((e) => e.code))].join(", ") || "none"})${recorder.saw410() ? ", 410 Gone from the server → relist" : ""}; refreshes: ${refreshes.join(", ")}`,
      recoveredAfterMs: Math.round(caughtAt - clearedAt),
      watchRequests: recorder.log.filter((e) => e.type === "open").length,
      watchErrors: watchErrors.map((e) => e.code),
      saw410: recorder.saw410(),
      watchLog: recorder.log,
      ...notes,
      checks: checks.list,
    });
  } finally {
    await cache.dispose();
    await proxy.close();
  }
  checks.assertAll();
}

describe("kubernetes watch under faults (real kube-apiserver)", () => {
  it(
    "connection reset: the live watch is dropped and its reconnections are reset; changes made meanwhile arrive",
    () =>
      runWatchScenario({
        id: "reset",
        title: "connection reset",
        async breakAndChange({ subject, proxy, origin, written }) {
          // Drops the live watch connection; every new connection is reset during its TLS handshake.
          await proxy.setFault({ kind: "reset", afterBytes: 64 });
          for (let i = 0; i < 2; i++) {
            const next = makeTestToken();
            await subject.update(next);
            written.push(next);
          }
          await sleep(2_000);
          await proxy.clear();
          return performance.now() - origin;
        },
      }),
    60_000,
  );

  it(
    "kube-apiserver restart: the watch comes back by itself; a change made right after the restart arrives",
    () =>
      runWatchScenario({
        id: "restart",
        title: "kube-apiserver restart",
        async breakAndChange({ subject, origin, written, notes, recorder }) {
          notes.restartMs = Math.round(await restartApiserver());
          // The Secret has not changed: the watch must settle back on it, not spin (a reconnect loop would hit the
          // API server with a GET and a watch request every few milliseconds).
          const before = recorder.log.filter((e) => e.type === "open").length;
          await sleep(QUIET_MS);
          const spins = recorder.log.filter((e) => e.type === "open").length - before;
          notes.watchRequestsInQuietPeriodAfterRestart = spins;
          notes.quietPeriodCheck = {
            ok: spins <= 15,
            detail: `${spins} watch requests in ${QUIET_MS / 1000} s`,
          };
          const next = makeTestToken();
          await updateWithRetry(subject, next);
          written.push(next);
          return performance.now() - origin;
        },
      }),
    120_000,
  );

  it(
    "410 Gone: the watch resumes from a resourceVersion the restarted server no longer has, relists, and finds the change",
    () =>
      runWatchScenario({
        id: "410-gone",
        title: "410 Gone (resourceVersion too old)",
        async breakAndChange({ subject, proxy, origin, written, notes }) {
          // The watch is cut (connections refused) and the Secret changes; other writes move etcd's revision on; then
          // the API server restarts, so its watch cache starts at the current revision. The watch resumes from the
          // revision it last saw, which is older: the real server answers 410 Gone ("too old resource version").
          await proxy.setFault({ kind: "refuse" });
          const next = makeTestToken();
          await subject.update(next);
          written.push(next);
          for (let i = 0; i < 3; i++)
            await createSecret(`filler-${Date.now().toString(36)}-${i}`, { x: "y" });
          notes.restartMs = Math.round(await restartApiserver());
          await proxy.clear();
          return performance.now() - origin;
        },
        expectLog(recorder, checks) {
          checks.that(
            "the real server answered 410 Gone",
            recorder.saw410(),
            JSON.stringify(recorder.log.slice(-6)),
          );
        },
      }),
    120_000,
  );
});
