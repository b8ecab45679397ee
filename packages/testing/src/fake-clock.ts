import type { Clock, TimerHandle, TimerOptions } from "@hf-secrets/core";

/** A {@link Clock} under the test's control: time moves only when the test says so. */
export interface FakeClock extends Clock {
  /** Moves time forward by `ms`, running every timer that falls due, in order, and letting promises settle. */
  advance(ms: number): Promise<void>;
  /** Runs timers until none is left or `limitMs` of virtual time has passed. */
  runAll(limitMs?: number): Promise<void>;
  /** Lets pending promise callbacks run without moving time. */
  flush(): Promise<void>;
  /** Number of pending timers (optionally only the ones that would keep a process alive). */
  pendingTimers(options?: { refOnly?: boolean }): number;
  /** How many times `now()` was called (hot-path checks). */
  readonly nowCalls: number;
}

interface FakeTimer extends TimerHandle {
  id: number;
  due: number;
  callback: () => void;
  ref: boolean;
  cleared: boolean;
}

/**
 * Creates a fake clock starting at `start` (epoch ms). Inject it into `cached({ clock })` and drive time with
 * `await clock.advance(ms)`: no test ever sleeps.
 */
export function createFakeClock(start = Date.UTC(2026, 0, 1)): FakeClock {
  let now = start;
  let nextId = 1;
  let nowCalls = 0;
  const timers: FakeTimer[] = [];

  const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

  const popDue = (limit: number): FakeTimer | undefined => {
    let best: FakeTimer | undefined;
    for (const timer of timers) {
      if (timer.cleared || timer.due > limit) continue;
      if (!best || timer.due < best.due || (timer.due === best.due && timer.id < best.id)) best = timer;
    }
    if (best) timers.splice(timers.indexOf(best), 1);
    return best;
  };

  const clock: FakeClock = {
    now() {
      nowCalls++;
      return now;
    },
    get nowCalls() {
      return nowCalls;
    },
    setTimer(callback: () => void, delayMs: number, options?: TimerOptions) {
      const timer: FakeTimer = {
        id: nextId++,
        due: now + Math.max(0, Number.isFinite(delayMs) ? delayMs : Number.MAX_SAFE_INTEGER),
        callback,
        ref: options?.ref ?? false,
        cleared: false,
      };
      timers.push(timer);
      return timer;
    },
    clearTimer(handle: TimerHandle) {
      const timer = handle as FakeTimer;
      timer.cleared = true;
      const index = timers.indexOf(timer);
      if (index >= 0) timers.splice(index, 1);
    },
    async advance(ms: number) {
      const target = now + ms;
      await flush();
      for (let timer = popDue(target); timer; timer = popDue(target)) {
        now = Math.max(now, timer.due);
        timer.callback();
        await flush();
      }
      now = target;
      await flush();
    },
    async runAll(limitMs = 365 * 24 * 3_600_000) {
      await clock.advance(limitMs);
    },
    flush,
    pendingTimers(options) {
      return timers.filter((t) => !t.cleared && (!options?.refOnly || t.ref)).length;
    },
  };
  return clock;
}
