import { execFile } from "node:child_process";
import { basename, dirname } from "node:path";

/** The result of a git command that may fail (no repository, git not installed). */
export interface GitResult {
  /** Exit code; `undefined` when git could not be started. */
  readonly code: number | undefined;
  readonly stdout: string;
}

/** Runs git in `cwd` and resolves with its exit code and output (never rejects). */
export function runGit(args: readonly string[], cwd: string): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile(
      "git",
      [...args],
      { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, GIT_OPTIONAL_LOCKS: "0" } },
      (error, stdout) => {
        if (!error) return resolve({ code: 0, stdout });
        const code = (error as { code?: unknown }).code;
        resolve({ code: typeof code === "number" ? code : undefined, stdout: String(stdout ?? "") });
      },
    );
  });
}

/** How git treats a file: ignored, tracked (committed), neither, or no repository around it. */
export type GitFileStatus = "ignored" | "tracked" | "not-ignored" | "no-repository";

/** Asks git (`git check-ignore`, `git ls-files`) whether `file` is ignored or committed. */
export async function gitFileStatus(file: string): Promise<GitFileStatus> {
  const cwd = dirname(file);
  const name = basename(file);
  const ignored = await runGit(["check-ignore", "-q", "--", name], cwd);
  if (ignored.code === 0) return "ignored";
  if (ignored.code !== 1) return "no-repository";
  const tracked = await runGit(["ls-files", "--error-unmatch", "--", name], cwd);
  return tracked.code === 0 ? "tracked" : "not-ignored";
}

/** The top folder of the git work tree that contains `cwd`, if any. */
export async function gitTopLevel(cwd: string): Promise<string | undefined> {
  const result = await runGit(["rev-parse", "--show-toplevel"], cwd);
  return result.code === 0 ? result.stdout.trim() : undefined;
}
