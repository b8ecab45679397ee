import { SecretProviderError } from "./errors.js";

/** The type of one option in an {@link OptionsSchema}. */
export type OptionType = "string" | "number" | "boolean" | "string[]" | "object" | "unknown";

/** Describes one option: its type, whether it is required, its allowed values. */
export interface OptionSpec {
  readonly type: OptionType;
  readonly required?: boolean;
  /** Allowed values for a string option. */
  readonly enum?: readonly string[];
  /** For `number`: the smallest allowed value. */
  readonly min?: number;
  /** One line shown in errors and docs. */
  readonly description?: string;
}

/** Option name → spec. Keys not listed are rejected with a "did you mean" hint. */
export type OptionsSchema = Readonly<Record<string, OptionSpec>>;

/** Where a value being validated came from, for error messages. */
export interface ValidationSite {
  /** The config file, when there is one. */
  readonly file?: string | undefined;
  /** The path of the object inside the file, e.g. `environments.production.chain[1]`. */
  readonly path: string;
  /** The provider or component name for the error prefix; default `config`. */
  readonly provider?: string;
}

/**
 * Checks a plain object against a schema: unknown keys (with a suggestion), missing required keys, wrong
 * types. Throws `INVALID_CONFIGURATION` naming the file and the path of the bad field. Returns a copy with a
 * null prototype, so keys such as `__proto__` can never reach an object's prototype.
 */
export function validateOptions(
  value: unknown,
  schema: OptionsSchema,
  site: ValidationSite,
): Record<string, unknown> {
  if (!isPlainObject(value)) {
    throw configError(site, site.path, `must be an object, got ${describeType(value)}`);
  }
  const out: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(value)) {
    const spec = Object.hasOwn(schema, key) ? schema[key] : undefined;
    const fieldPath = joinPath(site.path, key);
    if (spec === undefined) {
      const hint = suggest(key, Object.keys(schema));
      throw configError(
        site,
        fieldPath,
        `is not a known option${hint ? ` (did you mean "${hint}"?)` : ""}. Known options: ${Object.keys(schema).join(", ") || "none"}`,
      );
    }
    const field = (value as Record<string, unknown>)[key];
    if (field === undefined) continue;
    checkType(field, spec, site, fieldPath);
    out[key] = field;
  }
  for (const [key, spec] of Object.entries(schema)) {
    if (spec.required && out[key] === undefined) {
      throw configError(
        site,
        joinPath(site.path, key),
        `is required${spec.description ? `: ${spec.description}` : ""}`,
      );
    }
  }
  return out;
}

/** Builds the error {@link validateOptions} throws, for checks a schema cannot express. */
export function configError(site: ValidationSite, path: string, problem: string): SecretProviderError {
  const where = site.file ? `${site.file}: ` : "";
  return new SecretProviderError({
    code: "INVALID_CONFIGURATION",
    provider: site.provider ?? "config",
    location: site.file,
    message: `${where}"${path}" ${problem}.`,
    fix: site.file ? `Edit "${path}" in ${site.file}.` : `Pass a valid "${path}".`,
  });
}

/** True for `{}`-like objects (not arrays, not class instances). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function checkType(field: unknown, spec: OptionSpec, site: ValidationSite, path: string): void {
  switch (spec.type) {
    case "string":
      if (typeof field !== "string")
        throw configError(site, path, `must be a string, got ${describeType(field)}`);
      if (spec.enum && !spec.enum.includes(field)) {
        throw configError(site, path, `must be one of ${spec.enum.map((v) => `"${v}"`).join(", ")}`);
      }
      return;
    case "number":
      if (typeof field !== "number" || Number.isNaN(field)) {
        throw configError(site, path, `must be a number, got ${describeType(field)}`);
      }
      if (spec.min !== undefined && field < spec.min) throw configError(site, path, `must be >= ${spec.min}`);
      return;
    case "boolean":
      if (typeof field !== "boolean")
        throw configError(site, path, `must be true or false, got ${describeType(field)}`);
      return;
    case "string[]":
      if (!Array.isArray(field) || field.some((item) => typeof item !== "string")) {
        throw configError(site, path, `must be an array of strings, got ${describeType(field)}`);
      }
      if (spec.enum) {
        const bad = (field as string[]).find((item) => !spec.enum!.includes(item));
        if (bad !== undefined) {
          throw configError(
            site,
            path,
            `contains "${bad}"; allowed: ${spec.enum.map((v) => `"${v}"`).join(", ")}`,
          );
        }
      }
      return;
    case "object":
      if (!isPlainObject(field))
        throw configError(site, path, `must be an object, got ${describeType(field)}`);
      return;
    case "unknown":
      return;
  }
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function joinPath(base: string, key: string): string {
  const safe = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key).slice(0, 60);
  return base ? `${base}.${safe}` : safe;
}

function suggest(key: string, known: readonly string[]): string | undefined {
  if (key.length > 64) return undefined;
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = levenshtein(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
