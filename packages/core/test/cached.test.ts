import {
  createFakeClock,
  createFaultyProvider,
  createMemoryProvider,
  makeTestToken,
} from "@hf-secrets/testing";
import { describe, expect, it } from "vitest";
import { cached } from "../src/cached.js";
import { SecretProviderError } from "../src/errors.js";
import type { SecretEvent } from "../src/events.js";
import { createSecretValue } from "../src/secret-value.js";

const MIN = 60_000;

function setup(options: Parameters<typeof cached>[1] = {}, latencyMs = 0) {
  const clock = createFakeClock();
  const token = makeTestToken();
  const backend = createMemoryProvider({ secrets: { HF_TOKEN: token }, clock, latencyMs });
  const faulty = createFaultyProvider(backend, { clock });
  const events: SecretEvent[] = [];
  const cache = cached(faulty, { clock, onEvent: (e) => events.push(e), ...options });
  return { clock, token, backend, faulty, cache, events };
}

describe("cached(): single-flight", () => {
  it("answers 100 concurrent cold gets with one provider call", async () => {
    const { cache, backend, token, clock } = setup({}, 50);
    const all = Promise.all(Array.from({ length: 100 }, () => cache.getSecret("HF_TOKEN")));
    await clock.advance(50);
    const results = await all;
    expect(backend.callsFor("HF_TOKEN")).toBe(1);
    expect(results.every((r) => r.value.reveal() === token)).toBe(true);
  });

  it("delivers a rejection to every waiter and does not cache it", async () => {
    const t = setup({ retry: { attempts: 1 } }, 10);
    t.faulty.enqueue("ACCESS_DENIED");
    const waiters = Array.from({ length: 10 }, () => t.cache.getSecret("HF_TOKEN").catch((e: unknown) => e));
    await t.clock.advance(10);
    const outcomes = await Promise.all(waiters);
    expect(outcomes.every((e) => SecretProviderError.isInstance(e) && e.code === "ACCESS_DENIED")).toBe(true);
    expect(t.faulty.callTimes.length).toBe(1);
    const next = t.cache.getSecret("HF_TOKEN");
    await t.clock.advance(10);
    expect((await next).value.reveal()).toBe(t.token);
    expect(t.faulty.callTimes.length).toBe(2);
  });
});

describe("cached(): hits", () => {
  it("serves hits without a clock read and returns the same promise each time", async () => {
    const { cache, clock } = setup();
    await cache.getSecret("HF_TOKEN");
    const before = clock.nowCalls;
    const a = cache.getSecret("HF_TOKEN");
    const b = cache.getSecret("HF_TOKEN");
    for (let i = 0; i < 1000; i++) void cache.getSecret("HF_TOKEN");
    expect(clock.nowCalls).toBe(before);
    expect(a).toBe(b);
    expect(cache.peek("HF_TOKEN")?.value.reveal()).toBe((await a).value.reveal());
  });

  it("does not read process.env on a hit", async () => {
    const { cache } = setup();
    await cache.getSecret("HF_TOKEN");
    const original = process.env;
    let reads = 0;
    process.env = new Proxy(original, {
      get(target, key) {
        reads++;
        return Reflect.get(target, key);
      },
    });
    try {
      for (let i = 0; i < 100; i++) await cache.getSecret("HF_TOKEN");
      cache.peek("HF_TOKEN");
    } finally {
      process.env = original;
    }
    expect(reads).toBe(0);
  });

  it("peek() returns undefined before the first fetch", () => {
    const { cache } = setup();
    expect(cache.peek("HF_TOKEN")).toBeUndefined();
  });
});

