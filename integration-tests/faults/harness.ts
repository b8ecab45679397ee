import {
  type CachedSecretProvider,
  type CacheOptions,
  cached,
  type SecretErrorCode,
  type SecretEvent,
  SecretProviderError,
} from "@hf-secrets/core";
import { errorText, type Fault, makeTestToken, secretForms, startFaultProxy } from "@hf-secrets/testing";
import type { Backend, Subject } from "./backends.js";
import { Checks, record, seconds } from "./results.js";

// The scenarios of the fault matrix, run the same way against each real backend through a fault proxy on
// 127.0.0.1. Each scenario records what it observed (integration-tests/.results) before asserting, so the report
// shows failing cells too.

/** One fault of the matrix. */
export interface FaultCase {
  readonly id: string;
  readonly label: string;
  readonly fault: Fault;
  /** Codes a cold read may fail with. */
  readonly expectCodes: readonly SecretErrorCode[];
  /** The server's Retry-After, when the fault sends one. */
  readonly retryAfterMs?: number;
}

/** The cache settings of the matrix: short enough that a few seconds of fault cross several refreshes. */
export const MATRIX_CACHE = {
  ttlMs: 1_000,
  maxStaleMs: 120_000,
  timeoutMs: 1_000,
  retry: { attempts: 2, baseDelayMs: 100, maxDelayMs: 400, maxRetryAfterMs: 2_000 },
  backgroundRetry: { baseDelayMs: 250, maxDelayMs: 1_000 },
  watch: false,
} as const satisfies CacheOptions;

/** How long the warm cells keep the fault on. */
const WARM_FAULT_MS = 3_000;
/** The first successful refresh after the fault clears must come within this. */
const RECOVERY_BOUND_MS = MATRIX_CACHE.backgroundRetry.maxDelayMs + MATRIX_CACHE.timeoutMs + 2_000;

/**
 * The faults for a backend. "Reset" and "truncate" cut at 80 % of the bytes one cold read receives on a fresh
 * connection (`bytes`, TLS handshake included), so the cut falls inside the response, not before it.
 */
export function faultCases(backend: Backend, bytes: number): FaultCase[] {
  const cut = Math.max(1, Math.floor(bytes * 0.8));
  const cases: FaultCase[] = [
    {
      id: "refuse",
      label: "connection refused",
      fault: { kind: "refuse" },
      expectCodes: ["TRANSIENT"],
    },
    {
      id: "reset",
      label: `reset mid-response (RST after ${cut} of ${bytes} bytes)`,
      fault: { kind: "reset", afterBytes: cut },
      expectCodes: ["TRANSIENT"],
    },
    {
      id: "stall",
      label: "stall (accepts, never answers)",
      fault: { kind: "stall", maxStallMs: 30_000 },
      expectCodes: ["TIMEOUT"],
    },
    {
      id: "slow",
      label: "slow body (160 bytes/s)",
      fault: { kind: "slow", bytesPerTick: 16, tickMs: 100 },
      expectCodes: ["TIMEOUT"],
    },
    {
      id: "truncate",
      label: `truncated body (FIN after ${cut} of ${bytes} bytes)`,
      fault: { kind: "truncate", afterBytes: cut },
      expectCodes: ["TRANSIENT"],
    },
  ];
  if (backend.httpFaults) {
    cases.push(
      {
        id: "http-429",
        label: "HTTP 429 + Retry-After: 1",
        fault: { kind: "http", status: 429, headers: { "retry-after": "1" } },
        expectCodes: ["THROTTLED"],
        retryAfterMs: 1_000,
      },
      {
        id: "http-503",
        label: "HTTP 503 + Retry-After: 1",
        fault: { kind: "http", status: 503, headers: { "retry-after": "1" } },
        expectCodes: ["TRANSIENT"],
        retryAfterMs: 1_000,
      },
    );
  }
  return cases;
}

/** The ids of every fault a matrix row can have, in report order (TLS rows lack the HTTP ones). */
export const ALL_FAULT_IDS = ["refuse", "reset", "stall", "slow", "truncate", "http-429", "http-503"];

