import { type BackoffOptions, type Clock, fullJitterDelay, type TimerHandle } from "@hf-secrets/core";
import type { WatchLike } from "./options.js";

/** Settings of a {@link SecretWatch}. */
export interface SecretWatchOptions {
  readonly watchApi: WatchLike;
  /** The Secrets collection of the namespace: `/api/v1/namespaces/<ns>/secrets`. */
  readonly path: string;
  readonly secretName: string;
  /** GETs the Secret: its resourceVersion, or `undefined` when it does not exist. Throws on any other failure. */
  readonly relist: () => Promise<string | undefined>;
  /** The resourceVersion the provider last read, to start from without a GET. */
  readonly lastSeen: () => string | undefined;
  /** The Secret changed (or may have: after a gap, on a relist that found another version). */
  readonly onChange: () => void;
  /** A watch attempt failed (it is retried). */
  readonly onError: (error: unknown) => void;
  readonly clock: Clock;
  readonly random: () => number;
  readonly backoff: BackoffOptions;
  /** Server-side lifetime of one watch request, in seconds. */
  readonly timeoutSeconds: number;
}

// A watch that ends this soon without delivering anything counts as a failure (no hot reconnect loop).
const HEALTHY_AFTER_MS = 5_000;
// Beyond timeoutSeconds, how long a silent connection may live before it is presumed dead.
const STALL_GRACE_MS = 30_000;

interface WatchEvent {
  readonly metadata?: { readonly resourceVersion?: unknown };
  readonly code?: unknown;
  readonly message?: unknown;
}

/**
 * One watch on one Secret (`fieldSelector=metadata.name=<name>`), kept alive by its own loop rather than the
 * client's informer, which gives up on errors other than 410:
 *
 * - starts from the resourceVersion the provider last read (no extra GET), else GETs first;
 * - ADDED, MODIFIED and DELETED call `onChange`; BOOKMARKs only advance the resourceVersion;
 * - 410 Gone (as an ERROR event or a status) → GET again (relist) and resume from there, calling `onChange`
 *   if the version moved while the watch was down;
 * - a normal end (server `timeoutSeconds`) → resume at once from the last resourceVersion;
 * - any other failure (network, 401/403, 429, 5xx, the server restarting) → `onError`, then resume after a
 *   full-jitter exponential backoff; a connection silent past `timeoutSeconds` + 30 s is dropped and resumed.
 */
export class SecretWatch {
  readonly #options: SecretWatchOptions;
  #resourceVersion: string | undefined;
  /** After 410 Gone: the version the relist found (and reported); the next watch replays it as ADDED. */
  #relisted: string | undefined;
  #generation = 0;
  #failures = 0;
  #stopped = false;
  #controller: { abort(): void } | undefined;
  #retryTimer: TimerHandle | undefined;
  #stallTimer: TimerHandle | undefined;

  constructor(options: SecretWatchOptions) {
    this.#options = options;
  }

