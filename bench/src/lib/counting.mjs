// Counters for "what does one cache hit touch": clock reads, process.env reads, global time reads.
import { systemClock } from "@hf-secrets/core";

/** A Clock that counts `now()` calls and otherwise behaves like the system clock. */
export function countingClock(base = systemClock) {
  const clock = {
    reads: 0,
    now() {
      clock.reads++;
      return base.now();
    },
    setTimer: (callback, delayMs, options) => base.setTimer(callback, delayMs, options),
    clearTimer: (handle) => base.clearTimer(handle),
  };
  return clock;
}

/**
 * Replaces `process.env` with a Proxy that counts property reads (get/has/ownKeys/descriptor), and patches
 * `Date.now` and `performance.now` to count calls. `restore()` undoes everything.
 */
export function instrumentGlobals() {
  const counts = { env: 0, dateNow: 0, performanceNow: 0 };
  const originalEnv = process.env;
  const proxy = new Proxy(originalEnv, {
    get(target, key, receiver) {
      if (typeof key === "string") counts.env++;
      return Reflect.get(target, key, receiver === proxy ? target : receiver);
    },
    has(target, key) {
      counts.env++;
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      counts.env++;
      return Reflect.ownKeys(target);
    },
    getOwnPropertyDescriptor(target, key) {
      counts.env++;
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
  });
  const dateNow = Date.now;
  const hadOwnPerfNow = Object.hasOwn(performance, "now");
  const perfNow = performance.now;
  process.env = proxy;
  Date.now = () => {
    counts.dateNow++;
    return dateNow();
  };
  performance.now = function now() {
    counts.performanceNow++;
    return perfNow.call(performance);
  };
  return {
    counts,
    reset() {
      counts.env = 0;
      counts.dateNow = 0;
      counts.performanceNow = 0;
    },
    restore() {
      process.env = originalEnv;
      Date.now = dateNow;
      if (hadOwnPerfNow) performance.now = perfNow;
      else delete performance.now;
    },
  };
}
