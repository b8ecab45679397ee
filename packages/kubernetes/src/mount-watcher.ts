import { type FSWatcher, watch as fsWatch } from "node:fs";
import type { Clock, TimerHandle } from "@hf-secrets/core";

/** kubelet's link to the current data folder; its atomic replacement is the one event that matters. */
export const DATA_LINK = "..data";

/** `fs.watch` as this module calls it (tests may pass their own). */
export type WatchFunction = (
  path: string,
  options: { persistent: boolean },
  listener: (eventType: string, filename: string | null) => void,
) => FSWatcher;

/** Settings of a {@link MountWatcher}. */
export interface MountWatcherOptions {
  readonly mountPath: string;
  readonly clock: Clock;
  /** Notify this long after the first event of a burst. */
  readonly debounceMs: number;
  /** Re-arm a missing or failed watch after this long. */
  readonly retryMs: number;
  readonly watch?: WatchFunction;
}

interface Subscriber {
  /** The first path element of the watched key (its top-level entry in the mount). */
  readonly entry: string;
  readonly onChange: () => void;
  pending: boolean;
}

/**
 * One `fs.watch` on a mount FOLDER shared by every watched key. kubelet never writes a key's file in place: it
 * writes a new timestamped folder, points `..data_tmp` at it and renames that over `..data`, so a watch on a
 * file would keep pointing at the old, deleted inode. Here a rename of `..data` notifies every subscriber; an
 * event on a key's own entry (a plain folder written by hand) notifies that key's subscribers. Notifications
 * are debounced (one per burst, at a bounded delay after its first event). A folder that is missing, or whose
 * watch fails, is watched again after `retryMs`, and everyone is notified then (a change may have been
 * missed). Timers and the watch never keep the process alive.
 */
export class MountWatcher {
  readonly #options: MountWatcherOptions;
  readonly #subscribers = new Set<Subscriber>();
  #watcher: FSWatcher | undefined;
  #debounce: TimerHandle | undefined;
  #retry: TimerHandle | undefined;
  #failed = false;
  #closed = false;

  constructor(options: MountWatcherOptions) {
    this.#options = options;
  }

  /** Calls `onChange` when the key whose top-level entry is `entry` may have changed. Returns the stop function. */
  subscribe(entry: string, onChange: () => void): () => void {
    const subscriber: Subscriber = { entry, onChange, pending: false };
    this.#subscribers.add(subscriber);
    this.#arm();
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      this.#subscribers.delete(subscriber);
      if (this.#subscribers.size === 0) this.#release();
    };
  }

  /** True while an `fs.watch` is open (for tests and diagnostics). */
  get active(): boolean {
    return this.#watcher !== undefined;
  }

  /** Stops watching for good. Idempotent. */
  close(): void {
    this.#closed = true;
    this.#subscribers.clear();
    this.#release();
  }

  #arm(): void {
    if (this.#closed || this.#watcher || this.#retry || this.#subscribers.size === 0) return;
    const watch = this.#options.watch ?? (fsWatch as WatchFunction);
    try {
      const watcher = watch(this.#options.mountPath, { persistent: false }, (_event, filename) =>
        this.#onEvent(filename === null || filename === undefined ? null : String(filename)),
      );
      watcher.on("error", () => {
        if (this.#watcher !== watcher) return;
        this.#closeWatcher();
        this.#fail();
      });
      this.#watcher = watcher;
      if (this.#failed) {
        this.#failed = false;
        this.#onEvent(null);
      }
    } catch {
      this.#fail();
    }
  }

  #fail(): void {
    this.#failed = true;
    if (this.#closed || this.#retry) return;
    this.#retry = this.#options.clock.setTimer(() => {
      this.#retry = undefined;
      this.#arm();
    }, this.#options.retryMs);
  }

  #onEvent(filename: string | null): void {
    let any = false;
    for (const subscriber of this.#subscribers) {
      if (filename === null || filename === DATA_LINK || filename === subscriber.entry) {
        subscriber.pending = true;
        any = true;
      }
    }
    if (any && this.#debounce === undefined) {
      this.#debounce = this.#options.clock.setTimer(() => this.#flush(), this.#options.debounceMs);
    }
  }

  #flush(): void {
    this.#debounce = undefined;
    for (const subscriber of [...this.#subscribers]) {
      if (!subscriber.pending) continue;
      subscriber.pending = false;
      try {
        subscriber.onChange();
      } catch {
        // A subscriber's failure must not stop the others from being told.
      }
    }
  }

  #closeWatcher(): void {
    const watcher = this.#watcher;
    this.#watcher = undefined;
    try {
      watcher?.close();
    } catch {
      // Closing a watcher whose folder vanished may throw; it is gone either way.
    }
  }

  #release(): void {
    this.#closeWatcher();
    if (this.#debounce) this.#options.clock.clearTimer(this.#debounce);
    if (this.#retry) this.#options.clock.clearTimer(this.#retry);
    this.#debounce = undefined;
    this.#retry = undefined;
    this.#failed = false;
  }
}
