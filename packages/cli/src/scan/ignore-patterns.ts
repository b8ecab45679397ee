/** Decides whether a path (relative, with `/`) is left out of a scan. */
export type IgnoreMatcher = (relativePath: string, isDirectory: boolean) => boolean;

/** The ignore file `hf-secrets scan` reads from the working directory. */
export const IGNORE_FILE_NAME = ".hf-secrets-scan-ignore";

interface Rule {
  readonly regex: RegExp;
  readonly negate: boolean;
  readonly directoryOnly: boolean;
}

/**
 * Parses ignore patterns with .gitignore's syntax: one glob per line, `#` comments, `*` (within a folder),
 * `**` (any depth), `?`, `[abc]`, a trailing `/` for folders only, a leading or inner `/` to anchor the pattern
 * at the ignore file's folder (otherwise it matches at any depth), and `!` to take a path back in. A path inside
 * an ignored folder is ignored.
 */
export function parseIgnorePatterns(text: string): IgnoreMatcher {
  const rules: Rule[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    let line = rawLine.replace(/(?<!\\)\s+$/, "");
    if (line === "" || line.startsWith("#")) continue;
    const negate = line.startsWith("!");
    if (negate) line = line.slice(1);
    if (line.startsWith("\\#") || line.startsWith("\\!")) line = line.slice(1);
    const directoryOnly = line.endsWith("/");
    if (directoryOnly) line = line.slice(0, -1);
    const anchored = line.includes("/");
    if (line.startsWith("/")) line = line.slice(1);
    if (line === "") continue;
    const body = globToRegExpSource(line);
    rules.push({ regex: new RegExp(anchored ? `^${body}$` : `^(?:.*/)?${body}$`), negate, directoryOnly });
  }
  const decide = (path: string, isDirectory: boolean): boolean => {
    let ignored = false;
    for (const rule of rules) {
      if (rule.directoryOnly && !isDirectory) continue;
      if (rule.regex.test(path)) ignored = !rule.negate;
    }
    return ignored;
  };
  return (relativePath, isDirectory) => {
    if (rules.length === 0) return false;
    const parts = relativePath.split("/");
    for (let i = 1; i < parts.length; i++) {
      if (decide(parts.slice(0, i).join("/"), true)) return true;
    }
    return decide(relativePath, isDirectory);
  };
}

function globToRegExpSource(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") {
      if (glob[i + 1] === "*") {
        const atStart = i === 0 || glob[i - 1] === "/";
        const atEnd = i + 2 === glob.length || glob[i + 2] === "/";
        if (atStart && atEnd) {
          if (i + 2 === glob.length) {
            out += ".*";
            i += 1;
          } else {
            out += "(?:.*/)?";
            i += 2;
          }
          continue;
        }
        out += "[^/]*";
        i += 1;
        continue;
      }
      out += "[^/]*";
    } else if (c === "?") {
      out += "[^/]";
    } else if (c === "[") {
      const end = glob.indexOf("]", i + 2);
      if (end === -1) {
        out += "\\[";
        continue;
      }
      let set = glob.slice(i + 1, end).replace(/\\/g, "\\\\");
      if (set.startsWith("!")) set = `^${set.slice(1)}`;
      out += `[${set}]`;
      i = end;
    } else if (c === "\\" && i + 1 < glob.length) {
      out += escapeRegExp(glob[i + 1]!);
      i += 1;
    } else {
      out += escapeRegExp(c);
    }
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