describe("cached(): TTL and refresh-ahead", () => {
  it("refreshes once in the background at a jittered point of the TTL while serving the old value", async () => {
    const { cache, backend, clock, token, events } = setup({ ttlMs: 10 * MIN, random: () => 0.5 }, 1_000);
    const first = cache.getSecret("HF_TOKEN");
    await clock.advance(1_000);
    expect((await first).value.reveal()).toBe(token);
    const rotated = makeTestToken();
    backend.set("HF_TOKEN", rotated);
    // The first refresh after a cold read is drawn from [0.5, 0.9]·TTL: 0.7 · 10 min = 7 min, nothing before it.
    await clock.advance(7 * MIN - 1);
    expect(backend.callsFor("HF_TOKEN")).toBe(1);
    await clock.advance(1);
    expect(backend.callsFor("HF_TOKEN")).toBe(2);
    // The refresh is in flight (1 s latency): callers still get the old value at once, no new backend call.
    const during = await Promise.all(Array.from({ length: 20 }, () => cache.getSecret("HF_TOKEN")));
    expect(during.every((v) => v.value.reveal() === token)).toBe(true);
    expect(backend.callsFor("HF_TOKEN")).toBe(2);
    await clock.advance(1_000);
    expect((await cache.getSecret("HF_TOKEN")).value.reveal()).toBe(rotated);
    expect(events.some((e) => e.type === "refresh" && e.reason === "ahead")).toBe(true);
    expect(events.filter((e) => e.type === "rotated")).toHaveLength(1);
  });

  it("draws the first refresh from [0.5, 0.9]·TTL and later ones from [0.8, 0.9]·TTL", async () => {
    const firsts: number[] = [];
    const laters: number[] = [];
    for (const r of [0, 0.25, 0.999]) {
      const { cache, faulty, clock } = setup({ ttlMs: 100_000, random: () => r });
      await cache.getSecret("HF_TOKEN");
      await clock.advance(200_000);
      const [cold, first, second] = faulty.callTimes;
      firsts.push(first! - cold!);
      laters.push(second! - first!);
    }
    expect(firsts).toEqual([50_000, 60_000, Math.floor(50_000 + 40_000 * 0.999)]);
    expect(laters).toEqual([80_000, 82_500, Math.floor(80_000 + 10_000 * 0.999)]);
  });

  it("without jitter, refreshes every instance at the same point (0.85·TTL)", async () => {
    const { cache, faulty, clock } = setup({ ttlMs: 100_000, jitter: false });
    await cache.getSecret("HF_TOKEN");
    await clock.advance(100_000);
    expect(faulty.callTimes[1]! - faulty.callTimes[0]!).toBe(85_000);
  });

  it("keeps answering from the cache when the TTL ends while a slow refresh is in flight", async () => {
    const t = setup({ ttlMs: 10_000, random: () => 0, timeoutMs: 30_000, retry: { attempts: 1 } });
    await t.cache.getSecret("HF_TOKEN");
    // The first refresh starts at 0.5·TTL and hangs for 8 s: past the TTL.
    t.faulty.enqueue({ hangMs: 8_000 });
    await t.clock.advance(5_000);
    expect(t.faulty.callTimes).toHaveLength(2);
    await t.clock.advance(6_000);
    // TTL ended 1 s ago; the refresh is still in flight: a caller is answered at once, from the cache.
    let answered = false;
    void t.cache.getSecret("HF_TOKEN").then(() => {
      answered = true;
    });
    await t.clock.flush();
    expect(answered).toBe(true);
    expect(t.cache.peek("HF_TOKEN")?.value.reveal()).toBe(t.token);
    // When the refresh settles, the value is fresh again; no second call was made meanwhile.
    await t.clock.advance(2_000);
    expect(t.faulty.callTimes).toHaveLength(2);
    expect(t.cache.peek("HF_TOKEN")?.stale).toBeUndefined();
  });

  it("marks the value stale when that in-flight refresh fails after the TTL", async () => {
    const t = setup({ ttlMs: 10_000, random: () => 0, timeoutMs: 7_000, retry: { attempts: 1 } });
    await t.cache.getSecret("HF_TOKEN");
    t.faulty.enqueue({ hangMs: 60_000 });
    await t.clock.advance(11_000);
    expect(t.cache.peek("HF_TOKEN")?.stale).toBeUndefined();
    await t.clock.advance(1_000);
    // The refresh timed out at 5 s + 7 s = 12 s.
    expect(t.cache.peek("HF_TOKEN")?.stale).toBe(true);
    expect(t.events.some((e) => e.type === "stale")).toBe(true);
  });

  it("without refresh-ahead, a get after the TTL waits for one fetch", async () => {
    const { cache, backend, clock } = setup({ ttlMs: MIN, refreshAhead: false });
    await cache.getSecret("HF_TOKEN");
    await clock.advance(MIN - 1);
    expect(cache.peek("HF_TOKEN")).toBeDefined();
    await clock.advance(1);
    expect(cache.peek("HF_TOKEN")).toBeUndefined();
    expect(backend.callsFor("HF_TOKEN")).toBe(1);
    await Promise.all([cache.getSecret("HF_TOKEN"), cache.getSecret("HF_TOKEN")]);
    expect(backend.callsFor("HF_TOKEN")).toBe(2);
  });

  it("refreshes before a backend expiresAt, not only at the TTL", async () => {
    const clock = createFakeClock();
    const backend = createMemoryProvider({
      secrets: { HF_TOKEN: makeTestToken() },
      clock,
      expiresInMs: 2 * MIN,
    });
    const cache = cached(backend, { clock, ttlMs: 60 * MIN, expirySkewMs: 5_000, random: () => 0 });
    await cache.getSecret("HF_TOKEN");
    // Lifetime = 2 min − 5 s skew = 115 s; refresh at 0.8 of it.
    await clock.advance(92_000);
    expect(backend.callsFor("HF_TOKEN")).toBe(2);
  });
});

