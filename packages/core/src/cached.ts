import { raceAbort } from "./abort.js";
import { type BackoffOptions, equalJitterDelay, fullJitterDelay } from "./backoff.js";
import { type Clock, sleep, systemClock, type TimerHandle } from "./clock.js";
import type { GetSecretOptions, SecretProvider, SecretValue } from "./contract.js";
import { SecretProviderError, toSecretProviderError } from "./errors.js";
import { SecretEventEmitter } from "./event-emitter.js";
import type { RefreshReason, SecretEventListener } from "./events.js";

/** In-call retry policy: how a caller that is waiting for the backend retries transient errors. */
export interface RetryOptions extends Partial<BackoffOptions> {
  /** Attempts per call, including the first. Default 3. */
  readonly attempts?: number;
  /** A `Retry-After` longer than this is not waited for in a call: the error (or a stale value) returns. Default 10 s. */
  readonly maxRetryAfterMs?: number;
}

/** Options of {@link cached}. Every duration is in milliseconds. */
export interface CacheOptions {
  /** How long a value is fresh. Default 300 000 (5 min). `Infinity` keeps it until invalidated. */
  readonly ttlMs?: number;
  /**
   * Refresh in the background before the TTL ends, at a random point of `[from, to]·TTL` (default
   * `[0.8, 0.9]`); the first refresh after a cold read draws from `[firstFrom, to]` (default 0.5), so instances
   * started together spread out at once. `false` refreshes only when a caller finds the value expired.
   */
  readonly refreshAhead?:
    | boolean
    | { readonly from: number; readonly to: number; readonly firstFrom?: number };
  /** How long past its TTL a value may be served while refreshes fail transiently. Default 3 600 000 (1 h). */
  readonly maxStaleMs?: number;
  /** A value with a backend expiry is dropped this long before it (and refreshed before that). Default 5 000. */
  readonly expirySkewMs?: number;
  /** Per-attempt backend timeout. Default 10 000. */
  readonly timeoutMs?: number;
  /** Retries inside a call; defaults: 3 attempts, 100 ms base, 2 000 ms cap, Retry-After up to 10 s. */
  readonly retry?: RetryOptions;
  /** Background retries after a failed refresh: equal jitter (`[c/2, c]`), default 1 000 ms base, 120 000 ms cap. */
  readonly backgroundRetry?: Partial<BackoffOptions>;
  /** At most one forced refresh per name per interval; later ones get the cached value. Default 10 000. */
  readonly forceRefreshIntervalMs?: number;
  /** Randomise refresh points and backoff. Default `true`; `false` is for comparisons and tests. */
  readonly jitter?: boolean;
  /** Subscribe to the provider's `watch` and refresh at once on a change. Default `true`. */
  readonly watch?: boolean;
  /** Time source; default {@link systemClock}. */
  readonly clock?: Clock;
  /** Random source in `[0, 1)`; default `Math.random`. */
  readonly random?: () => number;
  /** Receives every event of this cache. */
  readonly onEvent?: SecretEventListener;
}

/** A {@link SecretProvider} with a cache in front: what {@link cached} returns. */
export interface CachedSecretProvider extends SecretProvider {
  /** The wrapped provider. */
  readonly provider: SecretProvider;
  /** Events of this cache (`fetch`, `hit`, `refresh`, `stale`, `error`, `rotated`, ...). */
  readonly events: SecretEventEmitter;
  /**
   * The cached value without any I/O or await, or `undefined` when nothing usable is cached.
   * A stale value (served after failed refreshes) has `stale: true`.
   */
  peek(name: string): SecretValue | undefined;
  /** Drops one cached name, or all of them. The next call reads the backend. */
  invalidate(name?: string): void;
  /** Clears every timer and watcher, drops every value, disposes the wrapped provider. Idempotent. */
  dispose(): Promise<void>;
}

const EMPTY = 0;
const FRESH = 1;
const EXPIRED = 2;
const STALE = 3;
type EntryState = typeof EMPTY | typeof FRESH | typeof EXPIRED | typeof STALE;