  /** Starts the loop. */
  start(): void {
    this.#resourceVersion = this.#options.lastSeen();
    if (this.#resourceVersion === undefined) void this.#relist(false);
    else void this.#open();
  }

  /** Stops the loop and closes the connection. Idempotent. */
  stop(): void {
    this.#stopped = true;
    this.#generation++;
    this.#clearTimers();
    this.#abort();
  }

  /** The resourceVersion the next watch request resumes from (tests and diagnostics). */
  get resourceVersion(): string | undefined {
    return this.#resourceVersion;
  }

  /** GETs the Secret and resumes watching from its resourceVersion; `notify` when a change may have been missed. */
  async #relist(notify: boolean, afterGone = false): Promise<void> {
    if (this.#stopped) return;
    const generation = ++this.#generation;
    let version: string | undefined;
    try {
      version = await this.#options.relist();
    } catch (error) {
      if (generation !== this.#generation || this.#stopped) return;
      this.#failures++;
      this.#options.onError(error);
      this.#schedule(() => this.#relist(true));
      return;
    }
    if (generation !== this.#generation || this.#stopped) return;
    const changed = version !== this.#resourceVersion;
    // After 410 Gone the Secret's own resourceVersion can be older than the server's watch window (it is after an
    // API server restart, when the Secret has not changed since): watching from it would get 410 again, in a loop.
    // Watch from "now" instead: the server first sends the Secret as ADDED, so no change is missed.
    this.#resourceVersion = afterGone ? undefined : version;
    this.#relisted = afterGone ? version : undefined;
    if (notify && changed) this.#notify();
    void this.#open();
  }

  async #open(): Promise<void> {
    if (this.#stopped) return;
    const generation = ++this.#generation;
    const openedAt = this.#options.clock.now();
    let delivered = false;
    const query: Record<string, string | number | boolean | undefined> = {
      fieldSelector: `metadata.name=${this.#options.secretName}`,
      allowWatchBookmarks: true,
      timeoutSeconds: this.#options.timeoutSeconds,
      resourceVersion: this.#resourceVersion,
    };
    this.#armStallTimer(generation);
    const onEvent = (type: string, object: unknown) => {
      if (generation !== this.#generation || this.#stopped) return;
      delivered = true;
      this.#armStallTimer(generation);
      this.#onEvent(type, object as WatchEvent | undefined);
    };
    const onDone = (error: unknown) => {
      if (generation !== this.#generation || this.#stopped) return;
      this.#onDone(error, delivered, this.#options.clock.now() - openedAt);
    };
    try {
      const controller = await this.#options.watchApi.watch(this.#options.path, query, onEvent, onDone);
      if (generation !== this.#generation || this.#stopped) {
        controller.abort();
        return;
      }
      this.#controller = controller;
    } catch (error) {
      onDone(error ?? new Error("watch failed"));
    }
  }

  #onEvent(type: string, object: WatchEvent | undefined): void {
    const version = object?.metadata?.resourceVersion;
    switch (type) {
      case "ADDED":
      case "MODIFIED":
      case "DELETED": {
        this.#failures = 0;
        if (typeof version === "string") this.#resourceVersion = version;
        // A watch from "now" starts with the Secret as ADDED: the relist already reported that version.
        const replayed = type === "ADDED" && version === this.#relisted;
        this.#relisted = undefined;
        if (!replayed) this.#notify();
        return;
      }
      case "BOOKMARK":
        this.#failures = 0;
        if (typeof version === "string") this.#resourceVersion = version;
        return;
      case "ERROR":
        this.#generation++;
        this.#abort();
        if (object?.code === 410) {
          void this.#relist(true, true);
        } else {
          this.#failures++;
          this.#options.onError(
            Object.assign(new Error(String(object?.message ?? "watch error")), { statusCode: object?.code }),
          );
          this.#schedule(() => this.#open());
        }
        return;
      default:
        return;
    }
  }

  #onDone(error: unknown, delivered: boolean, lifetimeMs: number): void {
    this.#generation++;
    this.#controller = undefined;
    this.#clearStallTimer();
    if ((error as { statusCode?: unknown } | null | undefined)?.statusCode === 410) {
      void this.#relist(true, true);
      return;
    }
    // client-node 2.x ends a watch that was silent for 30 s with a TimeoutError: a normal end, not a fault.
    const normalEnd =
      error === null || error === undefined || (error as { name?: unknown }).name === "TimeoutError";
    if (normalEnd) {
      if (delivered || lifetimeMs >= HEALTHY_AFTER_MS) {
        this.#failures = 0;
        void this.#open();
        return;
      }
      this.#failures++;
      this.#schedule(() => this.#open());
      return;
    }
    this.#failures++;
    this.#options.onError(error);
    this.#schedule(() => this.#open());
  }

  #schedule(next: () => Promise<void>): void {
    if (this.#stopped) return;
    const delay = fullJitterDelay(
      Math.max(0, this.#failures - 1),
      this.#options.backoff,
      this.#options.random,
    );
    if (this.#retryTimer) this.#options.clock.clearTimer(this.#retryTimer);
    this.#retryTimer = this.#options.clock.setTimer(() => {
      this.#retryTimer = undefined;
      void next();
    }, delay);
  }

  #notify(): void {
    try {
      this.#options.onChange();
    } catch {
      // A subscriber's failure must not end the watch.
    }
  }

  #armStallTimer(generation: number): void {
    this.#clearStallTimer();
    this.#stallTimer = this.#options.clock.setTimer(
      () => {
        this.#stallTimer = undefined;
        if (generation !== this.#generation || this.#stopped) return;
        this.#generation++;
        this.#abort();
        void this.#open();
      },
      this.#options.timeoutSeconds * 1000 + STALL_GRACE_MS,
    );
  }

  #abort(): void {
    const controller = this.#controller;
    this.#controller = undefined;
    try {
      controller?.abort();
    } catch {
      // Aborting an already finished request is harmless.
    }
  }

  #clearStallTimer(): void {
    if (this.#stallTimer) this.#options.clock.clearTimer(this.#stallTimer);
    this.#stallTimer = undefined;
  }

  #clearTimers(): void {
    this.#clearStallTimer();
    if (this.#retryTimer) this.#options.clock.clearTimer(this.#retryTimer);
    this.#retryTimer = undefined;
  }
}
