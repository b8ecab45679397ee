import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { equalJitterDelay, fullJitterDelay, parseRetryAfter } from "../src/backoff.js";

describe("fullJitterDelay", () => {
  it("draws from [0, min(cap, base·2^n)] in milliseconds", () => {
    const options = { baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(fullJitterDelay(0, options, () => 0.5)).toBe(50);
    expect(fullJitterDelay(3, options, () => 0.5)).toBe(400);
    expect(fullJitterDelay(10, options, () => 0.999)).toBe(999);
    expect(fullJitterDelay(10, options, () => 0.5, false)).toBe(1_000);
  });

  it("never exceeds the cap or goes negative, whatever the retry number", () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.double({ min: 0, max: 0.9999999, noNaN: true }), (retry, r) => {
        const delay = fullJitterDelay(retry, { baseDelayMs: 100, maxDelayMs: 30_000 }, () => r);
        return delay >= 0 && delay <= 30_000 && Number.isInteger(delay);
      }),
    );
  });
});

describe("equalJitterDelay", () => {
  it("draws from [c/2, c] with c = min(cap, base·2^n)", () => {
    const options = { baseDelayMs: 1_000, maxDelayMs: 120_000 };
    expect(equalJitterDelay(0, options, () => 0)).toBe(500);
    expect(equalJitterDelay(2, options, () => 0.5)).toBe(3_000);
    expect(equalJitterDelay(20, options, () => 0)).toBe(60_000);
    expect(equalJitterDelay(20, options, () => 0.5, false)).toBe(120_000);
  });

  it("bounds the calls of any one instance during a 10-minute outage to 20", () => {
    // The worst case: every draw at the floor.
    const options = { baseDelayMs: 1_000, maxDelayMs: 120_000 };
    let elapsed = 0;
    let calls = 1;
    for (let retry = 0; elapsed < 600_000; retry++) {
      elapsed += equalJitterDelay(retry, options, () => 0);
      if (elapsed <= 600_000) calls++;
    }
    expect(calls).toBeLessThanOrEqual(20);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.UTC(2026, 10, 28, 12, 0, 0);
  it("reads delta-seconds", () => {
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
  });
  it("reads an HTTP date (IMF-fixdate, RFC 850 and asctime)", () => {
    expect(parseRetryAfter("Sat, 28 Nov 2026 12:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Saturday, 28-Nov-26 12:01:00 GMT", now)).toBe(60_000);
    expect(parseRetryAfter("Sat Nov 28 12:00:10 2026", now)).toBe(10_000);
    expect(parseRetryAfter("Sat, 28 Nov 2026 11:00:00 GMT", now)).toBe(0);
  });
  it("returns undefined for missing or malformed headers", () => {
    for (const bad of [undefined, null, "", "soon", "-5", "1.5", "x".repeat(1000), "<script>"]) {
      expect(parseRetryAfter(bad as string, now)).toBeUndefined();
    }
  });
});