interface Flight {
  readonly seq: number;
  readonly promise: Promise<SecretValue>;
  readonly forced: boolean;
}

interface Entry {
  readonly name: string;
  state: EntryState;
  /** The last good value (`stale` unset). */
  value: SecretValue | undefined;
  /** What a hit returns: `value`, or a copy flagged `stale`. */
  current: SecretValue | undefined;
  /** A resolved promise of `current`, so a hit allocates nothing. */
  hitPromise: Promise<SecretValue> | undefined;
  staleUntil: number;
  inflight: Flight | undefined;
  forced: Flight | undefined;
  lastForcedAt: number;
  nextSeq: number;
  appliedSeq: number;
  backgroundFailures: number;
  changedDuringFlight: boolean;
  /** The TTL ended while a refresh was in flight: the value is still served until that refresh settles. */
  freshEndedInFlight: boolean;
  refreshTimer: TimerHandle | undefined;
  freshTimer: TimerHandle | undefined;
  staleTimer: TimerHandle | undefined;
  retryTimer: TimerHandle | undefined;
  unwatch: (() => void) | undefined;
}

const DEFAULTS = {
  ttlMs: 300_000,
  maxStaleMs: 3_600_000,
  expirySkewMs: 5_000,
  timeoutMs: 10_000,
  attempts: 3,
  retryBaseMs: 100,
  retryCapMs: 2_000,
  maxRetryAfterMs: 10_000,
  backgroundBaseMs: 1_000,
  backgroundCapMs: 120_000,
  forceRefreshIntervalMs: 10_000,
  refreshFrom: 0.8,
  refreshTo: 0.9,
  firstRefreshFrom: 0.5,
} as const;

/**
 * Puts one caching engine in front of any provider:
 *
 * - single-flight: concurrent misses for a name share one backend call; a rejection reaches every waiter and is
 *   not cached;
 * - TTL with refresh-ahead: a background refresh starts at a jittered point of `[0.8, 0.9]·TTL` (or before the
 *   backend's `expiresAt`) while callers keep getting the cached value;
 * - stale-if-error for transient errors (timeouts, resets, 5xx, 429) up to `maxStaleMs`, never past `expiresAt`;
 *   `ACCESS_DENIED`, `NOT_FOUND` and malformed values are not papered over;
 * - full-jitter exponential backoff, `Retry-After` honoured; `forceRefresh` single-flight and rate-limited;
 * - a provider's `watch` refreshes at once; `dispose()` clears every timer.
 *
 * A hit reads no clock and no environment and allocates nothing: state changes are driven by unref'd timers.
 *
 * @example
 * const provider = cached(fromEnv(), { ttlMs: 60_000 });
 * const { value } = await provider.getSecret("HF_TOKEN");
 */
export function cached(provider: SecretProvider, options: CacheOptions = {}): CachedSecretProvider {
  return new CachedProvider(provider, options);
}

class CachedProvider implements CachedSecretProvider {
  readonly name: string;
  readonly provider: SecretProvider;
  readonly events = new SecretEventEmitter();
  readonly watch: SecretProvider["watch"];
  readonly getPendingSecret: SecretProvider["getPendingSecret"];
  readonly describe: SecretProvider["describe"];

  readonly #entries = new Map<string, Entry>();
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #ttlMs: number;
  readonly #refreshAhead: { from: number; to: number; firstFrom: number } | undefined;
  readonly #maxStaleMs: number;
  readonly #expirySkewMs: number;
  readonly #timeoutMs: number;
  readonly #attempts: number;
  readonly #retryBackoff: BackoffOptions;
  readonly #maxRetryAfterMs: number;
  readonly #backgroundBackoff: BackoffOptions;
  readonly #forceIntervalMs: number;
  readonly #jitter: boolean;
  readonly #useWatch: boolean;
  #disposed: Promise<void> | undefined;