describe("cached(): stale-if-error", () => {
  it("serves the stale value on transient errors up to maxStale, flagged, then fails", async () => {
    const t = setup({ ttlMs: MIN, maxStaleMs: 10 * MIN, random: () => 0.5, retry: { attempts: 1 } });
    await t.cache.getSecret("HF_TOKEN");
    t.faulty.startOutage("TRANSIENT");
    await t.clock.advance(MIN);
    const stale = await t.cache.getSecret("HF_TOKEN");
    expect(stale.stale).toBe(true);
    expect(stale.value.reveal()).toBe(t.token);
    expect(t.events.some((e) => e.type === "stale")).toBe(true);
    await t.clock.advance(10 * MIN - 1);
    expect((await t.cache.getSecret("HF_TOKEN")).stale).toBe(true);
    await t.clock.advance(1);
    expect(t.cache.peek("HF_TOKEN")).toBeUndefined();
    await expect(t.cache.getSecret("HF_TOKEN")).rejects.toMatchObject({ code: "TRANSIENT" });
    expect(t.events.some((e) => e.type === "expired" && e.reason === "max-stale")).toBe(true);
  });

  it("ends staleness with the first successful refresh after the fault clears", async () => {
    const t = setup({ ttlMs: MIN, maxStaleMs: 60 * MIN, random: () => 0.5, retry: { attempts: 1 } });
    await t.cache.getSecret("HF_TOKEN");
    t.faulty.startOutage("TIMEOUT");
    await t.clock.advance(2 * MIN);
    expect((await t.cache.getSecret("HF_TOKEN")).stale).toBe(true);
    t.faulty.recover();
    await t.clock.advance(2 * MIN);
    const fresh = await t.cache.getSecret("HF_TOKEN");
    expect(fresh.stale).toBeUndefined();
  });

  it("never serves a value past its backend expiresAt, even when stale is allowed", async () => {
    const clock = createFakeClock();
    const backend = createMemoryProvider({
      secrets: { HF_TOKEN: makeTestToken() },
      clock,
      expiresInMs: 3 * MIN,
    });
    const faulty = createFaultyProvider(backend, { clock });
    const cache = cached(faulty, {
      clock,
      ttlMs: MIN,
      maxStaleMs: 60 * MIN,
      expirySkewMs: 0,
      retry: { attempts: 1 },
    });
    await cache.getSecret("HF_TOKEN");
    faulty.startOutage("TRANSIENT");
    await clock.advance(3 * MIN - 1);
    expect(cache.peek("HF_TOKEN")?.stale).toBe(true);
    await clock.advance(1);
    expect(cache.peek("HF_TOKEN")).toBeUndefined();
    await expect(cache.getSecret("HF_TOKEN")).rejects.toMatchObject({ code: "TRANSIENT" });
  });

  it("does not paper over a 403: the value is dropped and the error reaches the caller", async () => {
    const t = setup({ ttlMs: MIN, maxStaleMs: 60 * MIN, random: () => 0.5 });
    await t.cache.getSecret("HF_TOKEN");
    t.faulty.startOutage("ACCESS_DENIED");
    await t.clock.advance(MIN);
    await expect(t.cache.getSecret("HF_TOKEN")).rejects.toMatchObject({ code: "ACCESS_DENIED" });
    expect(t.cache.peek("HF_TOKEN")).toBeUndefined();
  });

  it("does not paper over NOT_FOUND or a malformed value either", async () => {
    for (const code of ["NOT_FOUND", "MALFORMED_SECRET"] as const) {
      const t = setup({ ttlMs: MIN, random: () => 0.5 });
      await t.cache.getSecret("HF_TOKEN");
      t.faulty.startOutage(code);
      await t.clock.advance(MIN);
      await expect(t.cache.getSecret("HF_TOKEN")).rejects.toMatchObject({ code });
    }
  });
});

