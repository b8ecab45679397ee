/** Where a key appears in an env file, for messages: the values always come from dotenv's parser. */
export interface KeyLines {
  /** 1-based lines that assign the key (`KEY=`, `export KEY =`, `KEY: `). */
  readonly assignments: readonly number[];
  /** 1-based lines that start with the key but are not an assignment dotenv reads (e.g. `HF_TOKEN hf_...`). */
  readonly malformed: readonly number[];
}

const WHITESPACE = /\s/;

/**
 * Finds the lines of an env file that mention `key` at their start, for line numbers in warnings and errors
 * (duplicates, unterminated quotes, a line dotenv ignores). A lint, not a parser: it never decides a value. A
 * line inside a multi-line quoted value may be counted; messages say "line N" as a pointer, nothing more.
 * Linear in the size of the text.
 */
export function findKeyLines(text: string, key: string): KeyLines {
  const assignments: number[] = [];
  const malformed: number[] = [];
  const lines = text.split(/\r\n?|\n/);
  for (let index = 0; index < lines.length; index++) {
    let rest = lines[index]!.trimStart();
    if (rest.startsWith("export") && WHITESPACE.test(rest.charAt(6))) {
      const afterExport = rest.slice(6).trimStart();
      if (afterExport.startsWith(key)) rest = afterExport;
    }
    if (!rest.startsWith(key)) continue;
    const after = rest.slice(key.length);
    if (/^[\w.-]/.test(after)) continue;
    const tail = after.replace(/^[ \t]*/, "");
    if (
      tail.startsWith("=") ||
      (after.startsWith(":") && (after.length === 1 || WHITESPACE.test(after.charAt(1))))
    ) {
      assignments.push(index + 1);
    } else {
      malformed.push(index + 1);
    }
  }
  return { assignments, malformed };
}