  constructor(provider: SecretProvider, options: CacheOptions) {
    this.provider = provider;
    this.name = provider.name;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#ttlMs = positive(options.ttlMs, DEFAULTS.ttlMs, "ttlMs");
    this.#maxStaleMs = nonNegative(options.maxStaleMs, DEFAULTS.maxStaleMs, "maxStaleMs");
    this.#expirySkewMs = nonNegative(options.expirySkewMs, DEFAULTS.expirySkewMs, "expirySkewMs");
    this.#timeoutMs = positive(options.timeoutMs, DEFAULTS.timeoutMs, "timeoutMs");
    this.#attempts = Math.max(
      1,
      Math.floor(positive(options.retry?.attempts, DEFAULTS.attempts, "retry.attempts")),
    );
    this.#retryBackoff = {
      baseDelayMs: nonNegative(options.retry?.baseDelayMs, DEFAULTS.retryBaseMs, "retry.baseDelayMs"),
      maxDelayMs: nonNegative(options.retry?.maxDelayMs, DEFAULTS.retryCapMs, "retry.maxDelayMs"),
    };
    this.#maxRetryAfterMs = nonNegative(
      options.retry?.maxRetryAfterMs,
      DEFAULTS.maxRetryAfterMs,
      "retry.maxRetryAfterMs",
    );
    this.#backgroundBackoff = {
      baseDelayMs: nonNegative(
        options.backgroundRetry?.baseDelayMs,
        DEFAULTS.backgroundBaseMs,
        "backgroundRetry",
      ),
      maxDelayMs: nonNegative(
        options.backgroundRetry?.maxDelayMs,
        DEFAULTS.backgroundCapMs,
        "backgroundRetry",
      ),
    };
    this.#forceIntervalMs = nonNegative(
      options.forceRefreshIntervalMs,
      DEFAULTS.forceRefreshIntervalMs,
      "forceRefreshIntervalMs",
    );
    this.#jitter = options.jitter ?? true;
    this.#useWatch = options.watch ?? true;
    const ahead = options.refreshAhead ?? true;
    if (ahead === true) {
      this.#refreshAhead = {
        from: DEFAULTS.refreshFrom,
        to: DEFAULTS.refreshTo,
        firstFrom: DEFAULTS.firstRefreshFrom,
      };
    } else if (ahead === false) this.#refreshAhead = undefined;
    else {
      const firstFrom = ahead.firstFrom ?? Math.min(ahead.from, DEFAULTS.firstRefreshFrom);
      if (
        !(ahead.from > 0 && ahead.from <= ahead.to && ahead.to < 1 && firstFrom > 0 && firstFrom <= ahead.to)
      ) {
        throw invalidOption("refreshAhead", "needs 0 < from <= to < 1 and 0 < firstFrom <= to");
      }
      this.#refreshAhead = { from: ahead.from, to: ahead.to, firstFrom };
    }
    if (options.onEvent) this.events.on("*", options.onEvent);
    this.watch = provider.watch ? (name, onChange) => provider.watch!(name, onChange) : undefined;
    this.getPendingSecret = provider.getPendingSecret
      ? (name, opts) => provider.getPendingSecret!(name, opts)
      : undefined;
    this.describe = provider.describe ? (name) => provider.describe!(name) : undefined;
  }

  getSecret(name: string, options?: GetSecretOptions): Promise<SecretValue> {
    // Hot path: no clock read, no env read, no allocation.
    if (options === undefined) {
      const entry = this.#entries.get(name);
      if (entry !== undefined && (entry.state === FRESH || entry.state === STALE)) {
        if (this.events.wantsHit) this.#emitHit(entry);
        return entry.hitPromise!;
      }
    }
    return this.#slowGet(name, options);
  }

  peek(name: string): SecretValue | undefined {
    const entry = this.#entries.get(name);
    return entry !== undefined && (entry.state === FRESH || entry.state === STALE)
      ? entry.current
      : undefined;
  }

  invalidate(name?: string): void {
    if (name === undefined) {
      for (const entry of this.#entries.values()) this.#drop(entry);
      this.#entries.clear();
      return;
    }
    const entry = this.#entries.get(name);
    if (entry) {
      this.#drop(entry);
      this.#entries.delete(name);
    }
  }

  dispose(): Promise<void> {
    this.#disposed ??= (async () => {
      this.invalidate();
      await this.provider.dispose?.();
    })();
    return this.#disposed;
  }

  async #slowGet(name: string, options: GetSecretOptions | undefined): Promise<SecretValue> {
    if (this.#disposed) throw this.#disposedError(name);
    options?.signal?.throwIfAborted();
    const entry = this.#entry(name);
    if (options?.forceRefresh) return this.#await(this.#forceRefresh(entry), options.signal);
    if (entry.state === FRESH || entry.state === STALE) {
      if (this.events.wantsHit) this.#emitHit(entry);
      return entry.current!;
    }
    const flight =
      entry.inflight ?? this.#startFlight(entry, entry.state === EXPIRED ? "expired" : undefined, false);
    return this.#await(flight.promise, options?.signal);
  }

  #forceRefresh(entry: Entry): Promise<SecretValue> {
    if (entry.forced) return entry.forced.promise;
    const now = this.#clock.now();
    if (entry.current !== undefined && now - entry.lastForcedAt < this.#forceIntervalMs) {
      return Promise.resolve(entry.current);
    }
    entry.lastForcedAt = now;
    const flight = this.#startFlight(entry, "forced", false, true);
    entry.forced = flight;
    const clear = () => {
      if (entry.forced === flight) entry.forced = undefined;
    };
    flight.promise.then(clear, clear);
    return flight.promise;
  }

  #startFlight(entry: Entry, reason: RefreshReason | undefined, background: boolean, forced = false): Flight {
    const seq = ++entry.nextSeq;
    if (reason) this.events.emit({ type: "refresh", name: entry.name, reason });
    const promise = this.#runFlight(entry, seq, background);
    const flight: Flight = { seq, promise, forced };
    entry.inflight = flight;
    // Background flights have no awaiting caller: their rejection is handled through events.
    if (background) promise.catch(noop);
    return flight;
  }

  async #runFlight(entry: Entry, seq: number, background: boolean): Promise<SecretValue> {
    try {
      const value = await this.#fetchWithRetries(entry.name, background ? 1 : this.#attempts, background);
      return this.#apply(entry, value, seq);
    } catch (thrown) {
      const error = this.#normalize(thrown, entry.name);
      return this.#onFlightFailure(entry, error);
    } finally {
      if (entry.inflight?.seq === seq) entry.inflight = undefined;
      if (entry.changedDuringFlight && !this.#disposed && entry.inflight === undefined) {
        entry.changedDuringFlight = false;
        this.#onWatchChange(entry);
      }
      if (entry.state === EMPTY && entry.inflight === undefined) this.#forget(entry);
    }
  }

  async #fetchWithRetries(name: string, attempts: number, background: boolean): Promise<SecretValue> {
    for (let attempt = 1; ; attempt++) {
      const started = this.#clock.now();
      try {
        const value = await this.#fetchOnce(name);
        this.events.emit({
          type: "fetch",
          name,
          provider: value.provider,
          location: value.location,
          version: value.version,
          durationMs: this.#clock.now() - started,
          attempt,
          background,
        });
        return value;
      } catch (thrown) {
        const error = this.#normalize(thrown, name);
        let delay = fullJitterDelay(attempt - 1, this.#retryBackoff, this.#random, this.#jitter);
        if (error.retryAfterMs !== undefined) delay = Math.max(delay, error.retryAfterMs);
        const willRetry =
          error.transient &&
          attempt < attempts &&
          !this.#disposed &&
          (error.retryAfterMs === undefined || error.retryAfterMs <= this.#maxRetryAfterMs);
        this.events.emit({
          type: "error",
          name,
          error,
          attempt,
          willRetry,
          retryInMs: willRetry ? delay : undefined,
          background,
          durationMs: this.#clock.now() - started,
        });
        if (!willRetry) throw error;
        await sleep(this.#clock, delay);
      }
    }
  }

  async #fetchOnce(name: string): Promise<SecretValue> {
    const controller = new AbortController();
    let timer: TimerHandle | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = this.#clock.setTimer(
        () => {
          const error = new SecretProviderError({
            code: "TIMEOUT",
            provider: this.provider.name,
            secretName: name,
            location: this.provider.describe?.(name),
            message: `Reading "${name}" took longer than ${this.#timeoutMs} ms.`,
            fix: "Check the network path to the backend, or raise the cache's timeoutMs.",
          });
          controller.abort(error);
          reject(error);
        },
        this.#timeoutMs,
        { ref: true },
      );
    });
    try {
      return await Promise.race([this.provider.getSecret(name, { signal: controller.signal }), timeout]);
    } finally {
      this.#clock.clearTimer(timer!);
    }
  }

  #apply(entry: Entry, value: SecretValue, seq: number): SecretValue {
    if (this.#disposed) return value;
    // An older flight that finishes after a newer one must not overwrite the newer value.
    if (seq < entry.appliedSeq) return value;
    const now = this.#clock.now();
    const hardLimit =
      value.expiresAt === undefined ? Number.POSITIVE_INFINITY : value.expiresAt - this.#expirySkewMs;
    if (hardLimit <= now) {
      throw new SecretProviderError({
        code: "EXPIRED",
        provider: value.provider,
        location: value.location,
        secretName: entry.name,
        message: `The value of "${entry.name}" expired at ${new Date(value.expiresAt!).toISOString()} (or is within ${this.#expirySkewMs} ms of it).`,
        fix: "Store a new version of the secret with a later expiry date.",
      });
    }
    entry.appliedSeq = seq;
    const previous = entry.value;
    const wasStale = entry.state === STALE;
    this.#clearTimers(entry);
    entry.value = value;
    entry.current = value;
    entry.hitPromise = Promise.resolve(value);
    entry.state = FRESH;
    entry.backgroundFailures = 0;
    entry.freshEndedInFlight = false;

    const lifetime = Math.min(this.#ttlMs, hardLimit - now);
    entry.staleUntil = Math.min(now + this.#ttlMs + this.#maxStaleMs, hardLimit);
    if (Number.isFinite(lifetime)) {
      entry.freshTimer = this.#clock.setTimer(() => this.#onFreshEnd(entry), lifetime);
      if (this.#refreshAhead) {
        const { to } = this.#refreshAhead;
        // The first refresh after a cold read draws from a wider band: instances started together (a deploy,
        // a recovery) spread out at once instead of slowly, cycle after cycle.
        const from = previous === undefined ? this.#refreshAhead.firstFrom : this.#refreshAhead.from;
        const fraction = this.#jitter
          ? from + (to - from) * this.#random()
          : (this.#refreshAhead.from + to) / 2;
        entry.refreshTimer = this.#clock.setTimer(() => this.#onRefreshDue(entry), lifetime * fraction);
      }
    }
    if (this.#useWatch && entry.unwatch === undefined && this.provider.watch) {
      entry.unwatch = this.provider.watch(entry.name, () => this.#onWatchChange(entry));
    }
    for (const warning of value.warnings ?? []) {
      this.events.emit({ type: "warning", name: entry.name, provider: value.provider, warning });
    }
    if (previous !== undefined && !previous.value.equals(value.value)) {
      this.events.emit({
        type: "rotated",
        name: entry.name,
        provider: value.provider,
        location: value.location,
        previousVersion: previous.version,
        version: value.version,
        reason: wasStale ? "refresh-after-outage" : "refresh",
      });
    }
    return value;
  }

  #onFlightFailure(entry: Entry, error: SecretProviderError): SecretValue {
    if (this.#disposed) throw error;
    const now = this.#clock.now();
    if (error.transient && entry.value !== undefined && now < entry.staleUntil) {
      entry.backgroundFailures++;
      if (entry.state === EXPIRED || entry.freshEndedInFlight) this.#enterStale(entry, error);
      entry.freshEndedInFlight = false;
      this.#scheduleBackgroundRetry(entry, error);
      return entry.current!;
    }
    if (entry.value !== undefined) {
      this.events.emit({
        type: "expired",
        name: entry.name,
        provider: entry.value.provider,
        location: entry.value.location,
        reason: error.transient ? "max-stale" : "refresh-failed",
      });
    }
    this.#drop(entry);
    throw error;
  }

  #enterStale(entry: Entry, error: SecretProviderError): void {
    const value = entry.value!;
    entry.state = STALE;
    entry.current = Object.freeze({ ...value, stale: true });
    entry.hitPromise = Promise.resolve(entry.current);
    this.events.emit({
      type: "stale",
      name: entry.name,
      provider: value.provider,
      location: value.location,
      error,
      staleUntil: entry.staleUntil,
    });
    this.#clock.clearTimer(entry.staleTimer ?? {});
    entry.staleTimer = this.#clock.setTimer(
      () => this.#onStaleLimit(entry),
      Math.max(0, entry.staleUntil - this.#clock.now()),
    );
  }

  #scheduleBackgroundRetry(entry: Entry, error: SecretProviderError): void {
    if (entry.retryTimer !== undefined) return;
    // Equal jitter (not full): a fleet still spreads out, but no instance draws a run of near-zero delays,
    // so each one calls the backend a bounded number of times during an outage.
    let delay = equalJitterDelay(
      entry.backgroundFailures - 1,
      this.#backgroundBackoff,
      this.#random,
      this.#jitter,
    );
    if (error.retryAfterMs !== undefined) delay = Math.max(delay, error.retryAfterMs);
    entry.retryTimer = this.#clock.setTimer(() => {
      entry.retryTimer = undefined;
      if (entry.inflight === undefined && entry.value !== undefined) this.#startFlight(entry, "retry", true);
    }, delay);
  }

  #onRefreshDue(entry: Entry): void {
    entry.refreshTimer = undefined;
    if (entry.inflight === undefined && entry.retryTimer === undefined)
      this.#startFlight(entry, "ahead", true);
  }

  #onFreshEnd(entry: Entry): void {
    entry.freshTimer = undefined;
    if (entry.state !== FRESH) return;
    if (entry.backgroundFailures > 0) {
      this.#enterStale(entry, this.#staleReason(entry));
      return;
    }
    this.#clock.clearTimer(entry.staleTimer ?? {});
    entry.staleTimer = this.#clock.setTimer(
      () => this.#onStaleLimit(entry),
      Math.max(0, entry.staleUntil - this.#clock.now()),
    );
    if (entry.inflight !== undefined && !entry.changedDuringFlight) {
      // A refresh is already on its way (slow, or stuck until its timeout): keep answering from the cache
      // rather than making callers wait for it; if it fails, the value turns stale as usual.
      entry.freshEndedInFlight = true;
      return;
    }
    entry.state = EXPIRED;
  }

  #onStaleLimit(entry: Entry): void {
    entry.staleTimer = undefined;
    if (entry.value === undefined) return;
    this.events.emit({
      type: "expired",
      name: entry.name,
      provider: entry.value.provider,
      location: entry.value.location,
      reason:
        entry.value.expiresAt !== undefined && entry.staleUntil >= entry.value.expiresAt - this.#expirySkewMs
          ? "expires-at"
          : "max-stale",
    });
    this.#drop(entry);
    if (entry.inflight === undefined) this.#forget(entry);
  }

  #onWatchChange(entry: Entry): void {
    if (this.#disposed) return;
    if (entry.inflight !== undefined) {
      entry.changedDuringFlight = true;
      return;
    }
    if (entry.state === FRESH || entry.state === STALE) entry.state = EXPIRED;
    if (entry.value !== undefined) this.#startFlight(entry, "watch", true);
  }

  #staleReason(entry: Entry): SecretProviderError {
    return new SecretProviderError({
      code: "TRANSIENT",
      provider: entry.value?.provider ?? this.provider.name,
      location: entry.value?.location,
      secretName: entry.name,
      message: `Refreshing "${entry.name}" failed; serving the previous value until a refresh succeeds.`,
    });
  }

  #entry(name: string): Entry {
    let entry = this.#entries.get(name);
    if (entry === undefined) {
      entry = {
        name,
        state: EMPTY,
        value: undefined,
        current: undefined,
        hitPromise: undefined,
        staleUntil: 0,
        inflight: undefined,
        forced: undefined,
        lastForcedAt: Number.NEGATIVE_INFINITY,
        nextSeq: 0,
        appliedSeq: 0,
        backgroundFailures: 0,
        changedDuringFlight: false,
        freshEndedInFlight: false,
        refreshTimer: undefined,
        freshTimer: undefined,
        staleTimer: undefined,
        retryTimer: undefined,
        unwatch: undefined,
      };
      this.#entries.set(name, entry);
    }
    return entry;
  }

  #drop(entry: Entry): void {
    this.#clearTimers(entry);
    entry.state = EMPTY;
    entry.value = undefined;
    entry.current = undefined;
    entry.hitPromise = undefined;
    entry.backgroundFailures = 0;
    entry.freshEndedInFlight = false;
    entry.appliedSeq = entry.nextSeq;
    if (entry.unwatch) {
      const unwatch = entry.unwatch;
      entry.unwatch = undefined;
      try {
        unwatch();
      } catch {
        // Stopping a watcher must not fail the caller.
      }
    }
  }

  #forget(entry: Entry): void {
    if (this.#entries.get(entry.name) === entry) this.#entries.delete(entry.name);
  }

  #clearTimers(entry: Entry): void {
    for (const key of ["refreshTimer", "freshTimer", "staleTimer", "retryTimer"] as const) {
      const timer = entry[key];
      if (timer !== undefined) {
        this.#clock.clearTimer(timer);
        entry[key] = undefined;
      }
    }
  }

  #emitHit(entry: Entry): void {
    this.events.emit({
      type: "hit",
      name: entry.name,
      provider: entry.current!.provider,
      stale: entry.state === STALE,
    });
  }

  #await(promise: Promise<SecretValue>, signal: AbortSignal | undefined): Promise<SecretValue> {
    // The caller's abort detaches only this caller; the shared backend call goes on for the others.
    return signal ? raceAbort(promise, signal, this.provider.name) : promise;
  }

  #normalize(thrown: unknown, name: string): SecretProviderError {
    return toSecretProviderError(thrown, {
      provider: this.provider.name,
      secretName: name,
      location: this.provider.describe?.(name),
      code: "TRANSIENT",
      message: `Reading "${name}" failed unexpectedly.`,
      fix: "See `cause`; if it persists, report it with the provider name.",
    });
  }

  #disposedError(name: string): SecretProviderError {
    return new SecretProviderError({
      code: "DISPOSED",
      provider: this.provider.name,
      secretName: name,
      message: `Cannot read "${name}": this cache was disposed.`,
      fix: "Create a new cache (or HfSecrets instance) after dispose().",
    });
  }
}

function noop(): void {}

function invalidOption(option: string, requirement: string): SecretProviderError {
  return new SecretProviderError({
    code: "INVALID_CONFIGURATION",
    provider: "cache",
    message: `The cache option "${option}" ${requirement}.`,
    fix: `Pass a valid "${option}" to cached() or in the config file's "cache" section.`,
  });
}

function positive(value: number | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || Number.isNaN(value) || value <= 0)
    throw invalidOption(option, "must be a number > 0");
  return value;
}

function nonNegative(value: number | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || Number.isNaN(value) || value < 0)
    throw invalidOption(option, "must be a number >= 0");
  return value;
}