describe("cached(): retries and backoff", () => {
  it("retries transient errors inside a call with full-jitter delays in ms, capped", async () => {
    const randoms = [0.5, 0.5, 0.999];
    const t = setup({
      retry: { attempts: 4, baseDelayMs: 100, maxDelayMs: 300 },
      random: () => randoms.shift() ?? 0.5,
    });
    t.faulty.enqueue("TRANSIENT", "TRANSIENT", "TRANSIENT");
    const pending = t.cache.getSecret("HF_TOKEN");
    await t.clock.advance(10_000);
    expect((await pending).value.reveal()).toBe(t.token);
    const gaps = t.faulty.callTimes.slice(1).map((time, i) => time - t.faulty.callTimes[i]!);
    // min(300, 100·2^n) · random: 50, 100, then 299 (capped at 300, not 400).
    expect(gaps).toEqual([50, 100, 299]);
    const retries = t.events.filter((e) => e.type === "error" && e.willRetry);
    expect(retries.map((e) => (e as { retryInMs: number }).retryInMs)).toEqual([50, 100, 299]);
  });

  it("honours Retry-After given in seconds", async () => {
    const t = setup({ retry: { attempts: 2 }, random: () => 0 });
    t.faulty.enqueue({ code: "THROTTLED", retryAfterMs: 3_000 });
    const pending = t.cache.getSecret("HF_TOKEN");
    await t.clock.advance(2_999);
    expect(t.faulty.callTimes.length).toBe(1);
    await t.clock.advance(1);
    await pending;
    expect(t.faulty.callTimes[1]! - t.faulty.callTimes[0]!).toBe(3_000);
  });

  it("does not wait in a call for a Retry-After longer than maxRetryAfterMs", async () => {
    const t = setup({ retry: { attempts: 3, maxRetryAfterMs: 1_000 } });
    t.faulty.enqueue({ code: "THROTTLED", retryAfterMs: 60_000 });
    await expect(t.cache.getSecret("HF_TOKEN")).rejects.toMatchObject({
      code: "THROTTLED",
      retryAfterMs: 60_000,
    });
    expect(t.faulty.callTimes.length).toBe(1);
  });

  it("spaces background retries with growing, capped, jittered delays and honours Retry-After", async () => {
    const t = setup({
      ttlMs: MIN,
      maxStaleMs: 24 * 60 * MIN,
      random: () => 0.5,
      backgroundRetry: { baseDelayMs: 1_000, maxDelayMs: 8_000 },
    });
    await t.cache.getSecret("HF_TOKEN");
    t.faulty.startOutage("TRANSIENT");
    await t.clock.advance(2 * MIN);
    // callTimes[0] is the initial fetch; the first refresh-ahead, at 0.7·TTL, is the first failure.
    const times = t.faulty.callTimes.slice(1);
    expect(times[0]! - t.faulty.callTimes[0]!).toBe(0.7 * MIN);
    const gaps = times.slice(1).map((time, i) => time - times[i]!);
    // Equal jitter: [c/2, c] with c = min(8 s, 1 s · 2^n); random 0.5 → 0.75·c.
    expect(gaps.slice(0, 6)).toEqual([750, 1_500, 3_000, 6_000, 6_000, 6_000]);
    t.faulty.recover();
    t.faulty.enqueue({ code: "THROTTLED", retryAfterMs: 30_000 });
    const before = t.faulty.callTimes.length;
    await t.clock.advance(40_000);
    const throttledAt = t.faulty.callTimes[before]!;
    const nextAt = t.faulty.callTimes[before + 1]!;
    // Backoff alone would retry after 6 s; the 30 s Retry-After wins.
    expect(nextAt - throttledAt).toBe(30_000);
    expect((await t.cache.getSecret("HF_TOKEN")).stale).toBeUndefined();
  });

  it("times out a backend call that hangs, with a clear error", async () => {
    const t = setup({ timeoutMs: 2_000, retry: { attempts: 1 } });
    t.faulty.enqueue({ hangMs: 60_000 });
    const pending = t.cache.getSecret("HF_TOKEN").catch((e: unknown) => e);
    await t.clock.advance(2_000);
    const error = await pending;
    expect(error).toMatchObject({ code: "TIMEOUT" });
    expect((error as Error).message).toContain("longer than 2000 ms");
  });
});

