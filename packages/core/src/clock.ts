/** A timer created by a {@link Clock}. Opaque. */
export interface TimerHandle {
  /** @internal */ readonly _brand?: "TimerHandle";
}

/** Options of {@link Clock.setTimer}. */
export interface TimerOptions {
  /**
   * Keep the process alive while the timer is pending. Background work (refresh-ahead, expiry, background
   * retries) uses unref'd timers; a wait that a caller is awaiting keeps the process alive.
   */
  readonly ref?: boolean;
}

/**
 * Time as the cache sees it: a monotonic millisecond clock on the epoch scale, and timers. Tests inject a fake
 * clock (`@hf-secrets/testing`'s `createFakeClock`) and never sleep.
 */
export interface Clock {
  /** Milliseconds since the epoch, never going backwards. */
  now(): number;
  /** Calls `callback` after `delayMs`; timers are unref'd unless `options.ref`. */
  setTimer(callback: () => void, delayMs: number, options?: TimerOptions): TimerHandle;
  /** Cancels a timer; safe to call twice. */
  clearTimer(handle: TimerHandle): void;
}

/** setTimeout's largest delay; longer waits are re-armed in steps. */
const MAX_TIMEOUT_MS = 2_147_483_647;

interface SystemTimer extends TimerHandle {
  timeout: ReturnType<typeof setTimeout> | undefined;
}

/**
 * The real clock: `performance.timeOrigin + performance.now()` (monotonic: a wall-clock jump does not expire or
 * extend cached values) and `setTimeout`, unref'd by default.
 */
export const systemClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  setTimer(callback, delayMs, options) {
    const handle: SystemTimer = { timeout: undefined };
    const arm = (remaining: number) => {
      const step = Math.min(Math.max(0, remaining), MAX_TIMEOUT_MS);
      handle.timeout = setTimeout(() => {
        if (remaining > MAX_TIMEOUT_MS) arm(remaining - MAX_TIMEOUT_MS);
        else callback();
      }, step);
      if (!options?.ref) handle.timeout.unref?.();
    };
    arm(Number.isFinite(delayMs) ? delayMs : MAX_TIMEOUT_MS * 2 ** 20);
    return handle;
  },
  clearTimer(handle) {
    const timer = handle as SystemTimer;
    if (timer.timeout !== undefined) clearTimeout(timer.timeout);
    timer.timeout = undefined;
  },
};

/** Resolves after `delayMs` on `clock`, keeping the process alive (a caller is waiting). */
export function sleep(clock: Clock, delayMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clock.clearTimer(timer);
      reject(signal?.reason);
    };
    const timer = clock.setTimer(
      () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      },
      delayMs,
      { ref: true },
    );
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
