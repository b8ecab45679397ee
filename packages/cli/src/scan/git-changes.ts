import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { type AddedLine, DiffReader } from "./diff-reader.js";

const DIFF_FLAGS = [
  "-U0",
  "--no-color",
  "--no-ext-diff",
  "--no-textconv",
  "--src-prefix=a/",
  "--dst-prefix=b/",
] as const;

/** Which changes to read: every commit of every ref (`git log -p --all`), or the staged changes. */
export type GitChangeSet = "history" | "staged";

/** Lines added by the commits (history) or by the index (staged), with the number of commits read. */
export interface GitChanges {
  readonly lines: AsyncIterable<AddedLine>;
  /** Commits read so far (history). */
  commits(): number;
}

/**
 * Streams the added lines of `git log -p --all` (or `git diff --cached`) from the repository at `cwd`, limited
 * to `pathspecs`. Output is read line by line: memory stays flat however long the history is.
 */
export function gitAddedLines(cwd: string, set: GitChangeSet, pathspecs: readonly string[]): GitChanges {
  const args =
    set === "history"
      ? ["-c", "core.quotePath=false", "log", "-p", "--all", "--format=commit %H", ...DIFF_FLAGS]
      : ["-c", "core.quotePath=false", "diff", "--cached", ...DIFF_FLAGS];
  const reader = new DiffReader();
  async function* lines(): AsyncGenerator<AddedLine> {
    const child = spawn("git", [...args, "--", ...pathspecs], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, GIT_OPTIONAL_LOCKS: "0", GIT_PAGER: "cat" },
    });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      if (stderr.length < 4096) stderr += chunk;
    });
    const closed = new Promise<number | null>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code) => resolve(code));
    });
    const input = createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY });
    try {
      for await (const line of input) {
        const added = reader.push(line);
        if (added) yield added;
      }
    } finally {
      if (child.exitCode === null) child.kill();
    }
    const code = await closed;
    if (code !== 0) throw new Error(`git ${args[2]} failed (exit ${code}): ${stderr.trim()}`);
  }
  return { lines: lines(), commits: () => reader.commits };
}
