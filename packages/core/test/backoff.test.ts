import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fullJitterDelay, parseRetryAfter } from "../src/backoff.js";

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
