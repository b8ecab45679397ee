import { type FSWatcher, type Stats, type StatWatcher, unwatchFile, watch, watchFile } from "node:fs";
import { basename, dirname, join } from "node:path";
import { type Clock, systemClock, type TimerHandle } from "./clock.js";

/** What {@link watchFiles} needs; tests replace `watch` and `clock`. */
export interface WatchFilesOptions {
  /** Absolute paths of the files to watch; they may be in different folders and may not exist yet. */
  readonly files: readonly string[];
  /** Called (debounced) after any of the files was created, replaced, changed or removed. */
  readonly onChange: () => void;
  /** Quiet time before `onChange`, so a write seen as several events is reported once. Default 30 ms. */
  readonly debounceMs?: number;
  /** Poll interval used when a folder cannot be watched (it does not exist yet). Default 2 000 ms. */
  readonly pollMs?: number;
  /** Timer source. Default the system clock. */
  readonly clock?: Clock;
  /** Replaces `fs.watch` (tests). */
  readonly watch?: (folder: string, listener: (event: string, file: string | null) => void) => FSWatcher;
}

/**
 * Watches the **folders** of `files`, not the files: `hf auth login`/`switch` and editors replace a file (a new
 * inode that a file watch would miss), and huggingface_hub also rewrites it in place with `O_TRUNC` — a folder
 * watch sees both (`rename` and `change` events, filtered by name), and sees a file that did not exist yet (a new
 * `.env.local`). Events are debounced so a truncate-then-write is reported once, after the write. A folder that
 * does not exist yet (before the first login) is polled with `fs.watchFile` instead. Watchers never keep the
 * process alive. Returns the function that stops everything.
 */
export function watchFiles(options: WatchFilesOptions): () => void {
  const clock = options.clock ?? systemClock;
  const debounceMs = options.debounceMs ?? 30;
  const watchFolder = options.watch ?? ((folder, listener) => watch(folder, { persistent: false }, listener));
  let timer: TimerHandle | undefined;
  let stopped = false;
  const watchers: FSWatcher[] = [];
  const polled = new Map<string, (now: Stats, before: Stats) => void>();

  const fire = () => {
    if (stopped) return;
    if (timer !== undefined) clock.clearTimer(timer);
    timer = clock.setTimer(() => {
      timer = undefined;
      if (!stopped) options.onChange();
    }, debounceMs);
  };
  const poll = (folder: string, names: ReadonlySet<string>) => {
    for (const name of names) {
      const file = join(folder, name);
      if (polled.has(file)) continue;
      const listener = (now: Stats, before: Stats) => {
        if (now.mtimeMs !== before.mtimeMs || now.ino !== before.ino || now.size !== before.size) fire();
      };
      polled.set(file, listener);
      const watcher: StatWatcher = watchFile(
        file,
        { persistent: false, interval: options.pollMs ?? 2_000 },
        listener,
      );
      watcher.unref?.();
    }
  };

  const byFolder = new Map<string, Set<string>>();
  for (const file of options.files) {
    const folder = dirname(file);
    const names = byFolder.get(folder) ?? new Set<string>();
    names.add(basename(file));
    byFolder.set(folder, names);
  }
  for (const [folder, names] of byFolder) {
    try {
      const watcher = watchFolder(folder, (_event, file) => {
        // Some platforms omit the name: then any change in the folder counts.
        if (file === null || names.has(typeof file === "string" ? file : String(file))) fire();
      });
      watcher.on("error", () => {
        // The folder went away (or the watch broke): fall back to polling the files.
        watcher.close();
        if (!stopped) poll(folder, names);
      });
      watchers.push(watcher);
    } catch {
      poll(folder, names);
    }
  }

  return () => {
    if (stopped) return;
    stopped = true;
    if (timer !== undefined) clock.clearTimer(timer);
    for (const watcher of watchers) watcher.close();
    for (const [file, listener] of polled) unwatchFile(file, listener);
  };
}