describe("cached(): forceRefresh", () => {
  it("is single-flight: concurrent forced refreshes make one call", async () => {
    const { cache, backend, clock } = setup({}, 100);
    const warm = cache.getSecret("HF_TOKEN");
    await clock.advance(100);
    await warm;
    const rotated = makeTestToken();
    backend.set("HF_TOKEN", rotated);
    const forced = Promise.all(
      Array.from({ length: 50 }, () => cache.getSecret("HF_TOKEN", { forceRefresh: true })),
    );
    await clock.advance(100);
    const values = await forced;
    expect(backend.callsFor("HF_TOKEN")).toBe(2);
    expect(values.every((v) => v.value.reveal() === rotated)).toBe(true);
  });

  it("is rate-limited per name: a bad token cannot become a refresh loop", async () => {
    const { cache, backend, clock } = setup({ forceRefreshIntervalMs: 10_000 });
    await cache.getSecret("HF_TOKEN");
    await cache.getSecret("HF_TOKEN", { forceRefresh: true });
    expect(backend.callsFor("HF_TOKEN")).toBe(2);
    for (let i = 0; i < 100; i++) await cache.getSecret("HF_TOKEN", { forceRefresh: true });
    expect(backend.callsFor("HF_TOKEN")).toBe(2);
    await clock.advance(10_000);
    await cache.getSecret("HF_TOKEN", { forceRefresh: true });
    expect(backend.callsFor("HF_TOKEN")).toBe(3);
  });
});

describe("cached(): watch", () => {
  it("refreshes at once when the provider pushes a change", async () => {
    const { cache, backend, events } = setup({ ttlMs: 60 * MIN });
    await cache.getSecret("HF_TOKEN");
    const rotated = makeTestToken();
    backend.set("HF_TOKEN", rotated);
    backend.notify("HF_TOKEN");
    expect((await cache.getSecret("HF_TOKEN")).value.reveal()).toBe(rotated);
    expect(events.some((e) => e.type === "refresh" && e.reason === "watch")).toBe(true);
  });

  it("refetches when a change arrives while a fetch is in flight", async () => {
    const { cache, backend, clock } = setup({ ttlMs: 60 * MIN }, 100);
    const first = cache.getSecret("HF_TOKEN");
    await clock.advance(100);
    await first;
    backend.notify("HF_TOKEN");
    const rotated = makeTestToken();
    backend.set("HF_TOKEN", rotated);
    backend.notify("HF_TOKEN");
    await clock.advance(300);
    expect((await cache.getSecret("HF_TOKEN")).value.reveal()).toBe(rotated);
  });
});

describe("cached(): ordering", () => {
  it("an older fetch finishing after a newer one does not overwrite the newer value", async () => {
    const clock = createFakeClock();
    const first = makeTestToken();
    const second = makeTestToken();
    let call = 0;
    const cache = cached(
      {
        name: "slow",
        getSecret: async () => {
          call++;
          const mine = call;
          await new Promise<void>((r) => clock.setTimer(r, mine === 1 ? 1_000 : 10, { ref: true }));
          return createSecretValue({
            value: mine === 1 ? first : second,
            provider: "slow",
            location: "slow:x",
            fetchedAt: clock.now(),
          });
        },
      },
      { clock, forceRefreshIntervalMs: 0 },
    );
    const cold = cache.getSecret("X");
    const forced = cache.getSecret("X", { forceRefresh: true });
    await clock.advance(1_000);
    await Promise.all([cold, forced]);
    expect(cache.peek("X")?.value.reveal()).toBe(second);
  });
});

describe("cached(): dispose", () => {
  it("clears every timer and watcher and rejects later calls", async () => {
    const { cache, backend, clock } = setup({ ttlMs: MIN });
    await cache.getSecret("HF_TOKEN");
    await cache.getSecret("OTHER").catch(() => undefined);
    expect(clock.pendingTimers()).toBeGreaterThan(0);
    await cache.dispose();
    await cache.dispose();
    expect(clock.pendingTimers()).toBe(0);
    expect(backend.disposed).toBe(true);
    await expect(cache.getSecret("HF_TOKEN", {})).rejects.toMatchObject({ code: "DISPOSED" });
    expect(cache.peek("HF_TOKEN")).toBeUndefined();
  });

  it("uses only unref'd timers for background work (a process can exit without dispose)", async () => {
    const { cache, clock } = setup({ ttlMs: MIN });
    await cache.getSecret("HF_TOKEN");
    expect(clock.pendingTimers()).toBeGreaterThan(0);
    expect(clock.pendingTimers({ refOnly: true })).toBe(0);
  });
});
