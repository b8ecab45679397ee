import { pythonStrip } from "@hf-secrets/core";

/**
 * A `stored_tokens` file that Python's configparser rejects. huggingface_hub then reads the whole file as empty
 * (`{}`); hf-secrets reports the first problem instead. The message names the line and never quotes the file.
 */
export class StoredTokensSyntaxError extends Error {
  /** 1-based line number of the problem. */
  readonly line: number;
  /** What is wrong with that line, without its content. */
  readonly problem: string;

  /**
   * @param line - 1-based line number.
   * @param problem - what is wrong, without quoting the line.
   */
  constructor(line: number, problem: string) {
    super(`line ${line}: ${problem}`);
    this.name = "StoredTokensSyntaxError";
    this.line = line;
    this.problem = problem;
  }
}

/** A parsed INI file, queried like `configparser`: sections in file order, values with `[DEFAULT]` inherited. */
export interface ParsedIni {
  /** Section names in file order (case-sensitive, unstripped); `[DEFAULT]` is not listed. */
  readonly sections: readonly string[];
  /** A section's value for `key` (lower-cased like configparser's keys), else `[DEFAULT]`'s, else `undefined`. */
  get(section: string, key: string): string | undefined;
}

const DEFAULT_SECTION = "DEFAULT";
/** Index used for `[DEFAULT]` in option keys. */
const DEFAULTS = "D";

/**
 * Reads INI text the way huggingface_hub reads `stored_tokens`: `configparser.ConfigParser(interpolation=None)`
 * with default options, as in CPython 3.11 `RawConfigParser._read` (configparser.py:1012-1145). There is no
 * well-kept JavaScript port of configparser's semantics (the npm INI readers differ on continuation lines,
 * `:` delimiters, case-folded keys, `[DEFAULT]` inheritance and duplicate handling), so this small reader is
 * ours, line for line:
 *
 * - `#` / `;` at the start of a (stripped) line is a comment; there are no inline comments;
 * - `[name]` (greedy up to the last `]`, name kept as written) starts a section; `[DEFAULT]` holds defaults;
 * - `key = value` or `key: value` (first `=` or `:`), key lower-cased, both sides stripped of Python whitespace;
 * - a line indented deeper than its option's line continues the value; blank lines inside a value are kept;
 *   values are joined with `\n` and right-stripped;
 * - a key before any section, a line without `=`/`:`, an empty key, a repeated section or a repeated key in one
 *   section are errors ({@link StoredTokensSyntaxError}, where Python's configparser raises and
 *   huggingface_hub returns `{}`).
 *
 * The text must already have universal newlines (`\r\n` and `\r` turned into `\n`). Names live in `Map`s
 * only, so a section or key named `__proto__` is an ordinary entry. Linear in the input size, with one flat
 * map for all options (a map per section made a file of 100 000 empty sections slow).
 */
export function parseIni(text: string): ParsedIni {
  const sectionIndex = new Map<string, number>();
  const sections: string[] = [];
  const sectionLines: number[] = [];
  // `${section index or D}:${key}` → the value's lines; unambiguous since a key never contains `:` or `=`.
  const options = new Map<string, { readonly line: number; readonly parts: string[] }>();
  const lines = text.split("\n");
  // Python iterates "a\n" as one line: the empty string after a final newline is not a line.
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();

  let section: string | undefined;
  let option: string[] | undefined;
  let indentLevel = 0;

  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const lineNumber = index + 1;
    const stripped = pythonStrip(line);
    const comment = stripped.startsWith("#") || stripped.startsWith(";");
    if (comment || stripped === "") {
      // configparser keeps blank lines inside a value (empty_lines_in_values=True), but not comment lines.
      if (!comment && option !== undefined) option.push("");
      continue;
    }
    const indent = firstNonSpace(line);
    if (option !== undefined && indent > indentLevel) {
      option.push(stripped);
      continue;
    }
    indentLevel = indent;
    const close = stripped.startsWith("[") ? stripped.lastIndexOf("]") : -1;
    if (close >= 2) {
      const name = stripped.slice(1, close);
      const earlier = sectionIndex.get(name);
      if (earlier !== undefined) {
        throw new StoredTokensSyntaxError(
          lineNumber,
          `this section header repeats the one on line ${sectionLines[earlier]} (a section may appear only once)`,
        );
      }
      if (name === DEFAULT_SECTION) {
        section = DEFAULTS;
      } else {
        section = String(sections.length);
        sectionIndex.set(name, sections.length);
        sections.push(name);
        sectionLines.push(lineNumber);
      }
      option = undefined;
      continue;
    }
    if (section === undefined) {
      throw new StoredTokensSyntaxError(
        lineNumber,
        lineNumber === 1 && stripped.charCodeAt(0) === 0xfeff
          ? "the file starts with a byte-order mark (BOM) before the first [section] header"
          : "this line comes before the first [section] header",
      );
    }
    const delimiter = firstDelimiter(stripped);
    if (delimiter < 0) {
      throw new StoredTokensSyntaxError(
        lineNumber,
        "this line has no `=` or `:` (expected `hf_token = <token>`)",
      );
    }
    const key = pythonRstrip(stripped.slice(0, delimiter));
    if (key === "")
      throw new StoredTokensSyntaxError(lineNumber, "this line has no key before its `=` or `:`");
    const id = `${section}:${key.toLowerCase()}`;
    const earlier = options.get(id);
    if (earlier !== undefined) {
      throw new StoredTokensSyntaxError(
        lineNumber,
        `this key repeats the one on line ${earlier.line} in the same section (keys are case-insensitive)`,
      );
    }
    option = [pythonStrip(stripped.slice(delimiter + 1))];
    options.set(id, { line: lineNumber, parts: option });
  }

  const value = (id: string) => {
    const entry = options.get(id);
    return entry === undefined ? undefined : pythonRstrip(entry.parts.join("\n"));
  };
  return {
    sections,
    get(name: string, key: string): string | undefined {
      const index = sectionIndex.get(name);
      if (index === undefined) return undefined;
      const lower = key.toLowerCase();
      return value(`${index}:${lower}`) ?? value(`${DEFAULTS}:${lower}`);
    },
  };
}

/**
 * The tokens of a `stored_tokens` file, as `huggingface_hub.utils._auth.get_stored_tokens()` returns them:
 * section name → raw `hf_token` value (the section's own, else `[DEFAULT]`'s, else `""`), in file order.
 * Throws {@link StoredTokensSyntaxError} where huggingface_hub would return `{}`.
 *
 * @example
 * parseStoredTokens("[ci-read]\nhf_token = <token>\n").get("ci-read");
 */
export function parseStoredTokens(text: string): ReadonlyMap<string, string> {
  const ini = parseIni(text.replace(/\r\n?/g, "\n"));
  return new Map(ini.sections.map((name) => [name, ini.get(name, "hf_token") ?? ""] as const));
}

function isPythonSpace(char: string): boolean {
  return pythonStrip(char) === "";
}

function firstNonSpace(line: string): number {
  let index = 0;
  while (index < line.length && isPythonSpace(line[index]!)) index++;
  return index;
}

function pythonRstrip(text: string): string {
  let end = text.length;
  while (end > 0 && isPythonSpace(text[end - 1]!)) end--;
  return text.slice(0, end);
}

function firstDelimiter(text: string): number {
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (char === 0x3d || char === 0x3a) return index;
  }
  return -1;
}
