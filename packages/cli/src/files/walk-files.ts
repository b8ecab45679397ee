import { readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";

/** Folders no scan enters: dependencies, git's own data, build output. */
export const DEFAULT_SKIPPED_DIRS: ReadonlySet<string> = new Set(["node_modules", ".git", "dist"]);

/** Options of {@link walkFiles}. */
export interface WalkOptions {
  /** Folder names never entered; default {@link DEFAULT_SKIPPED_DIRS}. */
  readonly skipDirs?: ReadonlySet<string>;
  /** Paths (relative to `base`, with `/`) to leave out; a left-out folder is not entered. */
  readonly isIgnored?: (relativePath: string, isDirectory: boolean) => boolean;
  /** What relative paths are relative to; default the root. */
  readonly base?: string;
  /** How deep to go below the root (the root's own files are depth 0); default unlimited. */
  readonly maxDepth?: number;
  /** Stop after this many directory entries (a bound for reports that look around); default unlimited. */
  readonly maxEntries?: number;
}

/** A regular file found by {@link walkFiles}. */
export interface WalkedFile {
  readonly path: string;
  /** Relative to `options.base`, with `/` separators. */
  readonly relativePath: string;
  readonly name: string;
}

/**
 * Lists the regular files under `root`, depth first in name order, without following symbolic links (a link
 * can point outside the project or into a loop) and without entering skipped or ignored folders.
 */
export async function* walkFiles(root: string, options: WalkOptions = {}): AsyncGenerator<WalkedFile> {
  const skipDirs = options.skipDirs ?? DEFAULT_SKIPPED_DIRS;
  const base = options.base ?? root;
  const maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;
  let budget = options.maxEntries ?? Number.POSITIVE_INFINITY;
  const toRelative = (path: string) => relative(base, path).split(sep).join("/");
  const stack: Array<{ dir: string; depth: number }> = [{ dir: root, depth: 0 }];
  while (stack.length > 0) {
    const { dir, depth } = stack.pop()!;
    let entries: import("node:fs").Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    for (const entry of entries) {
      if (--budget < 0) return;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (skipDirs.has(entry.name) || depth + 1 > maxDepth) continue;
        if (options.isIgnored?.(toRelative(path), true)) continue;
        subdirs.push(path);
      } else if (entry.isFile()) {
        const relativePath = toRelative(path);
        if (options.isIgnored?.(relativePath, false)) continue;
        yield { path, relativePath, name: entry.name };
      }
    }
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push({ dir: subdirs[i]!, depth: depth + 1 });
  }
}
