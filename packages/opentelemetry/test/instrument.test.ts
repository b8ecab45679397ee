import { cached, SecretProviderError } from "@hf-secrets/core";
import {
  createFakeClock,
  createFaultyProvider,
  createMemoryProvider,
  expectNoSecret,
  makeTestToken,
} from "@hf-secrets/testing";
import { type Meter, type MeterProvider, metrics, type TracerProvider, trace } from "@opentelemetry/api";
import { afterEach, describe, expect, it } from "vitest";
import {
  ATTRIBUTES as A,
  FETCH_SPAN_NAME,
  INSTRUMENTATION_VERSION,
  instrument,
  METRICS as M,
} from "../src/index.js";
import { createOtelHarness, hrToMs, telemetryText } from "./otel-harness.js";

const NAME = "HF_TOKEN";
const LATENCY_MS = 40;
const STATUS_UNSET = 0;
const STATUS_ERROR = 2;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function setup() {
  const otel = createOtelHarness();
  const clock = createFakeClock();
  const start = clock.now();
  const token = makeTestToken();
  const memory = createMemoryProvider({ secrets: { [NAME]: token }, clock, latencyMs: LATENCY_MS });
  const faulty = createFaultyProvider(memory, { clock });
  const cache = cached(faulty, {
    clock,
    ttlMs: 10_000,
    refreshAhead: { from: 0.5, to: 0.5 },
    maxStaleMs: 60_000,
    jitter: false,
    retry: { attempts: 2, baseDelayMs: 100, maxDelayMs: 100 },
    backgroundRetry: { baseDelayMs: 1_000, maxDelayMs: 1_000 },
  });
  const stop = instrument(cache.events, {
    tracerProvider: otel.tracerProvider,
    meterProvider: otel.meterProvider,
    now: () => clock.now(),
  });
  cleanups.push(
    () => otel.shutdown(),
    () => cache.dispose(),
    stop,
  );
  return { otel, clock, start, token, memory, faulty, cache, stop };
}

