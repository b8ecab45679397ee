import { execFile } from "node:child_process";
import { basename, dirname } from "node:path";

/** What `git check-ignore` says about a file. */
export type GitIgnoreStatus = "ignored" | "not-ignored" | "unknown";

/**
 * Asks git whether `file` is ignored in its work tree: `git check-ignore -q` exits 0 when ignored, 1 when not
 * (also for a tracked file: it is committed), 128 outside a work tree. No git installed, not a repository, an
 * error or a timeout → `unknown` (no warning is raised on a guess). Runs `git` through `execFile` (no shell),
 * in the file's folder.
 */
export function gitIgnoreStatus(
  file: string,
  options: { timeoutMs?: number } = {},
): Promise<GitIgnoreStatus> {
  return new Promise((resolve) => {
    try {
      execFile(
        "git",
        ["check-ignore", "-q", "--", basename(file)],
        { cwd: dirname(file), timeout: options.timeoutMs ?? 2_000, windowsHide: true },
        (error) => {
          if (error === null) resolve("ignored");
          else resolve((error as { code?: unknown }).code === 1 ? "not-ignored" : "unknown");
        },
      );
    } catch {
      resolve("unknown");
    }
  });
}
