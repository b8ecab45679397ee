import { readFile, stat } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { isEnvFileName } from "../files/env-file.js";
import { gitFileStatus, gitTopLevel } from "../files/git.js";
import { DEFAULT_SKIPPED_DIRS, walkFiles } from "../files/walk-files.js";
import { UsageError } from "../usage-error.js";
import type { ScanFinding, ScanResult } from "./finding.js";
import { gitAddedLines } from "./git-changes.js";
import { IGNORE_FILE_NAME, type IgnoreMatcher, parseIgnorePatterns } from "./ignore-patterns.js";
import { scanText } from "./scan-text.js";

/** Files larger than this are not read (5 MiB): tokens live in source and config, not in data dumps. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

/** Options of {@link scanForTokens}. */
export interface ScanOptions {
  /** Files and folders to scan; default the working directory. */
  readonly paths?: readonly string[];
  /** The working directory: paths are relative to it, and the ignore file is read from it. */
  readonly cwd: string;
  /** Also scan every commit of the repository (`git log -p --all`). */
  readonly gitHistory?: boolean;
  /** Scan the staged changes (`git diff --cached`) instead of the files (for a pre-commit hook). */
  readonly staged?: boolean;
  /** Ignore file; default `.hf-secrets-scan-ignore` in `cwd` when it exists. */
  readonly ignoreFile?: string;
  /** Larger files are skipped; default {@link MAX_FILE_BYTES}. */
  readonly maxFileBytes?: number;
}

const CONCURRENCY = 16;

/**
 * Scans files (and optionally the git history or the staged changes) for hardcoded Hugging Face tokens. Skips
 * `node_modules`, `.git`, `dist`, binary files, files over 5 MiB, paths in the ignore file, lines marked
 * `hf-secrets-scan:ignore`, and .env files that git ignores. Throws {@link UsageError} for a missing path or a
 * git option outside a repository.
 */
export async function scanForTokens(options: ScanOptions): Promise<ScanResult> {
  const started = performance.now();
  const cwd = options.cwd;
  const isIgnored = await loadIgnoreFile(cwd, options.ignoreFile);
  const maxFileBytes = options.maxFileBytes ?? MAX_FILE_BYTES;
  const roots = (options.paths?.length ? options.paths : ["."]).map((p) => resolve(cwd, p));
  const toRelative = (path: string) => relative(cwd, path).split(sep).join("/") || ".";
  for (const root of roots) {
    await stat(root).catch(() => {
      throw new UsageError(`${toRelative(root)}: no such file or folder.`);
    });
  }
  const findings: ScanFinding[] = [];
  let filesScanned = 0;
  let filesSkipped = 0;
  let commitsScanned = 0;

  const scanFile = async (path: string) => {
    const relativePath = toRelative(path);
    const name = relativePath.slice(relativePath.lastIndexOf("/") + 1);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile() || info.size > maxFileBytes) {
      filesSkipped++;
      return;
    }
    let unignoredEnvNote: string | undefined;
    if (isEnvFileName(name)) {
      const status = await gitFileStatus(path);
      if (status === "ignored") {
        filesSkipped++;
        return;
      }
      if (status === "tracked") unignoredEnvNote = "this .env file is committed to git";
      if (status === "not-ignored") unignoredEnvNote = "this .env file is not git-ignored";
    }
    const buffer = await readFile(path).catch(() => undefined);
    if (!buffer || buffer.subarray(0, 8000).includes(0)) {
      filesSkipped++;
      return;
    }
    filesScanned++;
    findings.push(
      ...scanText(buffer.toString("utf8"), { path: relativePath, source: "file", unignoredEnvNote }),
    );
  };

  if (!options.staged) {
    const queue: string[] = [];
    const running = new Set<Promise<void>>();
    const drain = async (limit: number) => {
      while (running.size > limit) await Promise.race(running);
    };
    const schedule = async (path: string) => {
      const task: Promise<void> = scanFile(path).finally(() => running.delete(task));
      running.add(task);
      await drain(CONCURRENCY - 1);
    };
    for (const root of roots) {
      const info = await stat(root);
      if (info.isFile()) {
        if (!isIgnored(toRelative(root), false)) await schedule(root);
        continue;
      }
      for await (const file of walkFiles(root, { base: cwd, isIgnored })) queue.push(file.path);
      for (const path of queue.splice(0)) await schedule(path);
    }
    await drain(0);
  }

  if (options.gitHistory || options.staged) {
    const top = await gitTopLevel(cwd);
    if (!top) {
      throw new UsageError(
        `${options.staged ? "--staged" : "--git-history"} needs a git repository, and ${cwd} is not in one.`,
      );
    }
    const pathspecs = roots.map((root) => relative(cwd, root) || ".");
    const sets = [
      ...(options.staged ? (["staged"] as const) : []),
      ...(options.gitHistory ? (["history"] as const) : []),
    ];
    for (const set of sets) {
      const changes = gitAddedLines(cwd, set, pathspecs);
      const files = new Set<string>();
      for await (const added of changes.lines) {
        const path = toRelative(resolve(top, added.path));
        if (skippedPath(path) || isIgnored(path, false)) continue;
        files.add(`${added.commit ?? ""}:${path}`);
        const name = path.slice(path.lastIndexOf("/") + 1);
        findings.push(
          ...scanText(added.text, {
            path,
            source: set,
            commit: added.commit,
            firstLine: added.line,
            unignoredEnvNote: isEnvFileName(name)
              ? set === "history"
                ? "this .env file was committed"
                : "this .env file is staged for commit"
              : undefined,
          }),
        );
      }
      filesScanned += files.size;
      commitsScanned += changes.commits();
    }
  }

  const order = { file: 0, staged: 1, history: 2 } as const;
  findings.sort(
    (a, b) =>
      order[a.source] - order[b.source] ||
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
      a.line - b.line ||
      a.column - b.column ||
      (a.commit ?? "").localeCompare(b.commit ?? ""),
  );
  return {
    findings,
    filesScanned,
    filesSkipped,
    commitsScanned,
    durationMs: Math.round(performance.now() - started),
  };
}

function skippedPath(path: string): boolean {
  return path.split("/").some((part) => DEFAULT_SKIPPED_DIRS.has(part));
}

async function loadIgnoreFile(cwd: string, file: string | undefined): Promise<IgnoreMatcher> {
  const path =
    file === undefined ? resolve(cwd, IGNORE_FILE_NAME) : isAbsolute(file) ? file : resolve(cwd, file);
  try {
    return parseIgnorePatterns(await readFile(path, "utf8"));
  } catch (error) {
    if (file !== undefined)
      throw new UsageError(`Cannot read the ignore file ${file}: ${(error as Error).message}`);
    return () => false;
  }
}