/** Counts unhandled rejections and uncaught exceptions of this process while a suite runs. */
export interface ProcessWatch {
  readonly count: number;
  readonly seen: readonly string[];
  stop(): void;
}

export function watchProcess(): ProcessWatch {
  const seen: string[] = [];
  const onRejection = (reason: unknown) => seen.push(`unhandledRejection: ${String(reason).slice(0, 200)}`);
  const onException = (error: unknown) => seen.push(`uncaughtException: ${String(error).slice(0, 200)}`);
  process.on("unhandledRejection", onRejection);
  process.on("uncaughtException", onException);
  return {
    get count() {
      return seen.length;
    },
    seen,
    stop() {
      process.off("unhandledRejection", onRejection);
      process.off("uncaughtException", onException);
    },
  };
}

/** An event with the time it arrived, in ms since the scenario started. */
export interface TimedEvent {
  readonly at: number;
  readonly event: SecretEvent;
}

/** Records every event except `hit` (subscribing to `hit` would make each hit allocate). */
export function collectEvents(cache: CachedSecretProvider, origin: number): TimedEvent[] {
  const events: TimedEvent[] = [];
  for (const type of ["fetch", "error", "stale", "refresh", "expired", "rotated"] as const) {
    cache.events.on(type, (event: SecretEvent) => events.push({ at: performance.now() - origin, event }));
  }
  return events;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Settles with the promise, or with `{ hung: true }` after `ms` (a hang is recorded, not waited for). */
async function withDeadline<T>(
  promise: Promise<T>,
  ms: number,
): Promise<{ value?: T; error?: unknown; hung?: true }> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<{ hung: true }>((resolve) => {
    timer = setTimeout(() => resolve({ hung: true }), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const codeOf = (error: unknown) => (SecretProviderError.isInstance(error) ? error.code : undefined);

function leaks(token: string, text: string): boolean {
  return secretForms(token).some((form) => text.includes(form));
}

/** Cold cache: the first read meets the fault. A clear error within the bound, nothing unhandled, no secret. */
export async function runColdCell(backend: Backend, fc: FaultCase, watch: ProcessWatch): Promise<void> {
  const token = makeTestToken();
  const subject = await backend.create(token);
  const proxy = await startFaultProxy({ target: backend.target, maxConnections: 200, lifetimeMs: 120_000 });
  const origin = performance.now();
  const cache = cached(subject.read(proxy.port), MATRIX_CACHE);
  const events = collectEvents(cache, origin);
  const checks = new Checks();
  const unhandledBefore = watch.count;
  const { attempts, maxDelayMs } = MATRIX_CACHE.retry;
  const waits = Math.max(maxDelayMs, fc.retryAfterMs ?? 0);
  const bound = attempts * MATRIX_CACHE.timeoutMs + (attempts - 1) * waits + 750;
  try {
    await proxy.setFault(fc.fault);
    const started = performance.now();
    const outcome = await withDeadline(cache.getSecret(subject.logicalName), bound + 10_000);
    const elapsed = performance.now() - started;
    await sleep(100);
    const errorEvents = events.flatMap(({ at, event }) => (event.type === "error" ? [{ at, event }] : []));
    const error = outcome.error;
    const message = error instanceof Error ? error.message : "";
    const code = codeOf(error);
    checks.that(
      "settles (no hang)",
      !outcome.hung,
      outcome.hung ? `no answer after ${bound + 10_000} ms` : undefined,
    );
    checks.that("serves nothing from a faulty backend", outcome.value === undefined);
    checks.that(
      "rejects with a SecretProviderError",
      SecretProviderError.isInstance(error),
      String(error).slice(0, 160),
    );
    checks.that(
      `code ${fc.expectCodes.join(" or ")}`,
      code !== undefined && fc.expectCodes.includes(code),
      `got ${code}`,
    );
    checks.that(
      "message names the provider and a fix",
      message.startsWith(`[hf-secrets] [${backend.provider}]`) && message.includes("Fix: "),
    );
    checks.that(
      `within ${bound} ms (${attempts} attempts × ${MATRIX_CACHE.timeoutMs} ms timeout + waits)`,
      elapsed <= bound,
      `${elapsed.toFixed(0)} ms`,
    );
    checks.that(
      "every attempt reported as an error event",
      errorEvents.length === attempts || (code === "THROTTLED" && errorEvents.length >= 1),
      `${errorEvents.length} events`,
    );
    checks.that("no secret in the error", !leaks(token, errorText(error)));
    checks.that(
      "no unhandled rejection or exception",
      watch.count === unhandledBefore,
      watch.seen.slice(unhandledBefore).join("; "),
    );
    const retries = errorEvents
      .filter(({ event }) => event.willRetry)
      .map(({ event }) => event.retryInMs ?? 0);
    record("fault-cell", `${backend.provider}-${fc.id}-cold`, {
      provider: backend.provider,
      server: backend.server,
      fault: fc.id,
      faultLabel: fc.label,
      mode: "cold",
      ok: checks.ok,
      summary: outcome.hung
        ? `HUNG (no answer after ${seconds(bound + 10_000)})`
        : `${code ?? "no error"} after ${seconds(elapsed)} (${errorEvents.length} attempt${errorEvents.length === 1 ? "" : "s"}${retries.length > 0 ? `, retry after ${retries.map((ms) => `${ms} ms`).join(", ")}` : ""})`,
      elapsedMs: Math.round(elapsed),
      boundMs: bound,
      code,
      attempts: errorEvents.map(({ at, event }) => ({
        at: Math.round(at),
        attempt: event.attempt,
        code: event.error.code,
        willRetry: event.willRetry,
        retryInMs: event.retryInMs,
        durationMs: event.durationMs === undefined ? undefined : Math.round(event.durationMs),
      })),
      message: message.slice(0, 400),
      checks: checks.list,
    });
  } finally {
    await cache.dispose();
    await proxy.close();
  }
  checks.assertAll();
}

/** One call of a polling loop. */
interface Served {
  readonly at: number;
  readonly latencyMs: number;
  readonly ok: boolean;
  readonly same?: boolean;
  readonly stale?: boolean;
  readonly code?: string | undefined;
}

async function pollOnce(
  cache: CachedSecretProvider,
  subject: Subject,
  token: string,
  origin: number,
): Promise<Served> {
  const started = performance.now();
  try {
    const value = await cache.getSecret(subject.logicalName);
    return {
      at: started - origin,
      latencyMs: performance.now() - started,
      ok: true,
      same: value.value.reveal() === token,
      stale: value.stale === true,
    };
  } catch (error) {
    return {
      at: started - origin,
      latencyMs: performance.now() - started,
      ok: false,
      code: codeOf(error) ?? String(error),
    };
  }
}

/**
 * Warm cache: a value is cached, then the fault starts and lasts {@link WARM_FAULT_MS} (three TTLs). Every call
 * must get the cached value (flagged `stale` once the TTL has passed), and the first successful refresh after the
 * fault clears must end the stale period.
 */
export async function runWarmCell(backend: Backend, fc: FaultCase, watch: ProcessWatch): Promise<void> {
  const token = makeTestToken();
  const subject = await backend.create(token);
  const proxy = await startFaultProxy({ target: backend.target, maxConnections: 500, lifetimeMs: 120_000 });
  const origin = performance.now();
  const cache = cached(subject.read(proxy.port), MATRIX_CACHE);
  const events = collectEvents(cache, origin);
  const checks = new Checks();
  const unhandledBefore = watch.count;
  try {
    const first = await cache.getSecret(subject.logicalName);
    checks.that("warm-up read the server's value", first.value.reveal() === token);
    await proxy.setFault(fc.fault);
    const faultAt = performance.now() - origin;
    const during: Served[] = [];
    while (performance.now() - origin < faultAt + WARM_FAULT_MS) {
      during.push(await pollOnce(cache, subject, token, origin));
      await sleep(20);
    }
    await proxy.clear();
    const clearAt = performance.now() - origin;
    const after: Served[] = [];
    let recoveredAt: number | undefined;
    while (performance.now() - origin < clearAt + RECOVERY_BOUND_MS + 1_000) {
      const served = await pollOnce(cache, subject, token, origin);
      after.push(served);
      if (recoveredAt === undefined && served.ok && !served.stale) recoveredAt = served.at;
      if (recoveredAt !== undefined && served.at > recoveredAt + 300) break;
      await sleep(20);
    }
    const staleEvents = events.filter(({ event }) => event.type === "stale");
    const staleFrom = staleEvents[0]?.at;
    const firstFetchAfterClear = events.find(({ at, event }) => event.type === "fetch" && at >= clearAt);
    const failed = [...during, ...after].filter((s) => !s.ok);
    const staleServed = during.filter((s) => s.ok && s.stale).length;
    const attemptsDuringFault = events.filter(
      ({ at, event }) => event.type === "refresh" && at >= faultAt && at < clearAt,
    );
    const maxLatency = Math.max(0, ...during.map((s) => s.latencyMs));
    const serverNow = await subject.serverValue();

    checks.that(
      "no call failed during the fault or after it",
      failed.length === 0,
      failed
        .slice(0, 3)
        .map((f) => f.code)
        .join(", "),
    );
    checks.that(
      "every call got the cached value (nothing torn, nothing else)",
      [...during, ...after].every((s) => !s.ok || s.same),
    );
    checks.that(
      "the value was flagged stale once the TTL passed",
      staleFrom !== undefined && staleServed > 0,
      `${staleServed} stale calls`,
    );
    checks.that(
      "every call between the stale event and the end of the fault was flagged stale",
      staleFrom === undefined || during.filter((s) => s.at > staleFrom + 1).every((s) => s.stale),
    );
    checks.that(
      `recovered within ${RECOVERY_BOUND_MS} ms after the fault cleared`,
      recoveredAt !== undefined && recoveredAt - clearAt <= RECOVERY_BOUND_MS,
      recoveredAt === undefined ? "never" : `${(recoveredAt - clearAt).toFixed(0)} ms`,
    );
    checks.that(
      "the first successful refresh after the fault ended the stale period",
      firstFetchAfterClear !== undefined &&
        after.filter((s) => s.at > firstFetchAfterClear.at).every((s) => !s.stale),
    );
    checks.that("after recovery the value equals the server's", serverNow === token);
    checks.that(
      "no unhandled rejection or exception",
      watch.count === unhandledBefore,
      watch.seen.slice(unhandledBefore).join("; "),
    );
    const attemptTimes = attemptsDuringFault.map(({ at }) => Math.round(at - faultAt));
    record("fault-cell", `${backend.provider}-${fc.id}-warm`, {
      provider: backend.provider,
      server: backend.server,
      fault: fc.id,
      faultLabel: fc.label,
      mode: "warm",
      ok: checks.ok,
      summary: `${during.length - failed.length}/${during.length} served (${staleServed} stale, ${failed.length} failed, max ${maxLatency.toFixed(0)} ms); ${
        recoveredAt === undefined
          ? "NOT recovered"
          : `recovered ${seconds(recoveredAt - clearAt)} after the fault cleared`
      }`,
      faultMs: WARM_FAULT_MS,
      calls: during.length,
      staleServed,
      failed: failed.length,
      maxLatencyMs: Math.round(maxLatency),
      staleFromMs: staleFrom === undefined ? undefined : Math.round(staleFrom - faultAt),
      recoveredAfterMs: recoveredAt === undefined ? undefined : Math.round(recoveredAt - clearAt),
      backendAttemptsAtMs: attemptTimes,
      backendAttemptGapsMs: attemptTimes.slice(1).map((t, i) => t - attemptTimes[i]!),
      proxyConnections: proxy.connections,
      checks: checks.list,
    });
  } finally {
    await cache.dispose();
    await proxy.close();
  }
  checks.assertAll();
}

/**
 * Many caches meet a refusing backend at the same moment: their in-call retries must be spread (full jitter),
 * each delay within `[0, min(cap, base·2^n))`.
 */
export async function runBackoffSpread(backend: Backend, watch: ProcessWatch): Promise<void> {
  const caches = 12;
  const retry = { attempts: 4, baseDelayMs: 200, maxDelayMs: 1_600 };
  const token = makeTestToken();
  const subject = await backend.create(token);
  const proxy = await startFaultProxy({ target: backend.target, maxConnections: 500, lifetimeMs: 120_000 });
  await proxy.setFault({ kind: "refuse" });
  const origin = performance.now();
  const checks = new Checks();
  const unhandledBefore = watch.count;
  const all = Array.from({ length: caches }, () =>
    cached(subject.read(proxy.port), { ...MATRIX_CACHE, retry }),
  );
  try {
    const logs = all.map((cache) => collectEvents(cache, origin));
    const outcomes = await Promise.all(
      all.map((cache) => withDeadline(cache.getSecret(subject.logicalName), 15_000)),
    );
    const perRetry = [1, 2, 3].map((attempt) => {
      const delays = logs.flatMap((log) =>
        log.flatMap(({ event }) =>
          event.type === "error" && event.attempt === attempt && event.willRetry
            ? [event.retryInMs ?? 0]
            : [],
        ),
      );
      const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
      const sorted = [...delays].sort((a, b) => a - b);
      return {
        retry: attempt,
        ceiling,
        delays: sorted,
        min: sorted[0] ?? 0,
        max: sorted.at(-1) ?? 0,
        distinct: new Set(sorted).size,
      };
    });
    const attemptTimes = logs.map((log) =>
      log.filter(({ event }) => event.type === "error").map(({ at }) => Math.round(at)),
    );
    checks.that(
      "every cache failed with TRANSIENT",
      outcomes.every((o) => codeOf(o.error) === "TRANSIENT"),
    );
    checks.that(
      `each cache made ${retry.attempts} attempts`,
      attemptTimes.every((times) => times.length === retry.attempts),
    );
    for (const r of perRetry) {
      checks.that(
        `retry ${r.retry}: every delay within [0, ${r.ceiling}) ms`,
        r.delays.every((d) => d >= 0 && d < r.ceiling),
        `max ${r.max}`,
      );
      checks.that(
        `retry ${r.retry}: delays spread (not synchronised)`,
        r.distinct >= caches / 2 && r.max - r.min >= r.ceiling / 4,
        `${r.distinct} distinct, ${r.min}–${r.max} ms`,
      );
    }
    checks.that("no unhandled rejection or exception", watch.count === unhandledBefore);
    record("fault-extra", `${backend.provider}-backoff-spread`, {
      provider: backend.provider,
      title: "backoff spreads retries",
      ok: checks.ok,
      summary: `${caches} caches × ${retry.attempts} attempts against a refusing backend: ${perRetry
        .map((r) => `retry ${r.retry} waited ${r.min}–${r.max} ms (cap ${r.ceiling}, ${r.distinct} distinct)`)
        .join("; ")}`,
      perRetry,
      attemptTimesMs: attemptTimes,
      checks: checks.list,
    });
  } finally {
    await Promise.all(all.map((cache) => cache.dispose()));
    await proxy.close();
  }
  checks.assertAll();
}

/**
 * A process under `rate` requests/s through a warm cache (TTL 2 s) while the backend is out for `outageMs`:
 * no request may fail, every one gets the cached value, and the first refresh after the outage recovers.
 */
export async function runOutage(
  backend: Backend,
  fault: Fault,
  faultLabel: string,
  watch: ProcessWatch,
  outageMs = 30_000,
): Promise<void> {
  const rate = 200;
  const beforeMs = 2_000;
  const afterMs = 3_000;
  const token = makeTestToken();
  const subject = await backend.create(token);
  const proxy = await startFaultProxy({ target: backend.target, maxConnections: 2_000, lifetimeMs: 300_000 });
  const origin = performance.now();
  const cache = cached(subject.read(proxy.port), {
    ttlMs: 2_000,
    maxStaleMs: 600_000,
    timeoutMs: 1_500,
    retry: { attempts: 2, baseDelayMs: 100, maxDelayMs: 400 },
    backgroundRetry: { baseDelayMs: 250, maxDelayMs: 2_000 },
    watch: false,
  });
  const events = collectEvents(cache, origin);
  const checks = new Checks();
  const unhandledBefore = watch.count;
  const served: Served[] = [];
  const pending: Promise<void>[] = [];
  try {
    await cache.getSecret(subject.logicalName);
    const loadStart = performance.now();
    let issued = 0;
    let phase: "before" | "outage" | "after" = "before";
    let faultAt = 0;
    let clearAt = 0;
    const total = beforeMs + outageMs + afterMs;
    while (performance.now() - loadStart < total) {
      const elapsed = performance.now() - loadStart;
      if (phase === "before" && elapsed >= beforeMs) {
        await proxy.setFault(fault);
        faultAt = performance.now() - origin;
        phase = "outage";
      } else if (phase === "outage" && elapsed >= beforeMs + outageMs) {
        await proxy.clear();
        clearAt = performance.now() - origin;
        phase = "after";
      }
      const due = Math.floor((elapsed * rate) / 1000);
      for (; issued < due; issued++) {
        pending.push(pollOnce(cache, subject, token, origin).then((s) => void served.push(s)));
      }
      await sleep(2);
    }
    await Promise.all(pending);
    const inOutage = served.filter((s) => s.at >= faultAt && s.at < clearAt);
    const failed = served.filter((s) => !s.ok);
    const stale = inOutage.filter((s) => s.stale).length;
    const latencies = inOutage.map((s) => s.latencyMs).sort((a, b) => a - b);
    const pct = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
    const recovery = events.find(({ at, event }) => event.type === "fetch" && at >= clearAt);
    const lastStale = served.filter((s) => s.stale).reduce((max, s) => Math.max(max, s.at), 0);
    const backendAttempts = events.filter(
      ({ at, event }) => event.type === "refresh" && at >= faultAt && at < clearAt,
    ).length;
    checks.that(
      `about ${rate} requests/s were sent`,
      served.length >= ((rate * total) / 1000) * 0.95,
      `${served.length} requests`,
    );
    checks.that(
      "no request failed",
      failed.length === 0,
      failed
        .slice(0, 3)
        .map((f) => f.code)
        .join(", "),
    );
    checks.that(
      "every request got the cached value",
      served.every((s) => !s.ok || s.same),
    );
    checks.that("the outage was served stale", stale > 0);
    checks.that(
      "recovered within 5 s after the outage",
      recovery !== undefined && recovery.at - clearAt <= 5_000,
      recovery ? `${(recovery.at - clearAt).toFixed(0)} ms` : "never",
    );
    checks.that(
      "no stale value after the recovering refresh",
      recovery === undefined || lastStale <= recovery.at + 50,
    );
    checks.that(
      `backend attempts during the outage stayed bounded (≤ ${Math.ceil(outageMs / 250)})`,
      backendAttempts <= Math.ceil(outageMs / 250),
      `${backendAttempts}`,
    );
    checks.that(
      "no unhandled rejection or exception",
      watch.count === unhandledBefore,
      watch.seen.slice(unhandledBefore).join("; "),
    );
    record("fault-extra", `${backend.provider}-outage`, {
      provider: backend.provider,
      title: `${outageMs / 1000}-second outage at ${rate} requests/s (warm cache, TTL 2 s)`,
      ok: checks.ok,
      summary: `${faultLabel}: ${inOutage.length} requests during the outage, ${failed.length} failed, ${stale} stale; p50 ${pct(50).toFixed(2)} ms, p99 ${pct(99).toFixed(2)} ms, max ${pct(100).toFixed(0)} ms; ${backendAttempts} backend attempts; recovered ${recovery ? seconds(recovery.at - clearAt) : "never"} after`,
      requests: served.length,
      duringOutage: inOutage.length,
      failed: failed.length,
      stale,
      p50Ms: pct(50),
      p99Ms: pct(99),
      maxMs: pct(100),
      backendAttempts,
      recoveredAfterMs: recovery ? Math.round(recovery.at - clearAt) : undefined,
      checks: checks.list,
    });
  } finally {
    await cache.dispose();
    await proxy.close();
  }
  checks.assertAll();
}

/**
 * The backend's value changes while faults come and go (truncated, reset, slow, refused): every value ever served
 * must be exactly one the server held — never a torn or mixed one — and after the faults the cache converges on
 * the server's value.
 */
export async function runTornValues(backend: Backend, bytes: number, watch: ProcessWatch): Promise<void> {
  const cut = Math.max(1, Math.floor(bytes * 0.8));
  const phases: Array<{ label: string; fault: Fault }> = [
    { label: "truncate", fault: { kind: "truncate", afterBytes: cut } },
    { label: "none", fault: { kind: "none" } },
    { label: "reset", fault: { kind: "reset", afterBytes: cut } },
    { label: "slow", fault: { kind: "slow", bytesPerTick: 64, tickMs: 20 } },
    { label: "none", fault: { kind: "none" } },
    { label: "truncate-early", fault: { kind: "truncate", afterBytes: Math.floor(bytes * 0.5) } },
    { label: "refuse", fault: { kind: "refuse" } },
    { label: "none", fault: { kind: "none" } },
    { label: "reset-late", fault: { kind: "reset", afterBytes: Math.max(1, bytes - 8) } },
    ...(backend.httpFaults ? [{ label: "http-503", fault: { kind: "http", status: 503 } as Fault }] : []),
    { label: "none", fault: { kind: "none" } },
  ];
  const first = makeTestToken();
  const written = [first];
  const subject = await backend.create(first);
  const proxy = await startFaultProxy({ target: backend.target, maxConnections: 2_000, lifetimeMs: 120_000 });
  const origin = performance.now();
  const cache = cached(subject.read(proxy.port), {
    ttlMs: 300,
    maxStaleMs: 60_000,
    timeoutMs: 800,
    retry: { attempts: 2, baseDelayMs: 50, maxDelayMs: 200 },
    backgroundRetry: { baseDelayMs: 50, maxDelayMs: 300 },
    watch: false,
  });
  const events = collectEvents(cache, origin);
  const checks = new Checks();
  const unhandledBefore = watch.count;
  const seen = new Map<string, number>();
  let failed = 0;
  let stop = false;
  const poller = (async () => {
    while (!stop) {
      try {
        const value = (await cache.getSecret(subject.logicalName)).value.reveal();
        seen.set(value, (seen.get(value) ?? 0) + 1);
      } catch {
        failed++;
      }
      await sleep(5);
    }
  })();
  try {
    await cache.getSecret(subject.logicalName);
    for (const phase of phases) {
      await proxy.setFault(phase.fault);
      const next = makeTestToken();
      await subject.update(next);
      written.push(next);
      await sleep(700);
    }
    await proxy.clear();
    const server = await subject.serverValue();
    const deadline = performance.now() + 5_000;
    let converged = false;
    while (performance.now() < deadline) {
      const value = (await cache.getSecret(subject.logicalName).catch(() => undefined))?.value.reveal();
      if (value === server) {
        converged = true;
        break;
      }
      await sleep(50);
    }
    stop = true;
    await poller;
    const foreign = [...seen.keys()].filter((value) => !written.includes(value));
    const rotations = events.filter(({ event }) => event.type === "rotated").length;
    const faultErrors = events.filter(({ event }) => event.type === "error").length;
    checks.that(
      "every served value is one the server held (none torn or mixed)",
      foreign.length === 0,
      `${foreign.length} foreign values`,
    );
    checks.that("values changed while faults came and went", seen.size >= 3, `${seen.size} distinct values`);
    checks.that("faults really happened", faultErrors > 0, `${faultErrors} failed attempts`);
    checks.that("no call failed (warm cache)", failed === 0, `${failed} failed`);
    checks.that("after the faults the cache holds the server's value", converged);
    checks.that(
      "no unhandled rejection or exception",
      watch.count === unhandledBefore,
      watch.seen.slice(unhandledBefore).join("; "),
    );
    record("fault-extra", `${backend.provider}-torn-values`, {
      provider: backend.provider,
      title: "value changes during faults: nothing torn or mixed",
      ok: checks.ok,
      summary: `${written.length} values written during ${phases.length} fault phases (${phases.map((p) => p.label).join(", ")}); ${[...seen.values()].reduce((a, b) => a + b, 0)} calls served ${seen.size} distinct values, ${foreign.length} not held by the server, ${failed} failed; ${faultErrors} failed backend attempts, ${rotations} rotations; converged on the server's value: ${converged ? "yes" : "NO"}`,
      written: written.length,
      distinctServed: seen.size,
      foreign: foreign.length,
      failed,
      faultErrors,
      rotations,
      converged,
      checks: checks.list,
    });
  } finally {
    stop = true;
    await poller;
    await cache.dispose();
    await proxy.close();
  }
  checks.assertAll();
}

/**
 * In-call retries after a 429 or 503 that carries `Retry-After` wait at least that long (RFC 9110 §10.2.3: a
 * 503's Retry-After is how long the service expects to be unavailable).
 */
export async function runRetryAfter(backend: Backend, status: 429 | 503, watch: ProcessWatch): Promise<void> {
  const retryAfterSeconds = 1;
  const subject = await backend.create(makeTestToken());
  const proxy = await startFaultProxy({ target: backend.target, maxConnections: 50, lifetimeMs: 60_000 });
  await proxy.setFault({ kind: "http", status, headers: { "retry-after": String(retryAfterSeconds) } });
  const origin = performance.now();
  const cache = cached(subject.read(proxy.port), {
    ...MATRIX_CACHE,
    retry: { attempts: 2, baseDelayMs: 100, maxDelayMs: 400, maxRetryAfterMs: 5_000 },
  });
  const events = collectEvents(cache, origin);
  const checks = new Checks();
  const unhandledBefore = watch.count;
  try {
    const outcome = await withDeadline(cache.getSecret(subject.logicalName), 15_000);
    const errors = events.flatMap(({ at, event }) => (event.type === "error" ? [{ at, event }] : []));
    const firstError = errors[0]?.event;
    const gap = errors.length >= 2 ? errors[1]!.at - errors[0]!.at : undefined;
    checks.that(
      "the read fails after its attempts",
      outcome.error !== undefined && errors.length === 2,
      `${errors.length} attempts`,
    );
    checks.that(
      `the error carries retryAfterMs = ${retryAfterSeconds * 1000}`,
      firstError?.error.retryAfterMs === retryAfterSeconds * 1000,
      `retryAfterMs ${firstError?.error.retryAfterMs}`,
    );
    checks.that(
      `the retry waited at least ${retryAfterSeconds} s`,
      gap !== undefined && gap >= retryAfterSeconds * 1000 - 20,
      gap === undefined ? "no retry" : `${gap.toFixed(0)} ms`,
    );
    checks.that("no unhandled rejection or exception", watch.count === unhandledBefore);
    record("fault-extra", `${backend.provider}-retry-after-${status}`, {
      provider: backend.provider,
      title: `Retry-After on HTTP ${status} honoured`,
      ok: checks.ok,
      summary: `HTTP ${status} with Retry-After: ${retryAfterSeconds} → ${codeOf(outcome.error)}, retryAfterMs ${firstError?.error.retryAfterMs ?? "unset"}, retry after ${gap === undefined ? "—" : `${gap.toFixed(0)} ms`}`,
      code: codeOf(outcome.error),
      retryAfterMs: firstError?.error.retryAfterMs,
      gapMs: gap === undefined ? undefined : Math.round(gap),
      checks: checks.list,
    });
  } finally {
    await cache.dispose();
    await proxy.close();
  }
  checks.assertAll();
}