describe("instrument(): a cached provider's life as spans and metrics", () => {
  it("counts hits, fetches, refreshes, stale serves, errors, rotations and expirations exactly", async () => {
    const { otel, clock, start, token, memory, faulty, cache } = setup();
    const newToken = makeTestToken();

    // t=0: a miss reads the backend (40 ms).
    const first = cache.getSecret(NAME);
    await clock.advance(LATENCY_MS);
    expect((await first).value.reveal()).toBe(token);
    // Three hits.
    for (let i = 0; i < 3; i++) await cache.getSecret(NAME);

    // t=40: a forced refresh whose first attempt fails transiently; the retry after 100 ms succeeds.
    faulty.enqueue("TRANSIENT");
    const forced = cache.getSecret(NAME, { forceRefresh: true });
    await clock.advance(100 + LATENCY_MS);
    await forced;
    expect(clock.now() - start).toBe(180);

    // An outage: refresh-ahead at t=5180 fails, background retries every second fail, the value turns stale at
    // t=10180 (its TTL ends) and is still served.
    faulty.startOutage("TRANSIENT");
    await clock.advance(10_500 - 180);
    expect((await cache.getSecret(NAME)).stale).toBe(true);
    expect((await cache.getSecret(NAME)).stale).toBe(true);

    // The backend recovers with a rotated value: the retry at t=11180 reads it.
    memory.set(NAME, newToken);
    faulty.recover();
    await clock.advance(800);
    const rotated = await cache.getSecret(NAME);
    expect(rotated.stale).toBeUndefined();
    expect(rotated.value.reveal()).toBe(newToken);

    // t=11300: a forced refresh is denied: the value is dropped and the caller gets the error.
    faulty.enqueue("ACCESS_DENIED");
    const denied = await cache.getSecret(NAME, { forceRefresh: true }).catch((e: unknown) => e);
    expect(SecretProviderError.isInstance(denied) && denied.code).toBe("ACCESS_DENIED");

    expect(await otel.total(M.hits, { [A.stale]: false })).toBe(4);
    expect(await otel.total(M.hits, { [A.stale]: true })).toBe(2);
    expect(await otel.total(M.fetches, { [A.background]: false })).toBe(2);
    expect(await otel.total(M.fetches, { [A.background]: true })).toBe(1);
    expect(await otel.total(M.refreshes, { [A.refreshReason]: "forced" })).toBe(2);
    expect(await otel.total(M.refreshes, { [A.refreshReason]: "ahead" })).toBe(1);
    expect(await otel.total(M.refreshes, { [A.refreshReason]: "retry" })).toBe(6);
    expect(await otel.total(M.refreshes)).toBe(9);
    expect(await otel.total(M.staleServes)).toBe(1);
    expect(await otel.total(M.errors, { [A.errorCode]: "TRANSIENT", [A.willRetry]: true })).toBe(1);
    expect(await otel.total(M.errors, { [A.errorCode]: "TRANSIENT", [A.background]: true })).toBe(6);
    expect(await otel.total(M.errors, { [A.errorCode]: "TRANSIENT" })).toBe(7);
    expect(await otel.total(M.errors, { [A.errorCode]: "ACCESS_DENIED" })).toBe(1);
    expect(await otel.total(M.rotations, { [A.rotationReason]: "refresh-after-outage" })).toBe(1);
    expect(await otel.total(M.rotations)).toBe(1);
    expect(await otel.total(M.expirations, { [A.expiryReason]: "refresh-failed" })).toBe(1);
    expect(await otel.total(M.rejections)).toBe(0);
    expect(await otel.total(M.warnings)).toBe(0);

    const latency = (await otel.points()).filter((p) => p.metric === M.fetchDuration);
    const histogram = latency.map((p) => p.value as { count: number; sum: number });
    expect(histogram.reduce((n, h) => n + h.count, 0)).toBe(3);
    expect(histogram.reduce((n, h) => n + h.sum, 0)).toBe(3 * LATENCY_MS);

    const spans = otel.spans();
    expect(spans.every((s) => s.name === FETCH_SPAN_NAME)).toBe(true);
    expect(spans.map((s) => s.instrumentationScope.version)).toContain(INSTRUMENTATION_VERSION);
    const ok = spans.filter((s) => s.status.code === STATUS_UNSET);
    const failed = spans.filter((s) => s.status.code === STATUS_ERROR);
    expect([ok.length, failed.length]).toEqual([3, 8]);

    // The first read: started when the caller asked (now − durationMs), ended 40 ms later.
    expect(hrToMs(ok[0]!.startTime)).toBe(start);
    expect(hrToMs(ok[0]!.endTime)).toBe(start + LATENCY_MS);
    expect(ok[0]!.attributes).toEqual({
      [A.secretName]: NAME,
      [A.provider]: "memory",
      [A.location]: "memory:HF_TOKEN",
      [A.attempt]: 1,
      [A.background]: false,
      [A.version]: "1",
    });
    expect(ok[1]!.attributes[A.attempt]).toBe(2);
    // The read after the outage ran in the background, as its own trace.
    expect(ok[2]!.attributes).toMatchObject({ [A.background]: true, [A.version]: "2" });
    expect(ok[2]!.parentSpanContext).toBeUndefined();
    expect(hrToMs(ok[2]!.startTime)).toBe(start + 11_180);
    expect(hrToMs(ok[2]!.endTime)).toBe(start + 11_220);

    const firstFailure = failed[0]!;
    expect(firstFailure.attributes).toEqual({
      [A.secretName]: NAME,
      [A.provider]: "memory",
      [A.location]: "memory:HF_TOKEN",
      [A.attempt]: 1,
      [A.background]: false,
      [A.errorCode]: "TRANSIENT",
      [A.willRetry]: true,
    });
    expect(firstFailure.status.message).toMatch(/^TRANSIENT: Injected fault TRANSIENT/);
    expect(firstFailure.events.map((e) => e.name)).toEqual(["exception"]);
    expect(failed.at(-1)!.attributes[A.errorCode]).toBe("ACCESS_DENIED");

    const text = telemetryText(spans, await otel.points());
    expectNoSecret(text, token, "spans and metrics");
    expectNoSecret(text, newToken, "spans and metrics");
    // The check itself can fail: the token's text is found where it is.
    expect(() => expectNoSecret(`${text}${token}`, token, "probe")).toThrow();
  });

  it("stops recording after unsubscribe, and unsubscribing twice is harmless", async () => {
    const { otel, clock, cache, stop } = setup();
    const first = cache.getSecret(NAME);
    await clock.advance(LATENCY_MS);
    await first;
    await cache.getSecret(NAME);
    stop();
    stop();
    expect(cache.events.wantsHit).toBe(false);
    await cache.getSecret(NAME);
    cache.invalidate();
    const again = cache.getSecret(NAME);
    await clock.advance(LATENCY_MS);
    await again;
    expect(await otel.total(M.hits)).toBe(1);
    expect(await otel.total(M.fetches)).toBe(1);
    expect(otel.spans()).toHaveLength(1);
  });

  it("leaves the hit path without listeners when hits are not counted", async () => {
    const otel = createOtelHarness();
    cleanups.push(() => otel.shutdown());
    const cache = cached(createMemoryProvider({ secrets: { [NAME]: makeTestToken() } }));
    cleanups.push(() => cache.dispose());
    cleanups.push(
      instrument(cache.events, {
        tracerProvider: otel.tracerProvider,
        meterProvider: otel.meterProvider,
        hits: false,
      }),
    );
    expect(cache.events.wantsHit).toBe(false);
    await cache.getSecret(NAME);
    await cache.getSecret(NAME);
    expect(await otel.total(M.fetches)).toBe(1);
    expect((await otel.points()).some((p) => p.metric === M.hits)).toBe(false);
  });

  it("records only spans or only metrics when asked, with the constant attributes", async () => {
    const otel = createOtelHarness();
    cleanups.push(() => otel.shutdown());
    const cache = cached(createMemoryProvider({ secrets: { [NAME]: makeTestToken() } }));
    cleanups.push(() => cache.dispose());
    cleanups.push(
      instrument(cache.events, {
        tracerProvider: otel.tracerProvider,
        meterProvider: otel.meterProvider,
        metrics: false,
        attributes: { "service.component": "inference" },
      }),
    );
    await cache.getSecret(NAME);
    expect(await otel.points()).toEqual([]);
    expect(otel.spans()).toHaveLength(1);
    expect(otel.spans()[0]!.attributes["service.component"]).toBe("inference");

    const metricsOnly = createOtelHarness();
    cleanups.push(() => metricsOnly.shutdown());
    cleanups.push(
      instrument(cache.events, {
        tracerProvider: metricsOnly.tracerProvider,
        meterProvider: metricsOnly.meterProvider,
        spans: false,
      }),
    );
    cache.invalidate();
    await cache.getSecret(NAME);
    expect(metricsOnly.spans()).toEqual([]);
    expect(await metricsOnly.total(M.fetches, { [A.provider]: "memory" })).toBe(1);
  });

  it("uses the global providers registered through @opentelemetry/api when none is passed", async () => {
    const otel = createOtelHarness();
    trace.setGlobalTracerProvider(otel.tracerProvider);
    metrics.setGlobalMeterProvider(otel.meterProvider);
    cleanups.push(
      () => otel.shutdown(),
      () => {
        trace.disable();
        metrics.disable();
      },
    );
    const cache = cached(createMemoryProvider({ secrets: { [NAME]: makeTestToken() } }));
    cleanups.push(() => cache.dispose());
    cleanups.push(instrument(cache.events));
    await cache.getSecret(NAME);
    await cache.getSecret(NAME);
    expect(otel.spans().map((s) => s.name)).toEqual([FETCH_SPAN_NAME]);
    expect(await otel.total(M.hits)).toBe(1);
  });

  it("never breaks secret resolution when the telemetry backend throws", async () => {
    const explode = () => {
      throw new Error("telemetry backend down");
    };
    const tracerProvider = { getTracer: () => ({ startSpan: explode }) } as unknown as TracerProvider;
    const meter = { createCounter: () => ({ add: explode }), createHistogram: () => ({ record: explode }) };
    const meterProvider = { getMeter: () => meter as unknown as Meter } as MeterProvider;
    const token = makeTestToken();
    const cache = cached(createMemoryProvider({ secrets: { [NAME]: token } }));
    cleanups.push(() => cache.dispose());
    // A source that, unlike core's emitter, lets a listener's throw through.
    const listeners = new Set<(event: never) => void>();
    const source = {
      on: (_type: string, listener: (event: never) => void) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    cleanups.push(instrument(source, { tracerProvider, meterProvider }));
    cleanups.push(instrument(cache.events, { tracerProvider, meterProvider }));
    cache.events.on("*", (event) => {
      for (const listener of listeners) (listener as (e: typeof event) => void)(event);
    });
    expect((await cache.getSecret(NAME)).value.reveal()).toBe(token);
    expect((await cache.getSecret(NAME)).value.reveal()).toBe(token);
  });
});
