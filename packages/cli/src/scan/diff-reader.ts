/** A line that a commit (or the index) adds, read from a unified diff. */
export interface AddedLine {
  /** The commit, for `git log -p`; `undefined` for `git diff`. */
  readonly commit: string | undefined;
  /** Path in the repository, with `/`. */
  readonly path: string;
  /** 1-based line number in the new version of the file. */
  readonly line: number;
  readonly text: string;
}

/**
 * Reads `git log -p --format="commit %H"` or `git diff` output one line at a time and returns the added lines
 * with their file and line number. Hunk lengths from the `@@` headers tell content from headers, so an added
 * line that itself starts with `+++` or `commit` is read as content.
 */
export class DiffReader {
  #commit: string | undefined;
  #path: string | undefined;
  #newLine = 0;
  #oldLeft = 0;
  #newLeft = 0;
  #commits = 0;

  /** Number of `commit` headers read so far. */
  get commits(): number {
    return this.#commits;
  }

  /** Feeds one line (without its newline); returns it when it is an added line of a file. */
  push(line: string): AddedLine | undefined {
    if (this.#oldLeft > 0 || this.#newLeft > 0) {
      const marker = line[0];
      if (marker === "+" && this.#newLeft > 0) {
        this.#newLeft--;
        const added = this.#path
          ? { commit: this.#commit, path: this.#path, line: this.#newLine, text: line.slice(1) }
          : undefined;
        this.#newLine++;
        return added;
      }
      if (marker === "-" && this.#oldLeft > 0) {
        this.#oldLeft--;
        return undefined;
      }
      if (marker === " " && this.#oldLeft > 0 && this.#newLeft > 0) {
        this.#oldLeft--;
        this.#newLeft--;
        this.#newLine++;
        return undefined;
      }
      if (marker === "\\") return undefined;
      this.#oldLeft = 0;
      this.#newLeft = 0;
    }
    if (line.startsWith("commit ")) {
      const sha = /^commit ([0-9a-f]{7,64})\b/.exec(line)?.[1];
      if (sha) {
        this.#commit = sha;
        this.#path = undefined;
        this.#commits++;
      }
    } else if (line.startsWith("diff --git ")) {
      this.#path = undefined;
    } else if (line.startsWith("+++ ")) {
      this.#path = parseDiffPath(line.slice(4));
    } else if (line.startsWith("@@ ")) {
      const hunk = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
      if (hunk) {
        this.#oldLeft = hunk[1] === undefined ? 1 : Number(hunk[1]);
        this.#newLine = Number(hunk[2]);
        this.#newLeft = hunk[3] === undefined ? 1 : Number(hunk[3]);
      }
    }
    return undefined;
  }
}

/** `b/src/a.ts` → `src/a.ts`; `/dev/null` → undefined; C-quoted paths are unquoted. */
function parseDiffPath(raw: string): string | undefined {
  let path = raw.replace(/\t$/, "");
  if (path.startsWith('"')) path = unquoteC(path);
  if (path === "/dev/null") return undefined;
  return path.startsWith("b/") ? path.slice(2) : path;
}

const C_ESCAPES: Readonly<Record<string, number>> = {
  a: 7,
  b: 8,
  t: 9,
  n: 10,
  v: 11,
  f: 12,
  r: 13,
  '"': 34,
  "\\": 92,
};

function unquoteC(quoted: string): string {
  const bytes: number[] = [];
  const body = quoted.slice(1, quoted.endsWith('"') ? -1 : undefined);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== "\\") {
      bytes.push(...Buffer.from(c, "utf8"));
      continue;
    }
    const next = body[i + 1] ?? "";
    const octal = /^[0-7]{3}/.exec(body.slice(i + 1, i + 4))?.[0];
    if (octal) {
      bytes.push(Number.parseInt(octal, 8));
      i += 3;
    } else {
      bytes.push(C_ESCAPES[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString("utf8");
}
