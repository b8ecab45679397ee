/** The variables huggingface_hub reads the token from; a Dockerfile must give them no value. */
export const TOKEN_VARIABLES: ReadonlySet<string> = new Set(["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"]);

/** One `ENV` or `ARG` assignment of a Dockerfile, with the position of its value. */
export interface DockerfileAssignment {
  readonly instruction: "ENV" | "ARG";
  readonly key: string;
  /** The value with quotes and escapes removed; `undefined` for an `ARG` without default. */
  readonly value: string | undefined;
  /** 1-based line and column of the value (of the key when there is no value). */
  readonly line: number;
  readonly column: number;
}

const DOCUMENT_EXTENSIONS = [".md", ".txt", ".rst", ".adoc", ".html"];

/** Dockerfile, *.Dockerfile, Dockerfile.*, Containerfile, Containerfile.* (case-insensitive; not `Dockerfile.md`). */
export function isDockerfileName(name: string): boolean {
  const lower = name.toLowerCase();
  if (DOCUMENT_EXTENSIONS.some((ext) => lower.endsWith(ext))) return false;
  return (
    lower === "dockerfile" ||
    lower === "containerfile" ||
    lower.endsWith(".dockerfile") ||
    lower.endsWith(".containerfile") ||
    lower.startsWith("dockerfile.") ||
    lower.startsWith("containerfile.")
  );
}

interface Segment {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

interface Word {
  readonly text: string;
  readonly start: number;
  /** Offset of the first character after the first unquoted `=`, when there is one. */
  readonly valueStart: number | undefined;
  readonly key: string | undefined;
  readonly value: string | undefined;
}

/**
 * Lists the `ENV` and `ARG` assignments of a Dockerfile: joins continuation lines (honouring the `# escape=`
 * directive), skips comments, and reads both `ENV KEY=value ...` and the legacy `ENV KEY value` form, with
 * quotes and escapes handled as Docker does. Positions point at the original lines.
 */
export function parseDockerfileAssignments(text: string): DockerfileAssignment[] {
  const lines = text.split(/\r?\n/);
  const escapeChar = escapeDirective(lines);
  const result: DockerfileAssignment[] = [];
  let index = 0;
  while (index < lines.length) {
    const first = lines[index]!;
    if (first.trim() === "" || first.trimStart().startsWith("#")) {
      index++;
      continue;
    }
    let logical = "";
    const segments: Segment[] = [];
    for (;;) {
      const raw = lines[index]!;
      const trimmedEnd = raw.trimEnd();
      const continued = trimmedEnd.endsWith(escapeChar);
      segments.push({ offset: logical.length, line: index + 1, column: 1 });
      logical += continued ? trimmedEnd.slice(0, -1) : raw;
      index++;
      if (!continued) break;
      while (index < lines.length && lines[index]!.trimStart().startsWith("#")) index++;
      if (index >= lines.length) break;
    }
    const match = /^\s*([A-Za-z]+)\s+/.exec(logical);
    const keyword = match?.[1]?.toUpperCase();
    if (!match || (keyword !== "ENV" && keyword !== "ARG")) continue;
    const words = splitWords(logical, match[0].length, escapeChar);
    const position = (offset: number) => {
      let segment = segments[0]!;
      for (const s of segments) if (s.offset <= offset) segment = s;
      return { line: segment.line, column: offset - segment.offset + segment.column };
    };
    if (keyword === "ENV" && words[0] && words[0].key === undefined) {
      // Legacy form: `ENV KEY the rest of the line is the value`.
      const keyWord = words[0];
      const rest = words.slice(1);
      const value = rest.map((w) => w.text).join(" ");
      const at = position(rest[0]?.start ?? keyWord.start);
      result.push({ instruction: "ENV", key: keyWord.text, value, ...at });
      continue;
    }
    for (const word of words) {
      const key = word.key ?? word.text;
      const at = position(word.valueStart ?? word.start);
      result.push({ instruction: keyword, key, value: word.value, ...at });
    }
  }
  return result;
}

function escapeDirective(lines: readonly string[]): string {
  for (const line of lines) {
    const directive = /^\s*#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$/.exec(line);
    if (!directive) break;
    if (directive[1]!.toLowerCase() === "escape" && (directive[2] === "`" || directive[2] === "\\"))
      return directive[2];
  }
  return "\\";
}

function splitWords(text: string, from: number, escapeChar: string): Word[] {
  const words: Word[] = [];
  let i = from;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    const start = i;
    let out = "";
    let quote: string | undefined;
    let equals: number | undefined;
    let valueStart: number | undefined;
    while (i < text.length) {
      const c = text[i]!;
      if (quote === undefined && /\s/.test(c)) break;
      if (c === escapeChar && quote !== "'" && i + 1 < text.length) {
        out += text[i + 1];
        i += 2;
        continue;
      }
      if ((c === '"' || c === "'") && (quote === undefined || quote === c)) {
        quote = quote === undefined ? c : undefined;
        i++;
        if (valueStart !== undefined && valueStart === i - 1) valueStart = i;
        continue;
      }
      if (c === "=" && quote === undefined && equals === undefined) {
        equals = out.length;
        valueStart = i + 1;
      }
      out += c;
      i++;
    }
    words.push({
      text: out,
      start,
      valueStart,
      key: equals === undefined ? undefined : out.slice(0, equals),
      value: equals === undefined ? undefined : out.slice(equals + 1),
    });
  }
  return words;
}
