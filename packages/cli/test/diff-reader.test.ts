import { describe, expect, it } from "vitest";
import { DiffReader } from "../src/scan/diff-reader.js";

const read = (text: string) => {
  const reader = new DiffReader();
  const added = text
    .split("\n")
    .map((line) => reader.push(line))
    .filter((a) => a !== undefined);
  return { added, commits: reader.commits };
};

describe("DiffReader", () => {
  it("returns added lines with commit, path and new line numbers; skips removed and deleted files", () => {
    const diff = [
      "commit 1111111111111111111111111111111111111111",
      "",
      "diff --git a/src/a.ts b/src/a.ts",
      "index 1..2 100644",
      "--- a/src/a.ts",
      "+++ b/src/a.ts",
      "@@ -3,2 +3,3 @@ function x() {",
      "-old",
      "-old2",
      "+new3",
      "++++ looks like a header",
      "+commit 2222222222222222222222222222222222222222",
      "@@ -10 +11 @@",
      "-x",
      "+y",
      "diff --git a/gone.txt b/gone.txt",
      "deleted file mode 100644",
      "--- a/gone.txt",
      "+++ /dev/null",
      "@@ -1 +0,0 @@",
      "-bye",
      "commit 3333333333333333333333333333333333333333",
      "",
      'diff --git "a/caf\\303\\251 \\"q\\".txt" "b/caf\\303\\251 \\"q\\".txt"',
      "new file mode 100644",
      "--- /dev/null",
      '+++ "b/caf\\303\\251 \\"q\\".txt"',
      "@@ -0,0 +1,2 @@",
      "+first",
      "+second",
      "\\ No newline at end of file",
    ].join("\n");
    const { added, commits } = read(diff);
    expect(commits).toBe(2);
    expect(added).toEqual([
      { commit: "1".repeat(40), path: "src/a.ts", line: 3, text: "new3" },
      { commit: "1".repeat(40), path: "src/a.ts", line: 4, text: "+++ looks like a header" },
      {
        commit: "1".repeat(40),
        path: "src/a.ts",
        line: 5,
        text: "commit 2222222222222222222222222222222222222222",
      },
      { commit: "1".repeat(40), path: "src/a.ts", line: 11, text: "y" },
      { commit: "3".repeat(40), path: 'café "q".txt', line: 1, text: "first" },
      { commit: "3".repeat(40), path: 'café "q".txt', line: 2, text: "second" },
    ]);
  });

  it("reads git diff output without commits", () => {
    const { added } = read(["diff --git a/x b/x", "--- a/x", "+++ b/x", "@@ -0,0 +7 @@", "+z"].join("\n"));
    expect(added).toEqual([{ commit: undefined, path: "x", line: 7, text: "z" }]);
  });
});
