/** One `KEY=value` line of a .env file, with the position of its value. */
export interface EnvFileAssignment {
  readonly key: string;
  /** The value without quotes or a trailing comment. */
  readonly value: string;
  /** 1-based line and column of the value. */
  readonly line: number;
  readonly column: number;
}

const EXAMPLE_SUFFIXES = [".example", ".sample", ".template", ".dist", ".defaults", ".tpl"];

/** `.env`, `.env.*` and `*.env` files. */
export function isEnvFileName(name: string): boolean {
  return name === ".env" || name.startsWith(".env.") || (name.endsWith(".env") && name.length > 4);
}

/** `.env.example`, `.env.sample`, ...: committed on purpose, holding placeholders. */
export function isEnvExampleName(name: string): boolean {
  return EXAMPLE_SUFFIXES.some((suffix) => name.endsWith(suffix));
}

/**
 * Reads the single-line `KEY=value` assignments of a .env file (optionally `export KEY=value`), the way the
 * `dotenv` parser reads them: quotes are removed, an unquoted value ends at ` #`. Multi-line values are read
 * up to the end of their first line, which is enough to tell whether a value is set.
 */
export function parseEnvAssignments(text: string): EnvFileAssignment[] {
  const result: EnvFileAssignment[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    const match = /^(\s*(?:export\s+)?)([A-Za-z_][A-Za-z0-9_.-]*)(\s*=\s*)(.*)$/.exec(line);
    if (!match) return;
    const key = match[2]!;
    const raw = match[4]!;
    let column = match[1]!.length + key.length + match[3]!.length + 1;
    let value: string;
    const quote = raw[0];
    if (quote === '"' || quote === "'" || quote === "`") {
      const end = raw.indexOf(quote, 1);
      value = end === -1 ? raw.slice(1) : raw.slice(1, end);
      column += 1;
    } else {
      const comment = raw.search(/\s#/);
      value = (comment === -1 ? raw : raw.slice(0, comment)).trim();
    }
    result.push({ key, value, line: index + 1, column });
  });
  return result;
}
