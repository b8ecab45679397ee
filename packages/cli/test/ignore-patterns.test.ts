import { describe, expect, it } from "vitest";
import { parseIgnorePatterns } from "../src/index.js";

describe("parseIgnorePatterns (.gitignore syntax)", () => {
  const ignored = parseIgnorePatterns(
    [
      "# comment",
      "",
      "*.snap",
      "fixtures/",
      "/root-only.txt",
      "docs/**/generated-*.md",
      "build/*.log",
      "!keep.snap",
      "file?.txt",
      "[ab]x.txt",
    ].join("\n"),
  );

  it("matches names at any depth unless anchored", () => {
    expect(ignored("a.snap", false)).toBe(true);
    expect(ignored("deep/er/a.snap", false)).toBe(true);
    expect(ignored("root-only.txt", false)).toBe(true);
    expect(ignored("sub/root-only.txt", false)).toBe(false);
    expect(ignored("build/x.log", false)).toBe(true);
    expect(ignored("other/build/x.log", false)).toBe(false);
  });

  it("treats a trailing slash as folders only, and ignores everything inside an ignored folder", () => {
    expect(ignored("fixtures", true)).toBe(true);
    expect(ignored("fixtures", false)).toBe(false);
    expect(ignored("test/fixtures/a/b.ts", false)).toBe(true);
  });

  it("supports **, ?, character classes and negation (last match wins)", () => {
    expect(ignored("docs/generated-a.md", false)).toBe(true);
    expect(ignored("docs/x/y/generated-b.md", false)).toBe(true);
    expect(ignored("docs/x/other.md", false)).toBe(false);
    expect(ignored("file1.txt", false)).toBe(true);
    expect(ignored("file12.txt", false)).toBe(false);
    expect(ignored("ax.txt", false)).toBe(true);
    expect(ignored("cx.txt", false)).toBe(false);
    expect(ignored("keep.snap", false)).toBe(false);
    expect(ignored("sub/keep.snap", false)).toBe(false);
  });

  it("ignores nothing when the file is empty", () => {
    expect(parseIgnorePatterns("\n# only comments\n")("anything", false)).toBe(false);
  });
});
